"""Canvas QTI 1.2: a zip of imsmanifest.xml, the assessment XML and assessment_meta.xml.

Identifiers derive from the title, seed and version (SHA-256), never from time or randomness;
the zip has sorted members with a fixed date, so the same exam gives the same bytes.

Body-map items: the SVG is a zip member next to the assessment XML (``<id>/<name>.svg``), the
stem's HTML ``mattext`` shows it with ``<img src="<name>.svg">`` (relative to that XML file),
and the manifest lists it as a ``webcontent`` resource the assessment depends on.
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile
from html import escape

from studytool.exam.model import Exam, Image, Question, Version
from studytool.exam.xmldoc import xml_text

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
CANVAS_TYPES = {
    "mcq": "multiple_choice_question",
    "multi": "multiple_answers_question",
    "tf": "true_false_question",
    "match": "matching_question",
    "short": "short_answer_question",
    "map": "multiple_choice_question",
}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def ident(exam: Exam, version: Version) -> str:
    """A stable assessment identifier."""
    digest = hashlib.sha256(f"{exam.title}\n{exam.seed}\n{version.name}".encode()).hexdigest()
    return "g" + digest[:32]


def _field(parent: ET.Element, label: str, entry: str) -> None:
    f = ET.SubElement(parent, "qtimetadatafield")
    ET.SubElement(f, "fieldlabel").text = label
    ET.SubElement(f, "fieldentry").text = entry


def _material(parent: ET.Element, text: str, html: bool = False, image: Image | None = None) -> None:
    mat = ET.SubElement(parent, "material")
    mattext = ET.SubElement(mat, "mattext", {"texttype": "text/html" if html else "text/plain"})
    mattext.text = f"<p>{escape(text)}</p>" if html else text
    if image is not None:
        mattext.text += f'<p><img src="{escape(image.name)}" alt="{escape(image.alt)}"></p>'


def _render_choice(lid: ET.Element, labels: list[tuple[str, str]]) -> None:
    render = ET.SubElement(lid, "render_choice")
    for lab, text in labels:
        _material(ET.SubElement(render, "response_label", {"ident": lab}), text)


def _choices(parent: ET.Element, rid: str, card: str, labels: list[tuple[str, str]]) -> None:
    _render_choice(ET.SubElement(parent, "response_lid", {"ident": rid, "rcardinality": card}), labels)


def _score(res: ET.Element) -> None:
    outcomes = ET.SubElement(res, "outcomes")
    ET.SubElement(
        outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"}
    )


def _condition(res: ET.Element, action: str, value: str) -> ET.Element:
    cond = ET.SubElement(res, "respcondition", {"continue": "No" if action == "Set" else "Yes"})
    cv = ET.SubElement(cond, "conditionvar")
    setvar = ET.SubElement(cond, "setvar", {"action": action, "varname": "SCORE"})
    setvar.text = value
    return cv


def item_xml(section: ET.Element, q: Question, qid: str) -> None:
    item = ET.SubElement(section, "item", {"ident": qid, "title": f"Question {q.number}"})
    meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    _field(meta, "question_type", CANVAS_TYPES[q.type])
    _field(meta, "points_possible", f"{q.points:.1f}")
    labels = [(f"{qid}_{i}", o) for i, o in enumerate(q.options)]
    if q.options:
        _field(meta, "original_answer_ids", ",".join(lab for lab, _ in labels))
    _field(meta, "assessment_question_identifierref", f"{qid}_ref")
    pres = ET.SubElement(item, "presentation")
    _material(pres, q.item.stem, html=True, image=q.item.image)
    res = ET.SubElement(item, "resprocessing")
    _score(res)
    if q.type in ("mcq", "tf", "map"):
        _choices(pres, "response1", "Single", labels)
        cv = _condition(res, "Set", "100")
        ET.SubElement(cv, "varequal", {"respident": "response1"}).text = labels[q.key[0]][0]
    elif q.type == "multi":
        _choices(pres, "response1", "Multiple", labels)
        both = ET.SubElement(_condition(res, "Set", "100"), "and")
        for i, (lab, _) in enumerate(labels):
            eq = ET.Element("varequal", {"respident": "response1"})
            eq.text = lab
            if i in q.key:
                both.append(eq)
            else:
                ET.SubElement(both, "not").append(eq)
    elif q.type == "match":
        share = f"{100 / len(q.prompts):.2f}"
        for k, (prompt, c) in enumerate(zip(q.prompts, q.key, strict=True)):
            rid = f"response_{qid}_p{k}"
            lid = ET.SubElement(pres, "response_lid", {"ident": rid})
            _material(lid, prompt)
            _render_choice(lid, labels)
            cv = _condition(res, "Add", share)
            ET.SubElement(cv, "varequal", {"respident": rid}).text = labels[c][0]
    else:
        rs = ET.SubElement(pres, "response_str", {"ident": "response1", "rcardinality": "Single"})
        ET.SubElement(
            ET.SubElement(rs, "render_fib"), "response_label", {"ident": "answer1", "rshuffle": "No"}
        )
        cv = _condition(res, "Set", "100")
        for a in q.item.correct:
            ET.SubElement(cv, "varequal", {"respident": "response1"}).text = a


def assessment_xml(exam: Exam, version: Version) -> str:
    aid = ident(exam, version)
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    test = ET.SubElement(
        root, "assessment", {"ident": aid, "title": f"{exam.title} — Version {version.name}"}
    )
    meta = ET.SubElement(test, "qtimetadata")
    _field(meta, "cc_maxattempts", "1")
    section = ET.SubElement(test, "section", {"ident": "root_section"})
    for q in version.questions:
        item_xml(section, q, f"{aid}_q{q.number}")
    return xml_text(root)


def meta_xml(exam: Exam, version: Version) -> str:
    root = ET.Element("quiz", {"identifier": ident(exam, version), "xmlns": CANVAS_NS})
    for tag, value in (
        ("title", f"{exam.title} — Version {version.name}"),
        ("description", f"Seed {exam.seed}, version {version.name}."),
        ("shuffle_answers", "false"),
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "assignment"),
        ("points_possible", f"{sum(q.points for q in version.questions):.1f}"),
        ("show_correct_answers", "false"),
        ("allowed_attempts", "1"),
        ("one_question_at_a_time", "false"),
        ("available", "false"),
    ):
        ET.SubElement(root, tag).text = value
    return xml_text(root)


def manifest_xml(exam: Exam, version: Version) -> str:
    aid = ident(exam, version)
    root = ET.Element("manifest", {"identifier": f"{aid}_manifest", "xmlns": CP_NS})
    md = ET.SubElement(root, "metadata")
    ET.SubElement(md, "schema").text = "IMS Content"
    ET.SubElement(md, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    res = ET.SubElement(resources, "resource", {"identifier": aid, "type": "imsqti_xmlv1p2"})
    ET.SubElement(res, "file", {"href": f"{aid}/{aid}.xml"})
    ET.SubElement(res, "dependency", {"identifierref": f"{aid}_meta"})
    for k, _ in enumerate(exam.images):
        ET.SubElement(res, "dependency", {"identifierref": f"{aid}_img{k}"})
    meta = ET.SubElement(
        resources,
        "resource",
        {
            "identifier": f"{aid}_meta",
            "type": "associatedcontent/imscc_xmlv1p1/learning-application-resource",
            "href": f"{aid}/assessment_meta.xml",
        },
    )
    ET.SubElement(meta, "file", {"href": f"{aid}/assessment_meta.xml"})
    for k, image in enumerate(exam.images):
        href = f"{aid}/{image.name}"
        web = ET.SubElement(
            resources, "resource", {"identifier": f"{aid}_img{k}", "type": "webcontent", "href": href}
        )
        ET.SubElement(web, "file", {"href": href})
    return xml_text(root)


def exam_qti(exam: Exam, version: Version) -> bytes:
    """The Canvas import zip of one version."""
    aid = ident(exam, version)
    members = {
        "imsmanifest.xml": manifest_xml(exam, version),
        f"{aid}/{aid}.xml": assessment_xml(exam, version),
        f"{aid}/assessment_meta.xml": meta_xml(exam, version),
        **{f"{aid}/{image.name}": image.svg for image in exam.images},
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, members[name].encode("utf-8"))
    return buf.getvalue()
