"""Editor accounts: hashed passwords (werkzeug's scrypt), checked through the sign-in throttle kept
in the editor database (throttle.py), so it holds across every gunicorn worker."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from . import throttle
from .db import connect, write
from .throttle import TooManyAttempts

__all__ = ["AccountError", "TooManyAttempts", "User", "add_user", "authenticate", "get_user", "list_users",
           "set_active", "set_password", "user_from_row"]

ROLES = ("editor", "lector")
MIN_PASSWORD = 8
MAX_PASSWORD = 512
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")



class AccountError(Exception):
    """A refused account operation; the message is for the user (Spanish)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    active: bool
    session_epoch: int

    @property
    def can_edit(self) -> bool:
        return self.active and self.role == "editor"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def user_from_row(row) -> User:
    return User(row["name"], row["role"], bool(row["active"]), row["session_epoch"])


def validate_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RE.fullmatch(name):
        raise AccountError("El nombre de usuario debe tener de 2 a 64 caracteres: letras, números, "
                           "punto, guion, guion bajo o arroba, y empezar con letra o número.")
    return name


def validate_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"La contraseña debe tener entre {MIN_PASSWORD} y {MAX_PASSWORD} caracteres.")
    return password


def add_user(db: Path, name: str, password: str, role: str = "editor") -> User:
    name = validate_name(name)
    if role not in ROLES:
        raise AccountError(f"Rol desconocido «{role}»; use uno de: {', '.join(ROLES)}.")
    hashed = generate_password_hash(validate_password(password))
    conn = connect(db)
    with write(conn):
        if conn.execute("select 1 from users where name = ?", (name,)).fetchone():
            raise AccountError(f"Ya existe el usuario «{name}».")
        now = _now()
        conn.execute("insert into users (name, role, password_hash, created_at, updated_at)"
                     " values (?, ?, ?, ?, ?)", (name, role, hashed, now, now))
    return User(name, role, True, 0)


def set_password(db: Path, name: str, password: str) -> None:
    """New password; sessions opened with the old one stop being valid."""
    hashed = generate_password_hash(validate_password(password))
    conn = connect(db)
    with write(conn):
        cur = conn.execute("update users set password_hash = ?, session_epoch = session_epoch + 1, "
                           "updated_at = ? where name = ?", (hashed, _now(), name))
        if cur.rowcount == 0:
            raise AccountError(f"No existe el usuario «{name}».")
        conn.execute("delete from sessions where user_name = ?", (name,))


def set_active(db: Path, name: str, active: bool) -> None:
    conn = connect(db)
    with write(conn):
        cur = conn.execute("update users set active = ?, session_epoch = session_epoch + 1, updated_at = ? "
                           "where name = ?", (int(active), _now(), name))
        if cur.rowcount == 0:
            raise AccountError(f"No existe el usuario «{name}».")
        conn.execute("delete from sessions where user_name = ?", (name,))


def get_user(db: Path, name: str) -> User | None:
    row = connect(db).execute("select * from users where name = ?", (name,)).fetchone()
    return user_from_row(row) if row else None


def list_users(db: Path) -> list[User]:
    return [user_from_row(r) for r in connect(db).execute("select * from users order by name")]


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("contraseña-de-relleno")


def authenticate(db: Path, name: str, password: str, client: str,
                 free_failures: int = throttle.FREE_FAILURES, now: float | None = None) -> User | None:
    """The user if the password is right and the account active, None if not; TooManyAttempts while
    this (account, address) pair must wait after its failures (see throttle.py)."""
    name = (name or "").strip()[:64]
    key = throttle.pair_key(name, client)
    conn = connect(db)
    with write(conn):
        throttle.reserve(conn, key, time.time() if now is None else now, free_failures)
    row = conn.execute("select * from users where name = ?", (name,)).fetchone() if name else None
    if row is None:
        check_password_hash(_dummy_hash(), password or "")  # same time whether or not the name exists
        return None
    if not check_password_hash(row["password_hash"], password or "") or not row["active"]:
        return None
    with write(conn):
        throttle.clear(conn, key)
    return user_from_row(row)
