"""``todo-desktop import`` and ``export`` as a person runs them, each in its own process on
the embedded database of a temporary home, against the real tools at the other end:
Taskwarrior's ``task`` (Debian's 2.6) and the ``icalendar`` package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from tests.support.capture_helpers import RunningApp, capture_env, todo
from todo_desktop.core import interchange

pytestmark = pytest.mark.slow

Task_ = Callable[..., str]
FIELDS = ("description", "status", "due", "priority", "tags", "entry", "end", "recur")


def ok(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stderr == "", "a command that worked says nothing on stderr"
    return out.stdout


def taskwarrior(tmp_path: Path, name: str) -> Task_:
    exe = shutil.which("task")
    if exe is None:
        pytest.skip("Taskwarrior's task command is not installed (Debian: apt-get install -y taskwarrior)")
    data = tmp_path / name
    data.mkdir()
    rc = tmp_path / f"{name}.rc"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\njson.array=on\nverbose=nothing\n"
        "recurrence.confirmation=no\nhooks=off\n",
        encoding="utf-8",
    )
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data), "TZ": "UTC"}

    def run(*args: str) -> str:
        done = subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, f"task {' '.join(args)}: {done.stderr}"
        return done.stdout

    return run


def _fields(records: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """Each task the way a person sees it in Taskwarrior: no occurrences, notes as text."""
    kept = {}
    for r in records:
        if "parent" in r or r["status"] == "deleted":
            continue
        notes = [a["description"] for a in r.get("annotations", [])]  # type: ignore[attr-defined]
        # No priority is medium here, our default, and goes back as M: the one field by design.
        kept[str(r["uuid"])] = {f: r.get(f) for f in FIELDS} | {
            "notes": notes,
            "priority": r.get("priority", "M"),
        }
    return kept


def test_taskwarrior_to_the_database_and_back(tmp_path: Path):
    task = taskwarrior(tmp_path, "first")
    task("add", "Buy milk", "+shop", "+Home", "due:2030-03-01T10:00", "priority:H")
    task("1", "annotate", "whole milk")
    task("add", "Pay rent", "due:2030-03-01", "recur:monthly", "priority:L")
    task("add", "Weed the beds", "+garden", "priority:M")
    task("add", "Call the bank")
    task("add", "Done one")
    task("add", "Gone")
    ids = {r["description"]: r["uuid"] for r in json.loads(task("export")) if "parent" not in r}
    task(ids["Done one"], "done")
    task(ids["Gone"], "delete")
    source = tmp_path / "from-task.json"
    source.write_text(task("export"), encoding="utf-8")

    env = capture_env(tmp_path)
    first = ok(todo(env, "import", str(source), "--yes"))
    lines = first.splitlines()
    assert lines[0].startswith("5 tasks, 1 repeating, 3 tags; ")
    assert "was deleted in Taskwarrior" in lines[0]
    assert lines[-1] == "Imported 5 tasks: 5 new, 0 already there; 2 rows skipped."
    again = ok(todo(env, "import", str(source), "--format", "taskwarrior", "--yes"))
    assert again.splitlines()[-1] == "Imported 5 tasks: 0 new, 5 already there; 2 rows skipped."

    out = tmp_path / "to-task.json"
    assert ok(todo(env, "export", str(out), "--format", "taskwarrior")) == (
        "Exported 5 tasks to to-task.json (Taskwarrior JSON).\n"
    )
    assert out.stat().st_mode & 0o777 == 0o600
    back = taskwarrior(tmp_path, "second")
    back("import", str(out))
    original = _fields(json.loads(source.read_text(encoding="utf-8")))
    returned = _fields(json.loads(back("export")))
    assert returned == original

    # Read by our reader both ways: every field this app keeps is the same, ids included.
    def rows(text: str) -> dict[str, tuple[object, ...]]:
        result = interchange.read(text, "taskwarrior")
        return {
            r.title: (
                r.id,
                r.description,
                r.priority,
                r.due_date,
                r.tags,
                r.completed,
                r.repeat,
                r.created_at,
            )
            for r in result.rows
        }

    assert rows(back("export")) == rows(source.read_text(encoding="utf-8"))


def _calendar() -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Someone else//Their app//EN")
    cal.add("version", "2.0")
    items = [
        ("milk@example.com", "Buy milk", {"due": datetime(2030, 3, 1, 10, tzinfo=UTC), "priority": 1}),
        (
            "rent@example.com",
            "Pay rent",
            {"due": datetime(2030, 3, 1, 9, tzinfo=UTC), "rrule": {"freq": "monthly"}},
        ),
        (
            "notes@example.com",
            "With notes",
            {"description": "line one\nline two", "categories": ["Home", "work"]},
        ),
        (
            "done@example.com",
            "Finished",
            {"status": "COMPLETED", "completed": datetime(2026, 1, 2, 9, tzinfo=UTC)},
        ),
    ]
    for uid, summary, extra in items:
        todo_ = icalendar.Todo()
        todo_.add("uid", uid)
        todo_.add("summary", summary)
        todo_.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
        todo_.add("created", datetime(2026, 1, 1, 8, tzinfo=UTC))
        for key, value in extra.items():
            todo_.add(key, value)
        if summary == "Buy milk":  # an hour before it is due
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", timedelta(hours=-1), parameters={"RELATED": "END"})
            todo_.add_component(alarm)
        cal.add_component(todo_)
    return cal.to_ical()


def _todos(data: bytes) -> dict[str, dict[str, object]]:
    found = {}
    for item in icalendar.Calendar.from_ical(data).walk("VTODO"):
        categories = item.get("categories")
        cats = [] if categories is None else [str(c) for c in categories.cats]
        rrule = item.get("rrule")
        found[str(item["summary"])] = {
            "due": item["due"].dt if "due" in item else None,
            "priority": int(item.get("priority", 0)) or None,
            "description": str(item.get("description", "")) or None,
            "categories": sorted(cats),
            "rrule": dict(rrule)["FREQ"] if rrule else None,
            "status": str(item.get("status", "NEEDS-ACTION")),
            "completed": item["completed"].dt if "completed" in item else None,
            "created": item["created"].dt if "created" in item else None,
            "alarms": [(a["trigger"].dt, a["trigger"].params.get("RELATED")) for a in item.walk("VALARM")],
        }
    return found


def test_icalendar_to_the_database_and_back(tmp_path: Path):
    source = tmp_path / "theirs.ics"
    source.write_bytes(_calendar())
    env = capture_env(tmp_path)
    assert (
        ok(todo(env, "import", str(source))).splitlines()[-1] == "Imported 4 tasks: 4 new, 0 already there."
    )
    out = tmp_path / "ours.ics"
    assert (
        ok(todo(env, "export", str(out), "--format", "ical"))
        == "Exported 4 tasks to ours.ics (iCalendar to-dos).\n"
    )
    theirs, ours = _todos(source.read_bytes()), _todos(out.read_bytes())
    assert set(ours) == set(theirs)
    for summary, fields in theirs.items():
        mine = ours[summary]
        for key in ("due", "description", "categories", "rrule", "completed", "created", "alarms"):
            assert mine[key] == fields[key], (summary, key)
        assert (mine["status"] == "COMPLETED") == (fields["status"] == "COMPLETED")
    # Our own file comes back as the same tasks: nothing doubles.
    assert ok(todo(env, "import", str(out))).splitlines()[-1] == "Imported 4 tasks: 0 new, 4 already there."
    assert (
        ok(todo(env, "import", str(source))).splitlines()[-1] == "Imported 4 tasks: 0 new, 4 already there."
    )


def test_import_beside_the_open_window_says_when_it_shows_them(tmp_path: Path):
    app = RunningApp(capture_env(tmp_path)).start()
    try:
        source = tmp_path / "few.csv"
        source.write_text("title,tags\nPlant tulips,garden\nMend the fence,garden\n", encoding="utf-8")
        out = ok(todo(app.env, "import", str(source)))  # the window's embedded server, joined
        assert out.splitlines()[-2:] == [
            "Imported 2 tasks: 2 new, 0 already there.",
            "Todo Desktop is open: it shows the imported tasks at its next refresh (F5 now).",
        ]
        exported = tmp_path / "back.csv"
        ok(todo(app.env, "export", str(exported), "--format", "csv"))
        assert "Mend the fence" in exported.read_text(encoding="utf-8")
    finally:
        assert app.stop() == 0, "the window quits cleanly after the commands"
