"""Everything here is tried from the attacker's side: a login role that is a member of
todo_app, talking SQL directly. Every attempt must fail."""

from __future__ import annotations

import secrets

import pytest
from psycopg import errors as pg

from tests.attack_helpers import as_session, attacker
from todo_desktop.values import TaskDraft

SECRET_TABLES = [
    "todo_auth.sessions",
    "todo_auth.login_throttle",
    "todo_auth.audit_log",
    "todo_auth.settings",
]


@pytest.fixture
def bobs_task(bob_tasks):
    return bob_tasks.create(TaskDraft(title="Bob's secret plan", description="launch codes"))


@pytest.fixture
def conn(test_db):
    c = attacker(test_db.client_url)
    yield c
    c.close()


def test_cannot_read_another_users_tasks(conn, alice, bobs_task):
    as_session(conn, alice.token)
    assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0
    assert conn.execute("SELECT * FROM tasks WHERE id = %s", (bobs_task.id,)).fetchall() == []
    assert conn.execute("SELECT * FROM tasks WHERE title ILIKE '%%secret%%'").fetchall() == []


def test_no_token_sees_nothing(conn, bobs_task):
    assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_cannot_change_or_delete_another_users_tasks(conn, alice, bob_tasks, bobs_task):
    as_session(conn, alice.token)
    assert conn.execute("UPDATE tasks SET title = 'pwned' WHERE id = %s", (bobs_task.id,)).rowcount == 0
    assert conn.execute("DELETE FROM tasks WHERE id = %s", (bobs_task.id,)).rowcount == 0
    conn.commit()
    assert bob_tasks.get(bobs_task.id) == bobs_task


def test_cannot_plant_a_task_on_another_user(conn, alice, bob):
    as_session(conn, alice.token)
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute("INSERT INTO tasks (user_id, title) VALUES (%s, 'gift')", (bob.account.id,))
    conn.rollback()
    as_session(conn, alice.token)
    conn.execute("INSERT INTO tasks (title) VALUES ('mine')")
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute("UPDATE tasks SET user_id = %s", (bob.account.id,))
    conn.rollback()


def test_cannot_read_password_material(conn, alice):
    as_session(conn, alice.token)
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute("SELECT password_hash FROM users")
    conn.rollback()
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute("SELECT * FROM users")
    conn.rollback()
    for table in SECRET_TABLES:
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(f"SELECT * FROM {table}")
        conn.rollback()


def test_cannot_write_users_or_secrets_directly(conn, alice, bob):
    as_session(conn, alice.token)
    for stmt in (
        "INSERT INTO users (email, first_name, last_name, password_hash) VALUES ('x@y.z','x','y','h')",
        "UPDATE users SET is_active = false",
        "UPDATE users SET email = 'evil@example.com'",
        "UPDATE users SET password_hash = 'x'",
        "DELETE FROM users",
        "UPDATE todo_auth.sessions SET expires_at = 'infinity'",
        "DELETE FROM todo_auth.login_throttle",
        "UPDATE task_counts SET open_tasks = 0",
        "INSERT INTO task_counts (user_id) VALUES (gen_random_uuid())",
    ):
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(stmt)
        conn.rollback()
        as_session(conn, alice.token)
    # Renaming oneself is allowed; renaming Bob touches nothing.
    assert conn.execute("UPDATE users SET first_name = 'Al'").rowcount == 1
    assert conn.execute("UPDATE users SET first_name = 'X' WHERE id = %s", (bob.account.id,)).rowcount == 0
    conn.commit()


def test_forged_tokens_are_worthless(conn, bobs_task):
    for forged in (secrets.token_hex(32), "", "' OR 1=1 --", bobs_task.id.hex * 2, "x" * 10_000):
        as_session(conn, forged)
        assert conn.execute("SELECT todo_auth.current_user_id()").fetchone()[0] is None
        assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0
        conn.rollback()


