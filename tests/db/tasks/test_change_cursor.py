"""Other devices' changes in commit order: a poll reads every change not known to have
committed before the previous poll began, however long its transaction ran, and starts from
a cursor the database gives, never from this computer's clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest

from tests.support.attack_helpers import as_session, attacker
from tests.support.change_reads import changed, poll, removed
from todo_desktop.core.title_order import title_key
from todo_desktop.core.values import TaskChanges, TaskDraft
from todo_desktop.db.tasks import TaskRepository


class LongTransaction:
    """Another device of the person, writing in one transaction it holds open (an import)."""

    def __init__(self, conn: psycopg.Connection, token: str) -> None:
        self.conn = conn
        as_session(conn, token)  # transaction-local: the transaction is now open

    def create(self, title: str) -> uuid.UUID:
        task_id = uuid.uuid4()
        self.conn.execute(
            "SELECT id FROM todo_api.create_task(%s, %s, %s, NULL, 'medium', NULL, false)",
            (task_id, title, title_key(title)),
        )
        return task_id

    def rename(self, task_id: uuid.UUID, title: str) -> None:
        self.conn.execute(
            "SELECT outcome FROM todo_api.update_task(%s, NULL, ARRAY['title'], %s, %s, NULL, NULL, NULL,"
            " NULL, NULL, NULL, NULL, NULL)",
            (task_id, title, title_key(title)),
        )

    def delete(self, task_id: uuid.UUID) -> None:
        self.conn.execute(
            "SELECT outcome FROM todo_api.delete_tasks(ARRAY[%s]::uuid[], ARRAY[NULL]::timestamptz[])",
            (task_id,),
        )


@pytest.fixture
def other_device(test_db, alice) -> Iterator[LongTransaction]:
    conn = attacker(test_db.client_url)
    yield LongTransaction(conn, alice.token)
    conn.close()


def _later_than_any_overlap(test_db, task_id: uuid.UUID) -> None:
    """Stamps a committed task a minute ahead, as if its edit came long after the long
    transaction's stamps (an overlap of seconds would no longer reach back to them)."""
    with test_db.superuser() as su:
        su.execute("SET session_replication_role = replica")  # the touch trigger stays out
        su.execute(
            "UPDATE public.tasks SET updated_at = updated_at + interval '1 minute' WHERE id = %s", (task_id,)
        )


def test_a_long_transaction_s_changes_come_at_the_poll_after_it_commits(
    alice_tasks: TaskRepository, client_db, alice, other_device, test_db
):
    phone = TaskRepository(client_db, alice.token)
    renamed = alice_tasks.create(TaskDraft(title="Old name"))
    doomed = alice_tasks.create(TaskDraft(title="Doomed"))
    edited = alice_tasks.create(TaskDraft(title="Edited"))
    start = phone.change_cursor()
    imported = other_device.create("Imported")
    other_device.rename(renamed.id, "New name")
    other_device.delete(doomed.id)
    # Committed first, though begun later (a new date waits on no lock the import holds).
    newer = alice_tasks.update(edited.id, TaskChanges(due_date=edited.created_at + timedelta(days=1)))
    _later_than_any_overlap(test_db, newer.id)

    seen, gone, cursor = poll(phone, start)
    assert [t.title for t in seen] == ["Edited"] and gone == {}
    seen, gone, cursor = poll(phone, cursor)  # still running: nothing of it yet
    assert "Imported" not in [t.title for t in seen] and gone == {}
    other_device.conn.commit()

    seen, gone, cursor = poll(phone, cursor)
    # (A poll begun while it ran may read again what that poll read: merging it is harmless.)
    assert {t.id: t.title for t in seen if t.id != edited.id} == {
        imported: "Imported",
        renamed.id: "New name",
    }
    assert list(gone) == [doomed.id]
    # Read once it is known to have committed before a poll began: no more after that.
    seen, gone, cursor = poll(phone, cursor)
    seen, gone, _ = poll(phone, cursor)
    assert seen == [] and gone == {}


