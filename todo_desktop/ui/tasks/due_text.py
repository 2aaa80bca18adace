"""Due dates in words of the person's locale: "Today 17:00", "Fri", "Dec 24 2027", "3 days overdue".

The calendar arithmetic is ``core.relative_dates``; this module only names it, with day and
month names, their order and the clock's format taken from QLocale. Every repaint asks for the
same few dozen dates, so the words are cached until the next clock tick (each minute), which
also brings a new day at midnight and a change of the machine's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, tzinfo

from PySide6.QtCore import QDate, QLocale, QTime

from todo_desktop.core.relative_dates import DueKind, DueLabel, due_label, has_time

CACHE_LIMIT = 4096
_SHORT = QLocale.FormatType.ShortFormat
_LONG = QLocale.FormatType.LongFormat


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class DueText:
    def __init__(self, clock: Callable[[], datetime], zone: tzinfo, locale: QLocale | None = None) -> None:
        self._clock = clock
        self._zone = zone
        self._locale = locale or QLocale()
        # Day before month ("24 Dec") where the locale writes dates that way.
        short = self._locale.dateFormat(_SHORT)
        day_first = short.find("d") < short.find("M")
        self._month_day = "d MMM" if day_first else "MMM d"
        self._with_year = "d MMM yyyy" if day_first else "MMM d yyyy"
        self._cache: dict[tuple[datetime, bool], str] = {}
        self._full: dict[datetime, str] = {}

    def forget(self) -> None:
        """A new minute: today may be another day, and the zone another zone."""
        self._cache.clear()
        self._full.clear()

    def text(self, due: datetime, open_task: bool = True) -> str:
        key = (due, open_task)
        words = self._cache.get(key)
        if words is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            label = due_label(due, self._clock(), self._zone, open_task=open_task)
            words = self._cache[key] = self.words(label)
        return words

    def full(self, due: datetime) -> str:
        """The whole date, for a tooltip: "Friday, 24 December 2027, 17:00"."""
        words = self._full.get(due)
        if words is None:
            if len(self._full) >= CACHE_LIMIT:
                self._full.clear()
            local = due.astimezone(self._zone)
            words = self._locale.toString(_qdate(local.date()), _LONG)
            if has_time(local):
                words += ", " + self._clock_time(local.time())
            self._full[due] = words
        return words

    def words(self, label: DueLabel) -> str:
        kind = label.kind
        if kind is DueKind.DAYS_OVERDUE:
            return _plural(label.count, "day") + " overdue"
        if kind is DueKind.WEEKS_OVERDUE:
            return _plural(label.count, "week") + " overdue"
        if kind is DueKind.TODAY:
            day = "Today"
        elif kind is DueKind.TOMORROW:
            day = "Tomorrow"
        elif kind is DueKind.YESTERDAY:
            day = "Yesterday"
        elif kind is DueKind.WEEKDAY:
            day = self._locale.dayName(label.day.isoweekday(), _SHORT)
        else:
            pattern = self._month_day if kind is DueKind.THIS_YEAR else self._with_year
            day = self._locale.toString(_qdate(label.day), pattern)
        return day if label.time is None else f"{day} {self._clock_time(label.time)}"

    def _clock_time(self, value: time) -> str:
        return self._locale.toString(QTime(value.hour, value.minute), _SHORT)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
