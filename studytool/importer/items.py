"""One list line -> label, text and trailing parenthesised note; lead and closing sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studytool.importer.lines import Line
from studytool.textnorm import fold

_LABEL = re.compile(r"^(?P<label>[^:()]{1,80}?)\s*[:：]\s+(?P<text>\S.*)$")
_TRAILING_NOTE = re.compile(r"^(?P<text>.*?\S)\s*\((?P<note>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*[.;,]?$")
_REFERS_BACK = re.compile(
    r"\b(?:this muscle|these (?:conditions|muscles|symptoms|trigger points|factors)|"
    r"the muscle|a (?:thorough|comprehensive|careful) )",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedItem:
    """A list line split into an optional label, its text and an optional note."""

    text: str
    label: str = ""
    note: str = ""
    line: Line | None = None


def _tidy(text: str) -> str:
    """Trim spaces and one trailing full stop or semicolon; keep other punctuation."""
    text = " ".join(text.split())
    return re.sub(r"\s*[.;,]$", "", text).strip() if not text.endswith("..") else text


def split_note(text: str) -> tuple[str, str]:
    """'Pain (mistaken for bursitis).' -> ('Pain', 'mistaken for bursitis')."""
    m = _TRAILING_NOTE.match(text.strip())
    if not m or not m.group("note").strip():
        return _tidy(text), ""
    return _tidy(m.group("text")), _tidy(m.group("note"))


def split_label(text: str) -> tuple[str, str]:
    """'Palpation: Feel for nodules.' -> ('Palpation', 'Feel for nodules.'); else ('', text)."""
    m = _LABEL.match(text)
    if not m or len(m.group("label").split()) > 12:
        return "", text
    return m.group("label").strip(), m.group("text").strip()


def parse_item(line: Line) -> ParsedItem:
    """Split one line into label, text and note."""
    label, rest = split_label(line.text)
    text, note = split_note(rest)
    if not text and note:
        text, note = note, ""
    if label and not text:
        text, label = label, ""
    return ParsedItem(_tidy(text) or _tidy(line.text) or line.text.strip(), _tidy(label), note, line)


def is_lead(line: Line) -> bool:
    """A sentence that introduces a list: 'Common causes ... include:'."""
    return line.text.rstrip().endswith((":", "：")) and not line.bullet


def is_closing(line: Line, muscle: str) -> bool:
    """A sentence that sums up a list rather than adding an item to it."""
    text = line.text.strip()
    if line.bullet or not text.endswith((".", "!")) or len(text.split()) < 6:
        return False
    if split_label(text)[0]:
        return False
    words = " ".join(re.findall(r"[a-z0-9]+", fold(text)))
    name = " ".join(re.findall(r"[a-z0-9]+", fold(muscle)))
    return bool(_REFERS_BACK.search(text)) or bool(name and f" {name} " in f" {words} ")
