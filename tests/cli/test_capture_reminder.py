"""``todo-desktop add "… remind me 30 minutes before"`` keeps the reminder it reads: the window
gets it over the instance socket (read as strictly as the rest of the request) and the
command's own database path stores it too, as quick add in the window does."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.capture_helpers import RunningApp, capture_env, reminder_stored, todo
from todo_desktop.core.reminders import BEFORE_DUE_RANGE, BOTH_OR_NEITHER, NEEDS_DUE_DATE, ReminderSetting
from todo_desktop.machine.paths import AppPaths
from todo_desktop.ui.chrome.instance_protocol import AddRequest, ProtocolError, encode, read_request
from todo_desktop.ui.chrome.instance_reminder import NOT_A_REMINDER

DUE = datetime(2031, 5, 2, 10, 0, tzinfo=UTC)
AT = datetime(2031, 5, 1, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "setting",
    [ReminderSetting(before_due=timedelta(minutes=30)), ReminderSetting(at=AT)],
    ids=["before", "at"],
)
def test_the_request_carries_a_reminder_to_the_window(setting: ReminderSetting) -> None:
    sent = AddRequest(profile="local", title="Dentist", due=DUE, due_time=True, reminder=setting)
    read = read_request(encode(sent))
    assert read == sent
    assert isinstance(read, AddRequest) and read.draft().reminder == setting


def test_a_request_without_a_reminder_says_nothing_of_one() -> None:
    """A window of the version before reads such a request as it always did."""
    line = encode(AddRequest(profile="local", title="Plain"))
    assert b"reminder" not in line
    assert read_request(line) == AddRequest(profile="local", title="Plain")


ADD = {"v": 1, "op": "add", "profile": "local", "title": "T", "due": None, "due_time": False}
ADD |= {"priority": "medium", "tags": [], "repeat": None}


@pytest.mark.parametrize(
    ("reminder", "sentence"),
    [
        ("30m", NOT_A_REMINDER),
        ([], NOT_A_REMINDER),
        ({"at": None}, NOT_A_REMINDER),
        ({"at": None, "before_due_seconds": 60, "zone": "UTC"}, NOT_A_REMINDER),
        ({"at": "2031-05-01T07:30:00", "before_due_seconds": None}, NOT_A_REMINDER),  # no offset
        ({"at": "tomorrow", "before_due_seconds": None}, NOT_A_REMINDER),
        ({"at": "2031-05-01T07:30:00+00:00" + " " * 40, "before_due_seconds": None}, NOT_A_REMINDER),
        ({"at": None, "before_due_seconds": True}, NOT_A_REMINDER),
        ({"at": None, "before_due_seconds": 1.5}, NOT_A_REMINDER),
        ({"at": None, "before_due_seconds": "60"}, NOT_A_REMINDER),
        ({"at": None, "before_due_seconds": 10**30}, NOT_A_REMINDER),
        ({"at": None, "before_due_seconds": 31 * 86400}, BEFORE_DUE_RANGE),
        ({"at": None, "before_due_seconds": -60}, BEFORE_DUE_RANGE),
        ({"at": None, "before_due_seconds": None}, BOTH_OR_NEITHER),
        ({"at": "2031-05-01T07:30:00+00:00", "before_due_seconds": 60}, BOTH_OR_NEITHER),
    ],
)
def test_what_is_no_reminder_is_refused_in_one_sentence(reminder: object, sentence: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        read_request(json.dumps({**ADD, "reminder": reminder}).encode())
    assert refused.value.message == sentence


def test_an_offset_without_a_due_date_is_refused() -> None:
    """The window stores what the command sends: a reminder before no due date would never
    ring, so the window refuses it as quick add does. A date alone will do."""
    reminder = {"at": None, "before_due_seconds": 1800}
    with pytest.raises(ProtocolError) as refused:
        read_request(json.dumps({**ADD, "reminder": reminder}).encode())
    assert refused.value.message == NEEDS_DUE_DATE
    for due, timed in (("2031-05-02T10:00:00+00:00", True), ("2031-05-02T21:59:00+00:00", False)):
        sent = {**ADD, "due": due, "due_time": timed, "reminder": reminder}
        assert isinstance(read_request(json.dumps(sent).encode()), AddRequest)


@pytest.mark.slow
def test_add_without_a_window_stores_the_reminder_it_read(tmp_path) -> None:
    env = capture_env(tmp_path)
    out = todo(
        env,
        "add",
        "--json",
        "--now",
        "2031-04-28T09:00",
        "Dentist friday at 10am remind me 30 minutes before",
    )
    assert out.returncode == 0, out.stderr
    task = json.loads(out.stdout)
    assert task["reminder"] == {"at": None, "before_due_seconds": 1800}
    assert reminder_stored(env, task["id"]) == ReminderSetting(before_due=timedelta(minutes=30))


@pytest.mark.slow
@pytest.mark.gui
def test_the_window_gives_a_task_from_the_command_line_the_default_reminder(tmp_path) -> None:
    """With "Remind at Due Time by Default" on, a task added from the command line gets it
    as one typed into quick add does; a reminder of its own wins, and a date alone gets none."""
    env = capture_env(tmp_path)
    config = AppPaths.from_environment(env).config
    config.mkdir(parents=True, exist_ok=True)
    (config / "window.ini").write_text("[reminders]\nat_due_time=true\n", encoding="utf-8")
    app = RunningApp(env).start()
    try:
        added = {}
        for title, text in [
            ("Call the bank", "Call the bank friday at 3pm"),
            ("Dentist", "Dentist friday at 10am remind me 1 hour before"),
            ("Buy stamps", "Buy stamps friday"),
        ]:
            out = todo(env, "add", "--json", text)
            assert out.returncode == 0, out.stderr
            added[title] = json.loads(out.stdout)["id"]
            app.wait_for_title(title, timeout=5)
        wanted = {
            "Call the bank": ReminderSetting(before_due=timedelta(0)),
            "Dentist": ReminderSetting(before_due=timedelta(hours=1)),
            "Buy stamps": None,
        }
        deadline = time.monotonic() + 5
        while (stored := {t: reminder_stored(env, i) for t, i in added.items()}) != wanted:
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)  # the window stores each task, then its reminder, on its write worker
        assert stored == wanted
    finally:
        assert app.stop() == 0
