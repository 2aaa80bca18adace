"""An export names what its format cannot hold, once per kind, with how many tasks it touches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.core.interchange_strategies import make_task
from todo_desktop.core.interchange.export_notes import left_out

DUE = datetime(2027, 1, 31, 9, 0, tzinfo=UTC)


def test_repeats_taskwarrior_says_exactly_need_no_note() -> None:
    tasks = [
        make_task("Standup", repeat="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", due_date=DUE),
        make_task("Review", repeat="FREQ=WEEKLY;INTERVAL=2", due_date=DUE),
        make_task("Rent", repeat="FREQ=MONTHLY;UNTIL=20271231", due_date=DUE),
        make_task("Plain", due_date=DUE),
    ]
    assert left_out("taskwarrior", tasks, ()) == ()


def test_repeats_taskwarrior_has_no_words_for_are_named_with_an_example() -> None:
    tasks = [
        make_task("Pay rent", repeat="FREQ=MONTHLY;BYMONTHDAY=-1", due_date=DUE),
        make_task("Gym", repeat="FREQ=WEEKLY;BYDAY=MO,WE", due_date=DUE),
        make_task("Water plants", repeat="FREQ=WEEKLY", repeat_after_completion=True, due_date=DUE),
        make_task("Done long ago", repeat="FREQ=MONTHLY;BYMONTHDAY=-1", due_date=DUE, completed=True),
    ]
    (note,) = left_out("taskwarrior", tasks, ())
    assert note.startswith("Taskwarrior has no words for the repeats of 3 tasks")
    assert "\u201cEvery month on the last day\u201d" in note


def test_after_completion_alone_is_a_repeat_taskwarrior_cannot_say() -> None:
    task = make_task("Water plants", repeat="FREQ=WEEKLY", repeat_after_completion=True, due_date=DUE)
    (note,) = left_out("taskwarrior", [task], ())
    assert "the repeat of 1 task (such as \u201cEvery week after completion\u201d)" in note


def test_repeating_tasks_without_a_due_date_do_not_repeat_in_taskwarrior() -> None:
    tasks = [make_task("Someday", repeat="FREQ=WEEKLY"), make_task("Also", repeat="FREQ=DAILY")]
    assert left_out("taskwarrior", tasks, ()) == (
        "Taskwarrior repeats only tasks with a due date: 2 tasks without one will not repeat there.",
    )


@pytest.mark.parametrize(
    ("fmt", "wanted"),
    [
        ("csv", ("CSV files hold no reminders: the reminders of 2 tasks are not in the file.",)),
        ("taskwarrior", ("Taskwarrior has no reminders: the reminders of 2 tasks are not in the file.",)),
        ("json", ()),
        ("ical", ()),
    ],
)
def test_reminders_are_named_where_the_format_has_none(fmt: str, wanted: tuple[str, ...]) -> None:
    tasks = [make_task("Dentist", due_date=DUE), make_task("Bank"), make_task("Nothing")]
    # A reminder of a task not in the file (another account's, say) counts for nothing.
    reminded = [tasks[0].id, tasks[1].id, make_task("Elsewhere").id]
    assert left_out(fmt, tasks, reminded) == wanted


def test_one_task_reads_as_one() -> None:
    task = make_task("Dentist")
    assert left_out("csv", [task], [task.id]) == (
        "CSV files hold no reminders: the reminder of 1 task is not in the file.",
    )
