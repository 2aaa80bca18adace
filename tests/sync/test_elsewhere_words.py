"""The status bar's sentences for what another device did to rows on screen."""

from __future__ import annotations

from tests.support.memory_tasks import make_task
from todo_desktop.sync.edit_versions import deleted_elsewhere


def test_the_first_deleted_task_is_named_and_the_rest_counted():
    long = "A title far longer than forty characters, cut short"
    assert deleted_elsewhere([make_task("Pay rent")]) == "“Pay rent” was deleted on another device."
    two = deleted_elsewhere([make_task("a"), make_task("b")])
    assert two == "“a” and 1 more task were deleted on another device."
    many = deleted_elsewhere([make_task(long), *(make_task("x") for _ in range(1200))])
    assert (
        many
        == "“A title far longer than forty character…” and 1,200 more tasks were deleted on another device."
    )
