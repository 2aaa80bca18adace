"""Tags and repeats from the attacker's side: a client role with an account of its own and
hand-written calls. Another person's tags are never seen, renamed, merged, deleted or filtered
by; limits hold against arrays built to hurt; a next occurrence's id that belongs to someone
else neither overwrites nor reveals their task."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import errors as pg

from tests.support.attack_helpers import as_session, attacker
from todo_desktop.core.values import (
    NextOccurrence,
    TagCount,
    TagRemoval,
    TaskChanges,
    TaskDraft,
    TaskEdit,
    TaskQuery,
)

DUE = datetime(2027, 1, 4, 9, tzinfo=UTC)
PAGE = (
    "SELECT * FROM todo_api.tasks_page('due', false, NULL, NULL, NULL, NULL, NULL, 'dated', NULL, NULL, "
    "NULL, NULL, 100, %s)"
)
# create_task with tags: id, title, key, description, priority, due, completed, names, keys.
CREATE = (
    "SELECT * FROM todo_api.create_task(gen_random_uuid(), 't', 't', NULL, 'low', NULL, false, %s, %s, "
    "NULL, NULL)"
)


@pytest.fixture
def conn(conn, alice):
    """The attacker's connection, signed in as Alice."""
    as_session(conn, alice.token)
    return conn


@pytest.fixture
def bobs(bob_tasks):
    return [
        bob_tasks.create(TaskDraft(title=f"Bob {i}", tags=("Divorce", "lawyer"), due_date=DUE))
        for i in range(3)
    ]


@pytest.mark.parametrize("table", ["public.tags", "public.task_tags"])
def test_the_tag_tables_cannot_be_read_or_written(conn, alice, table):
    for statement in (f"SELECT * FROM {table}", f"DELETE FROM {table}", f"LOCK TABLE {table}"):
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(statement)
        conn.rollback()
        as_session(conn, alice.token)


def test_rls_is_forced_on_the_tag_tables_and_binds_the_functions_owner(test_db, alice, bobs):
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname IN ('tags', 'task_tags') AND relnamespace = 'public'::regnamespace ORDER BY 1"
        ).fetchall()
        assert rows == [("tags", True, True), ("task_tags", True, True)]
        su.execute("SET ROLE todo_api_owner")
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        assert su.execute("SELECT count(*) FROM public.tags").fetchone()[0] == 0
        assert su.execute("SELECT count(*) FROM public.task_tags").fetchone()[0] == 0
        assert su.execute("UPDATE public.tags SET name = 'x'").rowcount == 0


def test_another_persons_tags_are_never_seen_or_touched(alice_tasks, bob_tasks, bobs):
    alice_tasks.create(TaskDraft(title="mine", tags=("groceries",)))
    assert alice_tasks.tags() == [TagCount("groceries", 1)]
    assert alice_tasks.list(TaskQuery(tag="divorce")).tasks == ()
    assert alice_tasks.rename_tag("divorce", "groceries") == 0  # no merge into hers either
    assert alice_tasks.rename_tag("lawyer", "pwned") == 0
    assert alice_tasks.delete_tag("Divorce").task_ids == ()
    # Her "undo" of a delete she never made gives the tag to her own tasks only.
    assert alice_tasks.restore_tag(TagRemoval("Divorce", tuple(t.id for t in bobs))) == 0
    assert [bob_tasks.get(t.id) for t in bobs] == bobs
    assert bob_tasks.tags() == [TagCount("Divorce", 3), TagCount("lawyer", 3)]
    assert [t.name for t in alice_tasks.tags()] == ["Divorce", "groceries"]  # her own, new, empty


def test_a_tag_filter_on_another_persons_tag_tells_nothing(conn, bobs):
    rows = conn.execute(PAGE, ("divorce",)).fetchall()
    assert rows == []
    plan = "\n".join(r[0] for r in conn.execute("EXPLAIN ANALYZE " + PAGE, ("divorce",)).fetchall())
    assert "Function Scan" in plan and "Removed" not in plan and "tags" not in plan, plan

    # As quick as a tag nobody has: both stop at the lookup of the caller's own tags.
    def timed(key: str) -> float:
        best = 1e9
        for _ in range(30):
            t0 = time.perf_counter()
            conn.execute(PAGE, (key,)).fetchall()
            best = min(best, time.perf_counter() - t0)
        return best

    assert timed("divorce") < 3 * timed(uuid.uuid4().hex)


