"""With the window open, ``todo-desktop add`` hands its task to the window over the instance
socket: the window shows it within a second, as if typed into quick add, and the command
never loads the database stack or Qt. A second ``todo-desktop`` brings the window forward
instead of opening another. The real app runs offscreen in its own process."""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.capture_helpers import RunningApp, address_for, capture_env, reminder_stored, todo
from todo_desktop.core.reminders import ReminderSetting

pytestmark = [pytest.mark.slow, pytest.mark.gui]

HEAVY = ("psycopg", "sqlalchemy", "PySide6", "shiboken6", "alembic")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    running = RunningApp(capture_env(tmp_path_factory.mktemp("window"))).start()
    try:
        yield running
    finally:
        code = running.stop()
        assert code == 0, "the window quits cleanly when the session ends"


def imported(importtime_stderr: str) -> set[str]:
    """The top-level packages a ``python -X importtime`` run imported."""
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_add_goes_to_the_open_window_which_shows_it_within_a_second(app):
    started = time.monotonic()
    out = todo(app.env, "-v", "add", "Water the plants tomorrow !high #home", importtime=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Added ") and out.stdout.endswith(
        " “Water the plants” · Tomorrow · High · #home\n"
    )
    assert "Handed the task to the open window over" in out.stderr
    shown = app.wait_for_title("Water the plants", timeout=5)
    assert shown - started < 1.0, (
        f"the window showed the task {shown - started:.2f} s after the command began"
    )
    loaded = imported(out.stderr)
    assert "todo_desktop" in loaded, "importtime said what was imported"
    assert not loaded & set(HEAVY), f"the command loaded {sorted(loaded & set(HEAVY))}"


def test_the_window_stores_it_with_the_id_it_replied(app):
    added = todo(app.env, "add", "--json", "Renew the passport next month #travel every! year")
    assert added.returncode == 0, added.stderr
    task = json.loads(added.stdout)
    app.wait_for_title("Renew the passport", timeout=5)
    # Read straight from the database (list needs no window), while the window runs.
    listed = todo(app.env, "list", "--list", "upcoming", "--json")
    listed_all = todo(app.env, "list", "--json")
    assert listed.returncode == 0 and listed_all.returncode == 0, listed.stderr + listed_all.stderr
    stored = {t["id"]: t for t in json.loads(listed_all.stdout)}
    assert stored[task["id"]]["title"] == "Renew the passport"
    assert stored[task["id"]]["due"] == task["due"]
    assert stored[task["id"]]["tags"] == ["travel"] and stored[task["id"]]["repeat"] == task["repeat"]


def test_a_reminder_goes_through_the_window_with_its_task(app):
    added = todo(app.env, "add", "--json", "Call the bank friday at 3pm remind me 1 hour before")
    assert added.returncode == 0, added.stderr
    task = json.loads(added.stdout)
    app.wait_for_title("Call the bank", timeout=5)
    deadline = time.monotonic() + 5
    while (stored := reminder_stored(app.env, task["id"])) is None and time.monotonic() < deadline:
        time.sleep(0.1)  # the window stores the task, then its reminder, on its write worker
    assert stored == ReminderSetting(before_due=timedelta(hours=1))


def test_done_through_the_open_window(app):
    task = json.loads(todo(app.env, "add", "--json", "Return the library books").stdout)
    app.wait_for_title("Return the library books", timeout=5)
    out = todo(app.env, "done", "-v", task["id"][:8])
    assert out.returncode == 0, out.stderr
    assert "Handed the tasks to the open window" in out.stderr
    assert out.stdout == f"Completed {task['id'][:8]} “Return the library books”\n"
    completed = json.loads(todo(app.env, "list", "--list", "completed", "--json").stdout)
    assert task["id"] in {t["id"] for t in completed}


def test_a_second_start_brings_the_window_forward(app):
    before = app.log.count("Another start brought the window forward")
    started = time.monotonic()
    second = todo(app.env, importtime=True)  # no command: open the window
    took = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    assert took < 5, f"the second start took {took:.1f} s to hand over"
    assert not imported(second.stderr) & {"PySide6", "psycopg"}, "it handed over before loading Qt"
    assert app.log.count("Another start brought the window forward") == before + 1
    assert app.alive()
    # Still the one window: a task added now arrives in it.
    assert todo(app.env, "add", "After the second start").returncode == 0
    app.wait_for_title("After the second start", timeout=5)


def test_a_second_start_without_a_display_still_brings_the_window_forward(app):
    """Over SSH to a machine whose desktop shows the window, the start hands over: it needs
    no display of its own."""
    env = {k: v for k, v in app.env.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    before = app.log.count("Another start brought the window forward")
    second = todo(env)
    assert second.returncode == 0, second.stderr
    assert app.log.count("Another start brought the window forward") == before + 1


def test_the_socket_is_the_users_alone(app):
    address = Path(address_for(app.env))
    info = os.stat(address)
    assert stat.S_ISSOCK(info.st_mode)
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_uid == os.geteuid()
    folder = os.stat(address.parent)
    assert stat.S_IMODE(folder.st_mode) == 0o700 and folder.st_uid == os.geteuid()


def test_a_task_sent_while_the_window_starts_is_not_lost(tmp_path):
    """Sent the moment the window starts (its database not made yet): the command waits for
    the window to listen, the window keeps the task with what was typed meanwhile, and adds
    it once the database is ready."""
    starting = RunningApp(capture_env(tmp_path)).start(ready=False)
    try:
        socket_file = Path(address_for(starting.env))
        deadline = time.monotonic() + 60
        while not socket_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)  # the window listens before it opens its (not yet made) database
        out = todo(starting.env, "add", "--json", "Early bird")
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["title"] == "Early bird"
        assert out.stderr == "Todo Desktop has the task and is still saving it.\n"
        starting.wait_for_title("Early bird", timeout=90)
        listed = todo(starting.env, "list", "--json")
        assert [t["title"] for t in json.loads(listed.stdout)] == ["Early bird"]
    finally:
        assert starting.stop() == 0
