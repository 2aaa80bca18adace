"""The refusals of revision 0007 (tags and repeats) as one sentence each.

``db.connect.error_mapping`` knows the constraints and limits of the earlier revisions; these
are looked up first, so a refused tag or rule never surfaces as the generic "something went
wrong" (and is not logged as an unexpected error).
"""

from __future__ import annotations

import re

import psycopg
from sqlalchemy import exc as sa_exc

from todo_desktop.core import reminders
from todo_desktop.core.errors import ConflictError, LimitError, TodoError, ValidationError
from todo_desktop.core.repeats import SHAPE
from todo_desktop.core.validation import TAG_MAX

_TAG_SHAPE = f"A tag must start with a letter and hold only letters, digits, - and _, at most {TAG_MAX}."
_EXISTS = "A tag of that name exists already."
# Each a new error when raised: (the field of a ValidationError, or None, and the sentence).
_CONSTRAINTS: dict[str, tuple[str | None, str]] = {
    "tags_name_shape": ("tags", _TAG_SHAPE),
    "tags_name_key_shape": ("tags", _TAG_SHAPE),
    "tasks_tags_shape": ("tags", "A task can have at most 100 tags."),
    "tasks_repeat_rule_shape": ("repeat", SHAPE),
    "task_reminders_one_kind": ("reminder", reminders.BOTH_OR_NEITHER),
    "task_reminders_before_due_range": ("reminder", reminders.BEFORE_DUE_RANGE),
    "task_reminders_remind_at_range": ("reminder", reminders.TIME_RANGE),
}
_STATES: dict[str, tuple[str | None, str]] = {
    "TDQ06": (None, "This account has as many tags as this database allows; delete some to add more."),
    "TDV01": ("tags", "A tag's name and its key do not agree; nothing was saved."),
    "TDV02": ("tags", "The tags of this edit do not add up; nothing was saved."),
    # Reminders (revision 0010).
    "TDR01": ("reminder", reminders.BOTH_OR_NEITHER),
    "TDR02": ("reminder", reminders.BEFORE_DUE_RANGE),
    "TDR03": ("reminder", reminders.TIME_RANGE),
    "TDR04": ("snooze", reminders.SNOOZE_RANGE),
    "TDR05": ("reminder", reminders.ZONE_UNKNOWN),
}


def map_task_error(exc: BaseException) -> TodoError | None:
    """The sentence for a refusal of revision 0007, or None for any other error."""
    err = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    if not isinstance(err, psycopg.Error) or err.diag is None:
        return None
    if err.sqlstate == "TDQ05":  # the limit is the database's setting: its message names it
        most = re.search(r"\d+", err.diag.message_primary or "")
        return LimitError(f"A task can have at most {most[0] if most else 'so many'} tags.")
    constraint = err.diag.constraint_name or ""
    if err.sqlstate == "23505" and constraint in ("tags_user_name", "tags_user_key"):
        return ConflictError(_EXISTS)
    checked = _CONSTRAINTS.get(constraint) if err.sqlstate == "23514" else None
    found = _STATES.get(err.sqlstate or "") or checked
    if found is None:
        return None
    field, message = found
    return LimitError(message) if field is None else ValidationError(field, message)
