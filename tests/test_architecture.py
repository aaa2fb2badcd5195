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


# The modules of the optional extra `studytool[anki]`: the only ones that may import Anki's
# AGPL library, and only the CLI (inside its commands) may import them.
ANKI_EXTRA = {"collection.py", "apply.py", "study.py", "sync.py", "history.py"}


def test_only_the_anki_extra_imports_the_agpl_anki_package() -> None:
    users = {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if any(n.split(".")[0] == "anki" for n in _imports(p))
    }
    assert users <= {f"anki/{name}" for name in ANKI_EXTRA}, users
    extra = {f"studytool.anki.{name.removesuffix('.py')}" for name in ANKI_EXTRA}
    for p in PACKAGE.rglob("*.py"):
        rel = p.relative_to(PACKAGE).as_posix()
        if rel.startswith("cli/") or rel in {f"anki/{n}" for n in ANKI_EXTRA}:
            continue
        assert not (_imports(p) & extra), f"{rel} imports the anki extra"