def test_the_first_cursor_is_the_database_s_not_this_computer_s_clock(
    alice_tasks: TaskRepository, client_db, alice
):
    """An empty list polls from where the database stands, whatever time this computer thinks
    it is: a clock hours ahead misses nothing made after the window started."""
    phone = TaskRepository(client_db, alice.token)
    start = phone.change_cursor()  # nothing seen: no version to start from
    made = alice_tasks.create(TaskDraft(title="Made after the window started"))
    assert [t.id for t in changed(phone, start)] == [made.id]
    assert changed(phone, phone.change_cursor()) == []
    assert made.updated_at < made.updated_at + timedelta(hours=2)  # the clock plays no part


def test_a_transaction_of_more_than_a_page_is_read_whole(alice_tasks: TaskRepository):
    """One transaction's rows share one id: pages go on by task id within it."""
    made = [alice_tasks.create(TaskDraft(title=f"Task {i}")) for i in range(7)]
    start = alice_tasks.change_cursor()
    done = alice_tasks.set_completed([t.id for t in made], True)  # one transaction
    first = alice_tasks.changed_since(start, limit=2)
    assert len(first.tasks) == 2 and first.more is not None
    assert sorted(t.id for t in changed(alice_tasks, start, limit=2)) == sorted(t.id for t in done)
    assert all(t.completed for t in changed(alice_tasks, start, limit=2))
    alice_tasks.delete([t.id for t in made])
    assert sorted(removed(alice_tasks, start, limit=2)) == sorted(t.id for t in made)


# The reads inside changed_since and removed_since, as planned once for anyone (their settings).
_READS = {
    "ix_tasks_changes": (
        "SELECT t.id FROM public.tasks t WHERE t.user_id = $1 AND t.change_xid >= $2 AND t.change_xid < $3"
        " ORDER BY t.change_xid, t.id LIMIT 100",
        "SELECT t.id FROM public.tasks t WHERE t.user_id = $1 AND (t.change_xid, t.id) > ($2, $4)"
        " AND t.change_xid < $3 ORDER BY t.change_xid, t.id LIMIT 100",
    ),
    "ix_task_removals_changes": (
        "SELECT n.task_id FROM public.task_removals n WHERE n.user_id = $1 AND n.removed_xid >= $2"
        " AND n.removed_xid < $3 ORDER BY n.removed_xid, n.task_id LIMIT 100",
        "SELECT n.task_id FROM public.task_removals n WHERE n.user_id = $1"
        " AND (n.removed_xid, n.task_id) > ($2, $4) AND n.removed_xid < $3"
        " ORDER BY n.removed_xid, n.task_id LIMIT 100",
    ),
}


def test_each_read_of_changes_walks_the_person_s_index_in_order(test_db, alice):
    with test_db.superuser() as su:
        settings = su.execute(
            "SELECT p.proconfig FROM pg_proc p WHERE p.oid IN"
            " ('todo_api.changed_since(bigint, bigint, uuid, integer)'::regprocedure,"
            "  'todo_api.removed_since(bigint, bigint, uuid, integer)'::regprocedure)"
        ).fetchall()
        for (config,) in settings:
            for setting in config:
                name, value = setting.split("=", 1)
                if name in {"plan_cache_mode", "enable_seqscan", "enable_bitmapscan", "enable_sort"}:
                    su.execute(f"SET {name} = '{value}'")
        for index, reads in _READS.items():
            for n, read in enumerate(reads):
                su.execute(f"PREPARE read_{n}_{index} (uuid, xid8, xid8, uuid) AS {read}")
                plan = "\n".join(
                    r[0]
                    for r in su.execute(
                        f"EXPLAIN EXECUTE read_{n}_{index} ('{alice.account.id}', '5', '9', '{uuid.uuid4()}')"
                    ).fetchall()
                )
                assert index in plan and "Sort" not in plan and "Seq Scan" not in plan, plan
