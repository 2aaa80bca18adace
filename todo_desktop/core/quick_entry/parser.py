"""Where phrases may be read (the placement rules of the package docstring), and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from todo_desktop.core.clock import end_of_day
from todo_desktop.core.quick_entry import tokens as tk
from todo_desktop.core.quick_entry import words as w
from todo_desktop.core.quick_entry.dates import at_night, match_date, match_time, match_time_from_now
from todo_desktop.core.quick_entry.reminders import ReminderPhrase, match_reminder
from todo_desktop.core.quick_entry.repeats import end_problem, ends_after, first_day, match_repeat, rrule
from todo_desktop.core.quick_entry.result import Clock, Part, PartKind, Phrase, QuickEntry, Rule
from todo_desktop.core.reminders import ReminderSetting, offset_problem
from todo_desktop.core.values import Priority

_SLOT_ORDER = (PartKind.REPEAT, PartKind.DATE, PartKind.TIME, PartKind.PRIORITY)
# Words in the longest phrase: "every 2 days on mondays, tuesdays ... and sundays on the last
# day of each month in february starting the 24th of december 2027 until the 24th of december
# 2028 23:59 utc", 35.
_LONGEST = 35
_DAYS = (PartKind.DATE, PartKind.REPEAT)


@dataclass
class _Reading:
    """The parse in progress: words, markup found anywhere, phrases accepted so far."""

    tokens: list[tk.Token]
    words: list[str | None]
    markup: dict[int, tuple[PartKind, str | Priority]]
    starting: list[list[Phrase]]  # every phrase, by start index, longest first
    used: set[int] = field(default_factory=set)
    read: dict[PartKind, tuple[int, Phrase]] = field(default_factory=dict)  # kind -> (first, phrase)

    def title_word_before(self, index: int) -> bool:
        """Some word before ``index`` stays in the title: a date never stands first."""
        return any(i not in self.markup and i not in self.used for i in range(index))

    def looks_like_name(self, phrase: Phrase) -> bool:
        """Whether the phrase is part of a name ("Friday Night Lights", "Black Friday")."""
        before = self.words[phrase.start - 1] if phrase.start > 0 else None
        if before in w.NAMED_DAYS and w.weekday(self.words[phrase.start]) is not None:
            return True
        nxt = phrase.end
        return (
            self.tokens[phrase.start].text[:1].isupper()
            and nxt < len(self.tokens)
            and nxt not in self.used
            and nxt not in self.markup
            and self.tokens[nxt].text[:1].isupper()
        )

    def accept(self, first: int, phrase: Phrase) -> None:
        self.read[phrase.kind] = (first, phrase)
        self.used.update(range(first, phrase.end))


def _phrases(words: list[str | None], i: int, now: datetime, day_first: bool) -> list[Phrase]:
    """``now``: in the person's zone."""
    today = now.date()
    found = (
        match_repeat(words, i, today, day_first)
        + match_date(words, i, today, day_first)
        + match_time(words, i)
        + match_time_from_now(words, i, now)
    )
    word = words[i]
    if word in tk.TODOIST_PRIORITIES:
        # p1 to p4 are plain words too ("Form P1"): read like dates, only at the end.
        found.append(Phrase(PartKind.PRIORITY, i, i + 1, tk.TODOIST_PRIORITIES[word], mid_text=False))
    found.sort(key=lambda p: (-p.end, _SLOT_ORDER.index(p.kind)))
    return found


def _read_the_end(r: _Reading) -> int:
    """Read phrases from the end of the text backwards while every word is read, markup or
    literal; stop at the first word that is none of these. Returns where the reading stopped."""
    p = len(r.tokens)
    while p > 0:
        if r.tokens[p - 1].literal or p - 1 in r.markup:
            p -= 1  # escaped words and tags never hide a date before them
            continue
        nearby = range(max(0, p - _LONGEST), p)
        ends_here = [ph for start in nearby for ph in r.starting[start] if ph.end == p]
        if not ends_here:
            break
        phrase = min(ends_here, key=lambda ph: (ph.start, _SLOT_ORDER.index(ph.kind)))
        if phrase.kind in r.read:
            break  # the rightmost of a kind wins; an earlier one stays in the title
        first = phrase.start
        if phrase.kind in (PartKind.DATE, PartKind.TIME) and first > 0 and r.words[first - 1] in w.CUES:
            first -= 1  # the cue goes with its phrase: "at 5pm", "on friday", "due tomorrow"
        if phrase.needs_cue and first == phrase.start:
            break
        if phrase.after_day:
            first = phrase.start  # "tomorrow morning": no cue, and a day must come right before
            near = range(max(0, first - _LONGEST), first)
            if not any(ph.end == first and ph.kind in _DAYS for s in near for ph in r.starting[s]):
                break
        # A reminder's last word ("remind 2 days before") is markup, not a blocker.
        before = r.words[first - 1] if first > 0 and first - 1 not in r.markup else None
        if before in w.BLOCKERS or not r.title_word_before(first) or r.looks_like_name(phrase):
            break
        r.accept(first, phrase)
        p = first
    return p


