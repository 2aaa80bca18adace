"""The batch functions from the attacker's side: a client role with an account of its own,
hand-written calls of todo_api.update_tasks / delete_tasks / restore_tasks, and arrays built
to hurt. Another person's task inside a batch must behave exactly as an id that does not
exist; a batch too big or malformed must be refused before any row is read."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest
from psycopg import errors as pg

from tests.support.attack_helpers import as_session, attacker
from todo_desktop.core.values import Task, TaskDraft

UPDATE = "SELECT * FROM todo_api.update_tasks(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
DELETE = "SELECT * FROM todo_api.delete_tasks(%s, %s)"
RESTORE = "SELECT * FROM todo_api.restore_tasks(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
TITLE = 1
PRIORITY = 4


def update_args(ids: list, title: str = "pwned", fields: int = TITLE | PRIORITY) -> tuple:
    """update_tasks arguments setting ``title`` and priority 'urgent' on every id, with no version."""
    k = len(ids)
    return (
        ids,
        [None] * k,
        [fields] * k,
        [title] * k,
        [title] * k,
        [None] * k,
        ["urgent"] * k,
        [None] * k,
        [None] * k,
    )


def restore_args(ids: list, title: str = "restored") -> tuple:
    k = len(ids)
    return (
        ids,
        [title] * k,
        [title] * k,
        [None] * k,
        ["low"] * k,
        [None] * k,
        [False] * k,
        [None] * k,
        [None] * k,
    )


@pytest.fixture
def bobs(bob_tasks) -> Task:
    return bob_tasks.create(TaskDraft(title="Bob's secret plan", description="launch codes"))


@pytest.fixture
def mine(alice_tasks) -> list[Task]:
    return [alice_tasks.create(TaskDraft(title=f"Mine {i}")) for i in range(3)]


def answer(conn, token: str, statement: str, args: tuple) -> list[tuple]:
    """The rows one call returns, rolled back: what the caller learns, and nothing written."""
    as_session(conn, token)
    try:
        return conn.execute(statement, args).fetchall()
    finally:
        conn.rollback()


def without_ids(rows: list[tuple], *ids: uuid.UUID) -> list[tuple]:
    """Rows with the ids and the times (which differ between two calls) left out."""
    return [(r[0], *r[2:6]) for r in rows if r[1] not in ids]


def test_another_persons_task_in_a_batch_is_neither_changed_nor_revealed(conn, alice, bob_tasks, bobs, mine):
    stranger = uuid.uuid4()
    ids = [t.id for t in mine]
    for statement, make in ((UPDATE, update_args), (DELETE, lambda i: (i, [None] * len(i)))):
        with_bobs = answer(conn, alice.token, statement, make([*ids[:2], bobs.id, ids[2]]))
        with_nobody = answer(conn, alice.token, statement, make([*ids[:2], stranger, ids[2]]))
        # The same answer as for an id nobody holds: no row for it, the others as asked.
        assert {r[1] for r in with_bobs} == {r[1] for r in with_nobody} == set(ids)
        assert without_ids(with_bobs) == without_ids(with_nobody)
        assert all("launch" not in str(r) and "Bob" not in str(r) for r in with_bobs)
    # Versioned, so a stale answer would carry the stored row: still nothing of Bob's.
    stale = answer(conn, alice.token, DELETE, ([bobs.id], [bobs.created_at]))
    assert stale == []
    as_session(conn, alice.token)
    made = conn.execute(RESTORE, restore_args([bobs.id, ids[0]])).fetchall()
    conn.commit()
    assert [r[0] for r in made] == [ids[0]]  # his id is not free: no row, and nothing of his shown
    assert bob_tasks.get(bobs.id) == bobs


def test_a_batch_never_waits_on_another_persons_locked_task(test_db, conn, alice, bob, bobs, mine):
    """Waiting on a row lock would tell, by the time taken, that the id exists. (A restore,
    like a create, is an insert of a client-made id, and the answer itself says whether that
    id is taken: no row. Its unique check waits for Bob's open transaction like any insert.)"""
    holder = attacker(test_db.client_url)
    try:
        as_session(holder, bob.token)
        holder.execute(UPDATE, update_args([bobs.id], "held"))  # Bob's row stays locked until he commits
        as_session(conn, alice.token)
        conn.execute("SET LOCAL lock_timeout = '300ms'")
        started = time.monotonic()
        conn.execute(UPDATE, update_args([bobs.id, mine[0].id])).fetchall()
        conn.execute(DELETE, ([bobs.id, mine[1].id], [None, None])).fetchall()
        assert time.monotonic() - started < 2.0
        conn.rollback()
    finally:
        holder.rollback()
        holder.close()


CALLS = {
    "update": (UPDATE, update_args),
    "delete": (DELETE, lambda ids: (ids, [None] * len(ids))),
    "restore": (RESTORE, restore_args),
}


MILLION = 1_000_000


@pytest.fixture(scope="module")
def million_ids() -> str:
    """A million ids as one array literal, built once: the time measured is the server's."""
    return "{" + ",".join(str(uuid.uuid4()) for _ in range(MILLION)) + "}"


@pytest.mark.parametrize(
    ("function", "where", "kind"),
    [("update", 0, "uuid[]"), ("update", 3, "text[]"), ("delete", 0, "uuid[]"), ("restore", 0, "uuid[]")],
    ids=["update", "update-titles", "delete", "restore"],
)
def test_a_million_ids_are_refused_at_once_with_the_limit(
    conn, alice, mine, million_ids, function, where, kind
):
    """Refused before any row is read or any array unnested: no slower than reading the
    argument, and the same clear limit as every other batch. A million values in any one
    array (here: titles beside a single id) count as a million tasks."""
    statement, made = CALLS[function]
    args = list(made([mine[0].id]))
    args[where] = million_ids if kind == "uuid[]" else million_ids.replace("-", "")
    head, *rest = statement.split("%s")  # the argument sent as text, cast on the server
    statement = head + "".join(("%s" if i != where else f"%s::{kind}") + r for i, r in enumerate(rest))
    as_session(conn, alice.token)
    started = time.monotonic()
    conn.execute("SELECT cardinality(%s::text[])", (million_ids,)).fetchone()
    reading = time.monotonic() - started
    started = time.monotonic()
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement, tuple(args))
    took = time.monotonic() - started
    conn.rollback()
    assert caught.value.sqlstate == "TDQ04"
    assert caught.value.diag.message_primary == "at most 10000 tasks at once"
    assert took < 2 * reading + 1.0, f"{took:.2f} s to refuse, {reading:.2f} s to read the argument"


