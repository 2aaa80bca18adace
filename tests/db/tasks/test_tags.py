"""Tags through the repository, against a real PostgreSQL: kept as first spelled and compared
case-insensitively, in the order given, returned by every call that returns a task, renamed,
merged, deleted and given back, and a tag filter on every list order that pages by keyset."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.change_reads import changed as changes
from tests.support.outbox_helpers import Traffic, all_tasks
from todo_desktop.core.errors import LimitError, ValidationError
from todo_desktop.core.values import (
    Priority,
    SmartList,
    SortKey,
    Status,
    TagCount,
    TagRemoval,
    TaskChanges,
    TaskDraft,
    TaskEdit,
    TaskQuery,
)

DUE = datetime(2027, 5, 6, 7, 8, tzinfo=UTC)


@pytest.fixture
def traffic(client_db):
    watched = Traffic(client_db.engine)
    yield watched
    watched.close()


def _stored_links(test_db, task_id: uuid.UUID) -> list[str]:
    """The tags task_tags holds for a task (as the superuser), by name."""
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT g.name FROM public.task_tags x JOIN public.tags g ON g.id = x.tag_id "
            "WHERE x.task_id = %s ORDER BY g.name",
            (task_id,),
        ).fetchall()
    return [r[0] for r in rows]


def test_tags_keep_the_first_spelling_and_the_order_given(alice_tasks, test_db):
    first = alice_tasks.create(TaskDraft(title="Call mom", tags=("Family", "#NYC", "family", "calls")))
    assert first.tags == ("Family", "NYC", "calls")
    # Another task typed #FAMILY gets the tag as first spelled: one tag, whatever the case.
    second = alice_tasks.create(TaskDraft(title="Dinner", tags=("nyc", "FAMILY")))
    assert second.tags == ("NYC", "Family")
    assert alice_tasks.get(second.id) == second
    assert _stored_links(test_db, second.id) == ["Family", "NYC"]
    assert alice_tasks.tags() == [TagCount("calls", 1), TagCount("Family", 2), TagCount("NYC", 2)]


def test_every_call_that_returns_a_task_returns_its_tags_and_repeat(alice_tasks):
    start = alice_tasks.change_cursor()
    made = alice_tasks.create(
        TaskDraft(title="Water plants", tags=("home",), repeat="FREQ=WEEKLY;BYDAY=SA", due_date=DUE)
    )
    assert (made.tags, made.repeat, made.repeat_after_completion) == (
        ("home",),
        "FREQ=WEEKLY;BYDAY=SA",
        False,
    )
    assert alice_tasks.get(made.id) == made
    assert alice_tasks.list(TaskQuery()).tasks == (made,)
    assert alice_tasks.list(TaskQuery(status=Status.ALL, sort=SortKey.TITLE)).tasks == (made,)
    assert made in changes(alice_tasks, start)
    cursor = alice_tasks.change_cursor()
    changed = alice_tasks.update(made.id, TaskChanges(tags=("home", "garden"), repeat_after_completion=True))
    assert (changed.tags, changed.repeat_after_completion) == (("home", "garden"), True)
    assert changes(alice_tasks, cursor) == [changed]
    assert alice_tasks.delete_unchanged({made.id: changed.updated_at}).deleted == (made.id,)
    back = alice_tasks.restore_many([changed]).stored[0]
    assert (back.tags, back.repeat, back.repeat_after_completion) == (changed.tags, changed.repeat, True)


def test_setting_tags_is_a_new_version_and_the_same_tags_are_not(alice_tasks, test_db):
    task = alice_tasks.create(TaskDraft(title="a", tags=("x", "y")))
    [same] = alice_tasks.update_many(
        [TaskEdit(task.id, TaskChanges(tags=("Y", "x")), task.updated_at)]
    ).stored
    assert same.tags == ("y", "x") and same.updated_at > task.updated_at  # the order is part of them
    [again] = alice_tasks.update_many(
        [TaskEdit(task.id, TaskChanges(tags=("y", "X")), same.updated_at)]
    ).stored
    assert again == same  # nothing to write: no new version for other devices to fetch
    cleared = alice_tasks.update(task.id, TaskChanges(tags=()))
    assert cleared.tags == () and _stored_links(test_db, task.id) == []
    assert alice_tasks.tags() == [TagCount("x", 0), TagCount("y", 0)]  # kept until deleted


def test_a_batch_gives_each_task_its_own_tags(alice_tasks, test_db):
    a, b, c = (alice_tasks.create(TaskDraft(title=t)) for t in "abc")
    outcome = alice_tasks.update_many(
        [
            TaskEdit(a.id, TaskChanges(tags=("one",))),
            TaskEdit(b.id, TaskChanges(title="B")),
            TaskEdit(c.id, TaskChanges(tags=("two", "One", "three"))),
        ]
    )
    stored = {t.id: t.tags for t in outcome.stored}
    # One tag, spelled as the first task of the batch (in the order sent: by id) spelled it.
    spelled = stored[a.id][0]
    assert spelled in ("one", "One")
    assert stored == {a.id: (spelled,), b.id: (), c.id: ("two", spelled, "three")}
    assert _stored_links(test_db, c.id) == sorted([spelled, "three", "two"])


def test_the_counts_beside_the_tags_are_of_open_tasks(alice_tasks):
    tasks = [alice_tasks.create(TaskDraft(title=f"t{i}", tags=("work",))) for i in range(4)]
    alice_tasks.update_many([TaskEdit(t.id, TaskChanges(completed=True)) for t in tasks[:3]])
    assert alice_tasks.tags() == [TagCount("work", 1)]
    counts = alice_tasks.counts(datetime.now(UTC), UTC)
    assert (counts[SmartList.INBOX], counts[SmartList.COMPLETED]) == (1, 3)


def test_renaming_a_tag_renames_it_on_every_task(alice_tasks, test_db):
    tasks = [alice_tasks.create(TaskDraft(title=f"t{i}", tags=("Hom", "x"))) for i in range(3)]
    assert alice_tasks.rename_tag("hom", "Home") == 3
    for before in tasks:
        after = alice_tasks.get(before.id)
        assert after.tags == ("Home", "x") and after.updated_at > before.updated_at
    assert alice_tasks.rename_tag("HOME", "home") == 3  # a new spelling of the same tag
    assert [t.tags for t in all_tasks(alice_tasks)] == [("home", "x")] * 3
    assert alice_tasks.rename_tag("nothing", "else") == 0
    assert [t.name for t in alice_tasks.tags()] == ["home", "x"]
    assert _stored_links(test_db, tasks[0].id) == ["home", "x"]


def test_renaming_into_an_existing_tag_merges_them(alice_tasks, test_db):
    both = alice_tasks.create(TaskDraft(title="both", tags=("errands", "shop", "z")))
    one = alice_tasks.create(TaskDraft(title="one", tags=("shop",)))
    other = alice_tasks.create(TaskDraft(title="other", tags=("Errands",)))
    assert alice_tasks.rename_tag("shop", "ERRANDS") == 2
    assert alice_tasks.get(both.id).tags == ("errands", "z")  # once, where it stood first
    assert alice_tasks.get(one.id).tags == ("errands",)
    assert alice_tasks.get(other.id).tags == ("errands",)
    assert alice_tasks.tags() == [TagCount("errands", 3), TagCount("z", 1)]
    with test_db.superuser() as su:
        assert su.execute("SELECT count(*) FROM public.tags").fetchone()[0] == 2


def test_deleting_a_tag_returns_its_tasks_and_the_undo_gives_it_back(alice_tasks):
    tagged = [alice_tasks.create(TaskDraft(title=f"t{i}", tags=("a", "Later", "b"))) for i in range(3)]
    plain = alice_tasks.create(TaskDraft(title="plain", tags=("b",)))
    removal = alice_tasks.delete_tag("LATER")
    assert removal == TagRemoval("Later", tuple(sorted(t.id for t in tagged)))
    assert {alice_tasks.get(t.id).tags for t in tagged} == {("a", "b")}
    assert [t.name for t in alice_tasks.tags()] == ["a", "b"]
    assert alice_tasks.delete_tag("later") == TagRemoval("later", ())  # twice: harmless
    alice_tasks.delete([tagged[0].id])  # gone meanwhile: not brought back
    assert alice_tasks.restore_tag(removal) == 2
    assert {alice_tasks.get(t.id).tags for t in tagged[1:]} == {("a", "b", "Later")}
    assert alice_tasks.get(plain.id).tags == ("b",)
    assert alice_tasks.restore_tag(removal) == 0  # again: changes nothing
    assert alice_tasks.list(TaskQuery(tag="later")).tasks == tuple(
        sorted((alice_tasks.get(t.id) for t in tagged[1:]), key=lambda t: (t.due_date is None, t.created_at))
    )


def test_tag_operations_are_one_call_and_one_transaction(alice_tasks, traffic):
    for i in range(3):
        alice_tasks.create(TaskDraft(title=f"t{i}", tags=("x",)))
    for call, run in (
        ("todo_api.rename_tag(", lambda: alice_tasks.rename_tag("x", "y")),
        ("todo_api.delete_tag(", lambda: alice_tasks.delete_tag("y")),
    ):
        traffic.clear()
        run()
        assert (traffic.calls(call), traffic.commits, len(traffic.statements)) == (1, 1, 1)


@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize("status", [Status.OPEN, Status.COMPLETED, Status.ALL])
def test_a_tag_filter_pages_every_order_as_the_unfiltered_list_does(alice_tasks, sort, status):
    """Every order and status, paged three at a time by keyset: exactly the tasks with the
    tag, in the order of the whole list."""
    made = []
    for i in range(16):
        due = None if i % 4 == 0 else DUE + timedelta(days=i % 5)
        tags = ("Work",) if i % 3 else ("home", "WORK") if i % 2 else ()
        made.append(
            alice_tasks.create(
                TaskDraft(title=f"Task {15 - i:02}", priority=list(Priority)[i % 4], due_date=due, tags=tags)
            )
        )
    alice_tasks.update_many([TaskEdit(t.id, TaskChanges(completed=True)) for t in made[::5]])
    whole = _walk(alice_tasks, TaskQuery(status=status, sort=sort, limit=3))
    filtered = _walk(alice_tasks, TaskQuery(status=status, sort=sort, limit=3, tag="work"))
    assert filtered == [t for t in whole if "Work" in t.tags]
    assert len(filtered) >= (3 if status is Status.COMPLETED else 6)


def _walk(tasks, query: TaskQuery):
    found, page = [], tasks.list(query)
    found.extend(page.tasks)
    while page.next_cursor is not None:
        page = tasks.list(TaskQuery(**{**_fields(query), "after": page.next_cursor}))
        found.extend(page.tasks)
    return found


def _fields(query: TaskQuery) -> dict[str, object]:
    return {name: getattr(query, name) for name in query.__slots__}


def test_a_tag_filter_combines_with_the_other_filters(alice_tasks):
    now = datetime.now(UTC)
    match = alice_tasks.create(
        TaskDraft(title="find me", priority=Priority.URGENT, due_date=now + timedelta(days=1), tags=("t",))
    )
    for draft in (
        TaskDraft(title="find me", priority=Priority.LOW, due_date=now + timedelta(days=1), tags=("t",)),
        TaskDraft(title="find me", priority=Priority.URGENT, due_date=now + timedelta(days=1)),
        TaskDraft(title="other", priority=Priority.URGENT, due_date=now + timedelta(days=1), tags=("t",)),
        TaskDraft(title="find me", priority=Priority.URGENT, due_date=now + timedelta(days=30), tags=("t",)),
    ):
        alice_tasks.create(draft)
    query = TaskQuery(
        tag="T",
        text="find",
        priorities=frozenset({Priority.URGENT}),
        due_after=now,
        due_before=now + timedelta(days=7),
    )
    for sort in SortKey:
        assert alice_tasks.list(TaskQuery(**{**_fields(query), "sort": sort})).tasks == (match,)
    assert alice_tasks.list(TaskQuery(tag="nothing-like-it")).tasks == ()


def test_tags_count_as_stored_text(alice_tasks, test_db):
    def used() -> int:
        with test_db.superuser() as su:
            return su.execute("SELECT text_bytes FROM public.task_counts").fetchone()[0]

    task = alice_tasks.create(TaskDraft(title="ab", tags=("Küche", "x")))
    assert used() == len("ab") + len("Küche".encode()) + 1
    alice_tasks.update(task.id, TaskChanges(tags=()))
    assert used() == 2
    alice_tasks.update(task.id, TaskChanges(tags=("x",)))
    alice_tasks.delete([task.id])
    assert used() == 0


def test_the_data_layer_refuses_bad_tags_with_one_sentence(alice_tasks, traffic):
    traffic.clear()
    for tags, words in (
        (("",), "cannot be empty"),
        (("two words",), "start with a letter"),
        (("1st",), "start with a letter"),
        (("a" * 65,), "at most 64"),
        (("nul\x00",), "NUL"),
        (tuple(f"t{i}" for i in range(21)), "at most 20 tags"),
        (tuple(f"t{i}" for i in range(10_000)), "at most 20 tags"),
        ("home", "a list"),
    ):
        with pytest.raises(ValidationError, match=words) as info:
            alice_tasks.create(TaskDraft(title="x", tags=tags))  # type: ignore[arg-type]
        assert info.value.field == "tags" and info.value.message.count(".") == 1
    with pytest.raises(ValidationError):
        alice_tasks.list(TaskQuery(tag="no spaces"))
    assert traffic.statements == []  # refused before anything is sent


def test_the_tag_limit_of_an_account(alice_tasks, test_db):
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.settings SET max_tags_per_user = 5, max_tags_per_task = 4")
    alice_tasks.create(TaskDraft(title="a", tags=("t1", "t2", "t3", "t4")))
    with pytest.raises(LimitError, match="at most 4 tags"):  # the database's own, lower limit
        alice_tasks.create(TaskDraft(title="b", tags=("t1", "t2", "t3", "t4", "t5")))
    alice_tasks.create(TaskDraft(title="b", tags=("t5", "T1")))
    with pytest.raises(LimitError, match="as many tags as this database allows"):
        alice_tasks.create(TaskDraft(title="c", tags=("t6",)))
    assert [t.title for t in all_tasks(alice_tasks)] == ["b", "a"]
    alice_tasks.delete_tag("t1")  # room again
    assert alice_tasks.create(TaskDraft(title="c", tags=("t6",))).tags == ("t6",)
