"""Review state: the FSRS adapter, the SQLite store and its migrations. No terminal I/O here."""

from studytool.review.store import Snapshot, Store, default_state_path, open_store

__all__ = ["Snapshot", "Store", "default_state_path", "open_store"]
