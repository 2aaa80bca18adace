"""``todo-desktop add --dry-run``: the quick-add language read by the command itself, with the
reference instant from ``--now`` and dates in the zone of ``TZ``; and bad input refused with
one sentence and exit status 2, before anything is opened."""

from __future__ import annotations

import json

import pytest

from tests.support.capture_helpers import capture_env, todo

NOW = "2026-05-01T09:00"  # a Friday, in the zone of TZ


def dry_run(env: dict[str, str], text: str, now: str = NOW) -> dict[str, object]:
    out = todo(env, "add", "--dry-run", "--json", "--now", now, text, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Call mom tomorrow at 5pm !high #family",
            {"title": "Call mom", "due": "2026-05-02T17:00:00+02:00", "due_time": True, "priority": "high"},
        ),
        (
            "Submit report friday",  # today is a Friday: the soonest one, today, all day
            {"title": "Submit report", "due": "2026-05-01T23:59:00+02:00", "due_time": False},
        ),
        (
            "Pay rent every month on the 1st",
            {"title": "Pay rent", "repeat": "FREQ=MONTHLY;BYMONTHDAY=1", "priority": "medium"},
        ),
        (
            "Standup every weekday at 9:30am #work p1",
            {
                "title": "Standup",
                "due": "2026-05-01T09:30:00+02:00",
                "priority": "urgent",
                "tags": ["work"],
                "repeat": "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
            },
        ),
        (
            "Buy 2 apples",
            {"title": "Buy 2 apples", "due": None, "due_time": False, "tags": [], "repeat": None}
            | {"reminder": None},
        ),
    ],
)
def test_dry_run_json_reads_the_quick_add_language(tmp_path, text, expected):
    entry = dry_run(capture_env(tmp_path), text)
    assert set(entry) == {"id", "title", "due", "due_time", "priority", "tags", "repeat", "reminder"}
    assert entry["id"] is None, "nothing was added, so there is no id"
    assert {key: entry[key] for key in expected} == expected


def test_dates_are_read_in_the_zone_of_tz(tmp_path):
    text = "Call mom tomorrow at 5pm"
    assert dry_run(capture_env(tmp_path, "Europe/Berlin"), text)["due"] == "2026-05-02T17:00:00+02:00"
    assert dry_run(capture_env(tmp_path, "America/New_York"), text)["due"] == "2026-05-02T17:00:00-04:00"
    # 09:00 UTC is 11:00 in Berlin, so 9am has passed there: tomorrow, still.
    assert dry_run(capture_env(tmp_path), "Call tomorrow at 9am", now="2026-05-01T09:00Z")["due"] == (
        "2026-05-02T09:00:00+02:00"
    )


def test_a_time_across_the_spring_change_keeps_its_wall_clock(tmp_path):
    # Berlin moves to summer time in the night to Sunday 29 March 2026.
    entry = dry_run(capture_env(tmp_path), "Call tomorrow at 9am", now="2026-03-28T12:00")
    assert entry["due"] == "2026-03-29T09:00:00+02:00"


def test_dry_run_text_is_one_line_and_writes_nothing(tmp_path):
    env = capture_env(tmp_path)
    out = todo(
        env, "add", "--dry-run", "--now", NOW, "Call", "mom", "tomorrow", "at", "5pm", "!high", "#family"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == "Would add “Call mom” · Tomorrow 17:00 · High · #family\n"
    assert not (tmp_path / "home" / "data").exists(), "a dry run opens no database and makes no files"


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["add", ""], "Title cannot be empty."),
        (["add", "   "], "Title cannot be empty."),
        (["add", "x" * 300], "Title is 300 characters; the limit is 255."),
        (["add", "--dry-run", "x" * 300], "Title is 300 characters; the limit is 255."),
        (["add", "--now", "soon", "Call mom"], "--now must be an ISO 8601 date and time"),
        (["list", "--list", "someday"], "--list must be one of inbox, today, upcoming, overdue, completed"),
        (["list", "--list", "#9lives"], "A tag must start with a letter"),
        (["add", "Plan the trip #" + "x" * 70], "A tag is at most 64 characters."),
        (["done", "zz"], "“zz” is not an id prefix"),
        (["done", "abc"], "“abc” is not an id prefix"),
        (["add", "--profile", "Nowhere", "Call mom"], "There is no connection profile called “Nowhere”."),
        (["add", "Call mom remind 10 min before"], "Set a due date first, or give a time for the reminder."),
        (["add", "--dry-run", "Pay rent remind 1 day before"], "Set a due date first"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(tmp_path, args, sentence):
    out = todo(capture_env(tmp_path), *args, timeout=30)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(sentence), out.stderr
    assert not (tmp_path / "home" / "data" / "pgdata").exists(), "refused before any database was opened"


def test_a_repeat_that_ends_before_it_begins_is_refused_in_one_sentence(tmp_path):
    text = "Gym every monday until 20 apr 2026"
    out = todo(capture_env(tmp_path), "add", "--dry-run", "--now", NOW, text, timeout=30)
    assert out.returncode != 0
    assert "before its first day" in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1