def test_names_and_keys_of_anothers_tags_cannot_be_forged(conn, alice_tasks, bob_tasks, bobs):
    """A key is the client's; a forged one only muddles the caller's own tags."""
    made = conn.execute(CREATE, (["Divorce"], ["lawyer"])).fetchall()  # Bob's name and key, crossed
    assert made[0][11] == ["Divorce"]  # her own new tag, keyed as she said
    conn.commit()
    as_session(conn, alice_tasks.token)
    with pytest.raises(psycopg.Error, match="do not agree") as info:  # one name under a second key
        conn.execute(CREATE, (["Divorce"], ["divorce"]))
    assert info.value.sqlstate == "TDV01"
    conn.rollback()
    assert [bob_tasks.get(t.id) for t in bobs] == bobs


@pytest.mark.parametrize(
    ("names", "keys", "error"),
    [
        (["x" * 10_000], ["x" * 10_000], pg.CheckViolation),  # a huge name
        (["two words"], ["two words"], pg.CheckViolation),
        (["#hash"], ["#hash"], pg.CheckViolation),
        (["1st"], ["1st"], pg.CheckViolation),
        (["a\u2028b"], ["a\u2028b"], pg.CheckViolation),  # a line separator
        (["ok"], ["x" * 200], pg.CheckViolation),  # a key no name folds to
        ([f"t{i}" for i in range(10_000)], [f"t{i}" for i in range(10_000)], psycopg.Error),
        (["a", "b"], ["a"], psycopg.Error),  # arrays that do not add up
        (["a", None], ["a", "b"], psycopg.Error),
    ],
)
def test_bad_tag_arrays_are_refused_and_leave_nothing(conn, test_db, names, keys, error):
    started = time.perf_counter()
    with pytest.raises(error):
        conn.execute(CREATE, (names, keys))
    assert time.perf_counter() - started < 2.0
    conn.rollback()
    with test_db.superuser() as su:
        assert su.execute("SELECT count(*) FROM public.tags").fetchone()[0] == 0


def test_a_nul_byte_in_a_tag_is_refused(conn):
    with pytest.raises((pg.CharacterNotInRepertoire, pg.DataError, ValueError)):
        conn.execute(CREATE, (["a\x00b"], ["a\x00b"]))


def test_ten_thousand_tags_for_one_task_are_refused_before_a_name_is_read(conn, test_db):
    names = [f"t{i}" for i in range(10_000)]
    started = time.perf_counter()
    with pytest.raises(psycopg.Error, match="at most 20 tags") as info:
        conn.execute(CREATE, (names, names))
    assert info.value.sqlstate == "TDQ05" and time.perf_counter() - started < 1.0
    conn.rollback()
    with test_db.superuser() as su:
        assert su.execute("SELECT count(*) FROM public.tags").fetchone()[0] == 0


def test_the_per_person_limit_counts_tags_made_by_any_call(alice_tasks, test_db):
    from todo_desktop.core.errors import LimitError

    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.settings SET max_tags_per_user = 30")
    task = alice_tasks.create(TaskDraft(title="t"))
    for k in range(3):
        alice_tasks.update(task.id, TaskChanges(tags=tuple(f"k{k}x{i}" for i in range(10))))
    with pytest.raises(LimitError, match="as many tags"):
        alice_tasks.update(task.id, TaskChanges(tags=("one-more",)))
    with pytest.raises(LimitError, match="as many tags"):
        alice_tasks.restore_tag(TagRemoval("again", (task.id,)))
    assert len(alice_tasks.tags()) == 30


def test_a_next_occurrence_id_of_someone_elses_task_neither_overwrites_nor_shows(
    alice_tasks, bob_tasks, bobs, test_db
):
    mine = alice_tasks.create(TaskDraft(title="Mine", due_date=DUE, repeat="FREQ=DAILY"))
    theirs = bobs[0]
    edit = TaskEdit(mine.id, TaskChanges(completed=True), mine.updated_at, NextOccurrence(theirs.id, DUE))
    outcome = alice_tasks.update_many([edit])
    assert outcome.stored[0].completed and outcome.created == () and outcome.deleted == ()
    assert bob_tasks.get(theirs.id) == theirs
    # An "undo" naming Bob's task as the occurrence to take back deletes nothing of his.
    undo = TaskEdit(mine.id, TaskChanges(completed=False), None, NextOccurrence(theirs.id, None))
    assert alice_tasks.update_many([undo]).deleted == ()
    assert bob_tasks.get(theirs.id) == theirs


def test_a_made_up_next_occurrence_for_a_task_that_does_not_repeat_makes_nothing(alice_tasks):
    plain = alice_tasks.create(TaskDraft(title="plain", due_date=DUE))
    edit = TaskEdit(plain.id, TaskChanges(completed=True), None, NextOccurrence(uuid.uuid4(), DUE))
    assert alice_tasks.update_many([edit]).created == ()
    assert len(alice_tasks.list(TaskQuery()).tasks) == 0


