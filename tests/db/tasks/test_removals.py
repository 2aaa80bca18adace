"""A deletion, as the person's other devices learn of it: each deleted task leaves a note (its
id and when) that ``removed_since`` reads, a day long; a task restored since is also among the
changes, at a later version."""

from __future__ import annotations

from todo_desktop.core.values import TaskDraft
from todo_desktop.db.tasks import TaskRepository


def test_another_device_reads_what_was_deleted_and_when(alice_tasks: TaskRepository, client_db, alice):
    kept, gone, also_gone = (alice_tasks.create(TaskDraft(title=t)) for t in ("kept", "gone", "also gone"))
    since = alice_tasks.change_cursor()
    assert alice_tasks.removed_since(since).removed == {}
    alice_tasks.delete([gone.id])
    between = alice_tasks.change_cursor()
    alice_tasks.delete_unchanged({also_gone.id: also_gone.updated_at})
    phone = TaskRepository(client_db, alice.token)
    removed = phone.removed_since(since).removed
    assert list(removed) == [gone.id, also_gone.id]  # in commit order
    assert all(when > kept.updated_at for when in removed.values())
    assert phone.removed_since(between).removed == {also_gone.id: removed[also_gone.id]}
    first = phone.removed_since(since, limit=1)
    assert list(first.removed) == [gone.id] and first.more is not None
    assert list(phone.removed_since(first.more, limit=1).removed) == [also_gone.id]


def test_a_task_restored_after_its_deletion_is_newer_among_the_changes(alice_tasks: TaskRepository):
    task = alice_tasks.create(TaskDraft(title="back again"))
    since = alice_tasks.change_cursor()
    alice_tasks.delete([task.id])
    (restored,) = alice_tasks.restore_many([task]).stored
    removed_at = alice_tasks.removed_since(since).removed[task.id]
    changed = {t.id: t.updated_at for t in alice_tasks.changed_since(since).tasks}
    assert changed[task.id] == restored.updated_at > removed_at


def test_notes_older_than_a_day_go(alice_tasks: TaskRepository, alice, test_db):
    with test_db.superuser() as su:
        su.execute(
            "INSERT INTO public.task_removals (user_id, task_id, removed_at) "
            "SELECT %s, gen_random_uuid(), now() - interval '25 hours' FROM generate_series(1, 3)",
            (alice.account.id,),
        )
    task = alice_tasks.create(TaskDraft(title="t"))
    since = alice_tasks.change_cursor()
    alice_tasks.delete([task.id])
    with test_db.superuser() as su:
        left = su.execute(
            "SELECT array_agg(task_id) FROM public.task_removals WHERE user_id = %s", (alice.account.id,)
        ).fetchone()[0]
    assert left == [task.id]
    assert list(alice_tasks.removed_since(since).removed) == [task.id]
