"""Find, load and cross-check every source file of a knowledge base, in sorted order."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from studytool.distractors import POOL_REGIONS
from studytool.errors import Diagnostic, InputError, UserError, did_you_mean
from studytool.gcpause import paused_gc
from studytool.model import Associated, Entry, KnowledgeBase
from studytool.safeio import is_regular
from studytool.source.cache import CachedDocument, ParseCache
from studytool.source.schema import (
    SLUG,
    ListOf,
    Str,
    Validator,
    build_entry,
    strict_warnings,
    validate_entry,
)
from studytool.source.yamlload import Document, Located, decode_text, load_yaml, read_bytes

POOL_FILE = "_pool.yaml"


def source_files(src: str | os.PathLike[str]) -> list[Path]:
    """Entry files of a folder: `*.yaml` not starting with '_', sorted by name."""
    root = Path(src)
    if not root.is_dir():
        raise UserError(f"source folder not found: {root}")
    files = sorted(p for p in root.glob("*.yaml") if not p.name.startswith(("_", ".")))
    if not files:
        raise UserError(f"no source files (*.yaml) in {root}")
    return files


def load_kb(
    src: str | os.PathLike[str] = "cards_src", *, strict: bool = False
) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Load every entry; return the usable entries and all diagnostics (sorted)."""
    # Loading allocates many small acyclic objects; the cyclic GC only costs time here.
    with paused_gc():
        return _load_kb(src, strict)


def _load_kb(src: str | os.PathLike[str], strict: bool) -> tuple[KnowledgeBase, list[Diagnostic]]:
    files = source_files(src)
    diags: list[Diagnostic] = []
    loaded: list[tuple[Located, dict[str, Any]]] = []
    cache = ParseCache.open()
    for path in files:
        doc, data, problems = _load_file(str(path), path.name, path.stem, cache, Path(src))
        diags.extend(problems)
        if data is not None and "id" in data and "name" in data:
            loaded.append((doc, data))

    first: dict[str, Located] = {}
    for doc, data in loaded:
        other = first.get(data["id"])
        if other is not None:
            diags.append(
                Diagnostic(doc.loc(("id",)), "E015", f"duplicate id '{data['id']}' (also in {other.path})")
            )
        first.setdefault(data["id"], doc)
    names = {data["name"].lower(): data["id"] for _, data in loaded}

    entries: list[Entry] = []
    for order, (doc, data) in enumerate(loaded):
        diags.extend(_check_refs(doc, data, first))
        diags.extend(_check_media(doc, data, Path(src)))
        if strict:
            diags.extend(strict_warnings(doc, data, names))
        entries.append(build_entry(data, doc.path, order, doc))
    by_id = {e.id: e for e in entries}
    entries = [_resolve_names(e, by_id) for e in entries]
    if strict:  # the card linter reads the facts the entries become
        from studytool.questions.lint import lint_entry, lint_links, lint_repeats, lint_same_lists, lint_twice

        docs = {data["id"]: doc for doc, data in loaded}
        for e in entries:
            diags.extend(lint_entry(docs[e.id], e))
        diags.extend(lint_repeats(docs, entries) + lint_same_lists(docs, entries))
        diags.extend(lint_links(docs, entries) + lint_twice(docs, entries))
    entries.sort(key=lambda e: (e.order, e.id))
    pool, pool_diags = load_pool(Path(src) / POOL_FILE)
    diags.extend(pool_diags)
    kb = KnowledgeBase(str(src), tuple(entries), pool)
    return kb, sorted(diags, key=lambda d: (d.location, d.code))


def _load_file(
    path: str, name: str, stem: str, cache: ParseCache | None, root: Path
) -> tuple[Located, dict[str, Any] | None, list[Diagnostic]]:
    """Load and validate one entry file (inside `root`), through the parse cache when it is on."""
    doc = Document(path)
    raw = read_bytes(path, doc, root)
    if raw is None:
        return doc, None, doc.diagnostics
    key = cache.key(name, raw) if cache is not None else ""
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return CachedDocument(path, hit[0], hit[1]), hit[0], []
    text = decode_text(raw, doc)
    if text is None:
        return doc, None, doc.diagnostics
    doc = load_yaml(path, text)
    if doc.diagnostics and doc.data is None:
        return doc, None, doc.diagnostics
    data, problems = validate_entry(doc, stem)
    if cache is not None and data is not None and not doc.diagnostics and not problems:
        cache.put(key, data, doc)
    return doc, data, [*doc.diagnostics, *problems]


