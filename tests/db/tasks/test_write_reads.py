"""A one-task edit of a person with a long list reads a few pages, not their whole list.

The write functions plan once per connection for whoever calls (force_generic_plan), with
the average person's statistics. Given ``t.user_id = me`` as a possible index condition, the
planner walked one of the owner's list indexes to find the ids (``user_id`` leads it, ``id``
comes last), which for a person with 100,000 tasks reads every entry of their list: a one-task
delete took 4.5 ms instead of about one (tests/bench/data.py at 1,000,000 tasks).
"""

from __future__ import annotations

from tests.db.tasks.test_page_reads import long_list
from tests.support.attack_helpers import blocks_read

__all__ = ["long_list"]  # the fixture, used by name

# A primary-key probe, the row, the triggers' counters and the cascades' index probes.
MOST_BLOCKS = 60
ARRAYS = {
    "titles": "text",
    "title_keys": "text",
    "descriptions": "text",
    "priorities": "text",
    "dues": "timestamptz",
    "completed": "boolean",
}


def _one_of(test_db, user) -> object:
    with test_db.superuser() as su:
        row = su.execute("SELECT id FROM tasks WHERE user_id = %s ORDER BY title LIMIT 1", (user,)).fetchone()
    return row[0]


def test_deleting_one_task_of_a_long_list_reads_a_few_pages(test_db, alice, long_list):
    task = _one_of(test_db, long_list)
    call = "todo_api.delete_tasks(%(ids)s::uuid[], %(versions)s::timestamptz[])"
    with test_db.superuser() as su:
        # The untimed first call deletes it; the counted one looks for it all the same.
        assert blocks_read(su, alice.token, call, {"ids": [task], "versions": [None]}) < MOST_BLOCKS


def test_editing_one_task_of_a_long_list_reads_a_few_pages(test_db, alice, long_list):
    task = _one_of(test_db, long_list)
    call = (
        "todo_api.update_tasks(%(ids)s::uuid[], %(versions)s::timestamptz[], %(fields)s::integer[], "
        + ", ".join(f"%({name})s::{kind}[]" for name, kind in ARRAYS.items())
        + ")"
    )
    params: dict[str, object] = {"ids": [task], "versions": [None], "fields": [4], "priorities": ["high"]}
    params.update({a: [None] for a in ARRAYS if a not in params})
    with test_db.superuser() as su:
        assert blocks_read(su, alice.token, call, params) < MOST_BLOCKS
