"""Assemble entry data from a split page: one small handler per section, nothing lost."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from studytool.errors import Diagnostic, Location
from studytool.importer.anatomy import parse_anatomy, structure_aliases
from studytool.importer.items import (
    ParsedItem,
    is_closing,
    is_lead,
    label_case,
    parse_item,
    sentence_case,
    split_label,
)
from studytool.importer.lines import MAX_LINE, Line, split_lines
from studytool.importer.regionmap import cue_only, map_regions
from studytool.importer.sections import TREATMENT_KEYS, Page, Section, heading_key, heading_words
from studytool.importer.sections import split_sections as split_page
from studytool.source.schema import SLUG, item_key
from studytool.textnorm import normalize, slug

MIN_SECTIONS = 2
# Plain list sections (actions have their own handler, _actions).
ITEM_SECTIONS = ("indications", "symptoms", "perpetuating", "examination", *TREATMENT_KEYS)


def slugify(text: str) -> str:
    """An entry id from a muscle name: the one slug rule (`textnorm.slug`); '' when none is left."""
    return slug(text, empty="")


def muscle_key(name: str) -> str:
    """Compare muscle names without case, punctuation, 'muscle' or articles."""
    return " ".join(w for w in normalize(name).split() if w not in ("muscle", "muscles"))


@dataclass
class _State:
    path: str
    name: str
    entry_id: str
    known: Mapping[str, str]
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[tuple[int, str]] = field(default_factory=list)
    diags: list[Diagnostic] = field(default_factory=list)

    def warn(self, line: Line, code: str, message: str) -> None:
        self.diags.append(Diagnostic(Location(self.path, line.number, line.col), code, message, "warning"))

    def note(self, line: Line, text: str, title: str = "") -> None:
        self.notes.append((line.number, f"{title}: {text}" if title else text))

    def append(self, key: str, value: Any, group: str = "") -> None:
        target = self.data.setdefault(group, {}) if group else self.data
        target.setdefault(key, []).append(value)


@dataclass(frozen=True)
class Head:
    """A page split into sections, with the muscle name and entry id it will produce."""

    page: Page
    name: str
    ident: str


def parse_page(
    text: str, path: str, *, known: Mapping[str, str] = {}, entry_id: str = ""
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """Turn page text into entry data (None on error) plus warnings and errors.

    `known` maps `muscle_key(name)` to entry ids for linking associated muscles.
    """
    head, errors = page_head(text, path, entry_id)
    return (None, errors) if head is None else build_entry(head, path, known)


def page_head(text: str, path: str, entry_id: str = "") -> tuple[Head | None, list[Diagnostic]]:
    """Split a page and find its muscle name and id; None plus errors when it is no entry page."""
    lines = split_lines(text)
    long = [ln for ln in lines if len(ln.text) > MAX_LINE]
    if long:
        return None, [
            Diagnostic(
                Location(path, ln.number, ln.col),
                "E605",
                f"line is {len(ln.text):,} characters; the limit is {MAX_LINE:,}",
            )
            for ln in long
        ]
    page = split_page(lines)
    found = {s.key for s in page.known()}
    if len(found) < MIN_SECTIONS:
        where = Location(path, lines[0].number, lines[0].col) if lines else Location(path)
        return None, [
            Diagnostic(
                where,
                "E603",
                "not a trigger-point page: found "
                f"{len(found)} of the expected section headings (such as 'Introduction', "
                "'Muscle Action', 'Anatomy and Innervation'); at least 2 are needed",
            )
        ]
    name = _muscle_name(page)
    if not name:
        where = Location(path, lines[0].number, lines[0].col)
        return None, [
            Diagnostic(where, "E604", "no muscle name: add a title line or 'Name: …' under 'Name and Area'")
        ]
    ident = entry_id or slugify(name)
    if not SLUG.match(ident):
        where = Location(path, lines[0].number, lines[0].col)
        return None, [Diagnostic(where, "E604", f"cannot make an id from the name '{name}'; pass --id")]
    return Head(page, name, ident), []


def build_entry(
    head: Head, path: str, known: Mapping[str, str] = {}
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The entry data of a page plus its warnings; `known` as for `parse_page`."""
    page = head.page
    st = _State(path, head.name, head.ident, known)
    st.data["id"] = head.ident
    st.data["name"] = head.name
    for line in page.preamble:
        st.note(line, line.text)
        st.warn(line, "W602", "text before the first section heading; kept in 'notes'")
    for section in page.sections:
        HANDLERS.get(section.key, _unknown)(st, section)
    _unique_keys(st.data)
    if st.notes:
        st.data["notes"] = [text for _, text in sorted(st.notes, key=lambda n: n[0])]
    return _prune(st.data), st.diags


