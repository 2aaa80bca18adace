"""Repeating tasks: the rules the app stores, and the next occurrence of a completed task.

A rule is an RFC 5545 RRULE value of the subset the quick-add language writes
(`core.quick_entry.repeats`): FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, BYDAY,
BYMONTH and BYMONTHDAY (1 to 31, or -1: the month's last day), in that order, plus UNTIL (the
last day of the series). COUNT is refused: each occurrence is a task of its own, so no task
could know how many came before. The database checks the same shape (any client may send a
rule), but cannot read a rule, so the client works out the next due date here and sends it
with the completion.

Completing a repeating task creates its next occurrence as a new task, as Things does: the
completed one stays in Completed with its history and counts as done. The new task's id comes
from the completed task's id and due date (`next_id`), so a completion sent again (the outbox
replaying it, a retry after a lost COMMIT) names the same task and the database makes it once.

When the next one is due (in local wall-clock time, so 09:00 stays 09:00 across DST):
- a repeat after completion ("every! 3 days") counts from the day it was completed, at the
  due time of day;
- any other counts from its due date, keeping the series' rhythm, but skips the occurrences
  already past when it is completed: a daily task done three days late is next due tomorrow,
  not three more times today;
- an undated one counts from the day it was completed, due at the end of a day (23:59, as
  every date without a time is);
- months without the day (the 31st, 29 February) are skipped, as RFC 5545 and every calendar
  that reads these rules do; the last day (-1) is each month's own, so 31 January is followed
  by 28 or 29 February and then 31 March; a series past its UNTIL, or with no day left before
  the year 9999, creates nothing.

``dateutil`` is imported only when a next occurrence is computed (it costs some 14 ms).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, tzinfo

from todo_desktop.core.clock import wall_instant
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.values import NextOccurrence, Task, TaskChanges, TaskEdit

RULE_MAX = 200  # characters; the longest rule of the subset is about 110
INTERVAL_MAX = 999
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ORDER = ("FREQ", "INTERVAL", "BYDAY", "BYMONTH", "BYMONTHDAY", "UNTIL")
_UNTIL = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?")
_NUMBER = re.compile(r"[1-9]\d{0,2}")
_EARLIEST_YEAR, _LATEST_YEAR = 1900, 9998
LAST_DAY = -1  # BYMONTHDAY of the month's last day, as RFC 5545 counts from the end
_HORIZON_YEARS = 40  # a 29 February on a Monday comes every 28 years; nothing rarer is allowed
# Namespaces the id of a task's next occurrence: a name, not a secret.
_NEXT = uuid.UUID("6c1f4f5e-2b0e-4e57-9a59-1d2c3b4a5f60")

SHAPE = (
    "Repeat must be a rule such as FREQ=WEEKLY;BYDAY=MO: daily, weekly, monthly or yearly, "
    "with INTERVAL, BYDAY, BYMONTH, BYMONTHDAY or UNTIL."
)


@dataclass(frozen=True, slots=True)
class Rule:
    freq: str
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # Monday is 0, in week order
    month: int | None = None
    month_day: int | None = None
    until: date | datetime | None = None  # a date: through that local day; a datetime: UTC
    nth: int | None = None  # of a monthly or yearly rule's one weekday: 2 the second, -1 the last

    def text(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval > 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.weekdays:
            place = "" if self.nth is None else str(self.nth)
            parts.append("BYDAY=" + place + ",".join(DAY_CODES[d] for d in self.weekdays))
        if self.month is not None:
            parts.append(f"BYMONTH={self.month}")
        if self.month_day is not None:
            parts.append(f"BYMONTHDAY={self.month_day}")
        if self.until is not None:
            parts.append("UNTIL=" + until_text(self.until))
        return ";".join(parts)


def until_text(until: date | datetime) -> str:
    """A series' end as RRULE spells it: a day, 20271231, or an instant in UTC."""
    if isinstance(until, datetime):
        return until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return until.strftime("%Y%m%d")


def _refuse(message: str) -> ValidationError:
    return ValidationError("repeat", message)


def _number(value: str, low: int, high: int, message: str) -> int:
    if not _NUMBER.fullmatch(value) or not low <= int(value) <= high:
        raise _refuse(message)
    return int(value)


