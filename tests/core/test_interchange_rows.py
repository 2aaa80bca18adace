"""The rules every reader shares: ids, titles, tags, repeats, format detection, the preview."""

from __future__ import annotations

import codecs
import json
import uuid
from datetime import UTC, datetime

import pytest

from tests.core.interchange_strategies import make_task
from todo_desktop.core import interchange
from todo_desktop.core.interchange.common import NAMESPACE, clean_tag, stable_id
from todo_desktop.core.interchange.repeat_rules import clean_repeat
from todo_desktop.core.interchange.rows import ImportResult, ImportRow, Problem
from todo_desktop.core.validation import TAG_MAX, TAGS_PER_TASK
from todo_desktop.core.values import Priority


def _row(number: int, **changes: object) -> ImportRow:
    return ImportRow(id=uuid.uuid4(), title=f"Task {number}", number=number, **changes)  # type: ignore[arg-type]


def test_the_preview_sentence():
    rows = (
        _row(1, tags=("home", "Work")),
        _row(2, tags=("HOME",), repeat="FREQ=DAILY"),
        _row(3, repeat="FREQ=WEEKLY"),
    )
    skipped = tuple(Problem(n, f"line {n} has no title") for n in (4, 5, 6, 7, 8))
    result = ImportResult(
        "csv", rows, skipped, (Problem(9, "line 9 has the tag “2024”, which cannot be a tag here"),)
    )
    assert interchange.summary(result) == (
        "3 tasks, 2 repeating, 2 tags; 5 rows skipped: line 4 has no title, line 5 has no title, "
        "line 6 has no title and 2 more; 1 warning: line 9 has the tag “2024”, which cannot be a tag here"
    )
    assert interchange.summary(ImportResult("csv", (_row(1),))) == "1 task"
    assert interchange.summary(ImportResult("csv", ())) == "0 tasks"


def test_rows_come_in_batches_and_as_drafts():
    result = ImportResult("csv", tuple(_row(n) for n in range(1, 2502)))
    assert [len(batch) for batch in result.batches(1000)] == [1000, 1000, 501]
    row = _row(1, tags=("a",), repeat="FREQ=DAILY", repeat_after_completion=True, priority=Priority.HIGH)
    draft = row.draft()
    assert (
        draft.id,
        draft.title,
        draft.tags,
        draft.repeat,
        draft.repeat_after_completion,
        draft.priority,
    ) == (
        row.id,
        row.title,
        ("a",),
        "FREQ=DAILY",
        True,
        Priority.HIGH,
    )


def test_ids_are_the_source_uuid_or_a_uuid5_of_the_uid():
    known = uuid.uuid4()
    assert stable_id("ical", str(known)) == known
    assert stable_id("ical", f"{{{known}}}") == known
    assert stable_id("ical", "abc@example.com") == uuid.uuid5(NAMESPACE, "ical\x1eabc@example.com")
    assert stable_id("ical", "abc") != stable_id("taskwarrior", "abc")
    assert stable_id("ical", str(uuid.UUID(int=0))) != uuid.UUID(int=0)


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("home", "home"),
        ("@home", "home"),
        ("#NYC", "NYC"),
        ("Work stuff", "Work-stuff"),
        ("a.b/c", "a-b-c"),
        ("Ünïcødé_1", "Ünïcødé_1"),
        ("2024", None),
        ("12th-floor", "th-floor"),
        ("!!!", None),
        ("x" * 101, "x" * 101),  # too long for a tag: `rows` says so, naming the line
        ("bad\ud800tag", "bad-tag"),
    ],
)
def test_tags_from_other_programs_become_ours(name: str, tag: str | None):
    assert clean_tag(name) == tag


