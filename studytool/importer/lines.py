"""Reading a page and cleaning its lines: bullets, Markdown marks, decorations, stray bytes.

Every cleaned line keeps its 1-based line number and the column where its content
starts, so warnings can point at the original document.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from studytool.errors import Diagnostic, Location
from studytool.safeio import UnsafeRead, read_regular

MAX_BYTES = 1024 * 1024
MAX_LINE = 2000

_NEWLINE = re.compile(r"\r\n|\r|\n")
_MD_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(?:[•·▪◦‣●○■□►▸➤✓✔]\s*|[-*+–—]\s+|\d{1,2}[.)]\s+|[a-z][.)]\s+)")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"\[([^\[\]]+)\]\((?:[^()\s]+)\)")
_LABEL_COLON = re.compile(r"^([^:]{1,80}?)\s*:\s*:")  # '**Label:**:' artefacts after bold removal
_DECORATION = re.compile(
    r"(?:^|\s)(?:[➡→👉⇒»▶►⮕🔗📖]\ufe0f?\s*)+(?:(?:learn|read|see|find out|click|discover)\b.*)?$"
    r"|^(?:learn|read|see|find out|click|discover) (?:more|here)\b.*$",
    re.IGNORECASE,
)
_HRULE = re.compile(r"^(?:[-*_=]\s*){3,}$")


@dataclass(frozen=True)
class Line:
    """One non-empty cleaned line of a page."""

    number: int
    col: int
    text: str
    raw: str
    md_level: int = 0  # 1..6 for a Markdown '#' heading
    bold_only: bool = False  # the whole line was bold (a likely heading)
    bullet: bool = False


def read_page(path: str, raw: bytes | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Decode a page as UTF-8 text; report empty, oversized, binary and mis-encoded files."""
    if raw is None:
        try:
            raw = read_regular(path, MAX_BYTES)
        except UnsafeRead as exc:
            return None, [Diagnostic(Location(path), "E602", str(exc))]
    if len(raw) > MAX_BYTES:
        return None, [Diagnostic(Location(path), "E602", f"file is larger than {MAX_BYTES:,} bytes")]
    if b"\0" in raw:
        line, col = _position(raw.decode("latin-1"), raw.index(b"\0"))
        return None, [
            Diagnostic(Location(path, line, col), "E602", "binary file (NUL byte); expected a text page")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw.decode("latin-1"), exc.start)
        return None, [
            Diagnostic(
                Location(path, line, col),
                "E602",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the page as UTF-8 text",
            )
        ]
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return None, [Diagnostic(Location(path), "E601", "file is empty; expected a trigger-point page")]
    return text, []


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _printable(text: str) -> str:
    """Drop control characters, surrogates and zero-width marks; tabs become spaces."""
    out = []
    for ch in text.replace("\t", " "):
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Co", "Cn") or ch in "\ufeff\u200b\u200c\u200d\u2028\u2029":
            continue
        out.append(" " if cat == "Zs" else ch)
    return "".join(out)


def clean_text(text: str) -> str:
    """Inline cleanup: Markdown emphasis and links, decorations, single spaces."""
    text = _LINK.sub(r"\1", text)
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = _ITALIC.sub(r"\1", text)
    text = _LABEL_COLON.sub(r"\1:", text)
    text = _DECORATION.sub("", text)
    return " ".join(text.split())


def split_lines(text: str) -> list[Line]:
    """The non-empty cleaned lines of a page (decoration-only lines are dropped)."""
    out: list[Line] = []
    for number, raw in enumerate(_NEWLINE.split(text), start=1):
        body = _printable(raw).rstrip()
        stripped = body.lstrip()
        if not stripped or _HRULE.match(stripped):
            continue
        col = len(body) - len(stripped) + 1
        if len(stripped) > MAX_LINE:  # reported by the caller; never fed to the regexes
            out.append(Line(number, col, stripped, raw))
            continue
        md_level = offset = 0
        heading = _MD_HEADING.match(stripped)
        if heading and (stripped.startswith("# ") or stripped.startswith("##") or heading.group(2) == ""):
            md_level = len(heading.group(1))
            offset = heading.start(2)
            stripped = heading.group(2)
        bullet = False
        if not md_level:
            mark = _BULLET.match(stripped)
            if mark and not stripped.startswith("**"):
                bullet = True
                offset = mark.end()
                stripped = stripped[mark.end() :]
        content_col = col + offset
        bold_only = bool(re.fullmatch(r"(\*\*|__)[^*_]+?\1\s*:?", stripped))
        cleaned = clean_text(stripped)
        if not cleaned:
            continue
        out.append(Line(number, max(content_col, 1), cleaned, raw, md_level, bold_only, bullet))
    return out


def join_wrapped(lines: list[Line]) -> list[Line]:
    """A list item wrapped onto indented lines ('- Long text' + '  continued') is one line.

    A line right under an item and indented at least as far as the item's text continues it;
    an unindented line after a list (a closing sentence) does not.
    """
    out: list[Line] = []
    end = 0  # the last line number that went into out[-1]
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.bullet
            and not (line.bullet or line.md_level)
            and line.number == end + 1
            and line.col >= prev.col
            and len(prev.text) + len(line.text) < MAX_LINE
        ):
            out[-1] = replace(prev, text=f"{prev.text} {line.text}")
        else:
            out.append(line)
        end = line.number
    return out
