"""Everything here is tried from the attacker's side: a login role that is a member of
todo_app, an account of its own, and hand-written SQL. Every attempt must fail."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

import pytest
from psycopg import errors as pg
from sqlalchemy import event

from tests.support.activity_spy import ActivitySpy
from tests.support.attack_helpers import as_session
from tests.support.database import PASSWORD
from todo_desktop.core.values import TaskChanges, TaskDraft, TaskEdit, TaskQuery

USER_DATA = [
    "public.users",
    "public.tasks",
    "public.task_counts",
    "public.task_due_days",
    "public.task_title_words",
    "todo_auth.sessions",
    "todo_auth.login_attempts",
    "todo_auth.devices",
    "todo_auth.audit_log",
    "todo_auth.settings",
]
PAGE_CALL = (
    "SELECT * FROM todo_api.tasks_page('created', NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL, 100)"
)


@pytest.fixture
def bobs_task(bob_tasks):
    return bob_tasks.create(TaskDraft(title="Bob's secret plan", description="launch codes"))


def _refused(conn, statement: str, params=None, token: str | None = None) -> None:
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute(statement, params)
    conn.rollback()
    if token:
        as_session(conn, token)


@pytest.mark.parametrize("table", USER_DATA)
def test_no_table_with_user_data_can_be_read_or_written(conn, alice, table):
    as_session(conn, alice.token)
    for statement in (
        f"SELECT * FROM {table}",
        f"SELECT count(*) FROM {table}",
        f"DELETE FROM {table}",
        f"LOCK TABLE {table} IN ACCESS SHARE MODE",
        f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE",
    ):
        _refused(conn, statement, token=alice.token)


def test_explain_cannot_count_or_bisect_hidden_rows(test_db, conn, alice, bob_tasks, bobs_task):
    """RLS hid Bob's rows from results but not from EXPLAIN ANALYZE's "Rows Removed by
    Filter": an oracle for any email or due date. Without table privileges there is nothing
    to explain, and a function call shows only the caller's own rows."""
    for i in range(30):
        bob_tasks.create(TaskDraft(title=f"bob {i}"))
    as_session(conn, alice.token)
    conn.execute("SET LOCAL enable_seqscan = off")
    for probe in (
        "EXPLAIN ANALYZE SELECT * FROM public.tasks WHERE due_date < now()",
        "EXPLAIN ANALYZE SELECT * FROM public.users WHERE email >= 'm'",
        "EXPLAIN SELECT * FROM public.users WHERE email = 'bob@example.com'",
    ):
        _refused(conn, probe, token=alice.token)
    plan = "\n".join(r[0] for r in conn.execute("EXPLAIN ANALYZE " + PAGE_CALL).fetchall())
    assert "Function Scan" in plan and re.search(r"rows=0(\.00)? loops=1", plan), plan
    assert "Removed" not in plan and "tasks" not in plan.replace("tasks_page", ""), plan


def test_planner_statistics_reveal_nothing(test_db, conn, alice, bob_tasks):
    """Plain EXPLAIN estimates and pg_stats spelled out another user's frequent title."""
    for _ in range(40):
        bob_tasks.create(TaskDraft(title="Divorce lawyer appointment"))
    with test_db.superuser() as su:
        su.execute("ANALYZE public.tasks, public.users")
    as_session(conn, alice.token)
    # The estimate for a guessed title was the other person's count of it.
    _refused(conn, "EXPLAIN SELECT * FROM public.tasks WHERE title = 'Divorce lawyer appointment'")
    leaked = conn.execute(
        "SELECT count(*) FROM pg_catalog.pg_stats WHERE schemaname IN ('public', 'todo_auth')"
    ).fetchone()[0]
    assert leaked == 0
    ext = conn.execute("SELECT count(*) FROM pg_catalog.pg_stats_ext").fetchone()[0]
    assert ext == 0


def test_no_temporary_objects_on_a_shared_server_connection(conn, alice):
    """Through a pooler, a TEMP VIEW named tasks outlived the attacker's transaction and
    the next client's unqualified query read it (with that client's token in scope)."""
    as_session(conn, alice.token)
    for ddl in (
        "CREATE TEMP VIEW tasks AS SELECT current_setting('todo.session_token') AS stolen",
        "CREATE TEMP TABLE tasks (id uuid)",
        "CREATE FUNCTION pg_temp.current_user_id() RETURNS uuid LANGUAGE sql AS 'SELECT NULL::uuid'",
    ):
        _refused(conn, ddl, token=alice.token)


