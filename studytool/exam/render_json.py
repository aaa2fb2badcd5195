"""JSON: the item model itself, every version in one document."""

from __future__ import annotations

import json

from studytool.exam.model import Exam


def exam_json(exam: Exam) -> str:
    """``{"title", "seed", "versions": [{"name", "questions": [...]}]}`` with sorted keys."""
    return json.dumps(exam.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
