"""Taskwarrior, against the real ``task`` (Debian's taskwarrior 2.6) in a throwaway data folder:
its export read by us, and our export taken by ``task import`` and given back the same."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.core.interchange_strategies import make_task
from todo_desktop.core import interchange
from todo_desktop.core.interchange.taskwarrior import recur_from_repeat, repeat_from_recur
from todo_desktop.core.values import Priority

Task_ = Callable[..., str]
DUE = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def task(tmp_path: Path) -> Task_:
    exe = shutil.which("task")
    if exe is None:
        pytest.skip("Taskwarrior's task command is not installed (Debian: apt-get install -y taskwarrior)")
    data = tmp_path / "taskdata"
    data.mkdir()
    rc = tmp_path / "taskrc"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\njson.array=on\nverbose=nothing\n"
        "recurrence.confirmation=no\nhooks=off\n",
        encoding="utf-8",
    )
    # TZ=UTC: Taskwarrior reads "due:2030-03-01" in local time; the checks are in UTC.
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data), "TZ": "UTC"}

    def run(*args: str) -> str:
        done = subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, f"task {' '.join(args)}: {done.stderr}"
        return done.stdout

    return run


def _import(task: Task_, text: str, tmp_path: Path) -> None:
    path = tmp_path / "ours.json"
    path.write_text(text, encoding="utf-8")
    task("import", str(path))


def _by_title(result: interchange.ImportResult) -> dict[str, interchange.ImportRow]:
    return {row.title: row for row in result.rows}


def test_what_task_export_writes_is_read(task: Task_):
    task("add", "Buy milk", "+shop", "+Home", "due:2030-03-01T10:00", "priority:H")
    task("1", "annotate", "first note")
    task("1", "annotate", "second note")
    task("add", "Pay rent", "due:2030-03-01", "recur:monthly", "priority:L")
    task("add", "Water plants", "due:2030-03-02", "recur:3d")
    task("add", "Weed", "project:Garden", "priority:M")
    task("add", "Done one")
    task("add", "Gone")
    exported = task("export")
    ids = {r["description"]: r["uuid"] for r in json.loads(exported) if "parent" not in r}
    task(ids["Done one"], "done")
    task(ids["Gone"], "delete")

    result = interchange.read(task("export"))
    assert result.format == "taskwarrior"
    rows = _by_title(result)
    assert set(rows) == {"Buy milk", "Pay rent", "Water plants", "Weed", "Done one"}
    milk = rows["Buy milk"]
    assert milk.id == uuid.UUID(ids["Buy milk"])
    assert (milk.priority, milk.due_date, milk.tags) == (Priority.HIGH, DUE, ("Home", "shop"))
    assert milk.description == "first note\nsecond note"
    rent = rows["Pay rent"]
    assert (rent.repeat, rent.priority) == ("FREQ=MONTHLY", Priority.LOW)
    assert rent.due_date == datetime(2030, 3, 1, tzinfo=UTC)
    assert rent.id == uuid.UUID(ids["Pay rent"])  # the template, not one of its occurrences
    assert rows["Water plants"].repeat == "FREQ=DAILY;INTERVAL=3"
    assert rows["Weed"].tags == ("Garden",)
    assert rows["Done one"].completed and rows["Done one"].completed_at is not None
    assert any(p.sentence.endswith("was deleted in Taskwarrior") for p in result.skipped)
    assert "5 tasks, 2 repeating, 3 tags" in interchange.summary(result)


def test_our_export_is_taken_by_task_import_and_given_back(task: Task_, tmp_path: Path):
    ours = [
        make_task("Call “Bob”, then \\ Ann", priority=Priority.URGENT, due_date=DUE, tags=("work", "Ünï")),
        make_task("Notes", description='first\n\n  second, "quoted"\n', priority=Priority.LOW),
        make_task("Weekends", due_date=DUE, repeat="FREQ=WEEKLY;BYDAY=SA,SU", tags=("home",)),
        make_task(
            "Every 2 months", due_date=DUE, repeat="FREQ=MONTHLY;INTERVAL=2", repeat_after_completion=True
        ),
        make_task("Someday weekly", repeat="FREQ=WEEKLY"),
        make_task("Weekdays", due_date=DUE, repeat="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", priority=Priority.HIGH),
        make_task("Finished", completed=True, completed_at=DUE, priority=Priority.HIGH),
        make_task("Done weekly", completed=True, completed_at=DUE, due_date=DUE, repeat="FREQ=WEEKLY"),
    ]
    _import(task, interchange.write(ours, "taskwarrior"), tmp_path)
    exported = task("export")
    theirs = {record["uuid"]: record for record in json.loads(exported)}
    urgent = theirs[str(ours[0].id)]
    assert (urgent["priority"], urgent["due"], urgent["tags"]) == ("H", "20300301T100000Z", ["work", "Ünï"])
    assert theirs[str(ours[2].id)]["recur"] == "weekly"
    assert theirs[str(ours[2].id)]["status"] == "recurring"
    assert theirs[str(ours[3].id)]["recur"] == "P2M"
    assert theirs[str(ours[5].id)]["recur"] == "weekdays"
    assert [a["description"] for a in theirs[str(ours[1].id)]["annotations"]] == [
        "first",
        '\n  second, "quoted"\n',
    ]

    back = _by_title(interchange.read(exported, "taskwarrior"))
    assert set(back) == {t.title for t in ours}
    for original in ours:
        row = back[original.title]
        got = (row.id, row.description, row.priority, row.due_date, row.tags, row.completed)
        assert got == (
            original.id,
            original.description,
            original.priority,
            original.due_date,
            original.tags,
            original.completed,
        )
        assert (row.repeat, row.repeat_after_completion) == (
            original.repeat,
            original.repeat_after_completion,
        )
    assert back["Finished"].completed_at == DUE


def test_a_series_past_due_is_one_task_due_at_its_oldest_open_occurrence(task: Task_, tmp_path: Path):
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    weekly = make_task("Standup notes", due_date=start, repeat="FREQ=WEEKLY")
    _import(task, interchange.write([weekly], "taskwarrior"), tmp_path)
    occurrences = [r for r in json.loads(task("export")) if r.get("parent") == str(weekly.id)]
    assert len(occurrences) > 1  # Taskwarrior made one for each week up to today
    first = min(occurrences, key=lambda r: r["due"])
    task(first["uuid"], "done")

    result = interchange.read(task("export"))
    series = [row for row in result.rows if row.repeat]
    assert [(row.id, row.repeat) for row in series] == [(weekly.id, "FREQ=WEEKLY")]
    assert series[0].due_date == datetime(2026, 1, 12, 8, 0, tzinfo=UTC)  # the week after the one done
    history = [row for row in result.rows if row.completed]
    assert [(row.due_date, row.repeat) for row in history] == [(start, None)]
    assert (
        sum("is an occurrence of the repeating task" in p.sentence for p in result.skipped)
        == len(occurrences) - 1
    )

    pending_only = interchange.read(task("status:pending", "export"))  # no template in the file
    assert [(row.id, row.due_date) for row in pending_only.rows] == [(weekly.id, series[0].due_date)]


def test_json_lines_are_read_too():
    text = '{"uuid": "a", "description": "One", "status": "pending"}\nnot json\n{"description": "Two"}\n'
    result = interchange.read(text)
    assert [row.title for row in result.rows] == ["One", "Two"]
    assert [p.sentence for p in result.skipped] == ["line 2 is not a JSON task"]


@pytest.mark.parametrize(
    ("recur", "rule"),
    [
        ("daily", "FREQ=DAILY"),
        ("weekdays", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"),
        ("weekly", "FREQ=WEEKLY"),
        ("biweekly", "FREQ=WEEKLY;INTERVAL=2"),
        ("fortnight", "FREQ=WEEKLY;INTERVAL=2"),
        ("2w", "FREQ=WEEKLY;INTERVAL=2"),
        ("3d", "FREQ=DAILY;INTERVAL=3"),
        ("monthly", "FREQ=MONTHLY"),
        ("2mo", "FREQ=MONTHLY;INTERVAL=2"),
        ("quarterly", "FREQ=MONTHLY;INTERVAL=3"),
        ("2q", "FREQ=MONTHLY;INTERVAL=6"),
        ("semiannual", "FREQ=MONTHLY;INTERVAL=6"),
        ("yearly", "FREQ=YEARLY"),
        ("annual", "FREQ=YEARLY"),
        ("biannual", "FREQ=YEARLY;INTERVAL=2"),
        ("P2M", "FREQ=MONTHLY;INTERVAL=2"),
        ("P1W", "FREQ=WEEKLY"),
        ("1h", None),
        ("PT1H", None),
        ("0d", None),
        ("fortnightly-ish", None),
    ],
)
def test_recur_words_become_rules(recur: str, rule: str | None):
    assert repeat_from_recur(recur) == rule
    if rule is not None:
        assert repeat_from_recur(recur_from_repeat(rule)) == rule


def test_a_recurrence_we_cannot_keep_is_a_warning_and_the_task_stays():
    text = json.dumps(
        [
            {
                "uuid": str(uuid.uuid4()),
                "description": "Hourly",
                "status": "recurring",
                "recur": "1h",
                "due": "20300101T000000Z",
            }
        ]
    )
    result = interchange.read(text, "taskwarrior")
    assert [row.title for row in result.rows] == ["Hourly"] and result.rows[0].repeat is None
    assert (
        result.warnings[0].sentence == "record 1 repeats “1h”, which this app cannot; imported without repeat"
    )


def test_a_change_made_in_taskwarrior_wins_over_our_hidden_fields():
    record = {"uuid": str(uuid.uuid4()), "description": "x", "status": "pending", "due": "20300101T000000Z"}
    lowered = {
        **record,
        "priority": "M",
        "todopriority": "urgent",
        "recur": "daily",
        "todorepeat": "FREQ=WEEKLY;BYDAY=MO",
    }
    row = interchange.read(json.dumps([lowered]), "taskwarrior").rows[0]
    assert (row.priority, row.repeat) == (Priority.MEDIUM, "FREQ=DAILY")
