"""Phrasing rules over every fact of the knowledge base, and the guards behind them.

A lecturer would send back a card with a capital mid-sentence, a question that already holds its
answer, a list of whole sentences to recall, "does" with a group of muscles, or a back that shows
the answer of the card after it. These tests read every fact of `cards_src`, so a new entry that
breaks a rule fails here as well as in `check --strict`.
"""

from __future__ import annotations

import itertools
import re

import pytest

from studytool.model import Entry, Fact
from studytool.questions.facts import OPEN, derive_facts, spread
from studytool.questions.lint import ITEM_LIMIT
from studytool.questions.phrasing import capitals_mid_sentence, gives_away, mid, reveals, subject
from studytool.source import load_kb_or_raise
from tests.conftest import CARDS

KB = load_kb_or_raise(CARDS)
FACTS = derive_facts(KB)


def test_no_capital_mid_sentence() -> None:
    bad = {f.id: capitals_mid_sentence(f.question) for f in FACTS if capitals_mid_sentence(f.question)}
    assert bad == {}


def test_no_question_contains_its_answer() -> None:
    bad = [f.id for f in FACTS for answer in (f.items or (f.answer,)) if gives_away(f.question, answer)]
    assert bad == []


def test_no_list_of_prose_to_recall() -> None:
    """Recalled list items are short; the detail is reading text on the back (`extra`)."""
    limit = {"referral": 2 * ITEM_LIMIT}  # a zone is described, not labelled
    bad = [
        (f.id, i)
        for f in FACTS
        if f.kind == "list"
        for i in f.items
        if len(i) > limit.get(f.facet, ITEM_LIMIT)
    ]
    assert bad == []


def test_group_entries_read_as_plural() -> None:
    groups = [e for e in KB.entries if e.plural]
    assert groups, "the knowledge base has group entries (the hamstrings at least)"
    for e in groups:
        for f in FACTS:
            if f.entry == e.id:
                assert f"does {subject(e)}" not in f.question, f.id
                assert f"{subject(e)} is " not in f.question, f.id


def test_open_lists_ask_for_some_and_accept_any() -> None:
    from studytool.anki.render import guid_for, render

    opened = 0
    for f in FACTS:
        key = f.key
        if key in OPEN and len(f.items) > OPEN[key]:
            opened += 1
            assert f.required == OPEN[key], f.id
            assert re.match(r"(Name|Describe) ", f.question), f.question
            # the Anki cloze shows every item but one: its heading names the list instead
            assert f.prompt.endswith(":") and not f.prompt.startswith(("Name", "Describe"))
            front = render(f, guid_for(f.id)).fields[0]
            assert f.prompt.split(" ")[0] in front and "Name two" not in front
    assert opened


def test_no_card_gives_the_next_away_in_study_order() -> None:
    for facts in (FACTS, *(derive_facts(KB, muscles=[e.id]) for e in KB.entries)):
        assert [(a.id, b.id) for a, b in itertools.pairwise(facts) if reveals(a, b)] == []


def test_every_entry_that_teaches_needling_asks_what_to_avoid() -> None:
    needled = {e.id for e in KB.entries if e.treatment.dry_needling}
    asked = {f.entry for f in FACTS if f.key == "treatment-avoid"}
    assert needled and needled <= asked
    for f in FACTS:
        if f.key == "treatment-avoid":
            assert f.question.startswith("Which structures must you stay clear of when needling")


def _fact(fid: str, answer: str, extra: str = "") -> Fact:
    return Fact(
        id=fid, entry="x", muscle="X", facet="f", kind="basic", question="?", answer=answer, extra=extra
    )


def test_spread_moves_a_revealed_card_behind_the_next_one() -> None:
    a = _fact("x__a", "Superior gluteal nerve", extra="Levels L4 and S1 per Travell & Simons.")
    b = _fact("x__b", "L4–S1")
    c = _fact("x__c", "Abducts the thigh")
    assert reveals(a, b) and not reveals(a, c)
    out = spread([a, b, c])
    assert [f.id for f in out] == ["x__a", "x__c", "x__b"]
    assert [f.order for f in out] == [0, 1, 2]  # later sorts keep the new sequence
    assert spread([a, c, b]) == [a, c, b]  # nothing to move: the facts come back untouched


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hip osteoarthritis", "hip osteoarthritis"),
        ("Achilles tendinopathy", "Achilles tendinopathy"),
        ("IT band syndrome", "IT band syndrome"),
        ("Morton's neuroma", "Morton's neuroma"),
        ("Popliteal (Baker's) cyst", "popliteal (Baker's) cyst"),
        ("TFL", "TFL"),
        ("L5 radiculopathy", "L5 radiculopathy"),
    ],
)
def test_names_mid_sentence(name: str, expected: str) -> None:
    assert mid(name) == expected


def test_gives_away_needs_every_meaningful_word() -> None:
    assert gives_away("Which nerve supplies the piriformis?", "Nerve to piriformis")
    assert not gives_away("Which nerve supplies the gluteus medius?", "Superior gluteal nerve")
    assert not gives_away("Where does the gluteus medius insert?", "")


def test_subject_and_grammar_of_a_group() -> None:
    group = Entry(
        id="g", name="Long toe extensors", path="g.yaml", plural=True,
        in_sentence="the long toe extensors", area="Front of the leg.",
    )  # fmt: skip
    one = Entry(id="o", name="Soleus", path="o.yaml", area="Calf.")
    assert subject(group) == "the long toe extensors" and subject(one) == "the soleus"
    assert [f.question for f in derive_facts([group, one]) if f.key == "area"] == [
        "Where do the long toe extensors lie?",
        "Where does the soleus lie?",
    ]
