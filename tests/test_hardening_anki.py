"""Anki markup in source text stays text: no live cloze, template field or media tag.

A name `X {{c9::SECRET}} Y` once became a real cloze deletion in list notes, and
`[sound:x.mp3]` a sound tag on every card. The deck is built from such an entry, imported into
a real Anki collection, and every card is rendered.
"""

from __future__ import annotations

from pathlib import Path

from studytool.anki import build_deck
from tests.test_anki_support import T1, copy_kb, edit, import_apkg, new_collection, plain

NAME = "Levator {{c9::SECRET}} scapulae [sound:x.mp3] {{Front}}"


def test_anki_syntax_in_text_is_shown_literally(tmp_path: Path) -> None:
    src = copy_kb(tmp_path / "kb")
    edit(src / "levator-scapulae.yaml", "name: Levator scapulae", f'name: "{NAME}"')
    edit(
        src / "levator-scapulae.yaml",
        "  - text: Elevates the scapula",
        "  - text: Elevates [anki:tts]it[/anki:tts]",
    )
    report = build_deck(src, tmp_path / "out", now=T1)
    col = new_collection(tmp_path / "anki")
    try:
        import_apkg(col, report.apkg)
        cards = [col.get_card(cid) for cid in col.find_cards("")]
        assert len(cards) == report.cards  # no extra card from a smuggled c9 deletion
        ords = {c.ord for c in cards}
        assert max(ords) < 9
        shown = " ".join(plain(c.question()) + plain(c.answer()) for c in cards)
        assert "{{c9::SECRET}}" in shown and "[sound:x.mp3]" in shown and "{{Front}}" in shown
        for card in cards:
            for text in (card.question(), card.answer()):
                assert "[sound:" not in text  # Anki turns a live tag into a play button
            assert not card.question_av_tags() and not card.answer_av_tags()
    finally:
        col.close()
