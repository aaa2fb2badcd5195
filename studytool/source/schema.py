"""The source-entry schema: validates located YAML data and builds frozen `Entry` objects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from studytool.errors import Diagnostic, did_you_mean
from studytool.model import (
    ANATOMY,
    FACETS,
    Associated,
    Differential,
    Entry,
    Innervation,
    Item,
    Media,
    Referral,
    Structure,
    Treatment,
    TriggerPoint,
)
from studytool.regions import REGIONS
from studytool.source.yamlload import Document, Located, Path_
from studytool.textnorm import slug

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Str:
    """A non-empty string, optionally a slug."""

    slug: bool = False


@dataclass(frozen=True)
class Int:
    """An integer."""


@dataclass(frozen=True)
class Bool:
    """A YAML boolean (true/false)."""


@dataclass(frozen=True)
class ListOf:
    """A list whose items all follow `item`."""

    item: Spec


@dataclass(frozen=True)
class MapOf:
    """A mapping with known keys; `short` lets a plain string stand for {short: string}."""

    fields: dict[str, Spec]
    required: frozenset[str] = frozenset()
    short: str = ""


Spec = Str | Int | Bool | ListOf | MapOf

TEXTS = ListOf(Str())
ITEM = MapOf(
    {"text": Str(), "label": Str(), "note": Str(), "key": Str(slug=True)}, frozenset({"text"}), "text"
)
ITEMS = ListOf(ITEM)
STRUCTURE = MapOf({"text": Str(), "aliases": TEXTS, "note": Str()}, frozenset({"text"}), "text")
INNERVATION = MapOf(
    {"nerve": Str(), "levels": Str(), "aliases": TEXTS, "note": Str()}, frozenset({"nerve"}), "nerve"
)
REGION_IDS = ListOf(Str(slug=True))
TREATMENT = MapOf({**{key: ITEMS for key, _ in Treatment.GROUPS}, "avoid": TEXTS})

ENTRY = MapOf(
    {
        "id": Str(slug=True),
        "name": Str(),
        "in_sentence": Str(),
        "plural": Bool(),
        "order": Int(),
        "region": Str(),
        "area": Str(),
        "summary": Str(),
        "aliases": TEXTS,
        "anatomy": MapOf({"origin": STRUCTURE, "insertion": STRUCTURE, "innervation": INNERVATION}),
        "actions": ITEMS,
        "referral": ListOf(
            MapOf(
                {
                    "text": Str(),
                    "primary": REGION_IDS,
                    "spillover": REGION_IDS,
                    "coded": Bool(),
                    "note": Str(),
                },
                frozenset({"text"}),
                "text",
            )
        ),
        "trigger_points": ListOf(
            MapOf({"text": Str(), "region": Str(slug=True)}, frozenset({"text"}), "text")
        ),
        "differentials": ListOf(
            MapOf(
                {"condition": Str(), "distinguish": Str(), "key": Str(slug=True)},
                frozenset({"condition"}),
                "condition",
            )
        ),
        "associated": ListOf(MapOf({"ref": Str(slug=True), "name": Str(), "note": Str()}, short="name")),
        "indications": ITEMS,
        "symptoms": ITEMS,
        "perpetuating": ITEMS,
        "examination": ITEMS,
        "treatment": TREATMENT,
        "sources": TEXTS,
        "media": MapOf({"image": Str(), "caption": Str()}, frozenset({"image"}), "image"),
        "notes": TEXTS,
    },
    frozenset({"id", "name"}),
)

# What `check --strict` expects to be filled: (path in the data, human name). The facets of
# the model, where a source file keeps them, with each treatment group on its own.
STRICT_FACETS: tuple[tuple[Path_, str], ...] = (
    (("region",), "region"),
    *((("anatomy", f) if f in ANATOMY else (f,), f) for f in FACETS if f != "treatment"),
    *((("treatment", key), f"treatment.{key}") for key, _ in Treatment.GROUPS),
    (("sources",), "sources"),
)
# Top-level lists of plain items, whose items get a stable key.
ITEM_LISTS = tuple(key for key, spec in ENTRY.fields.items() if spec is ITEMS)

_TYPE_NAMES = {str: "a string", int: "an integer", list: "a list", dict: "a mapping"}


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


@dataclass
class Validator:
    """Walks data against a spec, collecting diagnostics and returning normalised data."""

    doc: Document
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, path: Path_, code: str, message: str, *, key: bool = False) -> None:
        where = self.doc.key_loc(path) if key else self.doc.loc(path)
        self.diagnostics.append(Diagnostic(where, code, message))

    def check(self, value: Any, spec: Spec, path: Path_) -> Any:
        if isinstance(spec, Str) and type(value) is str:
            text = " ".join(value.split())
            if text and len(text) <= MAX_TEXT and (not spec.slug or SLUG.match(text)):
                return text
        name = ".".join(str(p) for p in path) or "document"
        if isinstance(spec, Str):
            return self._string(value, spec, path, name)
        if isinstance(spec, Int):
            if isinstance(value, bool) or not isinstance(value, int):
                self.error(path, "E012", f"'{name}' must be an integer, not {_type_name(value)}")
                return None
            return value
        if isinstance(spec, Bool):
            if not isinstance(value, bool):
                self.error(path, "E012", f"'{name}' must be true or false, not {_type_name(value)}")
                return None
            return value
        if isinstance(spec, ListOf):
            if value is None:
                return []
            if not isinstance(value, list):
                self.error(path, "E012", f"'{name}' must be a list, not {_type_name(value)}")
                return None
            out = [self.check(v, spec.item, (*path, i)) for i, v in enumerate(value)]
            return [v for v in out if v is not None]
        return self._mapping(value, spec, path, name)

    def _string(self, value: Any, spec: Str, path: Path_, name: str) -> str | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not spec.slug:
            return str(value)
        if not isinstance(value, str):
            hint = "; put it in quotes" if isinstance(value, bool) else ""
            self.error(path, "E012", f"'{name}' must be a string, not {_type_name(value)}{hint}")
            return None
        text = " ".join(value.split())
        if not text:
            self.error(path, "E017", f"'{name}' is empty")
            return None
        if len(text) > MAX_TEXT:
            self.error(path, "E020", f"'{name}' is {len(text):,} characters; the limit is {MAX_TEXT:,}")
            return None
        if spec.slug and not SLUG.match(text):
            self.error(
                path,
                "E013",
                f"'{name}' must be a slug: lowercase letters, digits and single hyphens, got {text!r}",
            )
            return None
        return text

    def _mapping(self, value: Any, spec: MapOf, path: Path_, name: str) -> dict[str, Any] | None:
        if spec.short and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = {spec.short: value}
        if not isinstance(value, dict):
            self.error(path, "E012", f"'{name}' must be a mapping, not {_type_name(value)}")
            return None
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in spec.fields:
                where = f"'{name}'" if path else "an entry"
                self.error(
                    (*path, key),
                    "E010",
                    f"unknown key '{key}' in {where}{did_you_mean(key, spec.fields)}",
                    key=True,
                )
                continue
            checked = self.check(item, spec.fields[key], (*path, key))
            if checked is not None:
                out[key] = checked
        for key in sorted(spec.required - value.keys()):
            label = f"'{key}' is required" + (f" in '{name}'" if path else "")
            self.error(path, "E011", label)
        if not spec.required <= out.keys():
            return None  # reported above (missing) or while checking the key (invalid)
        return out


def validate_entry(doc: Document, stem: str) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """Validate one document; return normalised data (None when unusable) and diagnostics."""
    v = Validator(doc)
    if not isinstance(doc.data, dict):
        v.error((), "E009", f"the file must hold a mapping (key: value), not {_type_name(doc.data)}")
        return None, v.diagnostics
    data = v.check(doc.data, ENTRY, ())
    if data is None:
        return None, v.diagnostics
    entry_id = data.get("id")
    if isinstance(entry_id, str) and entry_id != stem:
        v.error(("id",), "E014", f"id '{entry_id}' does not match the file name '{stem}.yaml'")
    for kind in ("primary", "spillover"):
        for i, ref in enumerate(data.get("referral", [])):
            for j, region in enumerate(ref.get(kind, [])):
                if region not in REGIONS:
                    v.error(
                        ("referral", i, kind, j),
                        "E018",
                        f"unknown region '{region}'{did_you_mean(region, REGIONS)}",
                    )
    for i, tp in enumerate(data.get("trigger_points", [])):
        if tp.get("region") and tp["region"] not in REGIONS:
            v.error(
                ("trigger_points", i, "region"),
                "E018",
                f"unknown region '{tp['region']}'{did_you_mean(tp['region'], REGIONS)}",
            )
    for i, assoc in enumerate(data.get("associated", [])):
        if not assoc.get("ref") and not assoc.get("name"):
            v.error(("associated", i), "E011", "an associated trigger point needs 'ref' or 'name'")
    _fill_keys(data)
    _check_unique_keys(v, data)
    return data, v.diagnostics


def _fill_keys(data: dict[str, Any]) -> None:
    """Give every list item its stable key now, so cached data need not slug labels again."""
    lists = [data.get(facet, []) for facet in ITEM_LISTS]
    lists += [data.get("treatment", {}).get(key, []) for key, _ in Treatment.GROUPS]
    for items in lists:
        for item in items:
            item["key"] = item_key(item.get("key", ""), item.get("label") or item["text"])
    for item in data.get("differentials", []):
        item["key"] = item_key(item.get("key", ""), item["condition"])


def _check_unique_keys(v: Validator, data: dict[str, Any]) -> None:
    """Per-item fact ids come from item keys, so keys must be unique within a list."""
    for facet in ("actions", "differentials"):
        seen: dict[str, int] = {}
        for i, item in enumerate(data.get(facet, [])):
            key = item["key"]
            if key in seen:
                v.error(
                    (facet, i),
                    "E021",
                    f"two {facet} share the key '{key}' (item {seen[key] + 1}); add a distinct 'key:'",
                )
            seen.setdefault(key, i)


def item_key(explicit: str, text: str) -> str:
    """The stable key of a list item: its explicit key, else a slug of its label."""
    return explicit or slug(text, limit=60, empty="item")


def strict_warnings(doc: Located, data: dict[str, Any], names: dict[str, str]) -> list[Diagnostic]:
    """Warnings for `check --strict`: every empty facet, regionless referrals, unlinked muscles."""
    out: list[Diagnostic] = []
    for path, label in STRICT_FACETS:
        value: Any = data
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if not value:
            out.append(Diagnostic(doc.key_loc(path), "W101", f"facet '{label}' is empty", "warning"))
    for i, ref in enumerate(data.get("referral", [])):
        if not ref.get("primary") and not ref.get("spillover"):
            out.append(
                Diagnostic(doc.loc(("referral", i)), "W102", "referral item names no region", "warning")
            )
        elif ref.get("coded") is False:
            out.append(
                Diagnostic(
                    doc.key_loc(("referral", i, "coded")),
                    "W102",
                    "referral item is marked 'coded: false': code every site its text names, then remove it",
                    "warning",
                )
            )
    for i, assoc in enumerate(data.get("associated", [])):
        name = assoc.get("name", "")
        target = names.get(name.lower())
        if not assoc.get("ref") and target:
            out.append(
                Diagnostic(
                    doc.loc(("associated", i)),
                    "W103",
                    f"'{name}' has an entry; write 'ref: {target}' so the link is checked",
                    "warning",
                )
            )
    return out


def _items(raw: list[dict[str, str]]) -> tuple[Item, ...]:
    # `validate_entry` already gave every item its key (`_fill_keys`).
    return tuple(Item(r["text"], r.get("label", ""), r.get("note", ""), r["key"]) for r in raw)


def build_entry(data: dict[str, Any], path: str, order: int, doc: Located) -> Entry:
    """Turn validated data into a frozen `Entry`."""
    anatomy = data.get("anatomy", {})

    def structure(key: str) -> Structure | None:
        raw = anatomy.get(key)
        return Structure(raw["text"], tuple(raw.get("aliases", ())), raw.get("note", "")) if raw else None

    inn = anatomy.get("innervation")
    media = data.get("media")
    treatment = data.get("treatment", {})
    return Entry(
        id=data["id"],
        name=data["name"],
        in_sentence=data.get("in_sentence", ""),
        plural=data.get("plural", False),
        path=path,
        order=data.get("order", order),
        region=data.get("region", ""),
        area=data.get("area", ""),
        summary=data.get("summary", ""),
        aliases=tuple(data.get("aliases", ())),
        origin=structure("origin"),
        insertion=structure("insertion"),
        innervation=Innervation(
            inn["nerve"], inn.get("levels", ""), tuple(inn.get("aliases", ())), inn.get("note", "")
        )
        if inn
        else None,
        actions=_items(data.get("actions", [])),
        referral=tuple(
            Referral(
                r["text"],
                tuple(r.get("primary", ())),
                tuple(r.get("spillover", ())),
                r.get("note", ""),
                r.get("coded", True),
            )
            for r in data.get("referral", [])
        ),
        trigger_points=tuple(
            TriggerPoint(t["text"], t.get("region", "")) for t in data.get("trigger_points", [])
        ),
        differentials=tuple(
            Differential(d["condition"], d.get("distinguish", ""), d["key"])
            for d in data.get("differentials", [])
        ),
        associated=tuple(
            Associated(a.get("name", ""), a.get("ref", ""), a.get("note", ""))
            for a in data.get("associated", [])
        ),
        indications=_items(data.get("indications", [])),
        symptoms=_items(data.get("symptoms", [])),
        perpetuating=_items(data.get("perpetuating", [])),
        examination=_items(data.get("examination", [])),
        treatment=Treatment(
            **{key: _items(treatment.get(key, [])) for key, _ in Treatment.GROUPS},
            avoid=tuple(treatment.get("avoid", ())),
        ),
        sources=tuple(data.get("sources", ())),
        media=Media(media["image"], media.get("caption", ""), doc.loc(("media", "image"))) if media else None,
        notes=tuple(data.get("notes", ())),
    )
