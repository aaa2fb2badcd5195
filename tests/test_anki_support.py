"""Helpers shared by the Anki build tests: fixture knowledge bases and a real Anki collection."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

KB = Path(__file__).resolve().parent / "data" / "anki" / "kb"
T1 = 1_764_100_000


def copy_kb(dest: Path) -> Path:
    """A private, editable copy of the fixture knowledge base."""
    shutil.copytree(KB, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def new_collection(folder: Path) -> Any:
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_apkg(col: Any, apkg: Path) -> Any:
    """Import with Anki's default options (update notes and note types only if newer)."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    return col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions())
    ).log


def note_by_fact(col: Any, fact_id: str) -> Any:
    from genanki import guid_for

    from studytool.anki.render import GUID_NAMESPACE

    nid = col.db.scalar("select id from notes where guid = ?", guid_for(GUID_NAMESPACE, fact_id))
    assert nid, f"no note for {fact_id}"
    return col.get_note(nid)


def plain(rendered: str) -> str:
    """What a student reads on a rendered card: no style block, no tags, entities decoded."""
    import html
    import re

    body = rendered.split("</style>", 1)[-1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def expected(src: Path = KB) -> tuple[int, int]:
    """(notes, cards) the fixture should give: one card per Basic note, one per list item."""
    from studytool.questions.facts import derive_facts
    from studytool.source import load_kb_or_raise

    facts = derive_facts(load_kb_or_raise(src))
    return len(facts), sum(len(f.items) or 1 for f in facts)
