"""The question layer: how entries become fair questions, and the card linter that keeps them so."""
