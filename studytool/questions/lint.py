"""The card linter: defects a lecturer would send back, found in the facts and located in the
source (`check --strict`). Each rule has a code (W201…) and is documented with an example in
docs/source-format.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from studytool.errors import Diagnostic
from studytool.model import Entry, Item
from studytool.questions.facts import OPEN, entry_facts
from studytool.questions.phrasing import capitals_mid_sentence, content_words, gives_away, subject
from studytool.textnorm import normalize, stem

if TYPE_CHECKING:  # the loader imports the linter
    from studytool.source.yamlload import Located

ITEM_LIMIT = 90  # characters of a list item that is recalled (its label, else its text)
ANSWER_LIMIT = 400  # characters of a basic answer
OPEN_FACETS = ("differentials", "associated")  # never complete lists in the references

# Fact key (or its prefix) -> where it is written in the entry.
_PATHS: dict[str, tuple[str, ...]] = {
    "origin": ("anatomy", "origin"),
    "insertion": ("anatomy", "insertion"),
    "innervation": ("anatomy", "innervation"),
    "innervation-levels": ("anatomy", "innervation", "levels"),
    "treatment-avoid": ("treatment", "avoid"),
}
_LISTS = ("actions", "indications", "symptoms", "perpetuating", "examination")


def _path(e: Entry, key: str) -> tuple[str | int, ...]:
    """Where the fact with this key is written in the entry (for the warning's location)."""
    if key in _PATHS:
        return _PATHS[key]
    if key.startswith("treatment-"):
        return ("treatment", key.removeprefix("treatment-").replace("-", "_"))
    if key.startswith("differential-"):
        keys = [d.key for d in e.differentials]
        return ("differentials", keys.index(key.removeprefix("differential-")))
    return (key,)


def _item_lists(e: Entry) -> list[tuple[tuple[str | int, ...], Sequence[Item]]]:
    """Every list of items in the entry, with where it is written."""
    out: list[tuple[tuple[str | int, ...], Sequence[Item]]] = [((name,), getattr(e, name)) for name in _LISTS]
    out += [(("treatment", key), items) for key, _, items in e.treatment.groups()]
    return out


def lint_entry(doc: Located, e: Entry) -> list[Diagnostic]:
    """The linter's findings for one entry: W201–W203, W205–W208 (W204, W209–W211 read all entries)."""
    out: list[Diagnostic] = []

    def warn(path: tuple[str | int, ...], code: str, message: str) -> None:
        out.append(Diagnostic(doc.key_loc(path), code, message, "warning"))

    for fact in entry_facts(e):
        where = _path(e, fact.key)
        for word in capitals_mid_sentence(fact.question):
            warn(where, "W201", f"'{word}' is capitalised mid-sentence in “{fact.question}”")
        for answer in fact.items or (fact.answer,):
            if gives_away(fact.question, answer):  # a basic fact that would is never built
                warn(where, "W202", f"“{fact.question}” contains its answer “{answer}”")
        if fact.kind == "basic" and len(fact.answer) > ANSWER_LIMIT:
            warn(
                where,
                "W203",
                f"the answer to “{fact.question}” is {len(fact.answer)} characters (limit {ANSWER_LIMIT})",
            )
    for facet in OPEN_FACETS:
        named = len(getattr(e, facet))
        if 0 < named <= OPEN[facet]:
            warn(
                (facet,),
                "W206",
                f"'{facet}' is an open list but names only {named}: add the others the references "
                f"give, so the card can ask for {OPEN[facet]} of them",
            )
    for where, items in _item_lists(e):
        for i, item in enumerate(items):
            recalled = item.label or item.text
            if len(items) > 1 and len(recalled) > ITEM_LIMIT:
                warn(
                    (*where, i),
                    "W203",
                    f"list item is {len(recalled)} characters (limit {ITEM_LIMIT}): give it a short label",
                )
            if item.label and item.text and _made_up(item.label, item.text):
                warn(
                    (*where, i),
                    "W205",
                    f"label “{item.label}” is neither an established term nor words of its text: "
                    "name the test, technique or movement",
                )
    if e.treatment.dry_needling and not e.treatment.avoid:
        warn(
            ("treatment", "dry_needling"),
            "W207",
            "dry needling is taught but 'treatment.avoid' names nothing to stay clear of",
        )
    if not e.plural and _looks_plural(e.name):
        warn(
            ("name",),
            "W208",
            f"'{e.name}' reads as a group: add 'plural: true' (and 'in_sentence: {subject(e)}')",
        )
    return out


def lint_repeats(docs: dict[str, Located], entries: Sequence[Entry]) -> list[Diagnostic]:
    """W204: the same list item in several entries teaches nothing about either muscle."""
    seen: dict[tuple[str | int, str], list[tuple[Entry, tuple[str | int, ...]]]] = defaultdict(list)
    for e in entries:
        for where, items in _item_lists(e):
            for i, item in enumerate(items):
                if item.text and len(content_words(item.text)) >= 3:
                    seen[(where[-1] if where[0] == "treatment" else where[0], normalize(item.text))].append(
                        (e, (*where, i))
                    )
    out = []
    for (_, _), places in seen.items():
        owners = {e.id for e, _ in places}
        if len(owners) < 2:
            continue
        for e, path in places:
            others = ", ".join(sorted(owners - {e.id}))
            out.append(
                Diagnostic(
                    docs[e.id].key_loc(path),
                    "W204",
                    f"the same item is in {others}: say what is specific to this muscle",
                    "warning",
                )
            )
    return out


def lint_same_lists(docs: dict[str, Located], entries: Sequence[Entry]) -> list[Diagnostic]:
    """W210: a treatment card whose answer is word for word another entry's teaches nothing about
    either muscle ('Trigger point compression; stripping massage' for sixteen muscles)."""
    owners: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        for key, _, items in e.treatment.groups():
            if len(items) > 1:
                owners[(key, normalize("; ".join(i.label or i.text for i in items)))].append(e)
    return [
        Diagnostic(
            docs[e.id].key_loc(("treatment", key)),
            "W210",
            f"the same {key.replace('_', ' ')} list as {', '.join(o.id for o in same if o is not e)}: "
            "name the techniques as they are done on this muscle",
            "warning",
        )
        for (key, _), same in owners.items()
        if len(same) > 1
        for e in same
    ]


def lint_links(docs: dict[str, Located], entries: Sequence[Entry]) -> list[Diagnostic]:
    """W209: an association one way only; if A's trigger points come with B's, B's come with A's."""
    listed = {e.id: {a.ref for a in e.associated} for e in entries}
    return [
        Diagnostic(
            docs[other].key_loc(("associated",) if listed[other] else ("name",)),
            "W209",
            f"{e.id} lists this muscle among its associated trigger points: add 'ref: {e.id}' here too",
            "warning",
        )
        for e in entries
        for other in sorted(listed[e.id] - {""})
        if other in listed and e.id not in listed[other]
    ]


def lint_twice(docs: dict[str, Located], entries: Sequence[Entry]) -> list[Diagnostic]:
    """W211: the same muscle twice: two entries for one muscle (by name or alias), or one
    muscle listed twice among an entry's associated trigger points."""
    out = []
    owner: dict[str, str] = {}
    for e in entries:
        for name in dict.fromkeys(normalize(n) for n in (e.name, *e.aliases)):
            other = owner.setdefault(name, e.id)
            if other != e.id:
                message = f"'{name}' also names the entry {other}: one muscle, one entry (or drop the alias)"
                out.append(Diagnostic(docs[e.id].key_loc(("name",)), "W211", message, "warning"))
        seen: set[str] = set()
        for i, a in enumerate(e.associated):
            who = a.ref or normalize(a.name)
            if who in seen:
                message = f"'{a.ref or a.name}' is listed twice among the associated trigger points"
                out.append(Diagnostic(docs[e.id].key_loc(("associated", i)), "W211", message, "warning"))
            seen.add(who)
    return out


# Words of established names: tests, techniques, exercises and movements a student learns anyway.
TERMS = frozenset(
    {
        "test", "sign", "palpation", "compression", "massage", "stretch", "stretching", "needling",
        "technique", "techniques", "release", "mobilisation", "mobilization", "strengthening",
        "exercise", "exercises", "training", "examination", "observation", "analysis", "assessment",
        "flexion", "extension", "abduction", "adduction", "rotation", "inversion", "eversion",
        "plantarflexion", "dorsiflexion", "stabilisation", "stabilization", "hiking", "elevation",
        "depression", "plank", "bridge", "squat", "lunge", "raise", "clamshell", "stance", "orthotics",
        "orthoses", "footwear", "lift", "curl", "eccentric", "bridges", "bird",
    }
)  # fmt: skip
_TERM_STEMS = frozenset(stem(t) for t in TERMS)


def _made_up(label: str, text: str) -> bool:
    """A label that a student could not give from the content: no established term in it, and
    none of its words in the text it names ('Break up sitting' for 'Stand every half hour')."""
    words = {stem(w) for w in content_words(label)}
    return not words & _TERM_STEMS and not words & {stem(w) for w in content_words(text)}


def _looks_plural(name: str) -> bool:
    """A group name: 'X and Y', or a plural word ('extensors', 'interossei', 'gemelli'); Latin
    singulars ('gluteus', 'abdominis', 'psoas') and genitives ('digiti minimi') are not."""
    words = re.sub(r"\(.*?\)", "", name).lower().split()
    return "and" in words or any(
        (w.endswith("s") and not w.endswith(("us", "is", "ss", "as", "os"))) or w.endswith(("ei", "lli"))
        for w in words
    )
