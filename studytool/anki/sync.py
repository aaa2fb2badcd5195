"""`anki sync`: sync a collection with AnkiWeb or a self-hosted `anki.syncserver`, media included.

It is Anki's own sync (the `anki` package's backend), so AnkiDroid, AnkiMobile and desktop
Anki see the same collection. The password is used once, to log in; what is kept is the sync
key (hkey) that the server hands out, as Anki keeps it: beside the collection in the profile
folder (`studytool-sync.json`, readable by the owner only), never in the collection, which
would carry it to the server.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studytool.anki.collection import open_collection
from studytool.atomic import write_atomic
from studytool.errors import UserError

KEY_FILE = "studytool-sync.json"
PASSWORD_ENV = "STUDYTOOL_ANKI_PASSWORD"
USER_ENV = "STUDYTOOL_ANKI_USER"
FULL_CHOICES = ("upload", "download")

# Asks "upload or download?" when both sides changed in a way only a one-way sync can settle.
AskFull = Callable[[], str | None]
Credentials = Callable[[], tuple[str, str]]


@dataclass
class SyncReport:
    """What one sync did."""

    kind: str  # "normal sync", "full upload", "full download"
    endpoint: str
    server_message: str = ""
    media: bool = True


def key_path(collection: Path) -> Path:
    return collection.parent / KEY_FILE


def read_key(collection: Path) -> dict[str, str]:
    """The stored {hkey, endpoint, user} ({} when none)."""
    try:
        data = json.loads(key_path(collection).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read {key_path(collection)} ({exc}); delete it to log in again") from None
    return {k: str(v) for k, v in data.items() if k in ("hkey", "endpoint", "user")}


def _write_key(collection: Path, data: dict[str, str]) -> None:
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    path = key_path(collection)
    write_atomic(path, text)
    os.chmod(path, 0o600)


def sync_collection(
    collection: Path,
    *,
    endpoint: str | None,
    credentials: Credentials,
    ask_full: AskFull,
    media: bool = True,
) -> SyncReport:
    """Sync `collection` (see the module docstring); `credentials` is called only to log in."""
    from anki.errors import SyncError, SyncErrorKind
    from anki.sync import SyncAuth

    stored = read_key(collection)
    if endpoint is not None and stored.get("endpoint", "") != endpoint:
        stored = {}  # another server: log in there
    with open_collection(collection) as col:
        auth: Any = None
        if stored.get("hkey"):
            auth = SyncAuth(hkey=stored["hkey"], endpoint=stored.get("endpoint") or None)
        for attempt in (1, 2):
            if auth is None:
                user, password = credentials()
                try:
                    auth = col.sync_login(user, password, endpoint)
                except SyncError as exc:
                    raise UserError(f"login failed: {exc}") from None
                stored = {"hkey": auth.hkey, "endpoint": endpoint or "", "user": user}
                _write_key(collection, stored)
            try:
                out = col.sync_collection(auth, media)
                break
            except SyncError as exc:
                if exc.kind == SyncErrorKind.AUTH and attempt == 1:
                    auth = None  # the key was revoked: log in again
                    continue
                raise UserError(f"sync failed: {exc}") from None
        if out.new_endpoint:
            auth = SyncAuth(hkey=auth.hkey, endpoint=out.new_endpoint)
            stored["endpoint"] = out.new_endpoint
            _write_key(collection, stored)
        required = out.required
        kinds = {out.NO_CHANGES: "normal sync", out.NORMAL_SYNC: "normal sync"}  # done by now
        if required in kinds:
            kind = kinds[required]
        else:
            if required == out.FULL_UPLOAD:
                upload = True
            elif required == out.FULL_DOWNLOAD:
                upload = False
            else:
                choice = ask_full()
                if choice not in FULL_CHOICES:
                    raise UserError(
                        "this collection and the server's changed in ways a normal sync cannot merge; "
                        "choose one side: --full upload (keep this one, replace the server's) or "
                        "--full download (keep the server's, replace this one)"
                    )
                upload = choice == "upload"
            col.close_for_full_sync()
            col.full_upload_or_download(auth=auth, server_usn=out.server_media_usn, upload=upload)
            col.reopen(after_full_sync=True)
            kind = "full upload" if upload else "full download"
        if media:
            if required not in kinds:
                col.sync_media(auth)
            _wait_for_media(col)
        return SyncReport(kind, stored.get("endpoint") or "AnkiWeb", out.server_message, media)


def _wait_for_media(col: Any) -> None:
    """Media sync runs in Anki's background; wait for it (it raises if it failed)."""
    from anki.errors import SyncError

    try:
        while col.media_sync_status().active:
            time.sleep(0.1)
    except SyncError as exc:
        raise UserError(f"media sync failed: {exc}") from None
