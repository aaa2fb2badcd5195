"""The 'Anatomy and Innervation' table (pipe table, with or without outer pipes) or labelled lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studytool.importer.items import split_label
from studytool.importer.lines import Line
from studytool.importer.sections import heading_words

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LEVEL = r"[CTLS]\d{1,2}"
_LEVELS = rf"({_LEVEL}(?:\s*(?:[-–—,/&]|to|and)\s*(?:{_LEVEL}|\d{{1,2}}))*)"
_NERVE_LEVELS = re.compile(
    rf"^(?P<nerve>.*?)[\s,;:]*(?:\(\s*(?:ventral rami(?: of)?\s*)?{_LEVELS}\s*\)|{_LEVELS})"
    r"\s*[.;,]?$",
    re.IGNORECASE,
)

COLUMNS = {
    "origin": "origin",
    "origins": "origin",
    "insertion": "insertion",
    "insertions": "insertion",
    "innervation": "innervation",
    "nerve": "innervation",
    "nerve supply": "innervation",
    "muscle": "muscle",
    "name": "muscle",
}


@dataclass
class Anatomy:
    """What the anatomy section yielded, plus the lines it could not use."""

    origin: str = ""
    insertion: str = ""
    nerve: str = ""
    levels: str = ""
    extra_rows: list[Line] = field(default_factory=list)
    prose: list[Line] = field(default_factory=list)


def split_cells(text: str) -> list[str]:
    """Cells of a pipe-table row, with or without the outer pipes."""
    body = text.strip()
    body = body.removeprefix("|").removesuffix("|")
    return [" ".join(c.split()) for c in body.split("|")]


def split_innervation(text: str) -> tuple[str, str]:
    """'Superior gluteal nerve (L4–S1)' -> ('Superior gluteal nerve', 'L4–S1')."""
    m = _NERVE_LEVELS.match(text.strip())
    if not m or not m.group("nerve").strip(" ,;:("):
        return text.strip().rstrip("."), ""
    nerve = m.group("nerve").strip(" ,;:(")
    raw = next(g for g in m.groups()[1:] if g)
    levels = re.sub(r"\s*[-–—]\s*|\s+to\s+", "–", raw.strip(), flags=re.IGNORECASE)
    levels = re.sub(r"\s*,\s*", ", ", levels)
    return nerve, levels.upper().replace(" AND ", " and ")


def parse_anatomy(lines: list[Line], muscle: str) -> Anatomy:
    """Read the anatomy table (or 'Origin: ...' lines); everything else is prose."""
    out = Anatomy()
    header: list[str] | None = None
    rows: list[tuple[Line, list[str]]] = []
    for line in lines:
        if "|" in line.text:
            if _SEPARATOR.match(line.text):
                continue
            cells = split_cells(line.text)
            names = [COLUMNS.get(heading_words(c), "") for c in cells]
            if header is None and sum(bool(n) for n in names) >= 2:
                header = names
                continue
            if header is not None:
                rows.append((line, cells))
                continue
        label, text = split_label(line.text)
        column = COLUMNS.get(heading_words(label)) if label else None
        if column in ("origin", "insertion", "innervation") and not getattr(out, _field(column)):
            _set(out, column, text)
        else:
            out.prose.append(line)
    if header is not None and rows:
        wanted = heading_words(muscle)
        chosen = next(
            (r for r in rows if "muscle" in header and wanted and _cell(header, r[1], "muscle") == wanted),
            rows[0],
        )
        for column in ("origin", "insertion", "innervation"):
            value = _cell(header, chosen[1], column, raw=True)
            if value and not getattr(out, _field(column)):
                _set(out, column, value)
        out.extra_rows = [r[0] for r in rows if r is not chosen]
    return out


def _field(column: str) -> str:
    return "nerve" if column == "innervation" else column


def _set(out: Anatomy, column: str, text: str) -> None:
    text = " ".join(text.split())
    if column == "innervation":
        out.nerve, out.levels = split_innervation(text)
    else:
        setattr(out, column, text.rstrip("."))


def _cell(header: list[str], cells: list[str], column: str, *, raw: bool = False) -> str:
    if column not in header:
        return ""
    i = header.index(column)
    if i >= len(cells):
        return ""
    return cells[i] if raw else heading_words(cells[i])
