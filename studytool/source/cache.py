"""A parse cache for source files: validated data keyed by the file's content, so unchanged files skip YAML.

- Key: SHA-256 of the cache format, the fingerprint of the whole studytool package, the file name
  (the id must match it) and the file's bytes. Any edit, rename or loader change is a miss.
- Only files that loaded with no diagnostic at all are stored. A cached file has no
  locations: `CachedDocument` re-parses its file on the first location someone asks for,
  so cross-file diagnostics (duplicate ids, unknown refs, media) keep exact line:col.
- Records are JSON (never pickle: a cache must not be able to run code), with a checksum
  line in front. A missing, truncated, corrupt or unreadable record is a miss, never an
  error; writes go to a temp file and `os.replace`, and a failed write is ignored.
- `STUDYTOOL_CACHE_DIR` moves the cache; `STUDYTOOL_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from studytool.errors import Location
from studytool.fingerprint import code_fingerprint
from studytool.source.yamlload import Document, Path_, load_yaml

FORMAT = 1
DIR_ENV = "STUDYTOOL_CACHE_DIR"
OFF_ENV = "STUDYTOOL_NO_CACHE"
# Locations `build_entry` always needs; stored so a cache hit never re-parses for them.
KEPT_LOCATIONS: tuple[Path_, ...] = (("media", "image"),)


def cache_dir() -> Path | None:
    """Where records live, or None when caching is off."""
    if os.environ.get(OFF_ENV, "").strip().lower() not in {"", "0", "false", "no", "off"}:
        return None
    env = os.environ.get(DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser() / f"source-v{FORMAT}"
    from platformdirs import user_cache_path

    return user_cache_path("studytool", appauthor=False) / f"source-v{FORMAT}"


class ParseCache:
    """Get and put validated entry data by content key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ready = False

    @classmethod
    def open(cls) -> ParseCache | None:
        folder = cache_dir()
        return cls(folder) if folder is not None else None

    def key(self, name: str, raw: bytes) -> str:
        h = hashlib.sha256(f"format {FORMAT} {code_fingerprint()}".encode())
        h.update(name.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        h.update(raw)
        return h.hexdigest()

    def get(self, key: str) -> tuple[dict[str, Any], dict[Path_, tuple[int, int]]] | None:
        """The cached (data, kept locations) for `key`, or None on any problem."""
        try:
            with open(self.folder / key, "rb") as fh:
                blob = fh.read()
            digest, _, body = blob.partition(b"\n")
            if hashlib.sha256(body).hexdigest().encode() != digest:
                raise ValueError("checksum mismatch")
            record = json.loads(body)
            if record["key"] != key or not isinstance(record["data"], dict):
                raise ValueError("foreign record")
            locs = {tuple(p): (int(line), int(col)) for p, line, col in record["locs"]}
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None
        return record["data"], locs

    def put(self, key: str, data: dict[str, Any], doc: Document) -> None:
        """Store a clean file's data (best effort: any failure leaves the cache as it was)."""
        locs = [[list(p), *doc.locs[p]] for p in KEPT_LOCATIONS if p in doc.locs]
        body = json.dumps({"key": key, "data": data, "locs": locs}, ensure_ascii=False, separators=(",", ":"))
        blob = hashlib.sha256(body.encode()).hexdigest().encode() + b"\n" + body.encode()
        try:
            if not self._ready:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._ready = True
            tmp = self.folder / f".tmp-{key}-{os.getpid()}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(blob)
                os.replace(tmp, self.folder / key)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        except OSError:
            pass


class CachedDocument:
    """A document whose data came from the cache; it re-parses its file only when asked where."""

    def __init__(self, path: str, data: Any, known: dict[Path_, tuple[int, int]]) -> None:
        self.path = path
        self.data = data
        self._known = known
        self._doc: Document | None = None

    def _full(self) -> Document:
        if self._doc is None:
            self._doc = load_yaml(self.path)
        return self._doc

    def loc(self, path: Path_) -> Location:
        """Location of the value at `path` (exact: from the file, re-parsed on first use)."""
        if path in self._known:
            return Location(self.path, *self._known[path])
        return self._full().loc(path)

    def key_loc(self, path: Path_) -> Location:
        """Location of the key that introduces `path`."""
        return self._full().key_loc(path)
