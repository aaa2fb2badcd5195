"""Print-ready HTML: one version per document, the key in its own document.

CSS paged media puts the title, version letter and page number on every printed page;
``break-inside: avoid`` keeps each question on one page. Every text is HTML-escaped.
"""

from __future__ import annotations

import base64
from html import escape

from studytool.exam.model import LISTED, TYPE_NAMES, Exam, Image, Question, Version, fmt_points, points_label
from studytool.exam.render_md import answer_text

CSS = """
@page { size: A4; margin: 22mm 18mm 20mm 18mm;
  @top-left { content: "%(title)s"; font-size: 9pt; }
  @top-right { content: "Version %(version)s"; font-size: 11pt; font-weight: bold; }
  @bottom-left { content: "Name: ____________________  ID: ____________"; font-size: 9pt; }
  @bottom-right { content: "Version %(version)s · page " counter(page) " of " counter(pages);
    font-size: 9pt; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.35; }
header.student { border: 1px solid #000; padding: 6pt 8pt; margin-bottom: 12pt; }
header.student .fields { display: flex; gap: 18pt; }
header.student .fields span { flex: 1; border-bottom: 1px solid #000; padding-top: 14pt; }
.version { float: right; font-size: 20pt; font-weight: bold; border: 2px solid #000; padding: 0 8pt; }
.question { break-inside: avoid; page-break-inside: avoid; margin: 0 0 12pt 0; }
.points { color: #333; font-size: 9pt; }
ol.options { list-style: upper-alpha; margin: 4pt 0 0 0; }
ol.prompts { margin: 4pt 0; }
.answer-line { border-bottom: 1px solid #000; height: 18pt; width: 70%%; }
table.key { border-collapse: collapse; width: 100%%; }
table.key td, table.key th { border: 1px solid #999; padding: 3pt 5pt; vertical-align: top; font-size: 10pt; }
@media screen { .version-banner { position: sticky; top: 0; background: #fff; } }
"""


def _css(exam: Exam, version: str) -> str:
    return CSS % {"title": css_string(exam.title), "version": css_string(version)}


def css_string(text: str) -> str:
    """Text for a CSS string inside <style>: all but ASCII letters, digits and spaces become a
    6-digit CSS hex escape plus the space that ends it, so nothing ('"', '\\', '</style>') breaks out."""
    return "".join(c if (c.isalnum() and c.isascii()) or c == " " else f"\\{ord(c):06x} " for c in text)


def _doc(exam: Exam, version: str, title: str, body: list[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{escape(title)}</title>",
            f"<style>{_css(exam, version)}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


MAP_WIDTH, MAP_HEIGHT = 240, 297  # CSS px, about 63 mm wide in print (the SVG is 360 x 446)


def data_uri(image: Image) -> str:
    """The SVG as a base64 ``data:`` URI: the page stays one self-contained file."""
    return "data:image/svg+xml;base64," + base64.b64encode(image.svg.encode("utf-8")).decode("ascii")


def image_html(image: Image, src: str) -> str:
    """A figure with the image (``src``: a data URI or a file name) and its escaped alt text.

    The size is also an inline style: WeasyPrint ignores width/height attributes by default."""
    return (
        f'<figure class="map"><img src="{escape(src)}" alt="{escape(image.alt)}" '
        f'width="{MAP_WIDTH}" height="{MAP_HEIGHT}" style="width:{MAP_WIDTH}px;height:{MAP_HEIGHT}px">'
        "</figure>"
    )


def question_html(q: Question) -> list[str]:
    hint = " (true or false)" if q.type == "tf" else ""
    out = [
        f'<section class="question" id="q{q.number}">',
        f"<p><strong>{q.number}.</strong> {escape(q.item.stem)}{escape(hint)} "
        f'<span class="points">[{points_label(q.points)}]</span></p>',
    ]
    if q.item.image is not None:
        out.append(image_html(q.item.image, data_uri(q.item.image)))
    if q.type in LISTED:
        out.append('<ol class="options">')
        out += [f"<li>{escape(o)}</li>" for o in q.options]
        out.append("</ol>")
    elif q.type == "match":
        out.append('<ol class="prompts">')
        out += [f"<li>{escape(p)} — ____</li>" for p in q.prompts]
        out.append("</ol>")
        out.append('<ol class="options">')
        out += [f"<li>{escape(o)}</li>" for o in q.options]
        out.append("</ol>")
    else:
        out.append('<div class="answer-line"></div>')
    return [*out, "</section>"]


def exam_html(exam: Exam, version: Version) -> str:
    """The student's paper for one version."""
    body = [
        '<header class="student">',
        f'<div class="version">{escape(version.name)}</div>',
        f"<h1>{escape(exam.title)}</h1>",
        '<div class="fields"><span>Name:</span><span>Student ID:</span><span>Date:</span></div>',
        f"<p>Version {escape(version.name)} · {len(version.questions)} questions · "
        f"{fmt_points(exam.total_points)} points</p>",
        "</header>",
    ]
    for q in version.questions:
        body += question_html(q)
    return _doc(exam, version.name, f"{exam.title} — Version {version.name}", body)


def key_html(exam: Exam, version: Version) -> str:
    """The answer key of one version, with the fact ids of every question."""
    rows = [
        "<tr><th>#</th><th>answer</th><th>points</th><th>type</th><th>fact ids</th></tr>",
    ]
    for q in version.questions:
        detail = answer_text(q)
        if q.type in ("mcq", "multi", "map"):
            detail += " — " + "; ".join(q.options[c] for c in q.key)
        elif q.type == "match":
            detail += " — " + "; ".join(f"{p}: {q.options[c]}" for p, c in zip(q.prompts, q.key, strict=True))
        elif q.type == "tf":
            detail = ("True", "False")[q.key[0]]
        rows.append(
            f"<tr><td>{q.number}</td><td>{escape(detail)}</td><td>{fmt_points(q.points)}</td>"
            f"<td>{escape(TYPE_NAMES[q.type])}</td><td>{escape(', '.join(q.item.fact_ids))}</td></tr>"
        )
    body = [
        f"<h1>Answer key — {escape(exam.title)} — Version {escape(version.name)}</h1>",
        f"<p>Seed {escape(exam.seed)}. Letters refer to the options as printed in version "
        f"{escape(version.name)}.</p>",
        '<table class="key">',
        *rows,
        "</table>",
    ]
    return _doc(exam, version.name, f"Key — {exam.title} — Version {version.name}", body)
