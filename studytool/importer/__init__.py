"""Reference pages in the seed's section format -> source entries (`studytool import`).

`parse_page` turns page text into entry data plus diagnostics; `import_pages` does the
whole job for files: reads them, links associated muscles to entries already in the
output folder, emits YAML, proves it loads cleanly, and writes it atomically.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studytool.atomic import folder_lock, write_group
from studytool.errors import Diagnostic, Location, UserError
from studytool.importer.build import Head, build_entry, muscle_key, page_head, parse_page, slugify
from studytool.importer.emit import dump_entry
from studytool.importer.lines import read_page
from studytool.source.schema import SLUG

if TYPE_CHECKING:
    from studytool.source.yamlload import Document

__all__ = ["ImportReport", "Imported", "dump_entry", "import_pages", "parse_page", "slugify"]


@dataclass(frozen=True)
class Imported:
    """One page turned into one entry file (not yet written when `written` is False)."""

    source: str
    entry_id: str
    target: Path
    yaml: str
    written: bool = False


@dataclass
class ImportReport:
    """What an import produced: entries, every diagnostic, and whether anything failed."""

    entries: list[Imported] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]


def known_entries(out: Path) -> dict[str, str]:
    """`muscle_key(name or alias)` -> entry id for the entries already in `out`."""
    if not out.is_dir() or not any(out.glob("*.yaml")):
        return {}
    from studytool.source import load_kb

    try:
        kb, _ = load_kb(out)
    except UserError:
        return {}
    known: dict[str, str] = {}
    for e in kb.entries:
        for name in (e.id.replace("-", " "), *e.aliases, e.name):
            known[muscle_key(name)] = e.id
    return known


def check_yaml(text: str, path: str, entry_id: str) -> list[Diagnostic]:
    """Errors the source loader reports for the generated text (none, unless we have a bug)."""
    return _validated(text, path, entry_id)[2]


def strict_gaps(text: str, path: str, entry_id: str) -> list[Diagnostic]:
    """What `check --strict` will still ask of the generated entry: empty facets, linter rules.

    Referral items without a full coding are left out: the import reports each of them.
    """
    from studytool.questions.lint import lint_entry
    from studytool.source.schema import build_entry as make_entry
    from studytool.source.schema import strict_warnings

    doc, data, errors = _validated(text, path, entry_id)
    if data is None or errors:
        return []
    found = [*strict_warnings(doc, data, {}), *lint_entry(doc, make_entry(data, path, 0, doc))]
    return [d for d in found if d.code != "W102"]


def _validated(
    text: str, path: str, entry_id: str
) -> tuple[Document, dict[str, Any] | None, list[Diagnostic]]:
    """The loaded document, its validated data (None when unusable) and its errors."""
    from studytool.source.schema import validate_entry
    from studytool.source.yamlload import load_yaml

    doc = load_yaml(path, text)
    if doc.data is None:
        return doc, None, [d for d in doc.diagnostics if d.is_error]
    data, problems = validate_entry(doc, entry_id)
    return doc, data, [d for d in (*doc.diagnostics, *problems) if d.is_error]


def import_pages(
    files: Sequence[str | os.PathLike[str]],
    *,
    out: str | os.PathLike[str] = "cards_src",
    entry_id: str = "",
    dry_run: bool = False,
    force: bool = False,
) -> ImportReport:
    """Import every page; write nothing unless every page imports without errors.

    Raises `UserError` for bad options (an invalid --id, --id with several files) and
    for a target that exists when `force` is False.
    """
    if entry_id and not SLUG.match(entry_id):
        raise UserError(f"--id '{entry_id}' is not a slug (lowercase letters, digits, single hyphens)")
    if entry_id and len(files) > 1:
        raise UserError("--id can only be used when importing a single file")
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {out_dir} is not a folder")
    report = ImportReport()
    known = known_entries(out_dir)
    pages: list[tuple[str, Head]] = []
    for f in files:
        path = os.fspath(f)
        text, problems = read_page(path)
        report.diagnostics.extend(problems)
        if text is None:
            continue
        head, errors = page_head(text, path, entry_id)
        report.diagnostics.extend(errors)
        if head is not None:
            known.setdefault(muscle_key(head.name), head.ident)
            pages.append((path, head))
    seen: dict[str, str] = {}
    for path, head in pages:
        # Now that the batch's own muscles are known, its pages link to each other too.
        data, diags = build_entry(head, path, known)
        report.diagnostics.extend(diags)
        ident = head.ident
        if ident in seen:
            report.diagnostics.append(
                Diagnostic(Location(path), "E607", f"id '{ident}' is also produced by {seen[ident]}")
            )
            continue
        seen[ident] = path
        target = out_dir / f"{ident}.yaml"
        yaml_text = dump_entry(
            data, f"Imported from {Path(path).name} by 'studytool import'; review, then edit freely."
        )
        bad = check_yaml(yaml_text, str(target), ident)
        for d in bad:
            report.diagnostics.append(
                Diagnostic(Location(path), "E606", f"internal error: the generated entry is invalid: {d}")
            )
        if not bad:
            report.entries.append(Imported(path, ident, target, yaml_text))
            gaps: dict[str, list[str]] = {}
            for d in strict_gaps(yaml_text, str(target), ident):
                gaps.setdefault(d.code, []).append(d.message)
            report.diagnostics.extend(
                Diagnostic(
                    Location(path), "W606", f"check --strict will warn ({code}): {'; '.join(m)}", "warning"
                )
                for code, m in gaps.items()
            )
    report.diagnostics.sort(key=lambda d: (d.location, d.code))
    if report.errors or dry_run:
        return report
    pages_read = {Path(p).resolve() for p in files}
    for entry in report.entries:
        if entry.target.resolve() in pages_read:
            raise UserError(
                f"{entry.target} is one of the pages being imported; choose another --out or --id"
            )
    with folder_lock(out_dir):  # every entry of the batch is written, or none is
        existing = [e.target for e in report.entries if e.target.exists()]
        if existing and not force:
            raise UserError(f"{existing[0]} already exists; pass --force to overwrite it")
        write_group(out_dir, {e.target.name: e.yaml for e in report.entries})
    report.entries = [dataclasses.replace(e, written=True) for e in report.entries]
    return report
