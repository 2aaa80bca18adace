"""``todo-desktop add "… remind me 30 minutes before"`` keeps the reminder it reads: the window
gets it over the instance socket (read as strictly as the rest of the request) and the
command's own database path stores it too, as quick add in the window does."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.capture_helpers import capture_env, reminder_stored, todo
from todo_desktop.core.reminders import BEFORE_DUE_RANGE, BOTH_OR_NEITHER, ReminderSetting
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
