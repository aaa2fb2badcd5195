"""Count the card defects of issue 11, class by class, in a list of facts.

    python scripts/card_report.py                      # the facts of cards_src, with today's code
    studytool facts --json > facts.json                # (with any version of the tool)
    python scripts/card_report.py --facts facts.json   # the same counts for that list

Reading `facts --json` lets the same script measure an older release ("before") and this one
("after") on equal terms: docs/questions.md records both.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from studytool.model import Fact
from studytool.questions.lint import ITEM_LIMIT
from studytool.questions.phrasing import capitals_mid_sentence, gives_away, reveals
from studytool.textnorm import normalize

OPEN_KEYS = ("differentials", "associated")
_SINGULAR = ("us", "is", "as", "ss")  # gluteus, abdominis, psoas: one muscle


def _facts(path: str | None) -> list[Fact]:
    if path is None:
        from studytool.questions.facts import derive_facts
        from studytool.source import load_kb_or_raise

        return derive_facts(load_kb_or_raise("cards_src"))
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        Fact(
            id=d["id"],
            entry=d["entry"],
            muscle=d["muscle"],
            facet=d["facet"],
            kind=d["kind"],
            question=d["question"],
            answer=d["answer"],
            items=tuple(d["items"]),
            extra=d["extra"],
            reverse=d["reverse"],
        )
        for d in data
    ]


def report(facts: list[Fact]) -> dict[str, int]:
    """Defect class -> number of facts (or pairs) that have it."""
    key = {f.id: f.key or f.id.partition("__")[2] for f in facts}  # an older release's JSON has no key
    same: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in facts:
        if f.kind == "list" and not f.reverse:
            same[(f.facet, normalize(f.answer))].add(f.entry)
    return {
        "facts": len(facts),
        "capital mid-sentence": sum(bool(capitals_mid_sentence(f.question)) for f in facts),
        "group grammar ('does the hamstrings')": sum(
            any(
                w.endswith("s") and not w.endswith(_SINGULAR)
                for w in re.findall(r"\bdoes the (\w+)\b", f.question)
            )
            for f in facts
        ),
        "question contains its answer": sum(
            f.kind == "basic" and gives_away(f.question, f.answer) for f in facts
        ),
        f"list item over {ITEM_LIMIT} characters": sum(
            f.facet != "referral" and any(len(i) > ITEM_LIMIT for i in f.items) for f in facts
        ),
        "tautological action card": sum(key[f.id].startswith("action-") for f in facts),
        "open list graded as closed": sum(
            key[f.id] in OPEN_KEYS and len(f.items) > 2 and not f.question.startswith("Name") for f in facts
        ),
        "needling question answered by technique": sum(
            f.question.startswith("How does dry needling help") for f in facts
        ),
        "same list answer in several entries": sum(len(v) for v in same.values() if len(v) > 1),
        "card whose back gives the next away": sum(reveals(a, b) for a, b in itertools.pairwise(facts)),
        "entries with a what-to-avoid card": len({f.entry for f in facts if key[f.id] == "treatment-avoid"}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", help="a `studytool facts --json` file (default: cards_src now)")
    args = parser.parse_args()
    for name, count in report(_facts(args.facts)).items():
        print(f"{count:6d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
