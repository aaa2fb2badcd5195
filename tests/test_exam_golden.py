"""Golden files for every text format on the fixture knowledge base.

Regenerate after an intended change with: STUDYTOOL_REGEN_GOLDEN=1 python -m pytest tests/test_exam_golden.py
and review the diff. PDF is checked separately (WeasyPrint output is not byte-stable across versions).
"""

from __future__ import annotations

import os
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from studytool.exam import DEFAULT_TYPES, build_exam
from studytool.exam.write import render_all
from studytool.source import load_kb_or_raise

HERE = Path(__file__).parent / "golden" / "exam"
OUT = HERE / "out"
MAP_OUT = HERE / "out-map"  # the same kind of exam with body-map items (opt-in type "map")
REGEN = os.environ.get("STUDYTOOL_REGEN_GOLDEN") == "1"
TITLE = 'Hip & "low back" <exam>: {A}'
FORMATS = ["md", "html", "gift", "moodle", "qti", "json"]


def rendered(types: tuple[str, ...] = DEFAULT_TYPES) -> dict[str, str | bytes]:
    kb = load_kb_or_raise(HERE / "kb")
    exam = build_exam(kb, count=10, seed="golden", versions=2, title=TITLE, points=2, types=types)
    return render_all(exam, FORMATS)


@pytest.mark.parametrize(("folder", "types"), [(OUT, DEFAULT_TYPES), (MAP_OUT, ("mcq", "map", "short"))])
def test_golden_files(folder: Path, types: tuple[str, ...]) -> None:
    files = rendered(types)
    if types != DEFAULT_TYPES:
        assert any(name.endswith(".svg") for name in files)
    if REGEN:
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, data in files.items():
            (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    expected = sorted(p.name for p in folder.iterdir())
    assert sorted(files) == expected, "set STUDYTOOL_REGEN_GOLDEN=1 to regenerate"
    for name, data in files.items():
        want = (folder / name).read_bytes()
        got = data if isinstance(data, bytes) else data.encode("utf-8")
        if name.endswith(".zip") and got != want:
            with zipfile.ZipFile(BytesIO(got)) as a, zipfile.ZipFile(BytesIO(want)) as b:
                for member in b.namelist():
                    assert a.read(member).decode() == b.read(member).decode(), member
        assert got == want, f"{name} differs from the golden file; STUDYTOOL_REGEN_GOLDEN=1 regenerates"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_present(fmt: str) -> None:
    names = list(rendered())
    suffix = {"md": ".md", "html": ".html", "gift": ".gift.txt", "moodle": ".moodle.xml", "qti": ".qti.zip"}
    if fmt == "json":
        assert "exam.json" in names
    else:
        assert {f"exam-A{suffix[fmt]}", f"exam-B{suffix[fmt]}"} <= set(names)
    assert {"key-A.md", "key-B.md"} <= set(names)
