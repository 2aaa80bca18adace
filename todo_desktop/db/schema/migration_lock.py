"""The session advisory lock that serializes schema upgrades, taken with a bounded wait.

Every person on a shared database holds client credentials, and any client may take any
advisory lock. An unbounded ``pg_advisory_lock`` would let one of them stall every upgrade
(and the embedded database's start) for as long as they like, so the lock is polled with
``pg_try_advisory_lock`` until a deadline, and then the upgrade gives up, naming whoever
holds it. Polling (rather than ``lock_timeout``) keeps each statement instant, so a role's
own ``statement_timeout`` cannot cut the wait short or stretch it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from todo_desktop.core.errors import ConfigurationError

# Any fixed 64-bit number works; it names this app's migration lock in pg_locks.
MIGRATION_LOCK_KEY = 7_406_931_245_507_315_001
DEFAULT_LOCK_WAIT_SECONDS = 30.0
LOCK_WAIT_ENV = "TODO_MIGRATION_LOCK_WAIT"
# Short first polls let a racing upgrade that just finished hand over quickly; the cap
# keeps a long wait from costing more than two queries a second.
_FIRST_PAUSE = 0.05
_LONGEST_PAUSE = 0.5

_TRY_LOCK = text("SELECT pg_catalog.pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_catalog.pg_advisory_unlock(:key)")
# A bigint key is stored as classid (high 32 bits), objid (low 32 bits), objsubid 1;
# advisory locks belong to one database, so another database's holder is no obstacle.
_HOLDER = text(
    "SELECT l.pid, a.usename, a.application_name "
    "FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
    "AND l.classid = CAST(:classid AS pg_catalog.oid) AND l.objid = CAST(:objid AS pg_catalog.oid) "
    "AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d "
    "WHERE d.datname = pg_catalog.current_database()) "
    "AND l.pid <> pg_catalog.pg_backend_pid() "
    "ORDER BY l.pid LIMIT 1"
)


@dataclass(frozen=True, slots=True)
class LockHolder:
    pid: int
    role: str | None
    application: str | None


class MigrationLockTimeout(ConfigurationError):
    """Another session kept the migration lock past the wait; nothing was changed."""

    def __init__(self, message: str, *, holder: LockHolder | None, waited: float) -> None:
        super().__init__(message)
        self.holder = holder
        self.waited = waited


def lock_wait(attributes: Mapping[str, Any], environ: Mapping[str, str]) -> float:
    """Seconds to wait: the caller's ``lock_wait`` attribute, else the environment, else 30."""
    given = attributes.get("lock_wait")
    if given is None:
        given = environ.get(LOCK_WAIT_ENV) or DEFAULT_LOCK_WAIT_SECONDS
    try:
        seconds = float(given)
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ConfigurationError(f"{LOCK_WAIT_ENV} must be a number of seconds, such as 30.")
    return seconds


def split_key(key: int) -> tuple[int, int]:
    """(classid, objid) as PostgreSQL stores a bigint advisory key in pg_locks."""
    bits = key & 0xFFFF_FFFF_FFFF_FFFF  # a negative key's two's-complement bit pattern
    return bits >> 32, bits & 0xFFFF_FFFF


def _printable(value: str | None) -> str | None:
    # Role and application names are the holder's to choose; keep the sentence one line.
    if not value:
        return None
    return "".join(c if c.isprintable() else "?" for c in value)


def describe(holder: LockHolder | None, waited: float) -> str:
    """One sentence for the person who ran the upgrade."""
    if holder is None:
        who = "Another session holds the migration lock (this role may not see which one)"
    else:
        role = _printable(holder.role) or "unknown"
        app = _printable(holder.application)
        application = f"application {app}" if app else "no application name"
        who = f"Another session holds the migration lock (pid {holder.pid}, role {role}, {application})"
    return f"{who}; it was not released within {waited:g} s, so nothing was changed."


def find_holder(connection: Connection, key: int) -> LockHolder | None:
    """Who holds ``key`` in this database, or None when that cannot be seen."""
    classid, objid = split_key(key)
    try:
        row = connection.execute(_HOLDER, {"classid": classid, "objid": objid}).first()
        connection.commit()
    except SQLAlchemyError:  # pg_locks or pg_stat_activity revoked from this role
        connection.rollback()
        return None
    if row is None:
        return None
    return LockHolder(int(row[0]), row[1], row[2])


def _try_lock(connection: Connection, key: int) -> bool:
    got = bool(connection.execute(_TRY_LOCK, {"key": key}).scalar())
    connection.commit()  # never sit in an open transaction between polls
    return got


def acquire(
    connection: Connection,
    key: int,
    wait: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Take the session lock within ``wait`` seconds, or raise MigrationLockTimeout."""
    deadline = clock() + wait
    pause = _FIRST_PAUSE
    while not _try_lock(connection, key):
        left = deadline - clock()
        if left <= 0:
            holder = find_holder(connection, key)
            # No holder in sight may mean it let go a moment ago: one last try.
            if holder is None and _try_lock(connection, key):
                return
            raise MigrationLockTimeout(describe(holder, wait), holder=holder, waited=wait)
        sleep(min(pause, left))
        pause = min(pause * 2, _LONGEST_PAUSE)


def release(connection: Connection, key: int) -> None:
    if connection.in_transaction():  # a failed migration leaves its transaction to end
        connection.rollback()
    connection.execute(_UNLOCK, {"key": key})
    connection.commit()


@contextmanager
def migration_lock(connection: Connection, wait: float, key: int = MIGRATION_LOCK_KEY) -> Iterator[None]:
    """Hold the migration lock on ``connection``'s session for the body of the block."""
    acquire(connection, key, wait)
    try:
        yield
    finally:
        release(connection, key)
