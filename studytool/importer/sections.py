"""Section headings of the page format, recognised whatever their case and punctuation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studytool.importer.lines import Line, join_wrapped
from studytool.textnorm import fold

# section key -> accepted heading spellings (already normalised: lowercase words).
HEADINGS: dict[str, tuple[str, ...]] = {
    "introduction": ("introduction", "intro", "overview", "about", "background"),
    "name_area": ("name and area", "name and location", "name area", "name and region", "location"),
    "indications": ("indications", "indication", "clinical indications"),
    "actions": (
        "muscle action",
        "muscle actions",
        "actions",
        "action",
        "function",
        "functions",
        "muscle function",
        "what it does",
    ),
    "symptoms": (
        "signs and symptoms",
        "symptoms",
        "signs symptoms",
        "symptoms and signs",
        "clinical presentation",
        "presentation",
        "common complaints",
    ),
    "perpetuating": (
        "perpetuating factors",
        "perpetuating factor",
        "causes",
        "aggravating factors",
        "common causes",
        "risk factors",
        "causes and perpetuating factors",
    ),
    "referral": (
        "trigger point referral pattern",
        "trigger point referral patterns",
        "referral pattern",
        "referral patterns",
        "referred pain pattern",
        "pain referral pattern",
        "referred pain",
        "referred pain patterns",
        "pain pattern",
        "pain patterns",
        "referral zones",
        "referral",
        "where it hurts",
    ),
    "differentials": (
        "differential diagnosis",
        "differential diagnoses",
        "differentials",
        "differential",
        "conditions to rule out",
        "rule out",
    ),
    "associated": (
        "associated trigger points",
        "associated trigger point",
        "associated muscles",
        "related trigger points",
        "related muscles",
        "satellite trigger points",
    ),
    "anatomy": (
        "anatomy and innervation",
        "anatomy",
        "innervation",
        "anatomy innervation",
        "attachments",
        "attachments and innervation",
        "attachments and nerve supply",
        "anatomy and nerve supply",
        "origin and insertion",
        "origin insertion and innervation",
    ),
    "examination": (
        "patient examination",
        "examination",
        "physical examination",
        "assessment",
        "clinical examination",
        "exam",
        "how to examine",
    ),
    "corrective": (
        "corrective actions",
        "corrective action",
        "treatment",
        "treatments",
        "management",
        "treatment options",
    ),
    "dry_needling": ("dry needling", "needling"),
    "manual_therapy": ("manual therapy", "manual therapies", "hands on treatment", "soft tissue work"),
    "stretches": ("stretching", "stretches", "stretching exercises"),
    "strengthening": ("strengthening exercises", "strengthening", "strengthening exercise", "exercises"),
    "postural": (
        "postural and movement adjustments",
        "postural adjustments",
        "postural and movement advice",
        "movement adjustments",
        "posture and movement",
        "self care",
        "self help",
        "home advice",
        "activity modification",
    ),
    "avoid": ("precautions", "precaution", "cautions", "contraindications", "safety", "what to avoid"),
    "conclusion": ("conclusion", "conclusions", "summary", "key points", "take home points"),
    "sources": ("sources", "source", "references", "reference", "bibliography", "further reading"),
}

# Human titles used when a note records which section it came from.
TITLES: dict[str, str] = {
    "introduction": "Introduction",
    "name_area": "Name and Area",
    "indications": "Indications",
    "actions": "Muscle Action",
    "symptoms": "Signs and Symptoms",
    "perpetuating": "Perpetuating Factors",
    "referral": "Trigger Point Referral Pattern",
    "differentials": "Differential Diagnosis",
    "associated": "Associated Trigger Points",
    "anatomy": "Anatomy and Innervation",
    "examination": "Patient Examination",
    "corrective": "Corrective Actions",
    "dry_needling": "Dry Needling",
    "manual_therapy": "Manual Therapy",
    "stretches": "Stretching",
    "strengthening": "Strengthening Exercises",
    "postural": "Postural and Movement Adjustments",
    "avoid": "Precautions",
    "conclusion": "Conclusion",
    "sources": "Sources",
}

TREATMENT_KEYS = ("dry_needling", "manual_therapy", "stretches", "strengthening", "postural")

_LOOKUP = {spelling: key for key, spellings in HEADINGS.items() for spelling in spellings}


def heading_words(text: str) -> str:
    """Lowercase words of a heading: no punctuation, numbering or emoji; '&' reads 'and'."""
    text = fold(text).replace("&", " and ").replace("+", " and ")
    text = re.sub(r"^\s*(?:\d+|[ivx]+)[.)]\s+", "", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


def heading_key(text: str) -> str | None:
    """The section key of a heading line, or None when it is not a known heading."""
    if len(text) > 80:
        return None
    return _LOOKUP.get(heading_words(text))


@dataclass
class Section:
    """A run of lines under one heading (key 'unknown' for an unrecognised Markdown heading)."""

    key: str
    heading: Line | None
    lines: list[Line] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.key == "unknown" and self.heading is not None:
            return self.heading.text
        return TITLES.get(self.key, self.key)


@dataclass
class Page:
    """A page split into its title, the lines before the first heading, and its sections."""

    title: Line | None
    preamble: list[Line]
    sections: list[Section]

    def known(self) -> list[Section]:
        return [s for s in self.sections if s.key != "unknown"]


def split_sections(lines: list[Line]) -> Page:
    """Group lines under their headings; the first line before any heading is the title."""
    title: Line | None = None
    preamble: list[Line] = []
    sections: list[Section] = []
    for line in lines:
        key = heading_key(line.text)
        if key is None and line.md_level:
            if title is None and not sections and not preamble and line.md_level == 1:
                title = line
                continue
            sections.append(Section("unknown", line))
            continue
        if key is not None and (line.md_level or line.bold_only or not line.bullet):
            sections.append(Section(key, line))
            continue
        if sections:
            sections[-1].lines.append(line)
        elif title is None and not preamble:
            title = line
        else:
            preamble.append(line)
    for section in sections:
        section.lines = join_wrapped(section.lines)
    return Page(title, preamble, sections)
