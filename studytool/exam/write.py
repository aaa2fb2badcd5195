"""Write an exam to a folder, one file per version and format, every file atomically.

Body-map items add their SVG files (``tp-mapq-<hash>.svg``, one per picture, shared by all
versions) next to the exam when Markdown or JSON is written: the Markdown links them, the JSON
names them. HTML/PDF embed them, Moodle XML and QTI carry them inside the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from studytool.atomic import write_atomic
from studytool.errors import UserError
from studytool.exam.model import FORMATS, Exam
from studytool.gcpause import paused_gc


def check_formats(formats: Sequence[str]) -> list[str]:
    """Validated formats in canonical order."""
    for f in formats:
        if f not in FORMATS:
            raise UserError(f"unknown format '{f}'; formats: {','.join(FORMATS)}")
    if not formats:
        raise UserError(f"no format given; formats: {','.join(FORMATS)}")
    return [f for f in FORMATS if f in set(formats)]


def render_all(exam: Exam, formats: Sequence[str]) -> dict[str, str | bytes]:
    """File name -> content for every requested format (rendering finishes before any write)."""
    from studytool.exam import render_gift, render_html, render_json, render_md, render_moodle, render_qti

    formats = check_formats(formats)
    files: dict[str, str | bytes] = {}
    for v in exam.versions:
        files[f"key-{v.name}.md"] = render_md.key_md(exam, v)
        if "md" in formats:
            files[f"exam-{v.name}.md"] = render_md.exam_md(exam, v)
        if "html" in formats or "pdf" in formats:
            page, key = render_html.exam_html(exam, v), render_html.key_html(exam, v)
            if "html" in formats:
                files[f"exam-{v.name}.html"], files[f"key-{v.name}.html"] = page, key
            if "pdf" in formats:
                from studytool.exam.render_pdf import html_to_pdf

                files[f"exam-{v.name}.pdf"], files[f"key-{v.name}.pdf"] = html_to_pdf(page), html_to_pdf(key)
        if "gift" in formats:
            files[f"exam-{v.name}.gift.txt"] = render_gift.exam_gift(exam, v)
        if "moodle" in formats:
            files[f"exam-{v.name}.moodle.xml"] = render_moodle.exam_moodle(exam, v)
        if "qti" in formats:
            files[f"exam-{v.name}.qti.zip"] = render_qti.exam_qti(exam, v)
    if "json" in formats:
        files["exam.json"] = render_json.exam_json(exam)
    if "md" in formats or "json" in formats:  # Markdown links them; JSON names them
        for image in exam.images:
            files[image.name] = image.svg
    return dict(sorted(files.items()))


def write_exam(exam: Exam, out: Path, formats: Sequence[str]) -> list[Path]:
    """Render everything first, then write each file atomically; returns the written paths."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    with paused_gc():  # see studytool.gcpause
        files = render_all(exam, formats)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, data in files.items():
            write_atomic(out / name, data)
            written.append(out / name)
    except OSError as exc:
        raise UserError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    return written
