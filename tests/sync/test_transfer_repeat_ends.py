"""A repeat's end read from another app's file is stored by the database as read, and comes
back out: an iCalendar UNTIL, and a Taskwarrior ``until``."""

from __future__ import annotations

import json

from todo_desktop.core import interchange
from todo_desktop.core.values import SignedIn, Status, TaskQuery
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.transfer import import_rows

ICAL = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Elsewhere//EN\r\n"
    "BEGIN:VTODO\r\nUID:until-1@elsewhere\r\nSUMMARY:Water the plants\r\n"
    "DTSTART:20270104T090000Z\r\nDUE:20270104T090000Z\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301T090000Z\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
)


def _stored(tasks: TaskRepository) -> dict[str, str | None]:
    return {t.title: t.repeat for t in tasks.list(TaskQuery(status=Status.ALL)).tasks}


def test_an_icalendar_until_is_stored_and_exported(alice_tasks: TaskRepository, alice: SignedIn):
    outcome = import_rows(alice_tasks, alice.account.id, interchange.read(ICAL))
    assert outcome.added == 1
    repeat = _stored(alice_tasks)["Water the plants"]
    assert repeat is not None and "UNTIL=20270301" in repeat
    task = alice_tasks.list(TaskQuery(status=Status.ALL)).tasks[0]
    written = interchange.write([task], "ical")
    assert "UNTIL=20270301" in (written if isinstance(written, str) else written.decode())


def test_a_taskwarrior_until_is_stored(alice_tasks: TaskRepository, alice: SignedIn):
    record = {
        "uuid": "6b8f7b9e-2f0a-4c1e-9a53-3f2f0c7d1a11",
        "description": "Pay the rent",
        "status": "recurring",
        "entry": "20270101T090000Z",
        "due": "20270105T090000Z",
        "recur": "monthly",
        "until": "20271231T230000Z",
    }
    import_rows(alice_tasks, alice.account.id, interchange.read(json.dumps([record]), "taskwarrior"))
    repeat = _stored(alice_tasks)["Pay the rent"]
    assert repeat is not None and repeat.startswith("FREQ=MONTHLY") and "UNTIL=2027123" in repeat
