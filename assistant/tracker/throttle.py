"""Sign-in throttling that slows a guesser without locking out the owner.

Failures are counted per (account, client address) pair. The first FREE_FAILURES cost nothing; each
further one doubles the wait before that pair may try again (1 s, 2 s, 4 s … up to MAX_DELAY).
Someone guessing a password from one address gets a handful of tries an hour; the owner, from
their own address, never waits for the attacker's failures. A pair forgets its failures after
FORGET_SECONDS without one, and a correct sign-in clears it.

The attempt is counted *before* the password is checked, in the same write transaction that reads
the counter, so parallel guesses across workers each pay their delay.
"""

from __future__ import annotations

import sqlite3

FREE_FAILURES = 3
BASE_DELAY = 1.0
MAX_DELAY = 300.0
FORGET_SECONDS = 24 * 3600


class TooManyAttempts(Exception):
    def __init__(self, retry_after: float):
        super().__init__("demasiados intentos")
        self.retry_after = max(1, int(retry_after + 0.999))


def delay_after(failures: int, free: int = FREE_FAILURES, base: float = BASE_DELAY,
                cap: float = MAX_DELAY) -> float:
    """Seconds the pair must wait after its ``failures``-th consecutive failure."""
    if failures < free:
        return 0.0
    return min(cap, base * 2 ** (failures - free))


def pair_key(name: str, client: str) -> str:
    return f"{name.strip().lower()}|{client}"


def reserve(conn: sqlite3.Connection, key: str, now: float, free: int = FREE_FAILURES) -> None:
    """Count one attempt of ``key`` as failed, or raise TooManyAttempts if it must still wait.
    Runs inside the caller's write transaction."""
    row = conn.execute("select failures, last_at, not_before from signin_throttle where key = ?",
                       (key,)).fetchone()
    failures = 0
    if row is not None and now - row[1] <= FORGET_SECONDS:
        if now < row[2]:
            raise TooManyAttempts(row[2] - now)
        failures = row[0]
    failures += 1
    conn.execute("insert or replace into signin_throttle (key, failures, last_at, not_before) values (?, ?, ?, ?)",
                 (key, failures, now, now + delay_after(failures, free)))
    if failures == 1:  # now and then: forget pairs idle for a day
        conn.execute("delete from signin_throttle where last_at < ?", (now - FORGET_SECONDS,))


def clear(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("delete from signin_throttle where key = ?", (key,))
