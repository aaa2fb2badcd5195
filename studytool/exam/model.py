"""The exam item model: version-independent items, per-version questions, the whole exam."""

from __future__ import annotations

from dataclasses import dataclass

TYPES = ("mcq", "multi", "match", "tf", "short", "map")
DEFAULT_TYPES = TYPES[:5]  # "map" (a picture item) is opt-in: --types ...,map
FORMATS = ("md", "html", "pdf", "gift", "moodle", "qti", "json")
TYPE_NAMES = {
    "mcq": "single best answer",
    "multi": "select all that apply",
    "match": "matching",
    "tf": "true/false",
    "short": "short answer",
    "map": "body map (single best answer)",
}
SINGLE = ("mcq", "map")  # single-best-answer types: 4 options, one key, balanced positions
LISTED = ("mcq", "multi", "tf", "map")  # types whose options are printed as one lettered list


@dataclass(frozen=True)
class Image:
    """A picture shown with a stem: an SVG, its file name (a content hash) and its alt text."""

    name: str
    svg: str
    alt: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "alt": self.alt}


@dataclass(frozen=True)
class Item:
    """One question, the same in every version (only the order of things changes).

    ``correct``: the correct option texts (mcq: one; multi: several; tf: "True" or "False";
    match: the answer for each prompt, in prompt order; short: the accepted answers).
    ``wrong``: the distractors (mcq, multi, match extras). ``topics``: the (entry id, topic) pairs
    the item asks about or shows; no two items of an exam share one (the no-giveaway rule).
    """

    id: str
    type: str
    fact_ids: tuple[str, ...]
    stem: str
    correct: tuple[str, ...]
    wrong: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    topics: frozenset[tuple[str, str]] = frozenset()
    muscles: tuple[str, ...] = ()
    facet: str = ""
    image: Image | None = None


@dataclass(frozen=True)
class Question:
    """An item as it appears in one version: numbered, with options in this version's order.

    ``key``: option indices for mcq/multi/tf; for match, the option index answering each
    prompt (in this version's prompt order); empty for short answers, whose accepted answers
    are ``item.correct``. ``correct`` is the JSON view: indices, or the accepted answers.
    """

    number: int
    item: Item
    options: tuple[str, ...]
    key: tuple[int, ...]
    prompts: tuple[str, ...] = ()
    points: float = 1.0

    @property
    def correct(self) -> list[int] | list[str]:
        return list(self.item.correct) if self.item.type == "short" else list(self.key)

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def type(self) -> str:
        return self.item.type

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.item.id,
            "number": self.number,
            "type": self.item.type,
            "fact_ids": list(self.item.fact_ids),
            "stem": self.item.stem,
            "options": list(self.options),
            "correct": self.correct,
            "points": self.points,
        }
        if self.prompts:
            out["prompts"] = list(self.prompts)
        if self.item.image is not None:
            out["image"] = self.item.image.to_json()
        return out


@dataclass(frozen=True)
class Version:
    """One form of the exam (A, B, ...)."""

    name: str
    questions: tuple[Question, ...]

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "questions": [q.to_json() for q in self.questions]}


@dataclass(frozen=True)
class Exam:
    """Every version of one exam, plus what produced it."""

    title: str
    seed: str
    items: tuple[Item, ...]
    versions: tuple[Version, ...]
    points: float = 1.0

    @property
    def images(self) -> list[Image]:
        """Every distinct image of the exam, by file name."""
        found = {it.image.name: it.image for it in self.items if it.image is not None}
        return [found[k] for k in sorted(found)]

    @property
    def total_points(self) -> float:
        return self.points * len(self.items)

    def to_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "seed": self.seed,
            "versions": [v.to_json() for v in self.versions],
        }


def fmt_points(p: float) -> str:
    """'1', '1.5': points without a useless '.0'."""
    return f"{p:g}"


def points_label(p: float) -> str:
    """'1 point', '2 points', '1.5 points'."""
    return f"{fmt_points(p)} point" + ("" if p == 1 else "s")
