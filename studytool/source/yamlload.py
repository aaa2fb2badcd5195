"""Safe YAML loading that keeps the line and column of every key and value.

PyYAML only composes the node graph here (the C composer when libyaml is present);
we convert nodes to plain data ourselves, so no tag is ever constructed except the
plain scalar types, aliases are refused before they can multiply, and duplicate
keys are reported instead of silently overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from studytool.errors import Diagnostic, Location
from studytool.safeio import UnsafeRead, read_regular

MAX_BYTES = 1024 * 1024
MAX_NODES = 50_000
MAX_DEPTH = 64

try:  # pragma: no cover - depends on how PyYAML was built
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_T = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_T + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR = _T + "str"

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """Plain data from one file, plus where every value and key sits."""

    path: str
    data: Any = None
    locs: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_locs: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def loc(self, path: Path_) -> Location:
        """Location of the value at `path`, or of its nearest located parent."""
        while path not in self.locs and path:
            path = path[:-1]
        return Location(self.path, *self.locs.get(path, (1, 1)))

    def key_loc(self, path: Path_) -> Location:
        """Location of the key that introduces `path` (falls back to the value)."""
        where = self.key_locs.get(path)
        return Location(self.path, *where) if where else self.loc(path)


class Located(Protocol):
    """Anything that can say where a value or key of one file sits (`Document`, cached ones)."""

    path: str

    def loc(self, path: Path_) -> Location: ...

    def key_loc(self, path: Path_) -> Location: ...


class _Stop(Exception):
    """Abort the conversion walk after a fatal diagnostic."""


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def read_text(path: str, doc: Document) -> str | None:
    """Read a file as UTF-8 text, reporting size, binary and encoding problems."""
    raw = read_bytes(path, doc)
    return None if raw is None else decode_text(raw, doc)


def read_bytes(path: str, doc: Document, root: Path | None = None) -> bytes | None:
    """The raw bytes of a regular file of at most `MAX_BYTES` (inside `root`), or None with a diagnostic."""
    try:
        return read_regular(path, MAX_BYTES, root=root)
    except UnsafeRead as exc:
        code = "E001" if "limit" in str(exc) else "E002"
        doc.diagnostics.append(Diagnostic(Location(path), code, str(exc)))
        return None


def decode_text(raw: bytes, doc: Document) -> str | None:
    """Decode file bytes as UTF-8 YAML text, reporting NUL bytes and bad encodings."""
    path = doc.path
    if b"\0" in raw:
        line, col = _position(raw.decode("latin-1"), raw.index(b"\0"))
        doc.diagnostics.append(
            Diagnostic(Location(path, line, col), "E002", "binary file (NUL byte); expected UTF-8 YAML")
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw.decode("latin-1"), exc.start)
        doc.diagnostics.append(
            Diagnostic(
                Location(path, line, col),
                "E002",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            )
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def load_yaml(path: str, text: str | None = None) -> Document:
    """Load one YAML file into a located `Document`; problems go to `doc.diagnostics`."""
    doc = Document(path)
    if text is None:
        text = read_text(path, doc)
        if text is None:
            return doc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        doc.diagnostics.append(_syntax_diagnostic(path, text, exc))
        return doc
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        doc.diagnostics.append(
            Diagnostic(
                Location(path, line, col),
                "E003",
                f"character U+{exc.character:04X} is not allowed in YAML ({exc.reason})",
            )
        )
        return doc
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        doc.diagnostics.append(Diagnostic(Location(path), "E003", f"YAML error: {message}"))
        return doc
    if node is None:
        doc.diagnostics.append(
            Diagnostic(Location(path), "E008", "file is empty; expected a mapping with 'id' and 'name'")
        )
        return doc
    anchor = _first_anchor(text) if "&" in text else None
    if anchor is not None:
        doc.diagnostics.append(
            Diagnostic(
                Location(path, anchor.line + 1, anchor.column + 1),
                "E005",
                "YAML anchors and aliases are not allowed in source files",
            )
        )
        return doc
    seen: set[int] = set()
    try:
        doc.data = _convert(node, (), doc, seen)
    except _Stop:
        doc.data = None
    return doc


def _first_anchor(text: str) -> Any:
    """The mark of the first anchor (`&name`), even one no alias uses (composed nodes forget them)."""
    for event in yaml.parse(text, Loader=_Loader):
        if getattr(event, "anchor", None):
            return event.start_mark
    return None


def _syntax_diagnostic(path: str, text: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    """A located syntax error; tab problems get their own code and point at the tab."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = " ".join((exc.problem or "invalid YAML").split())
    lines = text.split("\n")
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    if "tab" in problem or "\t" in indent:
        if "\t" in source:
            col = source.index("\t") + 1
        return Diagnostic(Location(path, line, col), "E004", "tab character; indent with spaces")
    return Diagnostic(Location(path, line, col), "E003", f"YAML syntax error: {problem}")