@pytest.mark.parametrize(
    ("rule", "canonical"),
    [
        ("FREQ=WEEKLY;BYDAY=FR,MO", "FREQ=WEEKLY;BYDAY=MO,FR"),
        ("RRULE:byday=mo;freq=weekly;interval=2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("FREQ=YEARLY;BYMONTHDAY=24;BYMONTH=12", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24"),
        ("FREQ=MONTHLY;INTERVAL=1;WKST=MO", "FREQ=MONTHLY"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        ("FREQ=MONTHLY;BYDAY=+2MO", "FREQ=MONTHLY;BYDAY=2MO"),
        ("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=YEARLY;BYDAY=4TH;BYMONTH=11"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
    ],
)
def test_rules_within_the_subset_get_the_canonical_spelling(rule: str, canonical: str):
    assert clean_repeat(rule) == canonical


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=DAILY;COUNT=5", "COUNT is not supported"),
        ("FREQ=WEEKLY;UNTIL=20300101T000000Z", "UNTIL is not supported"),
        ("FREQ=HOURLY", "it repeats hourly"),
        ("FREQ=WEEKLY;BYDAY=1MO", "BYDAY=1MO is not a plain weekday"),
        ("FREQ=MONTHLY;BYDAY=6MO", "BYDAY=6MO is not a plain weekday"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "it names a day that does not exist"),
        ("FREQ=WEEKLY;WKST=SU", "its week starts on another day than Monday"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ=WEEKLY is not a rule part"),
        ("INTERVAL=2", "it has no FREQ"),
        ("FREQ=DAILY;" + "X" * 300, "not a rule of a known length and alphabet"),
    ],
)
def test_rules_outside_the_subset_say_why(rule: str, reason: str):
    with pytest.raises(ValueError, match="^" + reason.replace("(", r"\(") + "$"):
        clean_repeat(rule)


def _read_records(*records: dict[str, object]) -> ImportResult:
    return interchange.read(json.dumps({"format": "todo-desktop", "version": 1, "tasks": list(records)}))


def test_each_bad_row_is_one_sentence_naming_its_record():
    result = _read_records(
        {"title": "  "},
        {"title": "x" * 300},
        {"title": "nul\x00here"},
        {"title": "bell\x07here"},
        {"title": "ok", "description": "d" * 10_001},
        {"title": "ok", "due_date": "20255-01-01"},
        {"title": "ok", "due_date": "1800-01-01T00:00:00+00:00"},
        {"id": "0c4e9a1e-51c4-4d36-9a52-61d4bd3f6bd5", "title": "first"},
        {"id": "0C4E9A1E-51C4-4D36-9A52-61D4BD3F6BD5", "title": "again"},
        "not an object",
    )
    assert [row.title for row in result.rows] == ["first"]
    assert [p.sentence for p in result.skipped] == [
        "record 1 has no title",
        "record 2 has a title of 300 characters; the limit is 255",
        "record 3 has a NUL character in its title",
        "record 4 cannot be imported: Title must be a single line without control characters.",
        "record 5 has a description of 10,001 characters; the limit is 10,000",
        "record 6 has a due date “20255-01-01” that is not a date",
        "record 7 has a due date outside the years 1900 to 9998",
        "record 9 has the same id as record 8",
        "record 10 is not a task",
    ]


def test_a_title_of_several_lines_keeps_the_first_and_moves_the_rest():
    result = interchange.read(
        json.dumps(
            [
                {
                    "description": "\n Call Bob\nabout the car\r\nsoon",
                    "status": "pending",
                    "uuid": str(uuid.uuid4()),
                    "annotations": [{"entry": "1", "description": "note"}],
                }
            ]
        )
    )
    row = result.rows[0]
    assert (row.title, row.description) == ("Call Bob", "about the car\nsoon\n\nnote")


def test_tags_are_cleaned_deduplicated_and_bounded_by_what_a_task_holds():
    fitting = [f"t{i}" for i in range(TAGS_PER_TASK - 1)]
    long_tag = "L" * (TAG_MAX + 1)
    result = _read_records(
        {"title": "kept", "tags": ["Home", "home", "@HOME", "2024", long_tag, *fitting]},
        {"title": "too many", "tags": ["2024", *fitting, "one", "two"]},
        {"title": "last"},
    )
    assert [row.title for row in result.rows] == ["kept", "last"]
    assert result.rows[0].tags == ("Home", *fitting)
    assert [p.sentence for p in result.warnings] == [
        "record 1 has the tag “2024”, which cannot be a tag here; it was left out",
        f"record 1 has a tag of {TAG_MAX + 1} characters (“LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL…”); "
        f"the limit is {TAG_MAX}, so it was left out",
    ]
    assert [p.sentence for p in result.skipped] == [
        f"record 2 has {TAGS_PER_TASK + 1} tags; a task holds at most {TAGS_PER_TASK}"
    ]


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("json", interchange.write([make_task()], "json")),
        ("json", '{"version": 1, "format": "todo-desktop", "tasks": [{"title": "a"}]}'),
        ("json", json.dumps({"tasks": [{"title": "a"}], "version": 1, "format": "todo-desktop"}, indent=2)),
        ("csv", interchange.write([make_task()], "csv")),
        ("csv", "Title;Due\nBuy milk;2026-03-01\n"),
        ("todoist", "TYPE,CONTENT,DESCRIPTION,PRIORITY\ntask,x,,1\n"),
        ("taskwarrior", interchange.write([make_task()], "taskwarrior")),
        ("taskwarrior", '{"uuid":"x","description":"a","status":"pending"}\n'),
        ("taskwarrior", "[]"),
        ("ical", interchange.write([make_task()], "ical")),
        ("ical", "\n\nbegin:vcalendar\nEND:VCALENDAR\n"),
    ],
)
def test_the_format_is_told_from_the_content(fmt: str, text: str):
    assert interchange.detect(text) == fmt
    assert interchange.read(text).format == fmt
    assert interchange.detect(codecs.BOM_UTF8 + text.encode()) == fmt
    assert interchange.detect(text.encode("utf-16")) == fmt


@pytest.mark.parametrize(
    "text", ["", "hello world\n", "a,b,c\n1,2,3\n", '{"some": "json"}', "[1, 2]", "<xml/>"]
)
def test_unknown_content_is_one_clear_error(text: str):
    with pytest.raises(interchange.InterchangeError, match=r"^The file is "):
        interchange.read(text)


def test_a_format_that_does_not_exist_is_named():
    with pytest.raises(interchange.InterchangeError, match="no format called 'xml'"):
        interchange.read("x", "xml")


def test_a_hand_made_sheet_with_few_columns_is_read_in_the_zone_given():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/New_York")
    text = (
        "Name,Due,Done,Labels,Priority\n"
        "Buy milk,2026-03-01,yes,#home errands,High\n"
        "Call,2026-03-02 09:30,,,\n"
    )
    milk, call = interchange.read(text, zone=zone).rows
    assert (milk.title, milk.completed, milk.tags, milk.priority) == (
        "Buy milk",
        True,
        ("home", "errands"),
        Priority.HIGH,
    )
    assert milk.due_date == datetime(2026, 3, 1, 23, 59, tzinfo=zone)
    assert call.due_date == datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def test_a_newer_native_version_is_refused_whole():
    with pytest.raises(interchange.InterchangeError, match="version 2; this app reads version 1"):
        interchange.read('{"format": "todo-desktop", "version": 2, "tasks": []}')
