"""The reminder words: "remind 10 min before", "remind at 5pm", "remind tomorrow 9am", "@5pm".

- ``remind [me] <n> <unit> before``: an offset before the due time (which moves with it);
  units min/mins/minute(s), hr/hrs/hour(s), day(s), week(s); n is 1 to 999 or a word ("an
  hour"), and the whole at most 30 days (`core.reminders.MAX_BEFORE_DUE`). ``remind [me] when
  due`` rings at the due time itself. Both need a due date: on a line without one the entry's
  problem says so. A date alone will do: the database counts it from 09:00 on that day.
- ``remind [me] [at|on] <day> [at] <time>`` or ``<time> [on] <day>``: a time of its own. A time
  alone is today's, or tomorrow's once it has passed; a day alone rings at 09:00 on it. Right
  after "at" the time may be an hour alone, read as a due time reads it ("remind at 6": 18:00).
- ``@<time>`` or ``@<day> [<time>]`` as one word ("@5pm", "@17:00", "@fri 9am", "@tomorrow"): the
  same as "remind at ...", the short form people know from other apps.

Whole words only, like every other part: "remind mum about it", "meet @ home" (a lone @ is a
cue for the due date, as before), "email bob@example.com", "@home", "@5pm," and "@6" (an hour
alone needs "at" as a word of its own) stay text.
Never the first word (something must stay as the title), and escaped words are never read
("\\remind", a quoted "remind at 5pm", "\\@5pm"). One reminder per task: when two are typed the
rightmost is read and the other stays in the title.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from todo_desktop.core.quick_entry import words as w
from todo_desktop.core.quick_entry.dates import Words, at, at_night, match_date, match_time
from todo_desktop.core.quick_entry.result import Clock, Phrase
from todo_desktop.core.reminders import MAX_BEFORE_DUE, ReminderSetting

REMIND = "remind"
SHORT = "@"
MORNING = Clock(9, 0)  # a day named without a time
_UNITS: dict[str, timedelta] = {
    "min": timedelta(minutes=1), "mins": timedelta(minutes=1), "minute": timedelta(minutes=1),
    "minutes": timedelta(minutes=1), "hr": timedelta(hours=1), "hrs": timedelta(hours=1),
    "hour": timedelta(hours=1), "hours": timedelta(hours=1), "day": timedelta(days=1),
    "days": timedelta(days=1), "week": timedelta(weeks=1), "weeks": timedelta(weeks=1),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReminderPhrase:
    """Words ``start`` to ``end`` (exclusive) name a reminder: an offset, or a day and/or a time."""

    start: int
    end: int
    before_due: timedelta | None = None
    day: date | None = None
    clock: Clock | None = None


def _offset(words: Words, i: int) -> ReminderPhrase | None:
    """``<n> <unit> before`` or ``when due``, from word ``i``; the phrase starts at ``i``."""
    if at(words, i) == "when" and at(words, i + 1) == "due":
        return ReminderPhrase(i, i + 2, before_due=timedelta(0))
    count, unit = w.count(at(words, i)), _UNITS.get(at(words, i + 1) or "")
    if count is None or unit is None or at(words, i + 2) != "before":
        return None
    offset = count * unit
    return ReminderPhrase(i, i + 3, before_due=offset) if offset <= MAX_BEFORE_DUE else None


def _when(words: Words, i: int, today: date, day_first: bool) -> ReminderPhrase | None:
    """A day and/or a time from word ``i`` (an "at" or "on" first may go with them)."""
    k = i + 1 if at(words, i) in ("at", "on") else i
    day_first_phrase = _longest(match_date(words, k, today, day_first))
    if day_first_phrase is not None:
        day = day_first_phrase.value
        assert isinstance(day, date)
        end = day_first_phrase.end
        after = end + 1 if at(words, end) == "at" else end
        clock = _longest(match_time(words, after))
        if clock is None:
            fallback = day_first_phrase.daypart or MORNING
            return ReminderPhrase(i, end, day=day, clock=fallback)
        assert isinstance(clock.value, Clock)
        tonight = day_first_phrase.tonight and clock.daytime
        return ReminderPhrase(i, clock.end, day=day, clock=at_night(clock.value) if tonight else clock.value)
    time_phrase = _longest([p for p in match_time(words, k) if not p.after_day])
    if time_phrase is None:
        return None
    assert isinstance(time_phrase.value, Clock)
    end = time_phrase.end
    after = end + 1 if at(words, end) == "on" else end
    later_day = _longest(match_date(words, after, today, day_first))
    if later_day is not None:
        assert isinstance(later_day.value, date)
        return ReminderPhrase(i, later_day.end, day=later_day.value, clock=time_phrase.value)
    return ReminderPhrase(i, end, clock=time_phrase.value)


def _longest(phrases: list[Phrase]) -> Phrase | None:
    return max(phrases, key=lambda p: p.end) if phrases else None


def match_reminder(words: Words, i: int, today: date, day_first: bool) -> ReminderPhrase | None:
    """The reminder phrase starting at word ``i``, if any."""
    word = at(words, i)
    if word == REMIND:
        j = i + 2 if at(words, i + 1) == "me" else i + 1
        found = _offset(words, j) or _when(words, j, today, day_first)
        return (
            None if found is None else ReminderPhrase(i, found.end, found.before_due, found.day, found.clock)
        )
    if word is not None and len(word) > 1 and word.startswith(SHORT):
        # The rest of the word is read as the first word of a day or a time. Its "@" is glued
        # to it, so the word before is no cue for an hour alone: "at @6" stays text, as "@6" does.
        rest = [*words[:i], word[1:], *words[i + 1 :]]
        if i > 0:
            rest[i - 1] = None
        found = _when(rest, i, today, day_first)
        if found is not None and at(rest, i) not in ("at", "on"):
            return found
    return None


def describe(reminder: ReminderSetting) -> str | None:
    """An offset in words ("10 min before", "2 days before", "when due"); None for a time."""
    offset = reminder.before_due
    if offset is None:
        return None
    if offset == timedelta(0):
        return "when due"
    minutes = int(offset.total_seconds() // 60)
    for size, one, many in ((7 * 24 * 60, "week", "weeks"), (24 * 60, "day", "days"), (60, "hour", "hours")):
        if minutes % size == 0:
            n = minutes // size
            return f"{n} {one if n == 1 else many} before"
    return f"{minutes} min before"
