"""The card linter (`check --strict`, W201–W211): each rule fires on its bad case, at the right
place, and stays quiet on its good case (tests/data/lint/<CODE>-<rule>/{bad,good}/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studytool.source import load_kb
from tests.conftest import run_cli

CASES = sorted((Path(__file__).parent / "data" / "lint").iterdir())
# Where each bad case's warning must point: (file, line).
WHERE = {
    "W201": ("alpha.yaml", 4),
    "W202": ("alpha.yaml", 3),
    "W203": ("alpha.yaml", 4),
    "W204": ("alpha.yaml", 4),
    "W205": ("alpha.yaml", 5),
    "W206": ("alpha.yaml", 3),
    "W207": ("alpha.yaml", 4),
    "W208": ("alpha.yaml", 2),
    "W209": ("alpha.yaml", 3),
    "W210": ("alpha.yaml", 4),
    "W211": ("alpha.yaml", 6),
}


def _codes(folder: Path, code: str) -> list[tuple[str, int]]:
    _, diags = load_kb(folder, strict=True)
    assert not [d for d in diags if d.is_error], diags
    return [(Path(d.location.path).name, d.location.line) for d in diags if d.code == code]


def test_every_rule_has_a_case() -> None:
    assert {case.name[:4] for case in CASES} == set(WHERE)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_rule_fires_on_the_bad_case_where_the_defect_is(case: Path) -> None:
    code = case.name[:4]
    assert WHERE[code] in _codes(case / "bad", code)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_rule_is_quiet_on_the_good_case(case: Path) -> None:
    code = case.name[:4]
    assert _codes(case / "good", code) == []


def test_warnings_reach_the_user_located_with_their_code() -> None:
    case = next(c for c in CASES if c.name.startswith("W207"))
    code, out, err = run_cli("check", "--strict", str(case / "bad"))
    assert (code, out) == (1, "")
    assert f"{case / 'bad' / 'alpha.yaml'}:4:3: warning: dry needling is taught" in err
    assert "[W207]" in err
    assert run_cli("check", str(case / "bad"))[0] == 0  # the linter runs with --strict only
