"""Reminders of the signed-in person, over the todo_api reminder functions (revision 0010).

Implements `core.reminders.ReminderGateway` as `TaskRepository` implements TaskService: each
call is one statement that sets the session itself, built once at import, and every write is
safe to retry after a COMMIT whose answer was lost.

A reminder set with an offset carries the IANA name of this machine's zone (revision 0036), on
whose calendar the database counts the offset's whole days.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Integer, Interval, Text, Uuid, bindparam, cast, func, select

from todo_desktop.core.errors import NotFoundError, TodoError
from todo_desktop.core.reminders import Reminder, ReminderSetting, check_setting, check_snooze, zone_name
from todo_desktop.core.values import Task
from todo_desktop.db.database import Database
from todo_desktop.db.task_sql import _TIME, GET, _in_session, _p, task_from_tuple
from todo_desktop.machine.zone_name import local_zone_name

GONE = "That task no longer exists; it may have been deleted elsewhere."
NO_REMINDER = "That task has no reminder any more; it may have been cleared elsewhere."
# The most a claim hands out at once; more come with the next claim, moments later.
CLAIM_LIMIT = 1000

# The database's state for a zone it does not know (or that is no place's name).
ZONE_REFUSED = "TDR05"
log = logging.getLogger(__name__)

SET = select(
    func.todo_api.set_reminder(
        _in_session(_p("task_id", Uuid())),
        _p("remind_at", _TIME),
        _p("before_due", Interval()),
        # Optional: a caller that names no zone sets a reminder whose days are 24 hours.
        cast(bindparam("zone", None), Text()),
    )
)
CLEAR = select(func.todo_api.clear_reminder(_in_session(_p("task_id", Uuid()))))
READ = select(
    func.todo_api.reminder_of(_in_session(_p("task_id", Uuid()))).table_valued(
        "remind_at", "before_due", "fire_at", "delivered_at"
    )
)
REMINDED = select(_in_session(func.todo_api.reminded_task_ids()))
CLAIM = select(
    func.todo_api.claim_due_reminders(_in_session(_p("limit", Integer())), _p("claim", Uuid())).table_valued(
        "task_id", "title", "fire_at", "due_date"
    )
)
SNOOZE = select(func.todo_api.snooze_reminder(_in_session(_p("task_id", Uuid())), _p("minutes", Integer())))
NEXT = select(_in_session(func.todo_api.next_reminder_at()))


def _refused_zone(exc: TodoError) -> bool:
    """Whether the database refused the call for its zone (the cause below the sentence)."""
    cause: BaseException | None = exc.__cause__
    while cause is not None:
        if getattr(getattr(cause, "orig", cause), "sqlstate", None) == ZONE_REFUSED:
            return True
        cause = cause.__cause__
    return False


class ReminderRepository:
    """Bound to one session token; safe to call from any worker thread. ``zone`` names the zone
    whose calendar counts an offset's days (None: none can be named; days are 24 hours)."""

    def __init__(self, db: Database, token: str, zone: Callable[[], str | None] = local_zone_name) -> None:
        self.db = db
        self.token = token
        self.zone = zone
        # Zones the database refused: not sent again, so an import does not meet each refusal.
        self._unknown_zones: set[str] = set()

    # Rows as plain sequences: each statement here has a fixed shape, read by position.
    def _read(self, statement: Executable, params: dict[str, Any]) -> list[Any]:
        return self.db.call(self.token, statement, params)

    def _write(self, statement: Executable, params: dict[str, Any]) -> list[Any]:
        return self.db.call(self.token, statement, params, write=True)

    def set_reminder(self, task_id: uuid.UUID, setting: ReminderSetting) -> None:
        """Set (or replace) the task's reminder; setting the stored one again changes nothing.
        NotFoundError when the task is gone (or was never this person's)."""
        clean = check_setting(setting)
        zone = zone_name(self.zone()) if clean.before_due is not None else None
        zone = None if zone in self._unknown_zones else zone
        params = {"task_id": task_id, "remind_at": clean.at, "before_due": clean.before_due, "zone": zone}
        try:
            stored = self._write(SET, params)[0][0]
        except TodoError as exc:
            if zone is None or not _refused_zone(exc):
                raise
            # A tz database on the server older than this machine's: the reminder is set all
            # the same, its days 24 hours long, as every reminder's were before zones.
            log.warning("The database knows no time zone %s; reminders count days as 24 hours", zone)
            self._unknown_zones.add(zone)
            stored = self._write(SET, {**params, "zone": None})[0][0]
        if not stored:
            raise NotFoundError(GONE)

    def clear_reminder(self, task_id: uuid.UUID) -> None:
        """Remove the task's reminder; clearing one that is not there is harmless."""
        self._write(CLEAR, {"task_id": task_id})

    def reminder_of(self, task_id: uuid.UUID) -> ReminderSetting | None:
        rows = self._read(READ, {"task_id": task_id})
        if not rows:
            return None
        remind_at, before_due = rows[0][0], rows[0][1]
        return (
            ReminderSetting(at=remind_at) if remind_at is not None else ReminderSetting(before_due=before_due)
        )

    def reminded_task_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(self._read(REMINDED, {})[0][0] or ())

    def claim_due(self) -> list[Reminder]:
        """Every reminder due by now that no device has shown, marked shown as it is handed out.
        One claim id for every attempt of this call: a retry after a lost COMMIT answer gets
        back what the first attempt claimed, instead of nothing."""
        rows = self._write(CLAIM, {"limit": CLAIM_LIMIT, "claim": uuid.uuid4()})
        return [Reminder(task_id=r[0], title=r[1], fire_at=r[2], due_date=r[3]) for r in rows]

    def snooze(self, task_id: uuid.UUID, minutes: int) -> None:
        """Ring again in ``minutes``; NotFoundError when the reminder was cleared meanwhile."""
        if not self._write(SNOOZE, {"task_id": task_id, "minutes": check_snooze(minutes)})[0][0]:
            raise NotFoundError(NO_REMINDER)

    def next_fire_at(self) -> datetime | None:
        found: datetime | None = self._read(NEXT, {})[0][0]
        return found

    def task(self, task_id: uuid.UUID) -> Task | None:
        """The task as stored now; None when it is gone (or was never this person's)."""
        rows = self._read(GET, {"ids": [task_id]})
        return task_from_tuple(rows[0]) if rows else None
