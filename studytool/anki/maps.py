"""Referral body maps in the deck: the map on referral cards, and "which muscle?" map cards.

Every referral card of an entry whose pattern names regions shows that entry's map on the
back (Image field). Entries whose pattern is unique in the knowledge base
(`facts.unique_referrals`, the rule behind the `referral-reverse` fact) also get an
Anki-only card `<entry>__referral-map`: the map without the muscle's name on the front, the
name on the back. It is not a `derive_facts` fact: the quiz and exam cannot show a picture,
and in words it would repeat the `referral-reverse` question.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from studytool.anki.package import MediaFile
from studytool.anki.render import image_field
from studytool.model import Entry, Fact, KnowledgeBase

MAP_KEY = "referral-map"
MAP_QUESTION = "Which muscle in this deck has trigger points that refer pain in this pattern?"
MAP_CLASS = "tp-map"


@dataclass
class MapPlan:
    """What the maps add to a build: Image fields by fact id, front images, facts, media."""

    images: dict[str, str] = field(default_factory=dict)  # fact id -> Image field
    fronts: dict[str, str] = field(default_factory=dict)  # fact id -> HTML after the question
    facts: list[Fact] = field(default_factory=list)  # the Anki-only map-card facts
    media: list[MediaFile] = field(default_factory=list)


def has_map(entry: Entry) -> bool:
    """Whether the entry's pattern may be drawn: every referral item is coded with regions.

    A partly coded pattern would draw a wrong map (the zones the text names but the ids miss
    would be blank), so such an entry gets no map; `build` says which and why.
    """
    return entry.referral_complete


def plan_maps(kb: KnowledgeBase, facts: Sequence[Fact]) -> MapPlan:
    """Maps for the selected facts: referral cards get the map, unique patterns a map card."""
    from studytool.bodymap import describe, render_map
    from studytool.bodymap.render import anonymous_filename, named_filename
    from studytool.questions.facts import unique_referrals

    entries = kb.by_id()
    plan = MapPlan()
    media: dict[str, MediaFile] = {}
    by_id = {f.id: f for f in facts}
    drawn: dict[str, str] = {}  # entry id -> its map's Image field
    for fact in facts:
        entry = entries.get(fact.entry)
        if fact.facet != "referral" or entry is None or not has_map(entry):
            continue
        if fact.id not in (f"{entry.id}__referral", f"{entry.id}__referral-reverse"):
            continue
        if entry.id not in drawn:  # each entry has up to two facts that show its map
            svg = render_map(entry)
            name = named_filename(entry.id, svg)
            media[name] = MediaFile(name, svg.encode("utf-8"))
            drawn[entry.id] = image_field(name, describe(entry), MAP_CLASS)
        plan.images[fact.id] = drawn[entry.id]
    for entry_id in unique_referrals(kb.entries):
        reverse = by_id.get(f"{entry_id}__referral-reverse")
        if reverse is None:  # not in this (partial) selection
            continue
        entry = entries[entry_id]
        svg = render_map(entry, anonymous=True)
        name = anonymous_filename(svg)
        media[name] = MediaFile(name, svg.encode("utf-8"))
        card = dataclasses.replace(
            reverse, id=f"{entry_id}__{MAP_KEY}", key=MAP_KEY, question=MAP_QUESTION, extra=""
        )
        plan.facts.append(card)
        image = image_field(name, describe(entry, anonymous=True), MAP_CLASS)
        plan.fronts[card.id] = f'<div class="tp-image">{image}</div>'
    plan.media = list(media.values())
    return plan
