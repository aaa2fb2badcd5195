"""Field rendering: escaping, cloze markup, GUIDs identical to genanki's."""

from __future__ import annotations

import html

import genanki
from hypothesis import given
from hypothesis import strategies as st

from studytool.anki.render import GUID_NAMESPACE, cloze_text, esc, guid_for


@given(st.text(max_size=40))
def test_guid_matches_genanki(fact_id: str) -> None:
    assert guid_for(fact_id) == genanki.guid_for(GUID_NAMESPACE, fact_id)


@given(st.text(max_size=60))
def test_escaped_text_round_trips_and_has_no_separator(text: str) -> None:
    out = esc(text)
    assert "\x1f" not in out and "<" not in out.replace("<br>", "")
    expected = "".join(c for c in text.replace("\r\n", "\n").replace("\r", "\n") if c in "\n\t" or c >= " ")
    assert html.unescape(out.replace("<br>", "\n")) == expected.replace("\x7f", "")


def test_escape_keeps_spinal_level_brackets_visible() -> None:
    assert esc("C5 <C6 (dorsal scapular n.) > C4") == "C5 &lt;C6 (dorsal scapular n.) &gt; C4"


def test_cloze_items_cannot_break_cloze_syntax() -> None:
    text = cloze_text("Which?", ["a::hint", "b}}c", "{{c9::x}}"])
    assert text.count("{{c") == 3 and text.count("}}") == 3
    assert "{{c1::a&#58;&#58;hint}}" in text


@given(st.text(max_size=60))
def test_escape_is_html_escape_with_line_breaks(text: str) -> None:
    # esc inlines html.escape's replacements, and also turns the characters of Anki's template,
    # cloze and media syntax into entities; it must give the very same bytes as that recipe.
    cleaned = "".join(c for c in text.replace("\r\n", "\n").replace("\r", "\n") if c in "\n\t" or c >= " ")
    cleaned = cleaned.replace("\x7f", "")
    expected = html.escape(cleaned, quote=True).replace("\n", "<br>")
    expected = expected.replace("{", "&#123;").replace("}", "&#125;").replace("[", "&#91;")
    assert esc(text) == expected


def test_bad_tag_is_refused_even_after_good_tags_were_seen() -> None:
    import dataclasses

    import pytest

    from studytool.anki.render import render
    from studytool.errors import UserError
    from studytool.model import Fact

    good = Fact(id="m__area", entry="m", muscle="M", facet="area", kind="basic", question="Q?", answer="A")
    good = dataclasses.replace(good, tags=("TP::Facet::Area",))
    render(good, "g1")
    render(good, "g1")  # the tag is now known good
    with pytest.raises(UserError, match="whitespace"):
        render(dataclasses.replace(good, tags=("TP::Facet::Area", "bad tag")), "g2")
