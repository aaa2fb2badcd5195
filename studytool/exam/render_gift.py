"""GIFT (Moodle's text import format) for one version.

Escaping: the characters ``\\ ~ = # { } :`` get a backslash (the backslash itself first), and line
breaks become ``\\n``. ``->`` inside choice answers would read as a matching pair, so it becomes
``→`` there.

GIFT cannot carry images, so body-map items are left out of the GIFT file; a comment at the top
names each one left out and points to the Moodle XML file, which has them.
"""

from __future__ import annotations

from studytool.exam.fractions import penalty, share
from studytool.exam.model import Exam, Question, Version, fmt_points

SPECIAL = "~=#{}:"


def gift_escape(text: str) -> str:
    """Escape GIFT's special characters, backslash first, and encode newlines."""
    text = text.replace("\\", "\\\\")
    for ch in SPECIAL:
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _answer(text: str) -> str:
    return gift_escape(text.replace("->", "→"))


def question_gift(q: Question, version: str) -> str:
    head = [
        f"// {q.item.id} | facts: {', '.join(q.item.fact_ids)} | points: {fmt_points(q.points)}",
        f"::{gift_escape(f'{version}{q.number:02d}')}::[plain]{gift_escape(q.item.stem)} {{",
    ]
    if q.type == "mcq":
        body = [f"\t{'=' if i in q.key else '~'}{_answer(o)}" for i, o in enumerate(q.options)]
    elif q.type == "multi":
        good, bad = share(len(q.key)), penalty(len(q.options) - len(q.key))
        body = [f"\t~%{good if i in q.key else bad}%{_answer(o)}" for i, o in enumerate(q.options)]
    elif q.type == "tf":
        body = ["\t" + ("TRUE" if q.key[0] == 0 else "FALSE")]
    elif q.type == "match":
        body = [f"\t={_answer(p)} -> {_answer(q.options[c])}" for p, c in zip(q.prompts, q.key, strict=True)]
    else:
        body = [f"\t={_answer(a)}" for a in q.item.correct]
    return "\n".join([*head, *body, "}"])


def left_out_note(version: Version) -> list[str]:
    """Comment lines naming the body-map questions that GIFT cannot hold (none: no lines)."""
    numbers = [f"{version.name}{q.number:02d}" for q in version.questions if q.item.image is not None]
    if not numbers:
        return []
    return [
        f"// NOTE: {len(numbers)} body-map question(s) are NOT in this file, because GIFT cannot carry "
        f"images: {', '.join(numbers)}.",
        f"// Moodle XML (exam-{version.name}.moodle.xml, --format moodle) has every question, "
        "pictures included.",
        "",
    ]


def exam_gift(exam: Exam, version: Version) -> str:
    """All questions of one version, in a category named after the exam and version."""
    category = f"$course$/{exam.title} — Version {version.name}"
    parts = left_out_note(version)
    parts += [f"$CATEGORY: {category.replace(chr(10), ' ')}", ""]
    parts += [question_gift(q, version.name) + "\n" for q in version.questions if q.item.image is None]
    return "\n".join(parts)
