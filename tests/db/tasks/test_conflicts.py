"""Two devices, one task: a stale edit is refused with the other device's version, nothing
is overwritten, and the changed-since query shows each device the other's edits."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.support.attack_helpers import blocks_read
from tests.support.change_reads import changed as changes
from tests.support.database import PASSWORD
from todo_desktop.core.changes import ChangeCursor
from todo_desktop.core.errors import NotFoundError, StaleEditError, TodoError
from todo_desktop.core.values import Priority, Task, TaskChanges, TaskDraft
from todo_desktop.db.tasks import TaskRepository

DUE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def laptop(alice_tasks) -> TaskRepository:
    return alice_tasks


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    """The same person signed in a second time: another session, as another device has."""
    second = accounts.sign_in("alice@example.com", PASSWORD)
    assert second.token != alice.token
    return TaskRepository(client_db, second.token)


@pytest.fixture
def task(laptop) -> Task:
    return laptop.create(TaskDraft(title="Book flights", priority=Priority.MEDIUM, due_date=DUE))


# -- stale edits ---------------------------------------------------------------------------


def test_an_edit_based_on_the_current_version_applies(laptop, task):
    changed = laptop.update(task.id, TaskChanges(title="Book trains"), expected_version=task.updated_at)
    assert changed.title == "Book trains"
    assert changed.updated_at > task.updated_at
    assert laptop.get(task.id) == changed


def test_a_stale_edit_is_refused_with_the_other_devices_version(laptop, phone, task):
    seen_on_phone = phone.get(task.id)
    theirs = laptop.update(task.id, TaskChanges(title="Book trains", priority=Priority.HIGH), task.updated_at)

    with pytest.raises(StaleEditError) as info:
        phone.update(task.id, TaskChanges(title="Book a car"), expected_version=seen_on_phone.updated_at)

    assert info.value.current == theirs
    assert isinstance(info.value, TodoError)
    assert info.value.message == "This task was changed on another device; choose which version to keep."
    # Nothing was overwritten: both devices read the laptop's version.
    assert laptop.get(task.id) == theirs
    assert phone.get(task.id) == theirs


def test_keeping_mine_retries_with_the_version_just_seen(laptop, phone, task):
    laptop.update(task.id, TaskChanges(priority=Priority.URGENT), task.updated_at)
    with pytest.raises(StaleEditError) as info:
        phone.update(task.id, TaskChanges(title="Book a car"), task.updated_at)

    mine = phone.update(task.id, TaskChanges(title="Book a car"), info.value.current.updated_at)

    assert mine.title == "Book a car"
    assert mine.priority is Priority.URGENT  # the other device's field was not touched
    assert laptop.get(task.id) == mine
    # The laptop's old version is now stale in turn.
    with pytest.raises(StaleEditError) as again:
        laptop.update(task.id, TaskChanges(title="Book trains"), info.value.current.updated_at)
    assert again.value.current == mine


def test_a_stale_toggle_is_refused(laptop, phone, task):
    laptop.toggle(task, task.updated_at)  # done on the laptop
    with pytest.raises(StaleEditError) as info:
        phone.update(task.id, TaskChanges(title="Renamed"), task.updated_at)
    assert info.value.current.completed is True
    # A toggle of the old view is stale too, unless it asks for what is already stored.
    seen_done = replace(task, completed=True)
    with pytest.raises(StaleEditError):
        phone.toggle(seen_done, task.updated_at)  # would reopen it
    assert phone.get(task.id).completed is True


def test_a_stale_edit_that_asks_for_what_is_stored_succeeds_quietly(laptop, phone, task):
    """What a retry after a lost COMMIT sees: the version moved, but only to this edit."""
    theirs = laptop.update(task.id, TaskChanges(title="Same words", due_date=None), task.updated_at)
    again = phone.update(task.id, TaskChanges(title="  Same words ", due_date=None), task.updated_at)
    assert again == theirs


class LostCommits:
    """A Database whose every COMMIT succeeds but whose answer is lost, so the work runs
    again, as Database.run and Database.call do after a connection drops during COMMIT."""

    def __init__(self, db) -> None:
        self.db = db

    def run(self, token, work):
        self.db.run(token, work)
        return self.db.run(token, work)

    def call(self, token, statement, params, *, write=False):
        self.db.call(token, statement, params, write=write)
        return self.db.call(token, statement, params, write=write)


def test_a_versioned_edit_survives_a_retry_after_a_lost_commit(client_db, laptop, task):
    flaky = TaskRepository(LostCommits(client_db), laptop.token)  # type: ignore[arg-type]
    stored = flaky.update(task.id, TaskChanges(title="Once", priority=Priority.LOW), task.updated_at)
    assert stored.title == "Once" and stored.priority is Priority.LOW
    assert laptop.get(task.id) == stored
    done = flaky.toggle(stored, stored.updated_at)
    assert done.completed is True


def test_without_a_version_the_last_write_wins_as_before(laptop, phone, task):
    laptop.update(task.id, TaskChanges(title="Laptop"))
    last = phone.update(task.id, TaskChanges(title="Phone"))
    assert last.title == "Phone"
    assert laptop.get(task.id) == last


def test_a_stale_edit_of_a_deleted_task_is_not_found(laptop, phone, task):
    assert laptop.delete([task.id]) == 1
    with pytest.raises(NotFoundError):
        phone.update(task.id, TaskChanges(title="Too late"), expected_version=task.updated_at)
    with pytest.raises(NotFoundError):
        phone.toggle(task, task.updated_at)


def test_a_version_never_reveals_someone_elses_task(bob_tasks, phone):
    bobs = bob_tasks.create(TaskDraft(title="Bob's"))
    with pytest.raises(NotFoundError):
        phone.update(bobs.id, TaskChanges(title="mine"), expected_version=bobs.updated_at)
    assert bob_tasks.get(bobs.id) == bobs


def test_a_naive_version_is_a_programming_error(laptop, task):
    with pytest.raises(ValueError, match="timezone-aware"):
        laptop.update(task.id, TaskChanges(title="x"), expected_version=datetime(2026, 1, 1))


def test_simultaneous_edits_of_one_version_let_exactly_one_through(laptop, phone, task):
    results: list[object] = []
    start = threading.Barrier(2)

    def edit(repo: TaskRepository, title: str) -> None:
        start.wait()
        try:
            results.append(repo.update(task.id, TaskChanges(title=title), task.updated_at))
        except StaleEditError as exc:
            results.append(exc)

    threads = [threading.Thread(target=edit, args=(r, t)) for r, t in ((laptop, "A"), (phone, "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    written = [r for r in results if isinstance(r, Task)]
    refused = [r for r in results if isinstance(r, StaleEditError)]
    assert len(written) == 1 and len(refused) == 1
    assert refused[0].current == written[0] == laptop.get(task.id)


# -- changed since -------------------------------------------------------------------------


def test_changed_since_returns_exactly_the_changed_tasks_in_commit_order(laptop, phone, bob_tasks):
    start = laptop.change_cursor()
    a, _b, c, d = (laptop.create(TaskDraft(title=t)) for t in "abcd")
    bob_tasks.create(TaskDraft(title="Bob's, never shown"))
    mark = laptop.change_cursor()
    assert changes(phone, mark) == []

    c2 = phone.update(c.id, TaskChanges(priority=Priority.HIGH))
    a2 = laptop.toggle(a)  # completed
    between = laptop.change_cursor()
    e = phone.create(TaskDraft(title="e"))
    laptop.delete([d.id])  # deletions leave nothing to find

    changed = changes(laptop, mark)
    assert changed == [c2, a2, e]
    assert changes(phone, mark) == changed
    assert laptop.changed_since(mark, limit=2).tasks == (c2, a2)
    assert changes(laptop, between) == [e]
    assert [t.title for t in changes(laptop, start)] == ["b", "c", "a", "e"]


def test_changed_since_reads_short_index_ranges(laptop, client_db, test_db):
    """Whether a device was away for an hour or polls every 30 s, the query reads an index
    range in order and stops at ``limit``: never the table, never a sort of all the rows."""
    away = laptop.change_cursor()
    with test_db.superuser() as conn:
        user = conn.execute("SELECT id FROM users WHERE email = 'alice@example.com'").fetchone()[0]
        hash_ = conn.execute("SELECT password_hash FROM users WHERE id = %s", (user,)).fetchone()[0]
        conn.execute(
            "INSERT INTO users (email, first_name, last_name, password_hash) "
            "SELECT 'u' || i || '@example.com', 'U', 'T', %s FROM generate_series(1, 200) i",
            (hash_,),
        )
        conn.execute(
            "INSERT INTO tasks (id, user_id, title, completed, created_at) "
            "SELECT gen_random_uuid(), u.id, 'task ' || i, i %% 3 = 0, now() - i * interval '1 s' "
            "FROM users u, generate_series(1, CASE WHEN u.id = %s THEN 20000 ELSE 100 END) i",
            (user,),
        )
        conn.execute("ANALYZE tasks")
        # Other people keep editing too; their changes are not this person's business.
        conn.execute("UPDATE tasks SET title = title || '!' WHERE user_id <> %s AND title LIKE '%%7'", [user])
    newest = laptop.change_cursor()
    edited = [laptop.update(t.id, TaskChanges(title="edited")) for t in laptop.changed_since(away, 3).tasks]
    edited[1] = laptop.toggle(edited[1])

    # However many rows changed, a poll's page reads a short index range: never the table,
    # never a sort of all of a person's rows (a seq scan of these 40,000 tasks reads ~500
    # pages). One transaction's rows go by task id, so a page of 50 reads up to 50 heap pages.
    for since, most_blocks in ((away, 100), (newest, 60)):
        with test_db.superuser() as su:
            blocks = blocks_read(
                su,
                laptop.token,
                "todo_api.changed_since(%(since)s, NULL, NULL, 50)",
                {"since": int(since.token)},
            )
        assert blocks < most_blocks, blocks
    assert changes(laptop, newest) == [edited[0], edited[2], edited[1]]
    assert len(laptop.changed_since(away).tasks) == 500


def test_changed_since_refuses_a_cursor_it_did_not_make(laptop):
    for token in ("abc", "-1", "1:2", "1:x:y", "\uff11\uff12"):
        with pytest.raises(ValueError, match="not made by this app"):
            laptop.changed_since(ChangeCursor(token))
