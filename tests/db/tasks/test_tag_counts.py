"""The open count beside each tag, kept by triggers, always equals a count from the tasks
themselves, whatever changed them: a new task, an edit of its tags, done and undone, a batch,
a delete and its undo, an import, a tag renamed, merged, deleted and given back. And the tag
list no longer counts: it reads a few rows however many tasks carry the tags."""

from __future__ import annotations

import random
import uuid

import pytest

from tests.support.attack_helpers import blocks_read
from tests.support.memory_tasks import make_task
from todo_desktop.core.values import Priority, Task, TaskChanges, TaskDraft, TaskEdit

NAMES = ("home", "Work", "errands", "later")


def _truth(test_db, user_id: uuid.UUID) -> list[tuple[str, int]]:
    """Each of the person's tags and its open tasks, counted from the tasks' own tag names."""
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT g.name, count(t.id) FROM public.tags g"
            " LEFT JOIN public.tasks t ON t.user_id = g.user_id AND NOT t.completed AND g.name = ANY(t.tags)"
            " WHERE g.user_id = %s GROUP BY g.name, g.name_key ORDER BY g.name_key",
            (user_id,),
        ).fetchall()
    return [(name, int(n)) for name, n in rows]


def _shown(tasks) -> list[tuple[str, int]]:
    return [(t.name, t.open_count) for t in tasks.tags()]


def _step(rng: random.Random, tasks, live: list[Task], removals: list, step: int) -> str:
    action = rng.choice(["create", "create", "retag", "toggle", "batch", "delete", "rename", "drop", "undo"])
    if action == "create" or not live:
        names = tuple(rng.sample(NAMES, rng.randint(0, 3)))
        live.append(tasks.create(TaskDraft(title=f"t{step}", tags=names, completed=rng.random() < 0.3)))
        return "create"
    i = rng.randrange(len(live))
    if action == "retag":
        live[i] = tasks.update(live[i].id, TaskChanges(tags=tuple(rng.sample(NAMES, rng.randint(0, 3)))))
    elif action == "toggle":
        live[i] = tasks.toggle(live[i])
    elif action == "batch":
        chosen = rng.sample(live, min(4, len(live)))
        edits = [
            TaskEdit(t.id, TaskChanges(completed=not t.completed, priority=Priority.HIGH)) for t in chosen
        ]
        tasks.update_many(edits)
    elif action == "delete":
        gone = live.pop(i)
        tasks.delete([gone.id])
        if rng.random() < 0.5:
            tasks.restore_many([gone])  # the undo of a delete
            live.append(gone)
    elif action == "rename":
        old, new = rng.sample(NAMES, 2)
        tasks.rename_tag(old, new.upper() if rng.random() < 0.5 else new)  # often a merge
    elif action == "drop":
        removals.append(tasks.delete_tag(rng.choice(NAMES)))
    elif removals:
        tasks.restore_tag(removals.pop())
    live[:] = [tasks.get(t.id) for t in live]  # renames and drops changed their tags
    return action


def test_tag_counts_follow_every_kind_of_write(test_db, alice, alice_tasks, bob_tasks):
    rng = random.Random(7)
    live: list[Task] = []
    removals: list = []
    bob_tasks.create(TaskDraft(title="bob's", tags=("home", "work")))
    for step in range(80):
        action = _step(rng, alice_tasks, live, removals, step)
        assert _shown(alice_tasks) == _truth(test_db, alice.account.id), (step, action)
    assert any(n for _, n in _truth(test_db, alice.account.id)), "the walk left no open tagged task"
    assert _shown(bob_tasks) == [("home", 1), ("work", 1)]  # Alice's writes moved none of Bob's


def test_an_import_counts_its_tags_once(test_db, alice, alice_tasks):
    tasks = [
        make_task(f"imported {i}", completed=i % 3 == 0, tags=("home", "errands") if i % 2 else ("home",))
        for i in range(300)
    ]
    alice_tasks.import_many(tasks)
    alice_tasks.import_many(tasks)  # the same file again adds nothing
    assert _shown(alice_tasks) == _truth(test_db, alice.account.id) == [("errands", 100), ("home", 200)]


def test_the_tag_list_reads_a_few_rows_however_many_tasks_carry_the_tags(test_db, alice, alice_tasks):
    alice_tasks.import_many([make_task(f"t{i}", tags=("home", "work")) for i in range(5000)])
    with test_db.superuser() as su:
        su.execute("VACUUM ANALYZE public.task_tags")
        blocks = blocks_read(su, alice.token, "todo_api.tags(%(limit)s)", {"limit": 100})
        assert su.execute("SELECT * FROM todo_api.tags(100)").fetchall() == [("home", 5000), ("work", 5000)]
    assert blocks < 30, f"the tag list read {blocks} blocks"


@pytest.mark.parametrize("completed", [False, True])
def test_a_tag_deleted_with_its_tasks_leaves_nothing_to_count(test_db, alice, alice_tasks, completed):
    made = alice_tasks.create(TaskDraft(title="x", tags=("solo",), completed=completed))
    alice_tasks.delete([made.id])
    assert _shown(alice_tasks) == _truth(test_db, alice.account.id)
