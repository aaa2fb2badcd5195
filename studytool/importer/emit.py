"""A small YAML emitter for source entries: fixed key order, block style, readable scalars.

Only what entries hold is supported: mappings with string keys, lists, strings,
integers and booleans. Long texts are folded (`>-`) at word boundaries; anything YAML could
misread is double-quoted.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import yaml

WIDTH = 100

# Keys in the order a person reads an entry; unknown keys follow alphabetically.
ORDER = (
    "id",
    "name",
    "in_sentence",
    "plural",
    "order",
    "region",
    "area",
    "summary",
    "aliases",
    "anatomy",
    "origin",
    "insertion",
    "innervation",
    "nerve",
    "levels",
    "actions",
    "trigger_points",
    "referral",
    "differentials",
    "associated",
    "indications",
    "symptoms",
    "perpetuating",
    "examination",
    "treatment",
    "dry_needling",
    "manual_therapy",
    "stretches",
    "strengthening",
    "postural",
    "avoid",
    "sources",
    "media",
    "notes",
    # inside items
    "label",
    "condition",
    "ref",
    "text",
    "primary",
    "spillover",
    "coded",
    "distinguish",
    "note",
    "key",
    "image",
    "caption",
)
_RANK = {k: i for i, k in enumerate(ORDER)}
_BLOCK_SAFE = re.compile(r"^[^\s#\-?:,\[\]{}&*!|>'\"%@`].*[^\s]$|^[^\s#\-?:,\[\]{}&*!|>'\"%@`]$")
_PRINTABLE = re.compile("^[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")
_BREAKS = "\r\n\x85\u2028\u2029"


def _ordered(mapping: dict[str, Any], top: bool) -> list[tuple[str, Any]]:
    """Keys in reading order; below the top level, a structure's aliases follow its text."""

    def rank(key: str) -> float:
        if key == "aliases" and not top:
            return _RANK["text"] + 0.5
        return _RANK.get(key, len(_RANK))

    return sorted(mapping.items(), key=lambda kv: (rank(kv[0]), kv[0]))


def _plain_ok(text: str) -> bool:
    """True when `text` reads back as the same string without quotes."""
    if not text or not _PRINTABLE.match(text) or "\n" in text or ": " in text or " #" in text:
        return False
    if text.endswith(":") or not _BLOCK_SAFE.match(text):
        return False
    try:
        return bool(yaml.safe_load(f"k: {text}") == {"k": text})
    except yaml.YAMLError:
        return False


def _quoted(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _PRINTABLE.match(ch) and ch not in _BREAKS:
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def scalar(value: Any, indent: int) -> str:
    """One scalar, after `key: ` or `- `; long single-line text becomes a folded block."""
    if value is None:
        raise TypeError("unsupported scalar None")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if (
        len(text) + indent > WIDTH
        and _PRINTABLE.match(text)
        and not any(b in text for b in _BREAKS)
        and text == " ".join(text.split())
        and not text.startswith(("#", " "))
    ):
        lines = textwrap.wrap(text, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
        pad = " " * (indent + 2)
        return ">-\n" + "\n".join(pad + line for line in lines)
    return text if _plain_ok(text) else _quoted(text)


def _emit(value: Any, indent: int, out: list[str], *, top: bool = False) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in _ordered(value, top):
            if top and isinstance(item, (dict, list)) and out and out[-1] != "":
                out.append("")
            if isinstance(item, dict):
                out.append(f"{pad}{key}:")
                _emit(item, indent + 2, out)
            elif isinstance(item, list):
                out.append(f"{pad}{key}:" if item else f"{pad}{key}: []")
                _emit(item, indent + 2, out)
            else:
                out.append(f"{pad}{key}: {scalar(item, indent)}")
        return
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                first = len(out)
                _emit(item, indent + 2, out)
                out[first] = f"{pad}- " + out[first][indent + 2 :]
            elif isinstance(item, list):
                raise TypeError("nested lists are not part of the entry format")
            else:
                out.append(f"{pad}- {scalar(item, indent + 2)}")
        return
    raise TypeError(f"cannot emit {type(value).__name__} at the top level")


def dump_entry(data: dict[str, Any], header: str = "") -> str:
    """The YAML text of one entry, with an optional comment header."""
    out: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
    _emit(data, 0, out, top=True)
    return "\n".join(out) + "\n"
