"""Editor accounts: hashed passwords (werkzeug's scrypt) and a sign-in rate limit kept in the
editor database, so it holds across every gunicorn worker instead of counting per process."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from .db import connect, write

ROLES = ("editor", "lector")
MIN_PASSWORD = 8
MAX_PASSWORD = 512
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")

# Sign-in limits: failed attempts within the window, per account and per client address.
WINDOW_SECONDS = 15 * 60
MAX_PER_ACCOUNT = 5
MAX_PER_CLIENT = 20


class AccountError(Exception):
    """A refused account operation; the message is for the user (Spanish)."""


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int):
        super().__init__("demasiados intentos")
        self.retry_after = max(1, int(retry_after))


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


def _user(row) -> User:
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


def set_active(db: Path, name: str, active: bool) -> None:
    conn = connect(db)
    with write(conn):
        cur = conn.execute("update users set active = ?, session_epoch = session_epoch + 1, updated_at = ? "
                           "where name = ?", (int(active), _now(), name))
        if cur.rowcount == 0:
            raise AccountError(f"No existe el usuario «{name}».")


def get_user(db: Path, name: str) -> User | None:
    row = connect(db).execute("select * from users where name = ?", (name,)).fetchone()
    return _user(row) if row else None


def list_users(db: Path) -> list[User]:
    return [_user(r) for r in connect(db).execute("select * from users order by name")]


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("contraseña-de-relleno")


def authenticate(db: Path, name: str, password: str, client: str,
                 max_per_account: int = MAX_PER_ACCOUNT, max_per_client: int = MAX_PER_CLIENT,
                 window: int = WINDOW_SECONDS) -> User | None:
    """The user if the password is right, None if not; TooManyAttempts when over the limit.

    The attempt is recorded as a failure *before* the password is checked (in the same
    transaction as the count), so parallel guesses across workers cannot slip past the limit;
    a successful sign-in removes it again and clears the account's failures."""
    name = (name or "").strip()[:64]
    account_key, client_key = f"cuenta:{name.lower()}", f"cliente:{client}"
    conn = connect(db)
    now = time.time()
    with write(conn):
        conn.execute("delete from signin_failures where at < ?", (now - window,))
        for key, limit in ((account_key, max_per_account), (client_key, max_per_client)):
            count, oldest = conn.execute("select count(*), min(at) from signin_failures where key = ?",
                                         (key,)).fetchone()
            if count >= limit:
                raise TooManyAttempts(oldest + window - now)
        reserved = [conn.execute("insert into signin_failures (key, at) values (?, ?)", (k, now)).lastrowid
                    for k in (account_key, client_key)]
    row = conn.execute("select * from users where name = ?", (name,)).fetchone() if name else None
    if row is None:
        check_password_hash(_dummy_hash(), password or "")  # same time whether or not the name exists
        return None
    if not check_password_hash(row["password_hash"], password or "") or not row["active"]:
        return None
    with write(conn):
        conn.execute("delete from signin_failures where key = ? or rowid = ?", (account_key, reserved[1]))
    return _user(row)
