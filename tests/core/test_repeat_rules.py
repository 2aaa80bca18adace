"""Repeat rules and the next occurrence of a completed task (core.repeats), and the input
rules for tags and repeats (core.validation): pure, no database."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.repo import ROOT
from todo_desktop.core import repeats, validation
from todo_desktop.core.errors import InputErrors, ValidationError
from todo_desktop.core.quick_entry import parse
from todo_desktop.core.quick_entry.tokens import tag_key as quick_tag_key
from todo_desktop.core.values import Task, TaskChanges, TaskDraft

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def at(zone: ZoneInfo, *fields: int) -> datetime:
    """A local wall-clock time in ``zone``, as the UTC instant the database stores."""
    return datetime(*fields, tzinfo=zone).astimezone(UTC)  # type: ignore[misc]


def nxt(rule: str, due: datetime | None, done: datetime, zone=BERLIN, after: bool = False) -> datetime | None:
    return repeats.next_due(rule, due, done, zone, after_completion=after)


# -- rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("FREQ=DAILY", "FREQ=DAILY"),
        ("freq=weekly;byday=fr,mo", "FREQ=WEEKLY;BYDAY=MO,FR"),
        ("RRULE:BYMONTHDAY=1;FREQ=MONTHLY", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("FREQ=WEEKLY;INTERVAL=1", "FREQ=WEEKLY"),
        (
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24;INTERVAL=2",
            "FREQ=YEARLY;INTERVAL=2;BYMONTH=12;BYMONTHDAY=24",
        ),
        ("FREQ=DAILY;UNTIL=20271231", "FREQ=DAILY;UNTIL=20271231"),
        ("FREQ=DAILY;UNTIL=20271231T235959Z", "FREQ=DAILY;UNTIL=20271231T235959Z"),
        ("freq=monthly;byday=+2mo", "FREQ=MONTHLY;BYDAY=2MO"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("FREQ=YEARLY;BYDAY=4TH;BYMONTH=11", "FREQ=YEARLY;BYDAY=4TH;BYMONTH=11"),
    ],
)
def test_a_rule_is_written_in_the_one_order_the_database_keeps(typed, stored):
    assert repeats.canonical(typed) == stored
    assert validation.repeat(typed) == stored


@pytest.mark.parametrize(
    "text",
    [
        "every day",
        "every weekday",
        "every other week",
        "every 2 weeks on monday",
        "every month on the 31st",
        "every 1st",
        "every dec 24",
        "yearly",
        "every! 3 days",
        "every weekend",
        "every 2nd monday",
        "every last friday",
    ],
)
def test_every_rule_the_quick_add_language_writes_is_accepted_as_it_is(text):
    entry = parse(f"Task {text}", datetime(2026, 6, 1, 12, tzinfo=UTC), BERLIN)
    assert entry.repeat is not None, text
    assert repeats.canonical(entry.repeat) == entry.repeat


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("", "FREQ=WEEKLY"),
        ("FREQ=MINUTELY", "daily, weekly, monthly or yearly"),
        ("INTERVAL=2", "daily, weekly, monthly or yearly"),
        ("FREQ=DAILY;COUNT=1000000000", "number of times"),
        ("FREQ=DAILY;COUNT=3", "number of times"),
        ("FREQ=DAILY;INTERVAL=1000", "1 to 999"),
        ("FREQ=DAILY;INTERVAL=-1", "1 to 999"),
        ("FREQ=DAILY;INTERVAL=007", "1 to 999"),
        ("FREQ=WEEKLY;BYDAY=1MO", "weekdays"),
        ("FREQ=DAILY;BYDAY=2MO", "weekdays"),
        ("FREQ=MONTHLY;BYDAY=6MO", "weekdays"),
        ("FREQ=MONTHLY;BYDAY=0MO", "weekdays"),
        ("FREQ=MONTHLY;BYDAY=2MO,TU", "weekdays"),
        ("FREQ=MONTHLY;BYDAY=2MO;BYMONTHDAY=3", "weekdays"),
        ("FREQ=WEEKLY;BYDAY=MO,MO", "weekdays"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "1 to 31"),
        ("FREQ=MONTHLY;BYMONTHDAY=-2", "1 to 31"),
        ("FREQ=YEARLY;BYMONTH=13", "1 to 12"),
        ("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31", "never comes"),
        ("FREQ=DAILY;UNTIL=99991231", "UNTIL"),
        ("FREQ=DAILY;UNTIL=18991231", "UNTIL"),
        ("FREQ=DAILY;UNTIL=20260230", "UNTIL"),
        ("FREQ=DAILY;UNTIL=2026-01-01", "UNTIL"),
        ("FREQ=DAILY;UNTIL=20260101T000000", "UNTIL"),
        ("FREQ=DAILY;BYHOUR=9", "FREQ=WEEKLY"),
        ("FREQ=DAILY;WKST=MO", "FREQ=WEEKLY"),
        ("FREQ=DAILY;;", "FREQ=WEEKLY"),
        ("FREQ=DAILY;INTERVAL=2;INTERVAL=3", "twice"),
        ("FREQ=DAILY;" + "x" * 10_000, "at most 200"),
        (42, "text"),
    ],
)
def test_a_rule_outside_the_subset_is_refused_with_one_sentence(rule, words):
    with pytest.raises(ValidationError, match=words) as info:
        repeats.parse(rule)  # type: ignore[arg-type]
    assert info.value.field == "repeat"
    assert info.value.message.endswith(".") and "\n" not in info.value.message


def test_a_blank_rule_is_no_rule_and_a_nul_is_refused():
    assert validation.repeat(None) is None and validation.repeat("  ") is None
    with pytest.raises(ValidationError, match="NUL"):
        validation.repeat("FREQ=DAILY\x00")


# -- the next occurrence ---------------------------------------------------------------------


def test_daily_at_nine_stays_at_nine_across_both_dst_changes():
    spring = at(BERLIN, 2026, 3, 28, 9, 0)
    assert nxt("FREQ=DAILY", spring, spring) == at(BERLIN, 2026, 3, 29, 9, 0)
    assert at(BERLIN, 2026, 3, 29, 9, 0) - spring == timedelta(hours=23)
    autumn = at(BERLIN, 2026, 10, 24, 9, 0)
    assert nxt("FREQ=DAILY", autumn, autumn) == autumn + timedelta(hours=25)
    weekly = at(NEW_YORK, 2026, 3, 2, 18, 30)
    assert nxt("FREQ=WEEKLY", weekly, weekly, NEW_YORK) == at(NEW_YORK, 2026, 3, 9, 18, 30)


def test_a_time_a_dst_change_skips_takes_the_offset_before_it():
    """02:30 does not exist on 29 March 2026 in Berlin: it is 03:30 summer time, as the
    quick-add language reads it."""
    due = at(BERLIN, 2026, 3, 28, 2, 30)
    assert nxt("FREQ=DAILY", due, due) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_month_ends_and_leap_days_skip_the_months_without_them():
    jan31 = at(BERLIN, 2027, 1, 31, 9, 0)
    assert nxt("FREQ=MONTHLY", jan31, jan31) == at(BERLIN, 2027, 3, 31, 9, 0)
    assert nxt("FREQ=MONTHLY;BYMONTHDAY=31", jan31, jan31) == at(BERLIN, 2027, 3, 31, 9, 0)
    assert nxt("FREQ=MONTHLY;BYMONTHDAY=30", jan31, jan31) == at(BERLIN, 2027, 3, 30, 9, 0)
    leap = at(BERLIN, 2028, 2, 29, 9, 0)
    assert nxt("FREQ=YEARLY", leap, leap) == at(BERLIN, 2032, 2, 29, 9, 0)
    assert nxt("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", leap, leap) == at(BERLIN, 2032, 2, 29, 9, 0)
    # A 29 February that is a Monday: years apart, found all the same.
    assert nxt("FREQ=YEARLY;BYDAY=MO;BYMONTH=2;BYMONTHDAY=29", leap, leap) == at(BERLIN, 2044, 2, 29, 9, 0)


def test_the_nth_weekday_of_the_month_and_the_last_one():
    second_monday = at(BERLIN, 2026, 6, 8, 10, 0)
    assert nxt("FREQ=MONTHLY;BYDAY=2MO", second_monday, second_monday) == at(BERLIN, 2026, 7, 13, 10, 0)
    last_friday = at(BERLIN, 2026, 7, 31, 10, 0)
    assert nxt("FREQ=MONTHLY;BYDAY=-1FR", last_friday, last_friday) == at(BERLIN, 2026, 8, 28, 10, 0)
    thanksgiving = at(BERLIN, 2026, 11, 26, 12, 0)
    assert nxt("FREQ=YEARLY;BYDAY=4TH;BYMONTH=11", thanksgiving, thanksgiving) == at(
        BERLIN, 2027, 11, 25, 12, 0
    )
    # A fifth Monday comes only in some months: those are the ones it is due in.
    fifth = at(BERLIN, 2026, 6, 29, 9, 0)
    assert nxt("FREQ=MONTHLY;BYDAY=5MO", fifth, fifth) == at(BERLIN, 2026, 8, 31, 9, 0)


def test_weekdays_intervals_and_the_rhythm_of_the_series():
    monday = at(BERLIN, 2026, 6, 1, 8, 0)
    assert nxt("FREQ=WEEKLY;BYDAY=MO,WE,FR", monday, monday) == at(BERLIN, 2026, 6, 3, 8, 0)
    assert nxt("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", at(BERLIN, 2026, 6, 5, 8, 0), monday) == at(
        BERLIN, 2026, 6, 8, 8, 0
    )
    assert nxt("FREQ=WEEKLY;INTERVAL=2", monday, monday) == at(BERLIN, 2026, 6, 15, 8, 0)
    # Done 25 days late: the missed ones are skipped, the fortnightly rhythm kept.
    assert nxt("FREQ=WEEKLY;INTERVAL=2", monday, monday + timedelta(days=25)) == at(BERLIN, 2026, 6, 29, 8, 0)
    # Done early: the one after the due date, not after today.
    assert nxt("FREQ=DAILY", monday, monday - timedelta(days=3)) == at(BERLIN, 2026, 6, 2, 8, 0)


def test_after_completion_counts_from_the_day_it_was_done_at_its_time_of_day():
    due = at(BERLIN, 2026, 6, 1, 8, 0)
    done = at(BERLIN, 2026, 6, 10, 21, 15)
    assert nxt("FREQ=DAILY;INTERVAL=3", due, done, after=True) == at(BERLIN, 2026, 6, 13, 8, 0)
    assert nxt("FREQ=DAILY;INTERVAL=3", due, done) == at(BERLIN, 2026, 6, 13, 8, 0)  # same here by chance
    assert nxt("FREQ=MONTHLY", due, done, after=True) == at(BERLIN, 2026, 7, 10, 8, 0)
    assert nxt("FREQ=MONTHLY", due, done) == at(BERLIN, 2026, 7, 1, 8, 0)


def test_an_undated_one_counts_from_the_day_it_was_done_due_at_the_end_of_a_day():
    done = at(BERLIN, 2026, 6, 10, 21, 15)
    assert nxt("FREQ=DAILY", None, done) == at(BERLIN, 2026, 6, 11, 23, 59)
    assert nxt("FREQ=WEEKLY;BYDAY=WE", None, done) == at(BERLIN, 2026, 6, 17, 23, 59)  # not today again


def test_a_series_that_has_ended_has_no_next_occurrence():
    due = at(BERLIN, 2026, 6, 1, 8, 0)
    assert nxt("FREQ=DAILY;UNTIL=20260601", due, due) is None
    assert nxt("FREQ=DAILY;UNTIL=20260602", due, due) == at(BERLIN, 2026, 6, 2, 8, 0)  # through that day
    assert nxt("FREQ=DAILY;UNTIL=20260602T055959Z", due, due) is None  # 07:59:59 in Berlin
    late = at(BERLIN, 9998, 12, 31, 8, 0)
    assert nxt("FREQ=YEARLY", late, late) is None  # past the dates a task may have


def test_computing_a_strange_rule_stays_quick():
    due = at(BERLIN, 2026, 6, 1, 8, 0)
    started = datetime.now(UTC)
    assert nxt("FREQ=DAILY;BYDAY=MO;BYMONTH=2;BYMONTHDAY=29", due, due) == at(BERLIN, 2044, 2, 29, 8, 0)
    assert datetime.now(UTC) - started < timedelta(seconds=2)


def _task(**fields) -> Task:
    base = {
        "id": uuid.UUID(int=7),
        "title": "Bins",
        "description": "both",
        "completed": False,
        "priority": "high",
        "due_date": at(BERLIN, 2026, 6, 1, 8, 0),
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 2, tzinfo=UTC),
        "tags": ("home",),
        "repeat": "FREQ=WEEKLY",
    }
    return Task(**{**base, **fields})  # type: ignore[arg-type]


def test_the_completion_edit_names_the_next_occurrence_and_the_undo_takes_it_back():
    task = _task()
    done = at(BERLIN, 2026, 6, 1, 12, 0)
    edit = repeats.completion(task, done, BERLIN)
    assert edit.changes == TaskChanges(completed=True) and edit.expected_version == task.updated_at
    assert edit.next == repeats.NextOccurrence(
        repeats.next_id(task.id, task.due_date), at(BERLIN, 2026, 6, 8, 8, 0)
    )
    assert repeats.completion(task, done + timedelta(days=1), BERLIN).next == edit.next  # same id, same due
    undo = repeats.undo_completion(task, edit.next)
    assert (undo.changes, undo.next, undo.expected_version) == (TaskChanges(completed=False), edit.next, None)
    assert repeats.completion(_task(repeat=None), done, BERLIN).next is None
    guess = repeats.next_task(task, edit.next, done)  # type: ignore[arg-type]
    assert (guess.id, guess.due_date, guess.tags, guess.repeat, guess.completed, guess.created_at) == (
        edit.next.id,  # type: ignore[union-attr]
        edit.next.due_date,  # type: ignore[union-attr]
        ("home",),
        "FREQ=WEEKLY",
        False,
        done,
    )


def test_importing_it_costs_no_date_library():
    code = (
        "import sys, todo_desktop.core.repeats, todo_desktop.core.validation; "
        "print('dateutil' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "#NYC", "iOS", "Küche", "東京", "a-b_c", "x1", "ε" * 64])
def test_tags_the_quick_add_language_reads_are_accepted_as_spelled(name):
    assert validation.tag(name) == name.removeprefix("#")
    assert validation.tag_key(name) == quick_tag_key(name)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "cannot be empty"),
        ("#", "cannot be empty"),
        ("two words", "start with a letter"),
        ("1st", "start with a letter"),
        ("-x", "start with a letter"),
        ("a.b", "start with a letter"),
        ("a\u2028b", "start with a letter"),
        ("a" * 65, "at most 64"),
        ("a\x00", "NUL"),
        ("\ud800", "cannot be stored"),
    ],
)
def test_a_bad_tag_is_refused_with_one_sentence(name, words):
    with pytest.raises(ValidationError, match=words) as info:
        validation.tag(name)
    assert info.value.field == "tags"


def test_a_tasks_tags_are_each_once_as_first_spelled_and_at_most_twenty():
    assert validation.tags(["Home", "home", "HOME", "work"]) == ("Home", "work")
    assert validation.tags(("Straße", "STRASSE")) == ("Straße",)  # one key: case-folded
    with pytest.raises(ValidationError, match="at most 20 tags"):
        validation.tags([f"t{i}" for i in range(21)])
    with pytest.raises(ValidationError, match="a list"):
        validation.tags("home")


def test_a_draft_and_changes_carry_tags_and_repeats_checked():
    draft = validation.draft(
        TaskDraft("t", tags=("a", "A"), repeat="freq=daily", repeat_after_completion=True)
    )
    assert (draft.tags, draft.repeat, draft.repeat_after_completion) == (("a",), "FREQ=DAILY", True)
    assert validation.draft(TaskDraft("t", repeat_after_completion=True)).repeat_after_completion is False
    values = validation.changes(TaskChanges(tags=("x",), repeat=None, repeat_after_completion=False))
    assert values == {"tags": ("x",), "repeat": None, "repeat_after_completion": False}
    with pytest.raises(InputErrors) as info:
        validation.draft(TaskDraft(" ", tags=("no good",), repeat="FREQ=HOURLY"))
    assert set(info.value.by_field) == {"title", "tags", "repeat"}
