"""The only package that knows YAML: located loading, schema validation and discovery."""

from studytool.source.discover import load_kb, load_kb_or_raise

__all__ = ["load_kb", "load_kb_or_raise"]
