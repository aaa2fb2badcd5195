"""The layering the design promises: a library core that never imports the CLI or Typer."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "studytool"
FORBIDDEN = ("typer", "studytool.cli")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_never_imports_the_cli_or_typer() -> None:
    offenders = {
        str(path.relative_to(PACKAGE.parent)): sorted(
            name for name in _imports(path) if name.split(".")[0] == "typer" or name.startswith(FORBIDDEN[1])
        )
        for path in PACKAGE.rglob("*.py")
        if "cli" not in path.relative_to(PACKAGE).parts[:1] and path.name != "__main__.py"
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_scan_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import typer\nfrom studytool.cli import app\n", encoding="utf-8")
    assert {"typer", "studytool.cli"} <= _imports(bad)


def test_nothing_imports_the_agpl_anki_package() -> None:
    """The AGPL `anki` package is test-only: nothing in studytool may import it."""
    users = [str(p) for p in PACKAGE.rglob("*.py") if any(n.split(".")[0] == "anki" for n in _imports(p))]
    assert users == []
