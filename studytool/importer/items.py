"""One list line -> label, text and trailing parenthesised note; lead and closing sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studytool.importer.lines import Line
from studytool.textnorm import fold

_LABEL = re.compile(r"^(?P<label>[^:()]{1,80}?)\s*[:：]\s+(?P<text>\S.*)$")
_TRAILING_NOTE = re.compile(r"^(?P<text>.*?\S)\s*\((?P<note>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*[.;,]?$")
_REFERS_BACK = re.compile(
    r"\b(?:this muscle|the muscle|these|those|such (?:factors|conditions|causes|problems)|the above|"
    r"all of (?:these|them)|a (?:thorough|comprehensive|careful) |"
    r"should (?:all )?be (?:addressed|considered|ruled out|excluded|corrected|treated|managed)|"
    r"(?:it is|it's) (?:important|essential|vital|worth))",
    re.IGNORECASE,
)
# Names that keep their capital in sentence case (acronyms and 'McMurray' keep theirs anyway).
PROPER = frozenset(
    {
        "achilles", "travell", "simons", "mcmurray", "trendelenburg", "thomas", "ober", "thompson",
        "morton", "tinel", "homans", "lachman", "baker", "sever", "patrick", "gray", "kemp",
        "faber", "simmonds"
    }
)  # fmt: skip
_SMALL = frozenset(
    {
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
        "to", "up", "via", "with"
    }
)  # fmt: skip


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


def _lower(word: str) -> str:
    """A capitalised word in lower case, unless it is a name ('Achilles', "Morton's") or an acronym."""
    parts = word.split("-")
    for i, part in enumerate(parts):
        core = re.sub(r"['’]s$", "", part).strip("()[],.;:")
        if core[:1].isupper() and core[1:].islower() and core.lower() not in PROPER:
            parts[i] = part.lower()
    return "-".join(parts)


def sentence_case(text: str, *, first: bool = True) -> str:
    """'Side-Lying Hip Abductions' -> 'Side-lying hip abductions'; TFL, SI, Achilles keep capitals.

    With `first=False` the first word is lowered too (for aliases: 'Calcaneus' -> 'calcaneus').
    """
    words = text.split()
    if not words:
        return text
    head = words[0] if first else _lower(words[0])
    if first and "-" in head:
        head = head.split("-", 1)[0] + "-" + _lower(head.split("-", 1)[1])
    return " ".join([head, *map(_lower, words[1:])])


def is_title_case(text: str) -> bool:
    """True for 'Hip Abduction Strength Testing' or 'Abducts the Hip', not for a sentence."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’]*", text) if w.lower() not in _SMALL]
    return len(words) >= 2 and all(w[0].isupper() for w in words)


def label_case(text: str) -> str:
    """A Title Case label in sentence case; any other label unchanged."""
    return sentence_case(text) if is_title_case(text) else text


def parse_item(line: Line) -> ParsedItem:
    """Split one line into label (in sentence case), text and note."""
    label, rest = split_label(line.text)
    label = label_case(label)
    text, note = split_note(rest)
    if not text and note:
        text, note = note, ""
    if label and not text:
        text, label = label, ""
    return ParsedItem(_tidy(text) or _tidy(line.text) or line.text.strip(), _tidy(label), note, line)


def is_lead(line: Line) -> bool:
    """A sentence that introduces a list: 'Common causes ... include:'."""
    return line.text.rstrip().endswith((":", "：")) and not line.bullet


def is_closing(line: Line, muscle: str, *, after_bullets: bool = False) -> bool:
    """A sentence that sums up a list rather than adding an item to it.

    `after_bullets`: the list's items are bulleted, so a plain sentence after them closes it.
    """
    text = line.text.strip()
    if line.bullet or not text.endswith((".", "!")) or len(text.split()) < 6:
        return False
    if split_label(text)[0]:
        return False
    if after_bullets:
        return True
    words = " ".join(re.findall(r"[a-z0-9]+", fold(text)))
    name = " ".join(re.findall(r"[a-z0-9]+", fold(muscle)))
    return bool(_REFERS_BACK.search(text)) or bool(name and f" {name} " in f" {words} ")
