"""Frozen model objects: what a validated source entry and a derived fact hold. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from studytool.errors import Location

# What facts are asked about (`Fact.facet`), in curriculum order; each is a field of `Entry`.
FACETS = (
    "area",
    "origin",
    "insertion",
    "innervation",
    "actions",
    "referral",
    "differentials",
    "associated",
    "indications",
    "symptoms",
    "perpetuating",
    "examination",
    "treatment",
)
# The facets a source file keeps under its `anatomy:` key.
ANATOMY = ("origin", "insertion", "innervation")


@dataclass(frozen=True)
class Item:
    """One list item: text, with an optional label ('Palpation'), note and stable key."""

    text: str
    label: str = ""
    note: str = ""
    key: str = ""

    def display(self) -> str:
        """The item as one line of plain text: 'Label: text (note)'."""
        head = f"{self.label}: {self.text}" if self.label and self.text else self.label or self.text
        return f"{head} ({self.note})" if self.note else head


@dataclass(frozen=True)
class Structure:
    """An origin or insertion: the attachment text, accepted short answers and a caveat."""

    text: str
    aliases: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Innervation:
    """The motor nerve, its spinal levels, and where references disagree."""

    nerve: str
    levels: str = ""
    aliases: tuple[str, ...] = ()
    note: str = ""

    def display(self) -> str:
        return f"{self.nerve} ({self.levels})" if self.levels else self.nerve


@dataclass(frozen=True)
class Referral:
    """One referral zone: free text plus primary (essential) and spillover region ids."""

    text: str
    primary: tuple[str, ...] = ()
    spillover: tuple[str, ...] = ()
    note: str = ""
    coded: bool = True  # False: the text names sites the region ids do not (yet) cover

    def display(self) -> str:
        return f"{self.text} ({self.note})" if self.note else self.text

    @property
    def fully_coded(self) -> bool:
        """The region ids cover everything the text names."""
        return self.coded and bool(self.primary or self.spillover)


@dataclass(frozen=True)
class Differential:
    """A condition the trigger points are mistaken for, and how to tell them apart."""

    condition: str
    distinguish: str = ""
    key: str = ""


@dataclass(frozen=True)
class Associated:
    """A muscle whose trigger points often co-exist: an entry id when we have one."""

    name: str
    ref: str = ""
    note: str = ""


@dataclass(frozen=True)
class TriggerPoint:
    """Where a trigger point lies (for the body map): text and region id."""

    text: str
    region: str = ""


@dataclass(frozen=True)
class Treatment:
    """Corrective actions, grouped as the reference pages group them."""

    dry_needling: tuple[Item, ...] = ()
    manual_therapy: tuple[Item, ...] = ()
    stretches: tuple[Item, ...] = ()
    strengthening: tuple[Item, ...] = ()
    postural: tuple[Item, ...] = ()
    avoid: tuple[str, ...] = ()  # structures to stay clear of when needling ("Femoral nerve")

    GROUPS = (
        ("dry_needling", "dry needling"),
        ("manual_therapy", "manual therapy"),
        ("stretches", "stretching"),
        ("strengthening", "strengthening"),
        ("postural", "postural and movement advice"),
    )

    def groups(self) -> list[tuple[str, str, tuple[Item, ...]]]:
        """(key, human name, items) for each group, in a fixed order."""
        return [(key, name, getattr(self, key)) for key, name in self.GROUPS]


@dataclass(frozen=True)
class Media:
    """An image inside the source folder, with a caption."""

    image: str
    caption: str = ""
    location: Location | None = None


@dataclass(frozen=True)
class Entry:
    """One validated source entry (one muscle)."""

    id: str
    name: str
    path: str
    in_sentence: str = ""  # how the name reads inside a sentence ("the hamstring muscles")
    plural: bool = False  # a group entry: verbs agree in the plural
    region: str = ""
    area: str = ""
    summary: str = ""
    aliases: tuple[str, ...] = ()
    origin: Structure | None = None
    insertion: Structure | None = None
    innervation: Innervation | None = None
    actions: tuple[Item, ...] = ()
    referral: tuple[Referral, ...] = ()
    trigger_points: tuple[TriggerPoint, ...] = ()
    differentials: tuple[Differential, ...] = ()
    associated: tuple[Associated, ...] = ()
    indications: tuple[Item, ...] = ()
    symptoms: tuple[Item, ...] = ()
    perpetuating: tuple[Item, ...] = ()
    examination: tuple[Item, ...] = ()
    treatment: Treatment = field(default_factory=Treatment)
    sources: tuple[str, ...] = ()
    media: Media | None = None
    notes: tuple[str, ...] = ()
    order: int = 0

    @property
    def referral_complete(self) -> bool:
        """Every referral item is coded with regions: maps and reverse questions may use it."""
        return not self.referral_gaps()

    def referral_gaps(self) -> tuple[str, ...]:
        """Why the referral pattern is not fully coded (empty when it is), one reason per item."""
        if not self.referral:
            return ("it has no referral pattern",)
        return tuple(
            f"referral item {i} ('{r.text}') "
            + ("names no region" if not (r.primary or r.spillover) else "is marked coded: false")
            for i, r in enumerate(self.referral, 1)
            if not r.fully_coded
        )

    def citation(self) -> str:
        """All sources of the entry as one line."""
        return "; ".join(self.sources)


@dataclass(frozen=True)
class Fact:
    """One question/answer pair with a stable id (entry id + '__' + facet key)."""

    id: str
    entry: str
    muscle: str
    facet: str
    kind: str  # "basic" or "list"
    question: str
    answer: str
    items: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    # Other accepted wordings of each item, parallel to `items` (the item's text, its aliases).
    item_aliases: tuple[tuple[str, ...], ...] = ()
    # An open list ("name two of ..."): how many items a full answer needs; 0 means all of them.
    required: int = 0
    prompt: str = ""  # an open list's heading on a cloze card, where every item but one shows
    extra: str = ""
    source: str = ""
    region: str = ""
    tags: tuple[str, ...] = ()
    reverse: bool = False
    order: int = 0
    key: str = ""  # the facet key within its entry ('origin', 'differential-hip-bursitis')

    def to_json(self) -> dict[str, object]:
        """The fact as a JSON-ready dict (the `facts --json` element)."""
        return {
            "id": self.id,
            "entry": self.entry,
            "muscle": self.muscle,
            "facet": self.facet,
            "kind": self.kind,
            "reverse": self.reverse,
            "question": self.question,
            "answer": self.answer,
            "items": list(self.items),
            "aliases": list(self.aliases),
            "extra": self.extra,
            "source": self.source,
            "tags": list(self.tags),
        }


@dataclass(frozen=True)
class KnowledgeBase:
    """All entries of a source folder, in sorted order, plus the curated distractor pool."""

    root: str
    entries: tuple[Entry, ...]
    pool: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}
