"""Server-side sign-in sessions: the cookie carries a random session id, the editor database keeps
its hash. Every request looks the id up, so signing out (the row goes), disabling the account or
changing its password (the account's epoch moves and its rows go) ends the session for good: a
copy of the old cookie is worth nothing afterwards."""

from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path

from .accounts import User, user_from_row
from .db import connect, write

LIFETIME_SECONDS = 8 * 3600


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def open_session(db: Path, user: User, lifetime: float = LIFETIME_SECONDS) -> str:
    """A new session for ``user``; returns the id to put in the cookie (only its hash is stored)."""
    session_id = secrets.token_urlsafe(32)
    now = time.time()
    conn = connect(db)
    with write(conn):
        conn.execute("delete from sessions where expires_at < ?", (now,))
        conn.execute("insert into sessions (id_hash, user_name, epoch, created_at, expires_at) values (?, ?, ?, ?, ?)",
                     (_hash(session_id), user.name, user.session_epoch, now, now + lifetime))
    return session_id


def session_user(db: Path, session_id: str | None) -> User | None:
    """The active account of a live session, or None (unknown, ended, expired, disabled, stale epoch)."""
    if not session_id or not isinstance(session_id, str) or len(session_id) > 100:
        return None
    row = connect(db).execute(
        "select u.* from sessions s join users u on u.name = s.user_name "
        "where s.id_hash = ? and s.expires_at > ? and u.active = 1 and u.session_epoch = s.epoch",
        (_hash(session_id), time.time())).fetchone()
    return user_from_row(row) if row else None


def close_session(db: Path, session_id: str | None) -> None:
    if session_id and isinstance(session_id, str):
        conn = connect(db)
        with write(conn):
            conn.execute("delete from sessions where id_hash = ?", (_hash(session_id),))

