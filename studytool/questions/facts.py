"""derive_facts: turn entries into question/answer facts with stable ids.

A fact id is ``<entry id>__<facet key>``; it never depends on wording or position,
so fixing a typo keeps the Anki note and the quiz history attached to the fact.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence

from studytool.model import Entry, Fact, Item, KnowledgeBase
from studytool.questions.phrasing import content_words, does, gives_away, mid, reveals, subject
from studytool.regions import region_name
from studytool.textnorm import slug, tokens


@functools.lru_cache(maxsize=4096)
def tag_word(text: str) -> str:
    """A tag component: words joined by underscores, no spaces, no '::'."""
    return "_".join(w.capitalize() if w.islower() else w for w in re.split(r"[\s:]+", text.strip()) if w)


TREATMENT_QUESTIONS = {
    "dry_needling": "How is a needle brought to the trigger points in {s}?",
    "manual_therapy": "Name two manual techniques for trigger points in {s}.",
    "stretches": "Describe a stretch for {s}.",
    "strengthening": "Name an exercise that strengthens or offloads {s}.",
    "postural": "Name two changes in posture or habit that keep trigger points in {s} from coming back.",
}
# Open lists: how many items a full answer names ("Name two ..."); the rest of the list is
# shown as reading text on the back, and any item counts.
OPEN = {
    "differentials": 2,
    "associated": 2,
    "indications": 2,
    "perpetuating": 2,
    "examination": 2,
    "treatment-manual-therapy": 2,
    "treatment-stretches": 1,
    "treatment-strengthening": 1,
    "treatment-postural": 2,
}


# An open list on an Anki cloze card shows every item but one, so its heading names the list
# instead of asking for two: "Conditions that trigger points in the soleus are often mistaken for:".
HEADINGS = {
    "differentials": "Conditions that trigger points in {s} are often mistaken for:",
    "associated": "Muscles whose trigger points often accompany those in {s}:",
    "indications": "Presentations that suggest trigger points in {s}:",
    "perpetuating": "Factors that keep trigger points in {s} active:",
    "examination": "Examination steps when trigger points in {s} are suspected:",
    "treatment-manual-therapy": "Manual techniques for trigger points in {s}:",
    "treatment-stretches": "Stretches for {s}:",
    "treatment-strengthening": "Exercises that strengthen or offload {s}:",
    "treatment-postural": "Changes in posture or habit that keep trigger points in {s} from coming back:",
}


class _Builder:
    """Collects the facts of one entry in curriculum order."""

    def __init__(self, entry: Entry, keys: Collection[str] | None = None) -> None:
        self.entry = entry
        self.facts: list[Fact] = []
        self.keys = keys  # build only facts with these facet keys (None: all)
        self.position = 0  # counts skipped facts too, so `order` never depends on `keys`
        # The same for every fact of the entry: computed once, not 40 times.
        self.source = entry.citation()
        self.head = (f"TP::Region::{tag_word(entry.region)}",) if entry.region else ()
        self.muscle_tag = f"TP::Muscle::{tag_word(entry.name)}"

    def add(
        self,
        key: str,
        facet: str,
        question: str,
        answer: str,
        *,
        items: Sequence[str] = (),
        item_aliases: Sequence[tuple[str, ...]] = (),
        aliases: Sequence[str] = (),
        extra: str = "",
        reverse: bool = False,
    ) -> None:
        position = self.position
        self.position += 1
        if self.keys is not None and key not in self.keys:
            return
        if not items and gives_away(question, answer):
            return  # 'Which nerve supplies the piriformis?' -> 'Nerve to piriformis': not asked
        e = self.entry
        tags = (*self.head, self.muscle_tag, f"TP::Facet::{tag_word(facet)}")
        if reverse:
            tags += ("TP::Reverse",)
        required = OPEN.get(key, 0) if len(items) > OPEN.get(key, 0) else 0
        prompt = HEADINGS[key].format(s=subject(e)) if required else ""
        self.facts.append(
            Fact(
                id=f"{e.id}__{key}",
                entry=e.id,
                muscle=e.name,
                facet=facet,
                kind="list" if items else "basic",
                question=question,
                answer=answer or "; ".join(items),
                items=tuple(items),
                aliases=tuple(aliases),
                item_aliases=tuple(item_aliases),
                required=required,
                prompt=prompt,
                extra=extra,
                source=self.source,
                region=e.region,
                tags=tags,
                reverse=reverse,
                order=e.order * 1000 + position + (900 if reverse else 0),
                key=key,
            )
        )

    def add_list(self, key: str, facet: str, question: str, items: Sequence[Item], group: str = "") -> None:
        """A list question answered by the items' labels (or texts); each text is also accepted.

        A single item is a basic answer; a label that only names its `group` ("Dry needling" under
        dry needling) is left out of it."""
        if not items:
            return
        if len(items) == 1:
            (item,) = items
            if item.label and item.text and content_words(item.label) <= content_words(group):
                item = dataclasses.replace(item, label="")
            self.add(key, facet, question, item.display())
            return
        short = [i.label or i.text for i in items]
        detailed = [i.display() for i in items]
        extra = "" if short == detailed else "\n".join(detailed)
        wordings = [(i.text,) if i.label and i.text else () for i in items]
        self.add(key, facet, question, "", items=short, item_aliases=wordings, extra=extra)


def _presentations(e: Entry) -> tuple[Item, ...]:
    """Indications and symptoms as one list: the same presentation is asked once (with the
    notes of both)."""
    out: dict[frozenset[str], Item] = {}
    for item in (*e.indications, *e.symptoms):
        words = content_words(item.label or item.text)
        kept = out.get(words)
        if kept is None:
            out[words] = item
        elif item.note and item.note != kept.note:
            out[words] = dataclasses.replace(kept, note="; ".join(n for n in (kept.note, item.note) if n))
    return tuple(out.values())


def entry_facts(e: Entry, keys: Collection[str] | None = None) -> list[Fact]:
    """The forward facts of one entry, one small block per facet (only `keys`, if given).

    A basic question that would contain its answer is not asked.
    """
    b = _Builder(e, keys)
    s, do = subject(e), does(e)
    if e.area:
        b.add("area", "area", f"Where {do} {s} lie?", e.area)
    for key, verb, struct in (("origin", "originate", e.origin), ("insertion", "insert", e.insertion)):
        if struct:
            b.add(key, key, f"Where {do} {s} {verb}?", struct.text, aliases=struct.aliases, extra=struct.note)
    if e.innervation:
        inn = e.innervation
        b.add(
            "innervation",
            "innervation",
            f"Which nerve supplies {s}?",
            inn.nerve,
            aliases=inn.aliases,
            extra=inn.note,  # not the levels: they are the next card's answer
        )
        if inn.levels:
            b.add(
                "innervation-levels",
                "innervation",
                f"From which spinal levels does the motor supply of {s} arise?",
                inn.levels,
                extra=" ".join(x for x in (f"Nerve: {inn.nerve}.", inn.note) if x),
            )
    b.add_list("actions", "actions", f"What are the actions of {s}?", e.actions)
    if e.referral:
        notes = [r.display() for r in e.referral if r.note]
        zones = sorted({region_name(z) for r in e.referral for z in r.primary})
        extra = "\n".join([*notes, *([f"Primary zones: {', '.join(zones)}"] if zones else [])])
        b.add(
            "referral",
            "referral",
            f"Where do trigger points in {s} refer pain?",
            "",
            items=[r.text for r in e.referral],
            extra=extra,
        )
    if e.differentials:
        b.add(
            "differentials",
            "differentials",
            f"Name two conditions that trigger points in {s} are often mistaken for.",
            "",
            items=[d.condition for d in e.differentials],
        )
    for d in e.differentials:
        if d.distinguish:
            b.add(
                f"differential-{d.key}",
                "differentials",
                f"How do you tell trigger points in {s} apart from {mid(d.condition)}?",
                d.distinguish,
            )
    if e.associated:
        b.add(
            "associated",
            "associated",
            f"Name two muscles whose trigger points often accompany those in {s}.",
            "",
            items=[a.name for a in e.associated],
            extra="\n".join(f"{a.name}: {a.note}" for a in e.associated if a.note),
        )
    b.add_list(
        "indications",
        "indications",
        f"Name two presentations that suggest trigger points in {s}.",
        _presentations(e),
    )
    b.add_list(
        "perpetuating",
        "perpetuating",
        f"Name two factors that keep trigger points in {s} active.",
        e.perpetuating,
    )
    b.add_list(
        "examination",
        "examination",
        f"Name two examination steps when trigger points in {s} are suspected.",
        e.examination,
    )
    for key, group, items in e.treatment.groups():
        b.add_list(f"treatment-{slug(key)}", "treatment", TREATMENT_QUESTIONS[key].format(s=s), items, group)
    if e.treatment.avoid:
        b.add(
            "treatment-avoid",
            "treatment",
            f"Which structures must you stay clear of when needling {s}?",
            " ".join(e.treatment.avoid),
        )
    return b.facts


def nerve_facts(entries: Sequence[Entry]) -> list[Fact]:
    """Reverse facts 'which muscles does nerve X supply?' for nerves shared by several entries.

    The answer lists every entry with that nerve, so it is complete for the knowledge base.
    A nerve with a single muscle here is not asked: the deck cannot know the nerve's other
    muscles, and names such as 'nerve to piriformis' would give the answer away. The id is
    built from the nerve, so adding a muscle to the group keeps the review history.
    """
    groups: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.innervation:
            groups[normal_nerve(e.innervation.nerve)].append(e)
    out = []
    for key, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        first = members[0]
        assert first.innervation is not None
        nerve = mid(first.innervation.nerve)
        names = [m.name for m in members]
        b = _Builder(first)
        b.add(
            "muscles",
            "innervation",
            f"Which muscles in this deck are supplied by the {nerve}?",
            "",
            items=names,
            reverse=True,
            extra=f"All {len(names)} muscles of this knowledge base with this nerve.",
        )
        fact = b.facts[0]
        tags = tuple(t for t in fact.tags if not t.startswith("TP::Muscle::")) + tuple(
            f"TP::Muscle::{tag_word(m.name)}" for m in members
        )
        out.append(
            dataclasses.replace(fact, id=f"nerve-{slug(key)}__muscles", tags=tags, muscle=" / ".join(names))
        )
    return out


def unique_referrals(entries: Sequence[Entry]) -> dict[str, tuple[str, ...]]:
    """Entries whose primary referral regions no other entry covers, with those regions.

    Only these may be asked "which muscle refers pain here?": for any other entry a second
    muscle of the knowledge base would also be a right answer. Needs two or more primary
    regions, so a single common zone never identifies a muscle, and a fully coded pattern
    (`Entry.referral_complete`), or the uncoded site could be shared. Linear in the entries:
    candidates are the intersection of per-region entry sets.
    """
    covering: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        for r in e.referral:
            for z in (*r.primary, *r.spillover):
                covering[z].add(e.id)
    out: dict[str, tuple[str, ...]] = {}
    for e in entries:
        primary = sorted({z for r in e.referral for z in r.primary})
        if len(primary) < 2 or not e.referral_complete:  # a zone left uncoded could be the one
            continue
        sharing = set.intersection(*(covering[z] for z in primary))
        if sharing == {e.id}:
            out[e.id] = tuple(primary)
    return out


def referral_facts(entries: Sequence[Entry]) -> list[Fact]:
    """Reverse referral facts, only where no other entry also covers the whole pattern."""
    unique = unique_referrals(entries)
    out = []
    for e in entries:
        if e.id not in unique:
            continue
        names = ", ".join(region_name(z) for z in unique[e.id])
        b = _Builder(e)
        b.add(
            "referral-reverse",
            "referral",
            f"Which muscle in this deck has trigger points that refer pain mainly to: {names}?",
            e.name,
            aliases=e.aliases,
            reverse=True,
        )
        out.extend(b.facts)
    return out


def normal_nerve(nerve: str) -> str:
    """Compare nerve names without case, 'the', abbreviations ('sup.', 'n.'), spinal levels
    in brackets, the word 'nerve' or punctuation: 'The sup. gluteal n. (L4–S1)' is
    'superior gluteal'."""
    return " ".join(t for t in tokens(nerve) if t not in {"nerve", "nerves"})


def derive_facts(
    kb: KnowledgeBase | Iterable[Entry],
    *,
    muscles: Sequence[str] = (),
    facets: Sequence[str] = (),
    keys: Collection[str] | None = None,
) -> list[Fact]:
    """All facts of a knowledge base in curriculum order, optionally filtered.

    `keys` limits the forward facts to those facet keys (e.g. "origin", "referral"), without
    building the others: a caller that needs a fifth of the facts pays for a fifth.
    """
    entries = list(kb.entries if isinstance(kb, KnowledgeBase) else kb)
    facts = [f for e in entries for f in entry_facts(e, keys)]
    facts += nerve_facts(entries) + referral_facts(entries)
    if muscles:
        wanted = set(muscles)
        wanted_tags = {f"TP::Muscle::{tag_word(e.name)}" for e in entries if e.id in wanted}
        facts = [f for f in facts if f.entry in wanted or not wanted_tags.isdisjoint(f.tags)]
    if facets:
        wanted_facets = set(facets)
        facts = [f for f in facts if f.facet in wanted_facets]
    facts.sort(key=lambda f: (f.order, f.id))
    return spread(facts)


def spread(facts: Sequence[Fact]) -> list[Fact]:
    """The facts in study order with no card's back giving away the next card's answer.

    A fact revealed by the one before it moves back behind the next fact that is not; `order`
    is renumbered so every later sort (Anki's new-card order, the quiz) keeps this sequence.
    """
    out = list(facts)
    for i in range(len(out) - 1):
        if reveals(out[i], out[i + 1]):
            for j in range(i + 2, len(out)):
                if not reveals(out[i], out[j]):
                    out.insert(i + 1, out.pop(j))
                    break
    if out == list(facts):
        return out
    return [dataclasses.replace(f, order=n) for n, f in enumerate(out)]