@pytest.mark.parametrize(
    ("function", "args", "error"),
    [
        ("update", "null-id", pg.NullValueNotAllowed),
        ("update", "null-fields", pg.NullValueNotAllowed),
        ("update", "twice", pg.CardinalityViolation),
        ("update", "short", pg.ArraySubscriptError),
        ("update", "null-array", pg.ArraySubscriptError),
        ("delete", "null-id", pg.NullValueNotAllowed),
        ("delete", "twice", pg.CardinalityViolation),
        ("delete", "short", pg.ArraySubscriptError),
        ("restore", "null-id", pg.NullValueNotAllowed),
        ("restore", "twice", pg.CardinalityViolation),
        ("restore", "short", pg.ArraySubscriptError),
    ],
)
def test_malformed_batches_are_refused_and_write_nothing(
    conn, alice, alice_tasks, mine, function, args, error
):
    ids = [t.id for t in mine]
    statement, made = CALLS[function]
    if args == "null-id":
        call = made([ids[0], None, ids[2]])
    elif args == "twice":
        call = made([ids[0], ids[1], ids[0]])
    elif args == "short":
        call = (*made(ids)[:-1], made(ids)[-1][:2])  # the last array one value short
    elif args == "null-array":
        call = (*made(ids)[:-1], None)
    else:  # null-fields
        values = list(made(ids))
        values[2] = [TITLE, None, TITLE]
        call = tuple(values)
    as_session(conn, alice.token)
    with pytest.raises(error):
        conn.execute(statement, call)
    conn.rollback()
    assert [alice_tasks.get(t.id) for t in mine] == mine


def test_a_value_refused_in_the_middle_of_a_batch_rolls_back_all_of_it(conn, alice, alice_tasks, mine):
    ids = [t.id for t in mine]
    args = list(update_args(ids))
    args[6] = ["urgent", "not a priority", "urgent"]
    as_session(conn, alice.token)
    with pytest.raises(pg.CheckViolation):
        conn.execute(UPDATE, tuple(args))
    conn.rollback()
    assert [alice_tasks.get(t.id) for t in mine] == mine


def test_without_a_session_a_batch_is_refused(conn, mine):
    ids = [t.id for t in mine]
    for statement, args in (
        (UPDATE, update_args(ids)),
        (DELETE, (ids, [None] * 3)),
        (RESTORE, restore_args(ids)),
    ):
        as_session(conn, None)
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(statement, args)
        conn.rollback()


def test_the_batch_functions_follow_the_api_rules(test_db, conn):
    api = {
        "update_tasks": "uuid[], timestamptz[], integer[], text[], text[], text[], text[], timestamptz[], "
        "boolean[], integer[], text[], text[], text[], boolean[], uuid[], timestamptz[]",
        "delete_tasks": "uuid[], timestamptz[]",
        "restore_tasks": "uuid[], text[], text[], text[], text[], timestamptz[], boolean[], timestamptz[], "
        "timestamptz[], integer[], text[], text[], text[], boolean[]",
        "import_tasks": "json",
    }
    with test_db.superuser() as su:
        for name, types in api.items():
            row = su.execute(
                "SELECT r.rolname, p.prosecdef, p.proconfig, "
                "has_function_privilege('todo_app', p.oid, 'EXECUTE'), "
                "p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) "
                "FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
                f"WHERE p.oid = 'todo_api.{name}({types})'::regprocedure"
            ).fetchone()
            # Owned by the NOLOGIN owner, definer's rights, search_path pinned, clients only.
            owner, definer, settings, clients, public = row
            assert (owner, definer, clients, public) == ("todo_api_owner", True, True, False), name
            assert "search_path=pg_catalog, pg_temp" in settings, name
        helper = su.execute(
            "SELECT has_function_privilege('todo_app', 'todo_api.check_arrays(uuid[], integer[])', 'EXECUTE')"
        ).fetchone()[0]
        assert helper is False
        gone = su.execute(
            "SELECT count(*) FROM pg_proc WHERE pronamespace = 'todo_api'::regnamespace "
            "AND (proname = 'set_completed' OR (proname = 'delete_tasks' AND pronargs = 1))"
        ).fetchone()[0]
        assert gone == 0
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute("SELECT todo_api.check_arrays(ARRAY[gen_random_uuid()], 1)")
    conn.rollback()