def _read_after_cues(r: _Reading, limit: int) -> None:
    """Before the end, a date or time is read only right after a cue word ("meet on friday at
    5pm with Bob"), and phrases directly after it chain on ("on friday 5pm"); rightmost first."""
    for cue in range(limit - 1, 0, -1):
        if r.words[cue] not in w.CUES or cue in r.used or not r.title_word_before(cue):
            continue
        phrase = _free(r, cue + 1, limit, allow_cue_only=True)
        if phrase is None:
            continue
        r.accept(cue, phrase)
        end = phrase.end
        while (chained := _free(r, end, limit, allow_cue_only=False)) is not None:
            r.accept(end, chained)
            end = chained.end


def _free(r: _Reading, start: int, limit: int, *, allow_cue_only: bool) -> Phrase | None:
    if start >= limit:
        return None
    for phrase in r.starting[start]:
        if (
            phrase.end <= limit
            and phrase.mid_text
            and phrase.kind in (PartKind.DATE, PartKind.TIME)
            and phrase.kind not in r.read
            and (allow_cue_only or not phrase.needs_cue)
            and not r.used.intersection(range(start, phrase.end))
            and not r.looks_like_name(phrase)
        ):
            return phrase
    return None


def _drop_daypart_without_day(r: _Reading) -> None:
    """ "morning" read before its day turned out unreadable ("the day after tomorrow morning")
    is no time either."""
    time_read = r.read.get(PartKind.TIME)
    if time_read is None or not time_read[1].after_day:
        return
    first = time_read[0]
    if not any(r.read[kind][1].end == first for kind in _DAYS if kind in r.read):
        del r.read[PartKind.TIME]
        r.used.difference_update(range(first, time_read[1].end))


def _keep_one_date_whole(r: _Reading) -> None:
    """Rule 3 for a date typed in parts: when the words left for the title are only a phrase
    that could not be read for standing first ("tomorrow" of "tomorrow 5pm"), the text is all
    date, and all of it stays the title. Reading the rest alone would date the task by half of
    what was typed: "tomorrow" due today at 17:00."""
    left = [i for i in range(len(r.tokens)) if i not in r.used and i not in r.markup]
    if not left or left != list(range(left[-1] + 1)):
        return
    if not any(ph.end == len(left) and ph.kind in (*_DAYS, PartKind.TIME) for ph in r.starting[0]):
        return
    for kind in (*_DAYS, PartKind.TIME):
        dropped = r.read.pop(kind, None)
        if dropped is not None:
            r.used.difference_update(range(dropped[0], dropped[1].end))


def _instant(day: date, clock: Clock, zone: tzinfo) -> datetime:
    """Wall-clock time on a local day, as UTC. A time a DST change skips (02:30 on the spring
    night) is read with the offset before the change, which lands just after the gap; one an
    autumn night repeats, as its first pass unless the clock says the second."""
    if clock.next_day:
        day += timedelta(days=1)
    local = datetime(day.year, day.month, day.day, clock.hour, clock.minute, fold=clock.fold, tzinfo=zone)
    return local.astimezone(UTC)


def _due(r: _Reading, now: datetime, zone: tzinfo, today: date) -> tuple[datetime | None, bool]:
    date_read, time_read = r.read.get(PartKind.DATE), r.read.get(PartKind.TIME)
    repeat_read = r.read.get(PartKind.REPEAT)
    clock = time_read[1].value if time_read else None
    assert clock is None or isinstance(clock, Clock)
    if clock is None and repeat_read is not None and isinstance(repeat_read[1].value, Rule):
        clock = repeat_read[1].value.clock  # "every morning": 09:00, unless a time is typed
    day: date | None = None
    if date_read is not None:
        assert isinstance(date_read[1].value, date)
        day = date_read[1].value
        daypart = date_read[1].daypart
        if clock is None and daypart is not None and _instant(day, daypart, zone) > now:
            clock = daypart
        elif clock is not None and date_read[1].tonight and time_read and time_read[1].daytime:
            clock = at_night(clock)
    elif repeat_read is not None:
        rule = repeat_read[1].value
        assert isinstance(rule, Rule)
        fixed = clock
        start = max(today, rule.starting) if rule.starting else today  # a first day past: from today
        day = first_day(rule, start, lambda d: fixed is None or _instant(d, fixed, zone) >= now)
    elif clock is not None:
        day = today if _instant(today, clock, zone) >= now else today + timedelta(days=1)
    if day is None:
        return None, False
    if clock is not None:
        return _instant(day, clock, zone), True
    return end_of_day(now, zone, (day - today).days), False