def _month_day(value: str) -> int:
    # Only the last day counts from the end: the days before it (-2 ...) have no words here and
    # come from no app people move from, so each would only be one more way to be wrong.
    if value == str(LAST_DAY):
        return LAST_DAY
    return _number(value, 1, 31, "A repeat's day (BYMONTHDAY) must be 1 to 31, or -1 for the last day.")


def valid_month_day(month: int, day: int) -> bool:
    """Whether ``day`` of ``month`` ever comes (the last day always does)."""
    if day == LAST_DAY:
        return True
    try:
        date(2000, month, day)  # a leap year: 29 February is a real day, every four years
    except ValueError:
        return False
    return True


def parse_until(value: str) -> date | datetime:
    """An UNTIL's value as `until_text` spells it, or ValidationError with one sentence."""
    found = _UNTIL.fullmatch(value)
    message = "A repeat's end (UNTIL) must be a date such as 20271231, between the years 1900 and 9998."
    if found is None or not _EARLIEST_YEAR <= int(found[1]) <= _LATEST_YEAR:
        raise _refuse(message)
    try:
        day = date(int(found[1]), int(found[2]), int(found[3]))
        if found[4] is None:
            return day
        return datetime(day.year, day.month, day.day, int(found[4]), int(found[5]), int(found[6]), tzinfo=UTC)
    except ValueError:
        raise _refuse(message) from None


_DAYS = "A repeat's days (BYDAY) must be weekdays such as MO,WE,FR, each once."
# One weekday with its place in the month (2MO, -1FR), in a monthly rule or a yearly one's month.
PLACED_DAY = re.compile(r"\+?(-?[1-5])(MO|TU|WE|TH|FR|SA|SU)")


def _weekdays(value: str, freq: str | None, month_day: str | None) -> tuple[tuple[int, ...], int | None]:
    placed = PLACED_DAY.fullmatch(value)
    if placed is not None:
        if freq not in ("MONTHLY", "YEARLY") or month_day is not None:
            raise _refuse(_DAYS)
        return (DAY_CODES.index(placed[2]),), int(placed[1])
    codes = value.split(",")
    if any(c not in DAY_CODES for c in codes) or len(set(codes)) != len(codes):
        raise _refuse(_DAYS)
    return tuple(sorted(DAY_CODES.index(c) for c in codes)), None


def parse(text: str) -> Rule:
    """The rule ``text`` names, or ValidationError with one sentence. The parts may come in
    any order; `Rule.text` writes them in the one order the database accepts."""
    if not isinstance(text, str):
        raise _refuse("Repeat must be text.")
    if len(text) > RULE_MAX:
        raise _refuse(f"A repeat rule is at most {RULE_MAX} characters.")
    cleaned = text.strip().upper().removeprefix("RRULE:")
    values: dict[str, str] = {}
    for part in cleaned.split(";"):
        name, equals, value = part.partition("=")
        if name == "COUNT":
            raise _refuse("A repeat cannot stop after a number of times; give it an end date (UNTIL).")
        if not equals or name not in _ORDER or not value:
            raise _refuse(SHAPE)
        if name in values:
            raise _refuse(f"A repeat rule names {name} twice.")
        values[name] = value
    if values.get("FREQ") not in FREQUENCIES:
        raise _refuse("A repeat must be daily, weekly, monthly or yearly (FREQ).")
    interval_text = values.get("INTERVAL")
    weekdays, nth = (
        _weekdays(values["BYDAY"], values["FREQ"], values.get("BYMONTHDAY"))
        if "BYDAY" in values
        else ((), None)
    )
    rule = Rule(
        freq=values["FREQ"],
        interval=1
        if interval_text is None
        else _number(interval_text, 1, INTERVAL_MAX, f"A repeat's interval must be 1 to {INTERVAL_MAX}."),
        weekdays=weekdays,
        month=_number(values["BYMONTH"], 1, 12, "A repeat's month (BYMONTH) must be 1 to 12.")
        if "BYMONTH" in values
        else None,
        month_day=_month_day(values["BYMONTHDAY"]) if "BYMONTHDAY" in values else None,
        until=parse_until(values["UNTIL"]) if "UNTIL" in values else None,
        nth=nth,
    )
    if (
        rule.month is not None
        and rule.month_day is not None
        and not valid_month_day(rule.month, rule.month_day)
    ):
        raise _refuse("That repeat falls on a day that never comes (such as 30 February).")
    return rule