def load_kb_or_raise(src: str | os.PathLike[str] = "cards_src") -> KnowledgeBase:
    """Load the knowledge base, raising `InputError` when any error is found."""
    kb, diags = load_kb(src)
    errors = [d for d in diags if d.is_error]
    if errors:
        raise InputError(errors)
    return kb


def _check_refs(doc: Located, data: dict[str, Any], ids: dict[str, Located]) -> list[Diagnostic]:
    out = []
    for i, assoc in enumerate(data.get("associated", [])):
        ref = assoc.get("ref")
        if ref and ref not in ids:
            out.append(
                Diagnostic(
                    doc.loc(("associated", i, "ref")),
                    "E016",
                    f"'{ref}' is not an entry id{did_you_mean(ref, ids)}; "
                    "use 'name:' for a muscle without an entry",
                )
            )
        if ref and ref == data["id"]:
            out.append(
                Diagnostic(doc.loc(("associated", i, "ref")), "E016", "an entry cannot refer to itself")
            )
    return out


def _check_media(doc: Located, data: dict[str, Any], root: Path) -> list[Diagnostic]:
    media = data.get("media")
    if not media:
        return []
    rel = media["image"]

    def problem(message: str) -> list[Diagnostic]:
        return [Diagnostic(doc.loc(("media", "image")), "E019", message)]

    try:
        base = root.resolve()
        target = (root / rel).resolve()
        if os.path.isabs(rel) or (base not in target.parents):
            return problem(f"media path '{rel}' is outside the source folder")
        if not target.exists():
            return problem(f"media file '{rel}' not found")
        if not is_regular(target):
            return problem(f"media file '{rel}' is not a regular file")
    except (ValueError, OSError, RuntimeError) as exc:  # NUL byte, name too long, symlink loop
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return problem(f"media path '{rel[:80]}' is not a usable file name ({reason})")
    return []


def _resolve_names(entry: Entry, by_id: dict[str, Entry]) -> Entry:
    """Give referenced associated muscles the display name of their entry."""
    assoc = tuple(
        Associated(by_id[a.ref].name, a.ref, a.note) if a.ref in by_id else a for a in entry.associated
    )
    return dataclasses.replace(entry, associated=assoc)


POOL_SPEC = ListOf(Str())


def load_pool(path: Path) -> tuple[dict[str, tuple[str, ...]], list[Diagnostic]]:
    """The curated distractor pool: pool name (slug) -> region -> plausible wrong answers.

    A region mapping is flattened to ``name/region`` keys; the region must be one of
    ``distractors.POOL_REGIONS[name]`` (E018). A plain list (the old format) stays under ``name``.
    """
    if not path.exists() and not path.is_symlink():
        return {}, []
    doc = Document(str(path))
    raw = read_bytes(str(path), doc, path.parent)
    text = None if raw is None else decode_text(raw, doc)
    if text is None:
        return {}, doc.diagnostics
    doc = load_yaml(str(path), text)
    if doc.data is None:
        return {}, doc.diagnostics
    v = Validator(doc, list(doc.diagnostics))
    if not isinstance(doc.data, dict):
        v.error((), "E009", "the pool file must hold a mapping of name: {region: [wrong answers]}")
        return {}, v.diagnostics
    pool: dict[str, tuple[str, ...]] = {}
    for key, values in doc.data.items():
        if not SLUG.match(key):
            v.error((key,), "E013", f"pool name '{key}' must be a slug", key=True)
            continue
        if not isinstance(values, dict):
            checked = v.check(values, POOL_SPEC, (key,))
            if checked is not None:
                pool[key] = tuple(checked)
            continue
        allowed = POOL_REGIONS.get(key)
        for region, texts in values.items():
            if not isinstance(region, str) or not SLUG.match(region):
                v.error((key, region), "E013", f"pool region '{region}' must be a slug", key=True)
            elif allowed is not None and region not in allowed:
                hint = did_you_mean(region, sorted(allowed))
                v.error((key, region), "E018", f"unknown region '{region}' for pool '{key}'{hint}", key=True)
            else:
                checked = v.check(texts, POOL_SPEC, (key, region))
                if checked is not None:
                    pool[f"{key}/{region}"] = tuple(checked)
    return pool, v.diagnostics
