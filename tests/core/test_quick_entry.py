"""The quick-add language (todo_desktop.core.quick_entry) against the case table, plus its
spans, the escape that undoes a part, the summary line and the RRULEs it writes."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.quick_entry_case_kit import BERLIN, NOW, Case
from tests.core.quick_entry_cases import CASES
from tests.support.repo import ROOT
from todo_desktop.core.clock import LocalZone, end_of_day
from todo_desktop.core.quick_entry import PartKind, QuickEntry, day_first_for, literal, parse, summary
from todo_desktop.core.reminders import (
    NEEDS_DUE_DATE,
    ReminderDefault,
    ReminderSetting,
    check_setting,
    default_reminder,
    rings_at,
)
from todo_desktop.core.values import Priority

IDS = [f"{i:03d} {case.text}" for i, case in enumerate(CASES)]


def read(case: Case) -> QuickEntry:
    return parse(case.text, case.now, ZoneInfo(case.zone), day_first=case.day_first)


def parts_of(entry: QuickEntry) -> list[tuple[str, str]]:
    return [(part.kind.value, part.text) for part in entry.parts]


# -- the table -------------------------------------------------------------------------------


def test_the_table_is_large_and_full_of_traps():
    assert len(CASES) >= 150
    assert sum(case.trap for case in CASES) >= 50
    assert sum(case.repeat is not None for case in CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case(case: Case):
    entry = read(case)
    assert entry.title == case.title
    assert entry.due == case.expected_due()
    assert entry.has_time == case.has_time
    assert entry.priority == case.priority
    assert entry.tags == case.tags
    assert entry.repeat == case.repeat
    assert entry.repeat_after_completion == case.after
    assert entry.reminder == case.expected_reminder()
    if case.parts is not None:
        assert parts_of(entry) == list(case.parts)
    if entry.due is not None:
        assert entry.due.tzinfo is UTC


# -- spans -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_span_points_at_its_words(case: Case):
    text = case.text
    previous_end = 0
    for part in read(case).parts:
        start, end = part.span
        assert previous_end <= start < end <= len(text), "parts are in order and never overlap"
        assert text[start:end] == part.text
        assert part.text == part.text.strip()
        assert start == 0 or text[start - 1].isspace(), "a part starts at a word"
        assert end == len(text) or text[end].isspace(), "a part ends at a word"
        previous_end = end


def test_spans_name_each_kind():
    text = "Call mom tomorrow at 5pm !high #family every week"
    entry = parse(text, NOW, ZoneInfo(BERLIN))
    assert {part.kind: text[slice(*part.span)] for part in entry.parts} == {
        PartKind.DATE: "tomorrow",
        PartKind.TIME: "at 5pm",
        PartKind.PRIORITY: "!high",
        PartKind.TAG: "#family",
        PartKind.REPEAT: "every week",
    }


# -- literal(): one key turns the last part back into words ------------------------------------

PARTED = [
    case
    for case in CASES
    if case.due or case.repeat or case.priority or case.tags or case.expected_reminder()
]


@pytest.mark.parametrize("case", PARTED, ids=[case.text for case in PARTED])
def test_escaping_the_last_part_makes_it_plain_text(case: Case):
    entry = read(case)
    last = entry.parts[-1]
    escaped = literal(case.text, last.span)
    again = parse(escaped, case.now, ZoneInfo(case.zone), day_first=case.day_first)
    # The earlier parts are read as before (the escape comes after them, so their spans hold) ...
    assert set(entry.parts[:-1]) <= set(again.parts)
    # ... and nothing is read where the last part was; its words are in the title instead.
    assert all(part.span[1] <= last.span[0] for part in again.parts)
    assert last.text in again.title


@pytest.mark.parametrize("case", PARTED, ids=[case.text for case in PARTED])
def test_any_part_can_be_escaped(case: Case):
    for part in read(case).parts:
        escaped = literal(case.text, part.span)
        again = parse(escaped, case.now, ZoneInfo(case.zone), day_first=case.day_first)
        shift = len(escaped) - len(case.text)
        escaped_span = (part.span[0], part.span[1] + shift)
        assert all(p.span[1] <= escaped_span[0] or p.span[0] >= escaped_span[1] for p in again.parts)
        assert part.text in again.title


@pytest.mark.parametrize(
    ("text", "span", "escaped"),
    [
        ("Call mom tomorrow", (9, 17), "Call mom \\tomorrow"),
        ("Call mom at 5pm", (9, 15), 'Call mom "at 5pm"'),
        ('Read "Dune" at 5pm', (12, 18), 'Read "Dune" \\at \\5pm'),
        ("Fix bug #home", (8, 13), "Fix bug \\#home"),
        ("Anything", (3, 3), "Anything"),
        ("Anything", (5, 99), "Anything"),
    ],
)
def test_literal_escapes_words(text, span, escaped):
    assert literal(text, span) == escaped


# -- repeats are RFC 5545 RRULEs that start at their first occurrence ---------------------------

# "Gym tomorrow every monday": an explicit date outranks the rule's first day, so not here.
REPEATING = [case for case in CASES if case.repeat and "tomorrow" not in case.text]


@pytest.mark.parametrize("case", REPEATING, ids=[case.text for case in REPEATING])
def test_repeat_is_an_rrule_whose_first_occurrence_is_the_due_date(case: Case):
    entry = read(case)
    assert entry.repeat is not None
    assert entry.due is not None
    zone = ZoneInfo(case.zone)
    due = entry.due.astimezone(zone).replace(tzinfo=None)
    today = case.now.astimezone(zone).replace(tzinfo=None)
    # The due date starts the series: it is an occurrence of the rule anchored there ...
    assert rrulestr(entry.repeat, dtstart=due).after(due, inc=True) == due
    # ... and the first day from now on that the rule allows. (Counted from today, RFC 5545
    # would put "every other friday" typed on a Saturday two Fridays away: the interval counts
    # from the first occurrence, not from the day it was typed.)
    every_time = re.sub(r";INTERVAL=[0-9]+", "", entry.repeat)
    start = today.replace(hour=due.hour, minute=due.minute, second=0, microsecond=0)
    assert rrulestr(every_time, dtstart=start).after(today, inc=True) == due


# -- summaries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Call mom tomorrow 9am !high #home every week", "Tomorrow 09:00 · High · #home · Every week"),
        ("Call mom", ""),
        ("", ""),
        ("Party dec 24", "Thu 24 Dec"),
        ("Party dec 24 2027", "Fri 24 Dec 2027"),
        ("Party friday", "Friday"),
        ("Party today 7pm", "Today 19:00"),
        ("Party next friday 8pm", "Friday 20:00"),
        ("Party dec 12", "Sat 12 Dec"),
        ("Gym every monday", "Monday · Every Monday"),
        ("Standup every weekday at 9:30", "Monday 09:30 · Every weekday"),
        ("Water plants every! 3 days", "Today · Every 3 days after completion"),
        ("Pay rent every month on the 1st", "Fri 1 Jan 2027 · Every month on the 1st"),
        ("Clean every other week", "Today · Every 2 weeks"),
        ("Sync every 2 weeks on monday", "Monday · Every 2 weeks on Monday"),
        ("Send card every dec 24", "Thu 24 Dec · Every year on 24 Dec"),
        ("Team sync every 2nd monday", "Mon 14 Dec · Every month on the 2nd Monday"),
        ("Review every 3rd friday", "Fri 18 Dec · Every month on the 3rd Friday"),
        ("Drinks every last friday", "Fri 25 Dec · Every month on the last Friday"),
        ("Backup every! 2nd sunday", "Sun 13 Dec · Every month on the 2nd Sunday after completion"),
        ("Pay card every 2nd", "Sat 2 Jan 2027 · Every month on the 2nd"),
        ("Brunch every weekend", "Today · Every weekend"),
        ("Renew domain every year", "Today · Every year"),
        ("Vitamins daily", "Today · Every day"),
        ("Fix bug p1 #work #Urgent", "Urgent · #work #Urgent"),
        ("Submit by midnight", "Tomorrow 00:00"),
        ("Call mum friday 5pm remind 10 min before", "Friday 17:00 · Remind 10 min before"),
        ("Call mum @5pm", "Remind Today 17:00"),
        ("Dentist @fri 9am !high", "High · Remind Friday 09:00"),
        ("Standup at 9:30 remind when due", "Tomorrow 09:30 · Remind when due"),
        ("Flight remind 3 hours before", f"Remind 3 hours before · {NEEDS_DUE_DATE}"),  # no due date
        ("Exam friday 9am remind 2 weeks before", "Friday 09:00 · Remind 2 weeks before"),
        # Due all day: counted from 09:00 on the day, which the words alone do not say.
        ("Pay rent friday remind 1 day before", "Friday · Remind 1 day before (Thursday 09:00)"),
        ("Pay rent friday remind when due", "Friday · Remind when due (Friday 09:00)"),
        ("Pay rent friday remind 2 hours before", "Friday · Remind 2 hours before (Friday 07:00)"),
        ("Taxes remind dec 24 2027 10am", "Remind Fri 24 Dec 2027 10:00"),
    ],
)
def test_summary(text, line):
    zone = ZoneInfo(BERLIN)
    assert summary(parse(text, NOW, zone), NOW, zone) == line


def test_summary_speaks_of_the_local_day():
    new_york = ZoneInfo("America/New_York")
    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # Friday evening in New York
    entry = parse("Call at 11pm", now, new_york)
    assert summary(entry, now, new_york) == "Today 23:00"
    assert summary(entry, now, ZoneInfo(BERLIN)) == "Today 05:00"  # the same instant, seen from Berlin


# -- the rest of the contract ------------------------------------------------------------------


def test_no_hidden_clock():
    zone = ZoneInfo(BERLIN)
    assert parse("Pay tomorrow", NOW, zone) == parse("Pay tomorrow", NOW, zone)
    later = parse("Pay tomorrow", NOW + timedelta(days=1), zone)
    assert later.due == parse("Pay tomorrow", NOW, zone).due + timedelta(days=1)


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        parse("Pay tomorrow", datetime(2026, 12, 5, 10, 0), ZoneInfo(BERLIN))


def test_a_date_without_time_follows_the_end_of_day_convention():
    for zone in (ZoneInfo(BERLIN), LocalZone()):
        entry = parse("Pay tomorrow", NOW, zone)
        assert entry.due == end_of_day(NOW, zone, 1)
        assert not entry.has_time


def test_the_machine_zone_works():
    zone = LocalZone()
    entry = parse("Pay tomorrow 9am", NOW, zone)
    local_tomorrow = (NOW.astimezone(zone) + timedelta(days=1)).date()
    assert entry.due is not None
    assert entry.due.astimezone(zone).date() == local_tomorrow
    assert entry.due.astimezone(zone).hour == 9


def test_the_draft_carries_title_priority_and_due():
    entry = parse("Fix bug tomorrow !urgent", NOW, ZoneInfo(BERLIN))
    draft = entry.draft()
    assert (draft.title, draft.priority, draft.due_date) == ("Fix bug", Priority.URGENT, entry.due)
    assert parse("Fix bug", NOW, ZoneInfo(BERLIN)).draft().priority is Priority.MEDIUM


@pytest.mark.parametrize(
    ("pattern", "day_first"),
    [("dd/MM/yyyy", True), ("d.M.yy", True), ("M/d/yy", False), ("yyyy-MM-dd", False), ("", True)],
)
def test_day_first_from_a_locale_date_pattern(pattern, day_first):
    assert day_first_for(pattern) is day_first


def test_importing_it_brings_in_no_library():
    code = (
        "import sys, todo_desktop.core.quick_entry;"
        "print(sorted(m for m in ('dateutil', 'PySide6', 'sqlalchemy', 'psycopg') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- anything typed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paste",
    ['"a ' * 3000, '"a" ' * 3000, "\\a " * 3000, "on " * 3000, "every 2 weeks on " * 600, "#a " * 3000],
    ids=["openers", "pairs", "escapes", "cues", "repeats", "tags"],
)
def test_a_long_paste_is_read_in_linear_time(paste):
    started = time.perf_counter()
    parse(paste + " tomorrow", NOW, ZoneInfo(BERLIN))
    assert time.perf_counter() - started < 1.0  # about 15 ms here; quadratic would be seconds


WORDS = [
    "tomorrow", "at", "5pm", "on", "friday", "Friday", "every", "every!", "day", "2", "weeks", "the",
    "5th", "of", "dec", "24", "#home", "#Home", "!high", "p1", "\\", '"', "\u201c", "next", "in", "noon",
    "12/31", "17:00", "Mark", "may", "sun", "pm", "midnight", "month", "1st", "Night", "-",
    "remind", "me", "10", "min", "hour", "before", "when", "due", "@5pm", "@fri", "@", "@tomorrow",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=10), st.sampled_from(WORDS))
def test_any_text_parses_and_every_part_can_be_escaped(words, extra):
    text = " ".join([*words, extra])
    zone = ZoneInfo(BERLIN)
    entry = parse(text, NOW, zone)
    for part in entry.parts:
        assert text[slice(*part.span)] == part.text
        escaped = literal(text, part.span)
        again = parse(escaped, NOW, zone)
        shift = len(escaped) - len(text)
        assert all(p.span[1] <= part.span[0] or p.span[0] >= part.span[1] + shift for p in again.parts)
    summary(entry, NOW, zone)


# -- reminders -------------------------------------------------------------------------------

REMINDING = [case for case in CASES if case.expected_reminder() is not None]


def test_the_table_reads_reminders_of_every_kind():
    assert len(REMINDING) >= 30
    assert sum(case.remind_before is not None for case in REMINDING) >= 10
    assert sum(case.text.split()[-1].startswith("@") or " @" in case.text for case in REMINDING) >= 5


@pytest.mark.parametrize("case", REMINDING, ids=[case.text for case in REMINDING])
def test_every_reminder_read_is_one_the_database_takes(case: Case):
    reminder = read(case).reminder
    assert reminder is not None and check_setting(reminder) == reminder
    assert reminder.at is None or reminder.at.tzinfo is UTC


def test_an_offset_rings_before_the_due_time_and_moves_with_it():
    entry = parse("Dentist friday 3pm remind 1 hour before", NOW, ZoneInfo(BERLIN))
    assert entry.reminder is not None and entry.due is not None
    assert rings_at(entry.reminder, entry.due, ZoneInfo(BERLIN)) == entry.due - timedelta(hours=1)
    assert rings_at(entry.reminder, None, ZoneInfo(BERLIN)) is None  # no due date, nothing to ring before
    assert entry.draft().due_date == entry.due  # the reminder is set after the task exists


def test_the_default_reminder_rings_at_a_given_time_only():
    due = NOW + timedelta(hours=3)
    assert default_reminder(ReminderDefault.AT_DUE_TIME, due, True) == ReminderSetting(
        before_due=timedelta(0)
    )
    assert default_reminder(ReminderDefault.AT_DUE_TIME, due, False) is None  # a date alone: all day
    assert default_reminder(ReminderDefault.AT_DUE_TIME, None, False) is None
    assert default_reminder(ReminderDefault.NONE, due, True) is None
