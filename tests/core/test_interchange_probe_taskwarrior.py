"""Our Taskwarrior export of tasks dated before 1980, which Taskwarrior 2.6 cannot take, through the real
``task`` (Debian's 2.6): the whole file goes in, and its dates come back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.core.interchange_strategies import make_task
from todo_desktop.core import interchange

EPOCH_DUE = datetime(1969, 7, 20, 20, 17, tzinfo=UTC)
LATER_DUE = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)


def _task(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("task")
    if exe is None:
        pytest.skip("Taskwarrior's task command is not installed (Debian: apt-get install -y taskwarrior)")
    data = tmp_path / "taskdata"
    data.mkdir(exist_ok=True)
    rc = tmp_path / "taskrc"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\njson.array=on\nverbose=nothing\n"
        "recurrence.confirmation=no\nhooks=off\n",
        encoding="utf-8",
    )
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data), "TZ": "UTC"}
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def test_tasks_dated_before_1980_do_not_stop_task_import(tmp_path: Path):
    moon = make_task("Watch the landing", due_date=EPOCH_DUE, description="On the big set")
    weekly = make_task("Old weekly", due_date=EPOCH_DUE, repeat="FREQ=WEEKLY")
    old = make_task(
        "Typed into a sheet long ago",
        created_at=datetime(1950, 1, 1, tzinfo=UTC),
        updated_at=datetime(1950, 1, 2, tzinfo=UTC),
        completed=True,
        completed_at=datetime(1960, 1, 1, tzinfo=UTC),
    )
    late_seventies = make_task("Disco", due_date=datetime(1979, 12, 31, 23, 0, tzinfo=UTC))
    later = make_task("Pay rent", due_date=LATER_DUE)
    path = tmp_path / "ours.json"
    path.write_text(
        interchange.write([moon, weekly, old, late_seventies, later], "taskwarrior"), encoding="utf-8"
    )

    imported = _task(tmp_path, "import", str(path))
    assert imported.returncode == 0, imported.stderr
    exported = _task(tmp_path, "export")
    assert exported.returncode == 0, exported.stderr
    titles = {r["description"] for r in json.loads(exported.stdout) if "parent" not in r}
    assert titles == {moon.title, weekly.title, old.title, late_seventies.title, later.title}

    back = {row.id: row for row in interchange.read(exported.stdout, "taskwarrior").rows}
    assert back[moon.id].due_date == EPOCH_DUE
    assert back[moon.id].description == "On the big set"
    assert (back[weekly.id].due_date, back[weekly.id].repeat) == (EPOCH_DUE, "FREQ=WEEKLY")
    assert (back[old.id].completed, back[old.id].completed_at, back[old.id].created_at) == (
        True,
        datetime(1960, 1, 1, tzinfo=UTC),
        datetime(1950, 1, 1, tzinfo=UTC),
    )
    assert back[late_seventies.id].due_date == datetime(1979, 12, 31, 23, 0, tzinfo=UTC)
    assert back[later.id].due_date == LATER_DUE