def test_next_occurrence_arrays_are_checked_like_the_rest(conn, alice_tasks):
    task = alice_tasks.create(TaskDraft(title="x", repeat="FREQ=DAILY"))
    base = [
        [task.id],
        [None],
        [16],
        [None],
        [None],
        [None],
        [None],
        [None],
        [True],
        [None],
        [],
        [],
        [None],
        [None],
    ]
    for nexts, dues in (([uuid.uuid4(), uuid.uuid4()], [DUE]), ([uuid.uuid4()], [DUE, DUE])):
        with pytest.raises(pg.ArraySubscriptError, match="one value per task"):
            conn.execute(
                "SELECT * FROM todo_api.update_tasks(" + ", ".join(["%s"] * 16) + ")", (*base, nexts, dues)
            )
        conn.rollback()
        as_session(conn, alice_tasks.token)
    # Due outside the range a task may have: refused by the tasks' own check, all of it.
    with pytest.raises(pg.CheckViolation):
        conn.execute(
            "SELECT * FROM todo_api.update_tasks(" + ", ".join(["%s"] * 16) + ")",
            (*base, [uuid.uuid4()], [datetime(9999, 6, 1, tzinfo=UTC)]),
        )
    conn.rollback()
    assert alice_tasks.get(task.id) == task


def test_every_todo_api_function_follows_the_api_rules(test_db, conn):
    """Owned by the NOLOGIN owner, search_path pinned, never callable by PUBLIC; clients call
    the API functions (definer's rights) and none of the helpers."""
    helpers = {
        "signed_in_user",
        "check_batch",
        "check_arrays",
        "check_tags",
        "save_tags",
        "canonical_tags",
        "each_once",
        "tasks_page_built",
        "search_terms",
        "search_candidates",
        "search_top",
        "search_title_top",  # best match first's top tier (revision 0037)
        "import_rows",
        "change_range",  # checks a change cursor (revision 0034)
    }
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT p.proname, p.oid::regprocedure::text, r.rolname, p.prosecdef, p.proconfig, "
            "has_function_privilege('todo_app', p.oid, 'EXECUTE'), "
            "p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) "
            "FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
            "WHERE p.pronamespace = 'todo_api'::regnamespace"
        ).fetchall()
    names = {r[0] for r in rows}
    assert {"tags", "rename_tag", "delete_tag", "restore_tag"} <= names and helpers <= names
    # Revision 0004 let clients call these two: they tell a caller only about itself.
    harmless = {"signed_in_user", "check_batch"}
    for name, signature, owner, definer, settings, clients, public in rows:
        # The exceptions: the search candidates' role reads the search indexes, nothing else.
        searches = {"search_candidates", "search_top", "search_title_top"}
        expected = "todo_search_owner" if name in searches else "todo_api_owner"
        assert owner == expected and not public, signature
        assert any(re.match(r"search_path=pg_catalog, ?pg_temp", s) for s in settings or ()), signature
        if name not in harmless:
            assert clients is (name not in helpers), signature
            assert definer or not clients, signature
    for call in (
        "SELECT todo_api.save_tags(gen_random_uuid(), '{a}', '{a}')",
        "SELECT todo_api.canonical_tags(gen_random_uuid(), '{a}')",
    ):
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(call)
        conn.rollback()


def test_no_session_no_tags(test_db, bobs):
    c = attacker(test_db.client_url)
    try:
        for call in (
            "SELECT * FROM todo_api.tags(100)",
            "SELECT todo_api.rename_tag('divorce', 'x', 'x')",
            "SELECT * FROM todo_api.delete_tag('divorce')",
        ):
            with pytest.raises(pg.InsufficientPrivilege):
                c.execute(call)
            c.rollback()
    finally:
        c.close()


def test_a_rename_and_a_delete_never_wait_on_another_persons_rows(test_db, alice_tasks, bobs, bob_tasks):
    """Bob holds a lock on his tag; Alice's calls with the same key never touch it."""
    with test_db.superuser() as su:
        su.execute("BEGIN")
        su.execute("SELECT * FROM public.tags WHERE name = 'Divorce' FOR UPDATE")
        started = time.perf_counter()
        assert alice_tasks.rename_tag("divorce", "x") == 0
        assert alice_tasks.delete_tag("divorce").task_ids == ()
        assert time.perf_counter() - started < 2.0
        su.execute("ROLLBACK")
    assert bob_tasks.list(TaskQuery(tag="divorce", due_after=DUE - timedelta(days=1))).tasks != ()
