"""Validate --muscle / --facet selections against the knowledge base."""

from __future__ import annotations

from collections.abc import Sequence

from studytool.errors import UserError, did_you_mean
from studytool.model import FACETS, KnowledgeBase


def check_selection(kb: KnowledgeBase, muscles: Sequence[str], facets: Sequence[str]) -> None:
    """Raise `UserError` for an unknown entry id or facet name, with 'did you mean'."""
    ids = [e.id for e in kb.entries]
    for m in muscles:
        if m not in ids:
            raise UserError(f"unknown muscle '{m}'{did_you_mean(m, ids)}")
    for f in facets:
        if f not in FACETS:
            raise UserError(f"unknown facet '{f}'{did_you_mean(f, FACETS)}; facets: {', '.join(FACETS)}")