def canonical(text: str) -> str:
    """``text`` checked and written as the database stores rules."""
    return parse(text).text()


def _local(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def next_due(
    rule: str, due: datetime | None, completed_at: datetime, zone: tzinfo, *, after_completion: bool = False
) -> datetime | None:
    """When the occurrence after one due at ``due`` (None: undated), completed at
    ``completed_at``, is due; None when the series has ended. See the module's rules."""
    from dateutil import rrule as rr

    parsed = parse(rule)
    done = _local(completed_at, zone)
    if due is None:
        start = floor = datetime.combine(done.date(), time(23, 59))
    elif after_completion:
        start = floor = datetime.combine(done.date(), _local(due, zone).time())
    else:
        start = _local(due, zone)
        floor = max(start, done)
    until: datetime | None
    if isinstance(parsed.until, datetime):
        until = _local(parsed.until, zone)
    elif parsed.until is not None:
        until = datetime.combine(parsed.until, time(23, 59, 59))
    else:
        until = None
    # A rule stepping months or years at a time takes as many of its own steps to reach its
    # rarest day as one stepping a single month or year: "every 50 years" must not end.
    steps = parsed.interval if parsed.freq in ("MONTHLY", "YEARLY") else 1
    last_year = floor.year + _HORIZON_YEARS * steps
    try:
        horizon = floor.replace(year=last_year)
    except ValueError:  # 29 February, or past the year 9999
        horizon = datetime(min(last_year, 9999), 12, 31, 23, 59)
    frequency = {"DAILY": rr.DAILY, "WEEKLY": rr.WEEKLY, "MONTHLY": rr.MONTHLY, "YEARLY": rr.YEARLY}
    series = rr.rrule(
        frequency[parsed.freq],
        dtstart=start,
        interval=parsed.interval,
        byweekday=[rr.weekday(d, parsed.nth) for d in parsed.weekdays] or None,
        bymonth=parsed.month,
        bymonthday=parsed.month_day,
        until=min(horizon, until) if until is not None else horizon,
        cache=False,
    )
    found = series.after(floor)
    if found is None:
        return None
    moment = wall_instant(found, zone)
    return moment if moment.year <= _LATEST_YEAR else None


def next_id(task_id: uuid.UUID, due: datetime | None) -> uuid.UUID:
    """The id of the occurrence after task ``task_id`` due at ``due``: the same every time that
    task, due then, is completed, so the database makes it once however often it is sent."""
    when = "undated" if due is None else due.astimezone(UTC).isoformat()
    return uuid.uuid5(_NEXT, f"{task_id}/{when}")


def next_occurrence(task: Task, completed_at: datetime, zone: tzinfo) -> NextOccurrence | None:
    """The task completing ``task`` at ``completed_at`` creates; None if it does not repeat, or
    its series has ended."""
    if task.repeat is None:
        return None
    due = next_due(
        task.repeat, task.due_date, completed_at, zone, after_completion=task.repeat_after_completion
    )
    return None if due is None else NextOccurrence(next_id(task.id, task.due_date), due)


def completion(task: Task, now: datetime, zone: tzinfo) -> TaskEdit:
    """The edit that completes ``task`` as the person saw it, with its next occurrence."""
    return TaskEdit(task.id, TaskChanges(completed=True), task.updated_at, next_occurrence(task, now, zone))


def undo_completion(task: Task, created: NextOccurrence | None) -> TaskEdit:
    """The edit that takes a completion back: ``task`` open again and, in the same
    transaction, the occurrence that completion ``created`` deleted."""
    return TaskEdit(task.id, TaskChanges(completed=False), None, created)


def next_task(task: Task, occurrence: NextOccurrence, now: datetime) -> Task:
    """The next occurrence as the database will store it (the optimistic guess): ``task``'s
    title, notes, priority, tags and repeat, open, due as computed, made ``now``."""
    return replace(
        task,
        id=occurrence.id,
        completed=False,
        completed_at=None,
        due_date=occurrence.due_date,
        created_at=now,
        updated_at=now,
    )
