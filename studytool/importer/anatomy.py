"""The 'Anatomy and Innervation' table (pipe table, with or without outer pipes) or labelled lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studytool.importer.items import sentence_case, split_label
from studytool.importer.lines import Line
from studytool.importer.sections import heading_words
from studytool.textnorm import normalize, segments_text, spinal_segments

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
    "innervated by": "innervation",
    "motor nerve": "innervation",
    "proximal attachment": "origin",
    "proximal attachments": "origin",
    "attachment proximal": "origin",
    "distal attachment": "insertion",
    "distal attachments": "insertion",
    "attachment distal": "insertion",
    **dict.fromkeys(
        ("levels", "spinal levels", "spinal level", "nerve roots", "nerve root", "roots", "root", "segments"),
        "levels",
    ),
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
    nerve = _ROOT_WORDS.sub("", m.group("nerve")).strip(" ,;:(")
    return nerve or m.group("nerve").strip(" ,;:("), spinal_levels(next(g for g in m.groups()[1:] if g))


_ROOT_WORDS = re.compile(
    r"[\s,;:(]*(?:\b(?:from|via)\s+)?(?:\bthe\s+)?\b(?:spinal\s+)?(?:nerve\s+)?(?:roots?|segments?|levels?)\s*$",
    re.IGNORECASE,
)


def spinal_levels(text: str) -> str:
    """Levels in the range form: 'S1, S2', 'S1-2', 'L4 to S1' -> 'S1–S2', 'S1–S2', 'L4–S1'."""
    segments = spinal_segments(text)
    return segments_text(segments) if segments else " ".join(text.split())


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
        if column in ("origin", "insertion", "innervation", "levels") and not getattr(out, _field(column)):
            _set(out, column, text)
        else:
            out.prose.append(line)
    if header is not None and rows:
        wanted = heading_words(muscle)
        chosen = next(
            (r for r in rows if "muscle" in header and wanted and _cell(header, r[1], "muscle") == wanted),
            rows[0],
        )
        for column in ("origin", "insertion", "innervation", "levels"):
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
        out.nerve, levels = split_innervation(text)
        out.levels = out.levels or levels
    elif column == "levels":
        out.levels = spinal_levels(text.rstrip("."))
    else:
        setattr(out, column, text.rstrip("."))


def _cell(header: list[str], cells: list[str], column: str, *, raw: bool = False) -> str:
    if column not in header:
        return ""
    i = header.index(column)
    if i >= len(cells):
        return ""
    return cells[i] if raw else heading_words(cells[i])


# Attachment wording: parts joined by these, landmarks named by these head words.
_JOINS = re.compile(r"\s*(?:[,;]|&|\b(?:and|via|by way of|through|then|plus|as well as)\b)\s*", re.IGNORECASE)
_OF = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
_NAMED = frozenset(
    {
        "tuberosity", "tubercle", "condyle", "epicondyle", "trochanter", "crest", "line", "process",
        "spine", "malleolus", "tendon", "aponeurosis", "fascia", "membrane", "ligament",
        "retinaculum", "septum", "cuneiform", "metatarsal", "phalanx", "phalange"
    }
)  # fmt: skip
# Landmarks that name no bone on their own: 'head' (of what?), 'lateral condyle'.
_BARE = frozenset(
    {
        "head", "neck", "shaft", "body", "base", "condyle", "epicondyle", "tubercle", "tuberosity",
        "crest", "process", "spine"
    }
)  # fmt: skip
_POSITIONAL = frozenset(
    {
        "upper", "lower", "proximal", "distal", "middle", "anterior", "posterior", "medial",
        "lateral", "outer", "inner", "deep", "superficial", "superior", "inferior", "plantar",
        "dorsal", "surface", "surfaces", "border", "borders", "aspect", "margin", "part", "portion",
        "end", "half", "halves", "third", "thirds", "two-thirds", "quarter", "first", "second",
        "fourth", "fifth", "one", "two", "three", "four", "five", "the", "a", "an"
    }
)  # fmt: skip


def structure_aliases(text: str) -> list[str]:
    """Other right answers for an attachment: its bones and named landmarks.

    'Calcaneus via the Achilles tendon' -> ['calcaneus', 'Achilles tendon'];
    'Greater trochanter of the femur' -> ['greater trochanter', 'femur'].
    """
    asides = re.findall(r"\(([^()]*)\)", text)
    parts: list[str] = []
    for p in _JOINS.split(re.sub(r"\([^()]*\)", " ", text)):
        if parts and _all_positional(parts[-1]):
            parts[-1] = f"{parts[-1]} and {p}"  # 'Medial and lateral condyles of the femur'
        elif p.strip():
            parts.append(_strip_article(p))
    found: list[str] = []
    for i, part in enumerate(parts):
        segs = _OF.split(part)
        if _all_positional(segs[-1]):
            continue  # 'bases of the second' (and third metatarsals): no bone of its own
        later = next((_OF.split(p)[-1] for p in parts[i + 1 :] if len(_OF.split(p)) > 1), "")
        if len(segs) == 1 and _head(part) in _BARE and later:
            segs = [part, later]  # 'Head and upper third of the fibula': the head of the fibula
        found.extend(" of the ".join(segs[j:]) for j in range(len(segs)))
        found.extend(" of the ".join(segs[:j]) for j in range(1, len(segs)) if _head(segs[j - 1]) in _NAMED)
    for aside in asides:
        found.extend(a for a in map(_strip_article, _JOINS.split(aside)) if _head(a) in _NAMED)
    out: dict[str, str] = {}
    whole = normalize(text)
    for alias in found:
        alias = sentence_case(" ".join(alias.split()).strip(" .,;:"), first=False)
        key = normalize(alias)
        if key and key != whole and not _all_positional(alias) and key not in out:
            out[key] = alias
    return list(out.values())


def _strip_article(text: str) -> str:
    return re.sub(r"^\s*(?:the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)


def _head(text: str) -> str:
    words = re.findall(r"[a-z]+", text.lower())
    return words[-1].removesuffix("s") if words and words[-1] != "process" else (words[-1] if words else "")


def _all_positional(text: str) -> bool:
    return all(w in _POSITIONAL for w in re.findall(r"[a-z-]+", text.lower()))
