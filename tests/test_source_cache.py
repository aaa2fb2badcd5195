"""The parse cache: a warm load equals a cold one, edits are seen, errors keep exact locations."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from studytool.errors import Diagnostic
from studytool.model import KnowledgeBase
from studytool.source import load_kb
from studytool.source.yamlload import Document, load_yaml
from tests.conftest import CARDS, run_cli

ENTRY = """\
id: {id}
name: {name}
region: Hip
anatomy:
  innervation: Superior gluteal nerve
actions:
  - label: Abduction
    text: Abducts the thigh
associated:
  - ref: {ref}
    note: Works with it
"""


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("STUDYTOOL_CACHE_DIR", str(folder))
    monkeypatch.delenv("STUDYTOOL_NO_CACHE", raising=False)
    return folder


def records(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("*") if p.is_file() and not p.name.startswith("."))


def cold(
    src: Path, monkeypatch: pytest.MonkeyPatch, *, strict: bool = False
) -> tuple[KnowledgeBase, list[Diagnostic]]:
    with monkeypatch.context() as m:
        m.setenv("STUDYTOOL_NO_CACHE", "1")
        return load_kb(src, strict=strict)


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any parse of an entry file fail, to prove a load came from the cache."""

    def refuse(path: str, text: str | None = None) -> Document:
        if not Path(path).name.startswith("_"):  # the small pool file is never cached
            raise AssertionError(f"parsed {path} although it is cached")
        return load_yaml(path, text)

    monkeypatch.setattr("studytool.source.discover.load_yaml", refuse)


def two_entries(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "alpha.yaml").write_text(ENTRY.format(id="alpha", name="Alpha", ref="beta"), encoding="utf-8")
    (src / "beta.yaml").write_text(ENTRY.format(id="beta", name="Beta", ref="alpha"), encoding="utf-8")
    return src


def test_warm_load_is_identical_and_parses_nothing(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "cards"
    shutil.copytree(CARDS, src)
    first, first_diags = load_kb(src)
    assert len(records(cache_dir)) == len(list(src.glob("[!_]*.yaml")))
    with monkeypatch.context() as m:
        no_parsing(m)
        second, second_diags = load_kb(src)
    assert second == first
    assert second_diags == first_diags
    assert cold(src, monkeypatch)[0] == first


def test_edited_file_is_parsed_again(tmp_path: Path, cache_dir: Path) -> None:
    src = two_entries(tmp_path)
    load_kb(src)
    (src / "alpha.yaml").write_text(
        ENTRY.format(id="alpha", name="Alpha Renamed", ref="beta"), encoding="utf-8"
    )
    kb, diags = load_kb(src)
    assert not diags
    assert [e.name for e in kb.entries] == ["Alpha Renamed", "Beta"]
    assert len(records(cache_dir)) == 3  # old alpha, new alpha, beta


def test_cross_file_errors_keep_exact_locations_after_a_warm_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = two_entries(tmp_path)
    (src / "alpha.yaml").write_text(
        ENTRY.format(id="alpha", name="Alpha", ref="beta") + "media:\n  image: pic.png\n", encoding="utf-8"
    )
    (src / "pic.png").write_bytes(b"\x89PNG")
    assert not load_kb(src)[1]  # warm the cache with clean files
    (src / "beta.yaml").unlink()  # alpha's ref: beta is now E016
    (src / "pic.png").unlink()  # E019 in alpha
    warm = [str(d) for d in load_kb(src)[1]]
    assert warm == [str(d) for d in cold(src, monkeypatch)[1]]
    located = {(d.split(": ")[0].rsplit("/", 1)[-1], d[-5:-1]) for d in warm}
    assert located == {("alpha.yaml:10:10", "E016"), ("alpha.yaml:13:10", "E019")}


def test_file_errors_are_reported_on_every_run(tmp_path: Path, cache_dir: Path) -> None:
    src = two_entries(tmp_path)
    (src / "beta.yaml").write_text("id: beta\nname: Beta\nname: Twice\n", encoding="utf-8")
    runs = [[str(d) for d in load_kb(src)[1]] for _ in range(2)]
    assert runs[0] == runs[1]
    assert any("beta.yaml:3:1:" in d and "[E007]" in d for d in runs[1])
    assert len(records(cache_dir)) == 1  # only the clean file was stored


def test_strict_warnings_are_located_from_a_warm_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = two_entries(tmp_path)
    load_kb(src)
    warm = [str(d) for d in load_kb(src, strict=True)[1]]
    assert warm == [str(d) for d in cold(src, monkeypatch, strict=True)[1]]
    assert any("W101" in d for d in warm)


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


DAMAGE: dict[str, Callable[[Path], object]] = {
    "empty": lambda p: p.write_bytes(b""),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[:-40]),
    "tampered": lambda p: p.write_bytes(p.read_bytes().replace(b"Abducts", b"Adducts")),  # checksum fails
    "garbage": lambda p: p.write_bytes(b"\xff\xfe not json at all \x00"),
    "directory": _directory,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_corrupt_cache_is_ignored_and_rebuilt(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    src = two_entries(tmp_path)
    expected = load_kb(src)
    for record in records(cache_dir):
        DAMAGE[damage](record)
    assert load_kb(src) == expected
    code, out, err = run_cli("check", str(src))
    assert (code, out + err) == (0, "0 errors, 0 warnings in 2 files; 2 entries ok\n")
    if damage != "directory":  # a directory in the way cannot be replaced; it just stays a miss
        with monkeypatch.context() as m:  # rebuilt: the next load parses nothing
            no_parsing(m)
            assert load_kb(src) == expected


def test_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("STUDYTOOL_CACHE_DIR", str(blocker))
    src = two_entries(tmp_path)
    kb, diags = load_kb(src)
    assert not diags and len(kb.entries) == 2


def test_no_cache_env_writes_nothing(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYTOOL_NO_CACHE", "1")
    load_kb(two_entries(tmp_path))
    assert not cache_dir.exists()
