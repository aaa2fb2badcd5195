"""Anki output: frozen note types, deck build with a lock file, deterministic .apkg, TSV export."""

from studytool.anki.build import DEFAULT_DECK, BuildReport, build_deck, check_deck

__all__ = ["DEFAULT_DECK", "BuildReport", "build_deck", "check_deck"]
