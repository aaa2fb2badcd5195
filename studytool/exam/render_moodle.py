"""Moodle XML for one version: a category per exam version, grades from Moodle's fraction list."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from html import escape

from studytool.exam.fractions import penalty, share
from studytool.exam.model import Exam, Question, Version, fmt_points
from studytool.exam.xmldoc import xml_text


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = value
    return el


def _answer(parent: ET.Element, fraction: str, value: str, fmt: str = "html") -> None:
    ans = ET.SubElement(parent, "answer", {"fraction": fraction, "format": fmt})
    ET.SubElement(ans, "text").text = value
    fb = ET.SubElement(ans, "feedback", {"format": "html"})
    ET.SubElement(fb, "text").text = ""


def _short_answer(text: str) -> str:
    """Moodle short answers treat '*' as a wildcard; escape it."""
    return text.replace("*", "\\*")


TYPES = {
    "mcq": "multichoice",
    "multi": "multichoice",
    "tf": "truefalse",
    "match": "matching",
    "short": "shortanswer",
    "map": "multichoice",
}


def question_xml(quiz: ET.Element, q: Question, version: str) -> None:
    el = ET.SubElement(quiz, "question", {"type": TYPES[q.type]})
    _text(el, "name", f"{version}{q.number:02d} {q.item.id}")
    text = "<p>" + escape(q.item.stem) + "</p>"
    image = q.item.image
    if image is not None:  # Moodle's own way: the file inside questiontext, linked via @@PLUGINFILE@@
        text += f'<p><img src="@@PLUGINFILE@@/{escape(image.name)}" alt="{escape(image.alt)}"></p>'
    qtext = _text(el, "questiontext", text, "html")
    if image is not None:
        f = ET.SubElement(qtext, "file", {"name": image.name, "path": "/", "encoding": "base64"})
        f.text = base64.b64encode(image.svg.encode("utf-8")).decode("ascii")
    _text(el, "generalfeedback", "", "html")
    ET.SubElement(el, "defaultgrade").text = fmt_points(q.points)
    ET.SubElement(el, "penalty").text = "0"
    ET.SubElement(el, "hidden").text = "0"
    ET.SubElement(el, "idnumber").text = ""
    if q.type in ("mcq", "multi", "map"):
        ET.SubElement(el, "single").text = "false" if q.type == "multi" else "true"
        ET.SubElement(el, "shuffleanswers").text = "false"
        ET.SubElement(el, "answernumbering").text = "ABCD"
        good = share(len(q.key))
        bad = "0" if q.type != "multi" else penalty(len(q.options) - len(q.key))
        for i, o in enumerate(q.options):
            _answer(el, good if i in q.key else bad, escape(o))
    elif q.type == "tf":
        truth = q.key[0] == 0
        _answer(el, "100" if truth else "0", "true", "moodle_auto_format")
        _answer(el, "0" if truth else "100", "false", "moodle_auto_format")
    elif q.type == "match":
        ET.SubElement(el, "shuffleanswers").text = "true"
        for p, c in zip(q.prompts, q.key, strict=True):
            sub = ET.SubElement(el, "subquestion", {"format": "html"})
            ET.SubElement(sub, "text").text = escape(p)
            ans = ET.SubElement(sub, "answer")
            ET.SubElement(ans, "text").text = q.options[c]
    else:
        ET.SubElement(el, "usecase").text = "0"
        for a in q.item.correct:
            _answer(el, "100", _short_answer(a), "moodle_auto_format")
    tags = ET.SubElement(el, "tags")
    for fid in q.item.fact_ids:
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = f"fact:{fid}"


def exam_moodle(exam: Exam, version: Version) -> str:
    """The Moodle XML document of one version."""
    quiz = ET.Element("quiz")
    cat = ET.SubElement(quiz, "question", {"type": "category"})
    _text(cat, "category", f"$course$/top/{exam.title} — Version {version.name}")
    _text(cat, "info", f"Seed {exam.seed}, version {version.name}", "html")
    for q in version.questions:
        question_xml(quiz, q, version.name)
    return xml_text(quiz)