def test_every_statement_the_app_sends_names_its_schema(client_db, alice, alice_tasks, accounts):
    """Nothing the app sends may resolve through search_path, where a planted object could
    stand in for ours. Every relation and function it names is schema-qualified."""
    sent: list[str] = []

    def seen(conn, cursor, statement, *rest) -> None:
        sent.append(statement)

    event.listen(client_db.engine, "before_cursor_execute", seen)
    task = alice_tasks.create(TaskDraft(title="qualified", description="d"))
    alice_tasks.update(task.id, TaskChanges(title="again"), expected_version=task.updated_at)
    alice_tasks.update_many([TaskEdit(task.id, TaskChanges(completed=True))])
    alice_tasks.list(TaskQuery(text="again"))
    alice_tasks.counts(datetime.now(UTC), UTC)
    alice_tasks.changed_since(alice_tasks.change_cursor())
    alice_tasks.delete([task.id])
    alice_tasks.restore_many([task])
    accounts.change_name(alice.token, "Alicia", "Tester")
    again = accounts.sign_in(alice.account.email, "Correct horse battery staple")
    accounts.sign_out(again.token)
    event.remove(client_db.engine, "before_cursor_execute", seen)
    assert len(sent) > 10
    # Built-in functions and SQL words that precede a parenthesis.
    builtin = {
        "set_config",
        "cast",
        "select",
        "from",
        "as",
        "in",
        "any",
        "and",
        "or",
        "not",
        "values",
        "when",
    }
    for statement in sent:
        flat = " ".join(statement.split())
        for name in re.findall(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+([A-Za-z_][\w.]*)", flat, re.IGNORECASE):
            assert "." in name, (name, flat)
        for name in re.findall(r"([A-Za-z_][\w.]*)\s*\(", flat):
            assert "." in name or name.lower() in builtin, (name, flat)


def test_cannot_change_or_delete_another_users_tasks(conn, alice, bob_tasks, bobs_task):
    as_session(conn, alice.token)
    edit = conn.execute(
        "SELECT * FROM todo_api.update_task(%s, NULL, ARRAY['title'], 'pwned', 'pwned', NULL, NULL, NULL, "
        "NULL)",
        (bobs_task.id,),
    ).fetchall()
    assert edit == []
    deleted = conn.execute("SELECT * FROM todo_api.delete_tasks(%s, '{NULL}')", ([bobs_task.id],)).fetchall()
    assert deleted == []
    assert conn.execute("SELECT * FROM todo_api.get_tasks(%s)", ([bobs_task.id],)).fetchall() == []
    completed = conn.execute(
        "SELECT * FROM todo_api.update_tasks(%s, '{NULL}', '{16}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', "
        "'{NULL}', '{true}')",
        ([bobs_task.id],),
    ).fetchall()
    assert completed == []
    # Creating a task with Bob's id neither overwrites nor reveals his.
    made = conn.execute(
        "SELECT * FROM todo_api.create_task(%s, 'mine', 'mine', NULL, 'low', NULL, false)", (bobs_task.id,)
    ).fetchall()
    assert made == []
    conn.commit()
    assert bob_tasks.get(bobs_task.id) == bobs_task


def test_no_token_sees_and_writes_nothing(conn, bobs_task):
    for call in (
        PAGE_CALL,
        "SELECT * FROM todo_api.me()",
        "SELECT * FROM todo_api.delete_tasks(ARRAY[gen_random_uuid()], '{NULL}')",
    ):
        _refused(conn, call)


def test_forged_tokens_are_worthless(conn, bobs_task):
    for forged in (secrets.token_hex(32), "", "' OR 1=1 --", bobs_task.id.hex * 2, "x" * 10_000):
        as_session(conn, forged)
        assert conn.execute("SELECT todo_auth.current_user_id()").fetchone()[0] is None
        _refused(conn, PAGE_CALL)


def test_token_is_useless_after_logout(conn, accounts, bob, bobs_task):
    as_session(conn, bob.token)
    assert len(conn.execute(PAGE_CALL).fetchall()) == 1
    conn.rollback()
    accounts.sign_out(bob.token)
    as_session(conn, bob.token)
    assert conn.execute("SELECT todo_auth.current_user_id()").fetchone()[0] is None
    _refused(conn, PAGE_CALL)


def test_expired_session_is_refused(test_db, conn, bob, bobs_task):
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.sessions SET expires_at = now() - interval '1 second'")
    as_session(conn, bob.token)
    _refused(conn, PAGE_CALL)


def test_the_apps_token_never_shows_to_other_connections(test_db, client_db, accounts, alice, alice_tasks):
    """Another connection watching pg_stat_activity while the app lists, creates, edits,
    signs in and out never reads a session or device token: the app sends each one as a
    bound parameter, never in the statement's text."""
    secrets_sent = [alice.token, alice.device_token]
    with ActivitySpy(test_db.superuser, test_db.roles.client) as spy, test_db.superuser() as gate:
        made = spy.gated(gate, lambda: alice_tasks.create(TaskDraft(title="watched", description="d")))
        spy.gated(gate, lambda: alice_tasks.update(made.id, TaskChanges(title="still watched")))
        spy.gated(gate, lambda: alice_tasks.list(TaskQuery()))
        again = spy.gated(
            gate, lambda: accounts.sign_in(alice.account.email, PASSWORD, device_token=alice.device_token)
        )
        secrets_sent += [again.token, again.device_token]
        spy.gated(gate, lambda: accounts.sign_out(again.token))
    # The spy really read, while it waited, each statement that carries a token: a task
    # call setting the session itself, and the first statement of a signed-in transaction.
    held = "\n".join(spy.held)
    for call, times in (
        ("todo_api.create_task(", 1),
        ("todo_api.update_task(", 1),
        ("todo_api.tasks_page(", 1),
        ("todo_auth.current_user_id() FROM (SELECT set_config(", 2),
    ):
        assert held.count(call) >= times, (call, held)
    for secret in secrets_sent:
        assert secret
        leaked = [text for text in spy.texts if secret in text]
        assert not leaked, leaked


@pytest.mark.parametrize("target", ["postgres", "OWNER", "todo_api_owner"])
def test_cannot_set_role_upward(test_db, conn, target):
    role = test_db.roles.owner if target == "OWNER" else target
    _refused(conn, f'SET ROLE "{role}"')
    _refused(conn, f'SET SESSION AUTHORIZATION "{role}"')


def test_client_role_has_no_special_attributes(conn):
    row = conn.execute(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    assert row == (False, False, False, False)
    memberships = conn.execute(
        "SELECT array_agg(b.rolname) FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user"
    ).fetchone()[0]
    assert memberships == ["todo_app"]


def test_cannot_call_internal_helpers_or_create_objects(conn, alice):
    for stmt in (
        "SELECT todo_auth.new_session(%s, 'evil')",
        "SELECT todo_auth.answer_attempt(%s)",
        "SELECT todo_auth.proven_user(%s)",
        "SELECT todo_auth.locked_until('\\x'::bytea, '\\x'::bytea, 1, now()) FROM (SELECT %s) x",
        "SELECT todo_auth.prune() FROM (SELECT %s) x",
    ):
        _refused(conn, stmt, (alice.account.id,))
    for ddl in (
        "CREATE TABLE public.loot (x int)",
        "CREATE FUNCTION todo_api.me2() RETURNS uuid LANGUAGE sql AS 'SELECT NULL::uuid'",
        "ALTER TABLE public.tasks DISABLE ROW LEVEL SECURITY",
        "DROP POLICY tasks_own_rows ON public.tasks",
        "ALTER FUNCTION todo_api.me() OWNER TO CURRENT_USER",
        "CREATE SCHEMA evil",
    ):
        with pytest.raises((pg.InsufficientPrivilege, pg.InvalidSchemaName)):
            conn.execute(ddl)
        conn.rollback()


def test_rls_is_forced_and_binds_the_functions_owner(test_db):
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname IN ('users', 'tasks', 'task_counts', 'task_due_days') "
            "AND relnamespace = 'public'::regnamespace"
        ).fetchall()
        assert sorted(rows) == [(t, True, True) for t in ("task_counts", "task_due_days", "tasks", "users")]
        owner = su.execute(
            "SELECT r.rolname, r.rolbypassrls, r.rolcanlogin FROM pg_proc p "
            "JOIN pg_roles r ON r.oid = p.proowner WHERE p.oid = 'todo_api.tasks_page'::regproc"
        ).fetchone()
        assert owner == ("todo_api_owner", False, False)
        # Defence in depth: even acting as the functions' owner, no session sees no rows.
        su.execute("SET ROLE todo_api_owner")
        assert su.execute("SELECT count(*) FROM public.tasks").fetchone()[0] == 0


def test_function_owner_cannot_reach_another_users_rows(test_db, alice, bob, bob_tasks, bobs_task):
    """A faulty todo_api function (one that forgot its WHERE user_id) still cannot cross
    people: its owner is subject to the same row-level security."""
    with test_db.superuser() as su:
        su.execute("SET ROLE todo_api_owner")
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        assert su.execute("SELECT count(*) FROM public.tasks").fetchone()[0] == 0
        assert su.execute("UPDATE public.tasks SET title = 'x' WHERE id = %s", (bobs_task.id,)).rowcount == 0
        with pytest.raises(pg.InsufficientPrivilege):
            su.execute("INSERT INTO public.tasks (user_id, title) VALUES (%s, 'gift')", (bob.account.id,))


def test_a_database_that_lets_clients_make_temp_objects_is_flagged(test_db, client_db):
    from psycopg import sql

    from todo_desktop.db.roles import rls_bypass_warning

    assert client_db.run(None, rls_bypass_warning) is None
    with test_db.superuser() as su:
        su.execute(sql.SQL("GRANT TEMPORARY ON DATABASE {} TO PUBLIC").format(sql.Identifier(test_db.name)))
    client_db.dispose()  # the privilege is checked when a connection starts a session
    warning = client_db.run(None, rls_bypass_warning)
    assert warning is not None and "temporary objects" in warning
