"""A rate limit that holds across gunicorn workers and costs a few microseconds.

"N/S" means: a burst of up to N requests, then N per S seconds on average (the generic cell rate
algorithm, GCRA: each client keeps one "theoretical arrival time"; a request is refused while that
time is more than the burst ahead of now). The times live in a small file shared by every worker:
one 16-byte slot per client hash. A hit locks only its slot with a POSIX byte-range lock
(``fcntl.lockf``), reads it, writes it back and unlocks: four system calls, no database, no daemon.
POSIX locks belong to the process, so a thread lock serialises the threads of one worker first. Two
clients whose hashes share a slot share its budget (counted together, never less strict). Unlike a
fixed window, a client cannot send twice the limit around a window boundary.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import os
import struct
import threading
import time
from pathlib import Path

SLOT = struct.Struct("<dd")  # theoretical arrival time (epoch seconds), unused
SLOTS = 8192


def parse_rate(text: str | None, default: str) -> tuple[int, int] | None:
    """"N/S" → (N hits, S seconds); "0", "off" or an empty limit → None (no limit)."""
    text = (text if text is not None else default).strip().lower()
    if text in ("", "0", "off", "no", "false"):
        return None
    count, _, seconds = text.partition("/")
    try:
        limit, window = int(count), int(seconds or "1")
    except ValueError:
        raise ValueError(f"límite de frecuencia inválido «{text}»: use N/SEGUNDOS, p. ej. 600/60") from None
    if limit <= 0 or window <= 0:
        return None
    return limit, window


class SharedWindowLimiter:
    def __init__(self, path: Path | str, limit: int, window: int, slots: int = SLOTS):
        self.path = Path(path)
        self.limit, self.window, self.slots = limit, window, slots
        self._fd: int | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _file(self) -> int:
        # Opened lazily and per process: a descriptor inherited across fork would share locks.
        if self._fd is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            if os.fstat(fd).st_size < self.slots * SLOT.size:
                os.ftruncate(fd, self.slots * SLOT.size)  # zeros: every slot starts empty
            self._fd, self._pid = fd, os.getpid()
        return self._fd

    def _slot(self, key: str) -> int:
        digest = hashlib.blake2b(key.encode("utf-8", "replace"), digest_size=8).digest()
        return int.from_bytes(digest, "little") % self.slots * SLOT.size

    def hit(self, key: str, now: float | None = None) -> float | None:
        """Count one request of ``key``; None if allowed, else the seconds until it may retry."""
        now = time.time() if now is None else now
        interval = self.window / self.limit  # one request's share of the window
        tolerance = self.window - interval  # how far ahead of now the client may run: the burst
        offset = self._slot(key)
        with self._lock:
            fd = self._file()
            fcntl.lockf(fd, fcntl.LOCK_EX, SLOT.size, offset)
            try:
                arrival, _ = SLOT.unpack(os.pread(fd, SLOT.size, offset))
                arrival = max(arrival, now) if math.isfinite(arrival) else now
                wait = arrival - now - tolerance
                if wait <= 1e-9:
                    os.pwrite(fd, SLOT.pack(arrival + interval, 0.0), offset)
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN, SLOT.size, offset)
        return None if wait <= 1e-9 else max(0.001, wait)

    @staticmethod
    def retry_header(seconds: float) -> str:
        return str(max(1, math.ceil(seconds)))