def test_token_is_useless_after_logout(conn, accounts, bob, bobs_task):
    as_session(conn, bob.token)
    assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 1
    conn.rollback()
    accounts.sign_out(bob.token)
    as_session(conn, bob.token)
    assert conn.execute("SELECT todo_auth.current_user_id()").fetchone()[0] is None
    assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0


def test_expired_session_is_refused(test_db, conn, bob, bobs_task):
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.sessions SET expires_at = now() - interval '1 second'")
    as_session(conn, bob.token)
    assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0


def test_token_never_visible_to_other_connections(test_db, conn, bob):
    conn.execute("SELECT set_config('todo.session_token', %s, true)", (bob.token,))
    conn.execute("SELECT count(*) FROM tasks")  # stays idle in transaction with the token set
    spy = attacker(test_db.client_url)
    try:
        seen = spy.execute("SELECT coalesce(string_agg(query, ' '), '') FROM pg_stat_activity").fetchone()[0]
        assert bob.token not in seen
    finally:
        spy.close()


@pytest.mark.parametrize("target", ["postgres", "OWNER"])
def test_cannot_set_role_upward(test_db, conn, target):
    role = test_db.roles.owner if target == "OWNER" else target
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute(f'SET ROLE "{role}"')
    conn.rollback()
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute(f'SET SESSION AUTHORIZATION "{role}"')
    conn.rollback()


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


def test_cannot_call_internal_auth_helpers_or_create_objects(conn, alice):
    for stmt in (
        "SELECT todo_auth.new_session(%s, 'evil')",
        "SELECT todo_auth.note_failure(sha256('x'::bytea), %s)",
    ):
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(stmt, (alice.account.id,))
        conn.rollback()
    for ddl in (
        "CREATE TABLE public.loot (x int)",
        "CREATE FUNCTION todo_auth.current_user_id2() RETURNS uuid LANGUAGE sql AS 'SELECT NULL::uuid'",
        "ALTER TABLE tasks DISABLE ROW LEVEL SECURITY",
        "DROP POLICY tasks_own_rows ON tasks",
        "CREATE SCHEMA evil",
    ):
        with pytest.raises((pg.InsufficientPrivilege, pg.InvalidSchemaName)):
            conn.execute(ddl)
        conn.rollback()


def test_rls_is_forced_on_every_user_table(test_db):
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname IN ('users', 'tasks') AND relnamespace = 'public'::regnamespace"
        ).fetchall()
    assert sorted(rows) == [("tasks", True, True), ("users", True, True)]


def test_leaked_verifier_cannot_sign_in(test_db, conn, alice):
    import base64

    with test_db.superuser() as su:
        stored = su.execute("SELECT password_hash FROM users WHERE id = %s", (alice.account.id,)).fetchone()[
            0
        ]
    assert "Correct horse" not in stored
    leaked = stored.rsplit("$", 1)[1]
    as_key = base64.b64decode(leaked + "=" * (-len(leaked) % 4))
    assert (
        conn.execute("SELECT todo_auth.login(%s, %s, 'thief')", (alice.account.email, as_key)).fetchone()[0]
        is None
    )


def test_weak_or_malformed_parameters_are_refused(conn):
    key = secrets.token_bytes(32)
    salt = "A" * 22
    for params, k in (
        (f"$argon2id$v=19$m=4096,t=3,p=1${salt}", key),
        (f"$argon2id$v=19$m=19456,t=1,p=1${salt}", key),
        (f"$argon2i$v=19$m=65536,t=3,p=4${salt}", key),
        ("$argon2id$v=19$m=65536,t=3,p=4$short", key),
        (f"$argon2id$v=19$m=65536,t=3,p=4${salt}", key[:16]),
    ):
        with pytest.raises(pg.InvalidParameterValue):
            conn.execute("SELECT todo_auth.register('w@example.com', 'W', 'X', %s, %s)", (params, k))
        conn.rollback()
