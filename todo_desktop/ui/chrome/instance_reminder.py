"""A task's reminder as the command line hands it to the open window.

``{"at": "<ISO 8601 with an offset>", "before_due_seconds": null}`` or ``{"at": null,
"before_due_seconds": <whole seconds>}``: the two kinds `ReminderSetting` has, read as strictly
as the rest of the request, and checked by the same rules the database keeps.
Standard library and core only: the command line imports this on its fast path.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from todo_desktop.core.reminders import MAX_BEFORE_DUE, ReminderSetting, check_setting

_FIELDS = frozenset({"at", "before_due_seconds"})
NOT_A_REMINDER = "The field reminder is not a reminder."


def reminder_fields(setting: ReminderSetting) -> dict[str, object]:
    before = setting.before_due
    return {
        "at": setting.at.isoformat() if setting.at is not None else None,
        "before_due_seconds": int(before.total_seconds()) if before is not None else None,
    }


def read_reminder(value: object) -> ReminderSetting | None:
    """The reminder ``value`` names, None for none; ValueError(NOT_A_REMINDER) for anything
    else, and ValidationError with the app's own sentence for one the database would refuse."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != _FIELDS:
        raise ValueError(NOT_A_REMINDER)
    at, seconds = value["at"], value["before_due_seconds"]
    when = None
    if at is not None:
        if not isinstance(at, str) or len(at) > 40:
            raise ValueError(NOT_A_REMINDER)
        when = datetime.fromisoformat(at)  # ValueError for what is no date and time
        if when.tzinfo is None:
            raise ValueError(NOT_A_REMINDER)
    before = None
    if seconds is not None:
        # Whole seconds within the longest offset: a huge number is refused before timedelta.
        if type(seconds) is not int or abs(seconds) > 2 * MAX_BEFORE_DUE.total_seconds():
            raise ValueError(NOT_A_REMINDER)
        before = timedelta(seconds=seconds)
    return check_setting(ReminderSetting(at=when, before_due=before))
