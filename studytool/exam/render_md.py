"""Markdown: the exam of one version, and its answer key."""

from __future__ import annotations

import re
from html import escape

from studytool.exam.model import LISTED, TYPE_NAMES, Exam, Question, Version, fmt_points, points_label

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def md_escape(text: str) -> str:
    """Escape Markdown (and inline HTML) so source text renders literally."""
    return re.sub(r"([\\`*_{}\[\]#+!|~])", r"\\\1", escape(text, quote=False))


def question_md(q: Question) -> list[str]:
    hint = " *(true or false)*" if q.type == "tf" else ""
    lines = [f"**{q.number}.** ({points_label(q.points)}) {md_escape(q.item.stem)}{hint}", ""]
    if q.item.image is not None:  # the SVG is written next to the exam (see write.render_all)
        lines += [f"![{md_escape(q.item.image.alt)}]({q.item.image.name})", ""]
    if q.type in LISTED:
        box = "☐ " if q.type == "multi" else ""
        lines += [f"- {box}{LETTERS[i]}. {md_escape(o)}" for i, o in enumerate(q.options)]
    elif q.type == "match":
        lines += [f"{i}. {md_escape(p)} — ____" for i, p in enumerate(q.prompts, 1)]
        lines += ["", *[f"- {LETTERS[i]}. {md_escape(o)}" for i, o in enumerate(q.options)]]
    else:
        lines.append("Answer: ______________________________")
    return [*lines, ""]


def exam_md(exam: Exam, version: Version) -> str:
    """The student's paper for one version."""
    out = [
        f"# {md_escape(exam.title)} — Version {version.name}",
        "",
        "Name: ______________________  Student ID: ____________  Date: ____________",
        "",
        f"{len(version.questions)} questions, {fmt_points(exam.total_points)} points in total.",
        "",
    ]
    for q in version.questions:
        out += question_md(q)
    return "\n".join(out).rstrip() + "\n"


def answer_text(q: Question) -> str:
    """The key entry of a question as plain text."""
    if q.type == "short":
        return " | ".join(q.item.correct)
    if q.type == "match":
        return ", ".join(f"{i}→{LETTERS[c]}" for i, c in enumerate(q.key, 1))
    return ", ".join(LETTERS[c] for c in q.key)


def key_md(exam: Exam, version: Version) -> str:
    """The answer key of one version: answer, points, type and the fact ids behind each question."""
    out = [
        f"# Answer key — {md_escape(exam.title)} — Version {version.name}",
        "",
        f"Seed {md_escape(exam.seed)}. Each question lists the fact ids it was written from.",
        "",
        "| # | answer | points | type | fact ids |",
        "|---|---|---|---|---|",
    ]
    for q in version.questions:
        out.append(
            f"| {q.number} | {md_escape(answer_text(q))} | {fmt_points(q.points)} | "
            f"{TYPE_NAMES[q.type]} | {md_escape(', '.join(q.item.fact_ids))} |"
        )
    return "\n".join(out) + "\n"