def _fatal(doc: Document, node: yaml.Node, code: str, message: str) -> None:
    mark = node.start_mark
    doc.diagnostics.append(Diagnostic(Location(doc.path, mark.line + 1, mark.column + 1), code, message))
    raise _Stop


# Characters a text may not hold even when YAML escapes produce them ("\\x01", "\\e", "\\0"):
# C0 controls other than tab and newline, DEL, C1 controls, lone surrogates, and the
# bidirectional overrides that make a terminal or a card show text in another order.
_FORBIDDEN = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\u202a-\\u202e\\u2066-\\u2069]")


def _check_characters(doc: Document, node: yaml.ScalarNode) -> None:
    """Report (located, code E022) every text holding a control character."""
    bad = _FORBIDDEN.search(node.value)
    if bad:
        mark = node.start_mark
        doc.diagnostics.append(
            Diagnostic(
                Location(doc.path, mark.line + 1, mark.column + 1),
                "E022",
                f"control character U+{ord(bad.group()):04X} in text; remove it (escapes such as "
                "\\e, \\0 or \\x01 are not allowed either)",
            )
        )


def _convert(node: yaml.Node, path: Path_, doc: Document, seen: set[int]) -> Any:
    if id(node) in seen:
        _fatal(doc, node, "E005", "YAML anchors and aliases are not allowed in source files")
    seen.add(id(node))
    if len(path) > MAX_DEPTH:
        _fatal(doc, node, "E001", f"values nested deeper than {MAX_DEPTH} levels")
    if len(seen) > MAX_NODES:
        _fatal(doc, node, "E001", f"too many YAML nodes (limit {MAX_NODES:,})")
    mark = node.start_mark
    doc.locs[path] = (mark.line + 1, mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            _check_characters(doc, node)
            return node.value
        if node.tag == _T + "merge":
            _fatal(doc, node, "E005", "YAML merge keys ('<<') are not allowed in source files")
        if node.tag not in _SCALAR_TAGS:
            _fatal(doc, node, "E006", f"YAML tag '{node.tag}' is not allowed")
        try:
            return _CONSTRUCTOR.construct_object(node, deep=True)
        except (ValueError, OverflowError, TypeError, yaml.YAMLError):
            # A value that looks like a number or date but is none ('2001-13-45', '0x_', an
            # integer of 5,000 digits) stays the text it is; the schema says if text is wrong.
            return node.value
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _T + "seq":
            _fatal(doc, node, "E006", f"YAML tag '{node.tag}' is not allowed")
        return [_convert(child, (*path, i), doc, seen) for i, child in enumerate(node.value)]
    assert isinstance(node, yaml.MappingNode)
    if node.tag != _T + "map":
        _fatal(doc, node, "E006", f"YAML tag '{node.tag}' is not allowed")
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, (*path, "<key>"), doc, seen)
        if not isinstance(key, str):
            key = str(key)
        kmark = key_node.start_mark
        where = (kmark.line + 1, kmark.column + 1)
        if key in out:
            first = doc.key_locs[(*path, key)]
            doc.diagnostics.append(
                Diagnostic(
                    Location(doc.path, *where),
                    "E007",
                    f"duplicate key '{key}' (first defined at line {first[0]})",
                )
            )
            continue
        doc.key_locs[(*path, key)] = where
        out[key] = _convert(value_node, (*path, key), doc, seen)
    doc.locs.pop((*path, "<key>"), None)
    return out
