"""Files that hold secrets (password hashes, sessions, the session key, conversations, rate
counters) are readable by their owner only, from the moment they exist.

SQLite gives its -wal and -shm companions the mode of the database file, so creating the database
0600 *before* SQLite opens it covers all three; files left 0644 by an older version are narrowed on
the next open.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_sqlite(path: Path) -> Path:
    """Create ``path`` (and its folder) if needed and make it and its companions owner-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if companion.stat().st_mode & 0o077:
                os.chmod(companion, PRIVATE)
    return path