def _prune(value: Any) -> Any:
    """Drop empty strings, lists and mappings (the schema rejects empty values)."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ("", [], {})}
    if isinstance(value, list):
        return [v for v in (_prune(v) for v in value) if v not in ("", [], {})]
    return value.strip() if isinstance(value, str) else value


def _muscle_name(page: Page) -> str:
    for section in page.sections:
        if section.key == "name_area":
            for line in section.lines:
                label, text = split_label(line.text)
                if heading_words(label) in ("name", "muscle", "muscle name") and text.strip(" ."):
                    name = sentence_case(text.strip(" ."))
                    return name[:1].upper() + name[1:]
    if page.title is not None:
        title = re.sub(r"\s*[-–—:|]?\s*\btrigger\s*points?\b.*$", "", page.title.text, flags=re.I)
        title = title.strip(" .:-–—|")
        if title and len(title) <= 80 and heading_key(title) is None:
            return sentence_case(title)
    return ""


def _split_list(st: _State, section: Section) -> list[Line]:
    """Item lines of a list section; lead and closing sentences go to notes."""
    items: list[Line] = []
    for line in section.lines:
        if is_lead(line):
            st.note(line, line.text, section.title)
        else:
            items.append(line)
    tail: list[Line] = []
    bullets = any(line.bullet for line in items[:-1])
    while len(items) > 1 and is_closing(items[-1], st.name, after_bullets=bullets):
        tail.insert(0, items.pop())
    for line in tail:
        st.note(line, line.text, section.title)
    return items


def _item(p: ParsedItem) -> dict[str, str]:
    out = {"label": p.label, "text": p.text, "note": p.note}
    return {k: v for k, v in out.items() if v}


def _items(st: _State, section: Section) -> None:
    group = "treatment" if section.key in TREATMENT_KEYS else ""
    for line in _split_list(st, section):
        st.append(section.key, _item(parse_item(line)), group)


def _actions(st: _State, section: Section) -> None:
    """Like other lists, but a closing sentence on what the muscle is for ('… is essential for
    single-leg stability') is part of the actions: it becomes the last action's note."""
    before = len(st.notes)
    _items(st, section)
    actions = st.data.get("actions", [])
    closing = [
        n
        for n in st.notes[before:]
        if not n[1].endswith(":") and _ROLE.search(n[1]) and not _BLAME.search(n[1])
    ]
    if len(closing) == 1 and actions and "note" not in actions[-1]:
        st.notes.remove(closing[0])
        actions[-1]["note"] = closing[0][1].removeprefix(f"{section.title}: ").rstrip(".")


_ROLE = re.compile(r"\b(?:essential|important|crucial|key|vital|needed|necessary)\b", re.I)
_BLAME = re.compile(r"\b(?:mistaken|confused|blamed|mimic\w*|resembl\w*)\b", re.I)


def _introduction(st: _State, section: Section) -> None:
    summary = st.data.get("summary", "")
    for line in section.lines:
        joined = f"{summary} {line.text}".strip()
        if len(joined) <= MAX_LINE:
            summary = joined
        else:
            st.note(line, line.text, section.title)
    if summary:
        st.data["summary"] = summary


def _name_area(st: _State, section: Section) -> None:
    for line in section.lines:
        label, text = split_label(line.text)
        field_ = heading_words(label)
        text = text.strip()
        if field_ in ("name", "muscle", "muscle name"):
            continue
        if field_ in ("area", "location") and "area" not in st.data:
            st.data["area"] = text
        elif field_ in ("region", "body region") and "region" not in st.data:
            st.data["region"] = text.rstrip(".")
        elif field_ in ("aliases", "also known as", "other names") and "aliases" not in st.data:
            st.data["aliases"] = [a.strip(" .") for a in re.split(r"[,;]", text) if a.strip(" .")]
        else:
            st.note(line, line.text, section.title)
            st.warn(line, "W602", "line not understood under 'Name and Area'; kept in 'notes'")


def _head_note(p: ParsedItem) -> tuple[str, str]:
    """A list line as a short head and a note: 'Head: detail (aside)' -> ('Head', 'detail; aside')."""
    if p.label:
        return p.label, "; ".join(x for x in (p.text, p.note) if x)
    return p.text, p.note


def _referral(st: _State, section: Section) -> None:
    """Referral items with their regions; an item whose wording is not fully coded says so."""
    for line in _split_list(st, section):
        p = parse_item(line)
        text, note = _head_note(p)
        cue = cue_only(p.label) if p.label else ""
        if cue:  # 'Spillover zone: the calf'
            text, note = p.text, p.note
        if note and cue_only(note):  # 'The calf (spillover)'
            cue, note = cue or cue_only(note), ""
        text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
        text = text[:1].upper() + text[1:]
        coding = map_regions(f"{cue}: {text}" if cue else text)
        item: dict[str, Any] = {"text": text, "primary": coding.primary, "spillover": coding.spillover}
        for phrase in coding.unmapped:
            st.warn(line, "W603", f"referral phrase '{phrase}' names no known body region; text kept")
        if coding.unmapped or not (coding.primary or coding.spillover):
            item["coded"] = False
        if not (coding.primary or coding.spillover):
            n = len(st.data.get("referral", [])) + 1
            st.warn(line, "W605", f"referral item {n} names no region: add primary/spillover region ids")
        if note:
            item["note"] = note
        st.append("referral", item)


def _differentials(st: _State, section: Section) -> None:
    for line in _split_list(st, section):
        p = parse_item(line)
        condition = p.label or label_case(p.text)
        distinguish = p.text if p.label else ""
        if p.note:
            distinguish = f"{distinguish} ({p.note})" if distinguish else p.note
        item = {"condition": condition}
        if distinguish:
            item["distinguish"] = distinguish
        st.append("differentials", item)


def _associated(st: _State, section: Section) -> None:
    for line in _split_list(st, section):
        name, note = _head_note(parse_item(line))
        name = label_case(name)
        ref = st.known.get(muscle_key(name), "")
        item = {"ref": ref} if ref and ref != st.entry_id else {"name": name}
        if note:
            item["note"] = note
        st.append("associated", item)


def _anatomy(st: _State, section: Section) -> None:
    found = parse_anatomy(section.lines, st.name)
    anatomy: dict[str, Any] = {}
    for key in ("origin", "insertion"):
        text = getattr(found, key)
        if text:
            anatomy[key] = {"text": text, "aliases": structure_aliases(text)}
    if found.nerve:
        anatomy["innervation"] = {"nerve": found.nerve, **({"levels": found.levels} if found.levels else {})}
    if anatomy:
        st.data.setdefault("anatomy", {}).update(anatomy)
    elif section.heading is not None:
        st.warn(section.heading, "W604", "no anatomy table or 'Origin:' lines found in this section")
    for line in found.extra_rows:
        st.note(line, line.text, section.title)
        st.warn(line, "W604", "extra anatomy table row (another muscle?); kept in 'notes'")
    for line in found.prose:
        st.note(line, line.text, section.title)
        if not line.text.endswith((".", "!", ":")):
            st.warn(line, "W602", "line not understood in the anatomy section; kept in 'notes'")


def _corrective(st: _State, section: Section) -> None:
    """Lines right under 'Corrective Actions': 'Stretching: …' goes to its group, the rest to notes."""
    for line in section.lines:
        label, text = split_label(line.text)
        group = heading_key(label) if label else None
        if (group in TREATMENT_KEYS or group == "avoid") and text:
            sub = Section(group, None, [Line(line.number, line.col, text, line.raw, bullet=line.bullet)])
            HANDLERS[group](st, sub)
            continue
        st.note(line, line.text, section.title)
        if not is_lead(line):
            st.warn(line, "W602", "line outside any corrective-action group; kept in 'notes'")


def _avoid(st: _State, section: Section) -> None:
    """'Precautions': what a practitioner must stay clear of (`treatment.avoid`)."""
    for line in _split_list(st, section):
        st.append("avoid", " ".join(line.text.split()), "treatment")


def _conclusion(st: _State, section: Section) -> None:
    for line in section.lines:
        st.note(line, line.text, section.title)


def _sources(st: _State, section: Section) -> None:
    for line in section.lines:
        if is_lead(line):
            st.note(line, line.text, section.title)
        else:
            st.data.setdefault("sources", []).append(line.text)


def _unknown(st: _State, section: Section) -> None:
    where = section.heading or (section.lines[0] if section.lines else None)
    if where is not None:
        st.warn(
            where,
            "W601",
            f"section '{section.title}' is not part of the page format; "
            f"its {len(section.lines)} line(s) were kept in 'notes'",
        )
    if not section.lines and section.heading is not None:
        st.note(section.heading, section.heading.text)
    for line in section.lines:
        st.note(line, line.text, section.title)


def _unique_keys(data: dict[str, Any]) -> None:
    """Give repeated action labels / differential conditions distinct keys (fact ids use them)."""
    for facet, label in (("actions", "label"), ("differentials", "condition")):
        seen: set[str] = set()
        for item in data.get(facet, []):
            base = item_key("", item.get(label, "") or item.get("text", ""))
            key, n = base, 2
            while key in seen:
                key = f"{base}-{n}"
                n += 1
            seen.add(key)
            if key != base:
                item["key"] = key


HANDLERS: dict[str, Callable[[_State, Section], None]] = {
    **{key: _items for key in ITEM_SECTIONS},
    "actions": _actions,
    "introduction": _introduction,
    "name_area": _name_area,
    "referral": _referral,
    "differentials": _differentials,
    "associated": _associated,
    "anatomy": _anatomy,
    "corrective": _corrective,
    "avoid": _avoid,
    "conclusion": _conclusion,
    "sources": _sources,
}
