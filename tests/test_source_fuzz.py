"""Property tests: no file content makes the loader raise, and every diagnostic is located."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studytool.errors import Diagnostic
from studytool.questions.facts import derive_facts
from studytool.source import load_kb
from tests.conftest import run_cli

# STUDYTOOL_FUZZ_EXAMPLES=5000 for a deeper local run; 200 keeps the suite fast.
EXAMPLES = int(os.environ.get("STUDYTOOL_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

YAML_TOKENS = [
    "id: fuzz", "name: Fuzz", "id:", "name:", "\n", "\n  ", "\n    ", "  ", "\t", "- ", "-", ":", ": ",
    "[", "]", "{", "}", ",", "? ", "&a ", "*a", "!!python/object/apply:os.system ", "!!str ", "!!binary ",
    "!!map ", "!tag ", "|", ">-", "'", '"', "#", "---", "...", "%YAML 1.1", "<<: ", "~", "null", "yes", "no",
    "1e999", "0x1F", "2020-01-01", "anatomy:", "innervation:", "nerve: Superior gluteal n.", "levels: L4–S1",
    "referral:", "primary: [lateral-hip]", "associated:", "ref: nobody", "media:", "image: ../x.png",
    "actions:", "label: A", "text: B", "treatment:", "dry_needling:", "\ufeff", "\r\n", "\\", "😀", "é",
]  # fmt: skip

SCHEMA_KEYS = [
    "id", "name", "order", "region", "area", "summary", "aliases", "anatomy", "origin", "insertion",
    "innervation", "nerve", "levels", "note", "actions", "label", "text", "key", "referral", "primary",
    "spillover", "trigger_points", "differentials", "condition", "distinguish", "associated", "ref",
    "indications", "symptoms", "perpetuating", "examination", "treatment", "dry_needling",
    "manual_therapy", "stretches", "strengthening", "postural", "sources", "media", "image", "caption",
    "notes", "bogus",
]  # fmt: skip

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        ["lateral-hip", "fuzz", "sacrum", "Superior gluteal nerve", "L4–S1", "x" * 2100, "a" * 300 + ".png"]
    ),
    st.sampled_from(["img\x00.png", "../outside.png", "/etc/hostname", ".", "fuzz.yaml", "~/x", "a\\b"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(SCHEMA_KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)


def _located(diags: list[Diagnostic]) -> None:
    for d in diags:
        assert d.location.line >= 1 and d.location.col >= 1, d
        assert "\n" not in str(d)


def _load(content: bytes, name: str = "fuzz.yaml") -> None:
    """Write one file and load it; the knowledge base's facts must also derive cleanly."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(content)
        for strict in (False, True):
            kb, diags = load_kb(tmp, strict=strict)
            _located(diags)
        derive_facts(kb)


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    _load(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.lists(st.sampled_from(YAML_TOKENS), max_size=40))
def test_yamlish_token_soup_never_raises(tokens: list[str]) -> None:
    _load("".join(tokens).encode("utf-8"))


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    _load(raw)


@FUZZ
@given(st.dictionaries(st.sampled_from(SCHEMA_KEYS), VALUES, max_size=8), st.booleans())
def test_schema_shaped_documents_never_raise(data: dict[str, Any], with_identity: bool) -> None:
    """Well-formed YAML with the schema's keys and random values: validation, not crashes."""
    if with_identity:
        data = {"id": "fuzz", "name": "Fuzz", **data}
    _load(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_check_command_never_prints_a_traceback(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "fuzz.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        code, out, err = run_cli("check", tmp)
    assert code in (0, 1), err
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err