def _find_reminder(
    tokens: list[tk.Token], words: list[str | None], markup: dict[int, object], today: date, day_first: bool
) -> ReminderPhrase | None:
    """The rightmost reminder phrase with a title word before it (a reminder never stands first)."""
    for i in range(len(tokens) - 1, 0, -1):
        if i in markup:
            continue
        found = match_reminder(words, i, today, day_first)
        if (
            found is not None
            and not any(j in markup for j in range(i, found.end))
            and any(j not in markup for j in range(i))
        ):
            return found
    return None


def _reminder(phrase: ReminderPhrase, now: datetime, zone: tzinfo, today: date) -> ReminderSetting:
    """The reminder a phrase names: a time alone is today's, or tomorrow's once it has passed."""
    if phrase.before_due is not None:
        return ReminderSetting(before_due=phrase.before_due)
    assert phrase.clock is not None
    day = phrase.day
    if day is None:
        day = today if _instant(today, phrase.clock, zone) >= now else today + timedelta(days=1)
    return ReminderSetting(at=_instant(day, phrase.clock, zone))


def parse(text: str, now: datetime, zone: tzinfo, *, day_first: bool = True) -> QuickEntry:
    """Read a quick-add line. ``now`` is an aware instant; ``zone`` is the person's zone, in
    which "today" and every wall-clock time are meant; ``day_first`` reads 5/6 as 5 June."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tokens, markers = tk.scan(text)
    words = [t.word for t in tokens]
    local_now = now.astimezone(zone)
    today = local_now.date()
    markup: dict[int, tuple[PartKind, str | Priority]] = {}
    for i, token in enumerate(tokens):
        name = tk.tag(token)
        mark = tk.priority_mark(token)
        if name is not None:
            markup[i] = (PartKind.TAG, name)
        elif mark is not None:
            markup[i] = (PartKind.PRIORITY, mark)
    # Read first, and then markup like a tag: its words are never a due date, and a due date
    # before it is still read at the end of the text ("dentist friday 3pm remind 1 hour before").
    reminding = _find_reminder(tokens, words, markup, today, day_first)  # type: ignore[arg-type]
    if reminding is not None:
        markup.update((j, (PartKind.REMINDER, "")) for j in range(reminding.start, reminding.end))
    starting = [[] if i in markup else _phrases(words, i, local_now, day_first) for i in range(len(tokens))]
    r = _Reading(tokens, words, markup, starting)
    _read_after_cues(r, _read_the_end(r))
    _drop_daypart_without_day(r)
    _keep_one_date_whole(r)

    # Priority: the rightmost of "!high" anywhere and "p2" at the end wins.
    marks = [(i, value) for i, (kind, value) in markup.items() if isinstance(value, Priority)]
    todoist = r.read.pop(PartKind.PRIORITY, None)
    if todoist is not None and isinstance(todoist[1].value, Priority):
        marks.append((todoist[0], todoist[1].value))
    winner = max(marks, key=lambda m: m[0]) if marks else None

    parts: list[Part] = []

    def add(kind: PartKind, first: int, end: int) -> None:
        span = (tokens[first].start, tokens[end - 1].end)
        parts.append(Part(kind, span, text[span[0] : span[1]]))

    tags: dict[str, str] = {}
    for i, (kind, value) in markup.items():
        if kind is PartKind.TAG:
            assert isinstance(value, str)
            tags.setdefault(tk.tag_key(value), value)  # the first spelling typed is kept
            add(kind, i, i + 1)
    if winner is not None:
        add(PartKind.PRIORITY, winner[0], winner[0] + 1)
    if reminding is not None:
        add(PartKind.REMINDER, reminding.start, reminding.end)
    for kind, (first, phrase) in r.read.items():
        add(kind, first, phrase.end)
    parts.sort(key=lambda part: part.span)

    due, has_time = _due(r, now, zone, today)
    repeat_read = r.read.get(PartKind.REPEAT)
    rule = repeat_read[1].value if repeat_read else None
    assert rule is None or isinstance(rule, Rule)
    if rule is not None and due is not None:
        rule = ends_after(rule, due.astimezone(zone).date())  # "for 3 weeks" from the due day
    priority = winner[1] if winner else None
    reminder = _reminder(reminding, now, zone, today) if reminding else None
    problem, about = end_problem(rule.until, due, zone) if rule and due else None, "repeat"
    if problem is None:
        problem, about = offset_problem(reminder, due), "reminder"
    return QuickEntry(
        title=tk.title(text, [part.span for part in parts], markers),
        due=due,
        has_time=has_time,
        priority=priority,
        tags=tuple(tags.values()),
        repeat=rrule(rule) if rule else None,
        repeat_after_completion=bool(rule and rule.after_completion),
        parts=tuple(parts),
        reminder=reminder,
        problem=problem,
        problem_field=about,
    )
