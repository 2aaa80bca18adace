"""A reminder typed on its own, as in the details pane's Remind field: "10 min before",
"remind me 1 hour before", "when due", "at due time", "fri 9am", "@5pm", "tomorrow at 8:30".

The words are quick add's (``reminders``): the text is read as a quick-add line with a title
before it and "remind" in front when it does not start with "remind" or "@", and it must be
a reminder and nothing else (a date, a tag or a stray word left over refuses it). The field
shows an offset as "10 min before due" and the due time as "at due time"; both read back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from todo_desktop.core.errors import ValidationError
from todo_desktop.core.quick_entry.reminders import REMIND, SHORT, describe
from todo_desktop.core.quick_entry.result import PartKind, QuickEntry
from todo_desktop.core.reminders import check_setting
from todo_desktop.core.values import ReminderSetting

FIELD = "reminder"
NOT_A_REMINDER = "A reminder reads like “10 min before”, “when due”, “fri 9am” or “@5pm”; it stays as it was."
AT_DUE_TIME = "at due time"
_TITLE = "Task"  # the title a quick-add line needs before its words; dropped
_AT_DUE = {AT_DUE_TIME, "at due", "when due", "due"}

Read = Callable[[str], QuickEntry]


def read_reminder(text: str, read: Read) -> ReminderSetting | None:
    """The reminder ``text`` names (None: blank, no reminder). ``read`` reads a quick-add
    line with the person's clock, zone and date order. Raises ValidationError otherwise."""
    words = " ".join(text.split())
    if not words:
        return None
    lowered = words.casefold()
    if lowered in _AT_DUE:
        words = "when due"
    elif lowered.endswith(" before due"):  # the field's own "10 min before due"
        words = words[: -len(" due")]
    first = words.split(" ", 1)[0].casefold()
    line = f"{_TITLE} {words}" if first == REMIND or first.startswith(SHORT) else f"{_TITLE} {REMIND} {words}"
    entry = read(line)
    if (
        entry.reminder is None
        or entry.title != _TITLE
        or any(part.kind is not PartKind.REMINDER for part in entry.parts)
    ):
        raise ValidationError(FIELD, NOT_A_REMINDER)
    return check_setting(entry.reminder)


def offset_words(setting: ReminderSetting) -> str | None:
    """An offset as the field shows it ("10 min before due", "at due time"); None for a time."""
    words = describe(setting)
    if words is None:
        return None
    return AT_DUE_TIME if words == "when due" else f"{words} due"


def same_setting(a: ReminderSetting | None, b: ReminderSetting | None) -> bool:
    """Equal to the minute (what the field shows), so an untouched time is no change."""
    if a is None or b is None:
        return a is b
    if a.at is not None and b.at is not None:
        return _minute(a.at) == _minute(b.at)
    return a == b


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
