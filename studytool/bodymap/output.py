"""Find the entry a user names, convert a map to PNG, and write files atomically."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from studytool.atomic import write_atomic
from studytool.errors import Diagnostic, InputError, Location, UserError, did_you_mean
from studytool.model import Entry, KnowledgeBase
from studytool.textnorm import normalize


def find_entry(kb: KnowledgeBase, key: str) -> Entry:
    """The entry whose id, name or alias is `key` (case-insensitive); else a `UserError`."""
    for entry in kb.entries:
        if key == entry.id:
            return entry
    wanted = normalize(key)
    for entry in kb.entries:
        if wanted in {normalize(entry.id), normalize(entry.name), *map(normalize, entry.aliases)}:
            return entry
    ids = [e.id for e in kb.entries]
    raise UserError(f"unknown entry '{key}'{did_you_mean(key, ids)}; entries: {', '.join(ids)}")


def entry_map(src: str | os.PathLike[str], key: str) -> tuple[Entry, str]:
    """Load `src`, find the entry `key` names, and draw its map.

    An entry whose pattern is not fully coded has no map: an `InputError` with its located
    W102 problems (the sites its text names without region ids), raised as errors.
    """
    from studytool.bodymap.render import render_map
    from studytool.source import load_kb

    kb, diags = load_kb(src, strict=True)
    if errors := [d for d in diags if d.is_error]:
        raise InputError(errors)
    entry = find_entry(kb, key)
    if not entry.referral_complete:
        gaps = [
            dataclasses.replace(d, severity="error", message=f"{entry.id} has no body map yet: {d.message}")
            for d in diags
            if d.code == "W102" and d.location.path == entry.path
        ]
        raise InputError(gaps or [Diagnostic(Location(entry.path), "W102", "; ".join(entry.referral_gaps()))])
    return entry, render_map(entry)


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """Rasterise an SVG with cairosvg (optional dependency); `UserError` when it is missing."""
    try:
        import cairosvg  # type: ignore[import-untyped]
    except ImportError as exc:  # the optional dependency, or the cairo library under it
        raise UserError(
            f"PNG output needs cairosvg and the cairo library ({exc}); "
            "install with 'pip install cairosvg', or write an .svg instead"
        ) from None
    data: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
    return data


def map_bytes(entry_svg: str, out: Path) -> bytes:
    """The bytes to write for `out`, chosen by its suffix (.svg or .png)."""
    suffix = out.suffix.lower()
    if suffix == ".svg":
        return entry_svg.encode("utf-8")
    if suffix == ".png":
        return svg_to_png(entry_svg)
    raise UserError(f"cannot write '{out.name}': use a .svg or .png file name")


def write_map(path: Path, data: bytes) -> None:
    """Write a map atomically; a missing folder is a user error, not created silently."""
    if not path.parent.is_dir():  # a bare file name's parent is "."
        raise UserError(f"folder not found: {path.parent}")
    write_atomic(path, data)
