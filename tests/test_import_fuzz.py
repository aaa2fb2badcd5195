"""Property tests: no text makes the importer raise, and whatever it emits loads cleanly."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studytool.importer import check_yaml, dump_entry, parse_page
from studytool.importer.sections import HEADINGS
from tests.conftest import run_cli

EXAMPLES = int(os.environ.get("STUDYTOOL_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PAGE_TOKENS = [
    *(spelling.title() for spellings in HEADINGS.values() for spelling in spellings[:1]),
    "Name: Teres Minor", "Area: Back of the shoulder.", "Origin: Scapula",
    "Innervation: Axillary nerve (C5–C6)", "Muscle | Origin | Insertion | Innervation |", "---|---|---|---|",
    "| a | b | c | d (L4-S1) |", "|", "||", "Label: text (note)", "(", ")", "((", ": ", ":", "•", "- ", "* ",
    "**", "**Bold:** x", "# ", "## ", "### x", "➡️ Learn more", "The outer hip and thigh",
    "this muscle is mistaken for x.", "include:", "\r\n", "\n", "\r", "\t", "  ", "\ufeff", "\u2028", "\x85",
    "\x00", "\x1b[31m", "'", '"', "#", "---", "...", "&a", "*a", "!!str", "{", "}", "[", "]", "|", ">-", "%",
    "@", "`", "é", "😀", "\u200b", "?", ",", "~", "null", "yes", "1e3",
]  # fmt: skip

page_text = st.lists(st.one_of(st.sampled_from(PAGE_TOKENS), st.text(max_size=30)), max_size=60).map("".join)
page_lines = st.lists(st.one_of(st.sampled_from(PAGE_TOKENS), st.text(max_size=40)), max_size=40).map(
    "\n".join
)


def _assert_sane(text: str) -> None:
    data, diags = parse_page(text, "page.txt")
    for d in diags:
        assert d.location.path == "page.txt" and d.location.line >= 1 and d.location.col >= 1
    if data is None:
        assert any(d.is_error for d in diags)
        return
    assert not any(d.is_error for d in diags)
    emitted = dump_entry(data, "header\nline two")
    assert check_yaml(emitted, "x.yaml", str(data["id"])) == [], emitted
    assert yaml.safe_load(emitted) == data


@FUZZ
@given(st.text())
def test_parse_page_never_raises_on_any_text(text: str) -> None:
    _assert_sane(text)


@FUZZ
@given(page_text)
def test_parse_page_on_page_like_noise(text: str) -> None:
    _assert_sane(text)


@FUZZ
@given(page_lines)
def test_parse_page_on_shuffled_page_lines(text: str) -> None:
    _assert_sane(text)


@FUZZ
@given(st.text(max_size=300))
def test_emitter_round_trips_any_string(value: str) -> None:
    text = " ".join(value.split())
    if not text:
        return
    data = {"id": "x", "name": text, "notes": [text, text * 3]}
    assert yaml.safe_load(dump_entry(data)) == data


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), page_lines.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_cli_never_shows_a_traceback(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.txt"
        page.write_bytes(raw)
        out = Path(tmp) / "cards"
        code, _, stderr = run_cli("import", str(page), "--out", str(out))
        assert code in (0, 1), stderr
        assert "Traceback" not in stderr and "internal error" not in stderr
        if code == 1:
            assert not out.exists()
        else:
            assert run_cli("check", str(out))[0] == 0
