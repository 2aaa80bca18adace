"""A person's rights over their data, tried from the attacker's side: an export that must hold
only the caller's own data, and an account deletion that must take a committed, unanswered,
correct sign-in attempt of the caller's own account and leave nothing behind that names them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import errors as pg

from tests.support.attack_helpers import as_session, attacker
from tests.support.database import PASSWORD
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.reminders import ReminderRepository

MY_TASKS = "SELECT * FROM todo_api.my_tasks(NULL, NULL, NULL, 1000)"


@pytest.fixture
def lived_in(test_db, alice, bob, alice_tasks, bob_tasks):
    """Alice and Bob each with tags, tagged and dated tasks, a reminder, the reminder of a deleted
    task kept for an undo, a known device and a failed sign-in."""
    due = datetime.now(UTC) + timedelta(days=3)
    for tasks, token, draft in (
        (alice_tasks, alice.token, TaskDraft(title="Alice's diary", due_date=due, tags=("AliceTag",))),
        (
            bob_tasks,
            bob.token,
            TaskDraft(title="Bob's secret plan", description="launch codes", due_date=due, tags=("BobTag",)),
        ),
    ):
        kept, gone = tasks.create(draft), tasks.create(TaskDraft(title="deleted, reminder kept"))
        reminders = ReminderRepository(tasks.db, token)
        for task in (kept, gone):
            reminders.set_reminder(task.id, ReminderSetting(before_due=timedelta(hours=1)))
        tasks.delete([gone.id])
    c = attacker(test_db.client_url)
    try:
        for person in (alice, bob):
            as_session(c, person.token)
            c.execute("SELECT todo_auth.new_device_token()")
            c.commit()
            _attempt(c, person.account.email, b"\x00" * 32)  # a wrong guess, on record
    finally:
        c.close()


def _attempt(conn: psycopg.Connection, email: str, key: bytes) -> object:
    """A sign-in attempt made and committed, as the contract asks."""
    attempt = conn.execute("SELECT todo_auth.begin_login(%s, %s, 'test', NULL)", (email, key)).fetchone()[0]
    conn.commit()
    return attempt


def _delete(conn: psycopg.Connection, token: str | None, attempt: object, *, commit: bool = True) -> bool:
    as_session(conn, token)
    done = conn.execute("SELECT todo_auth.delete_account(%s)", (attempt,)).fetchone()[0]
    if commit:
        conn.commit()
    return bool(done)


def _exists(test_db, user_id) -> bool:
    with test_db.superuser() as su:
        return su.execute("SELECT count(*) FROM public.users WHERE id = %s", (user_id,)).fetchone()[0] == 1


def _my_export(conn: psycopg.Connection, token: str) -> str:
    as_session(conn, token)
    data = conn.execute("SELECT todo_api.my_data()").fetchone()[0]
    tasks = conn.execute(MY_TASKS).fetchall()
    conn.commit()
    return json.dumps(data, default=str) + json.dumps([list(t) for t in tasks], default=str)


def _secrets(test_db) -> list[str]:
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT encode(token_hash, 'hex') FROM todo_auth.sessions "
            "UNION ALL SELECT encode(token_hash, 'hex') FROM todo_auth.devices "
            "UNION ALL SELECT encode(key_hash, 'hex') FROM todo_auth.login_attempts "
            "WHERE key_hash IS NOT NULL "
            "UNION ALL SELECT password_hash FROM public.users"
        ).fetchall()
    return [r[0] for r in rows]


# -- export ------------------------------------------------------------------------------------


def test_my_export_holds_my_data_and_nobody_elses(test_db, conn, alice, bob, lived_in):
    text = _my_export(conn, alice.token)
    for mine in (alice.account.email, str(alice.account.id), "Alice's diary", "AliceTag"):
        assert mine in text
    for theirs in (bob.account.email, str(bob.account.id), "Bob's secret plan", "launch codes", "BobTag"):
        assert theirs not in text
    data = json.loads(text[: text.rindex("}[") + 1])
    assert {"account", "tags", "devices", "sessions", "sign_in_attempts", "audit_events"} <= data.keys()
    (kept,) = data["reminders_kept_for_undo"]  # her deleted task's, none of Bob's
    assert kept["before_due"] == "01:00:00" and kept["removed_at"]
    assert len(data["devices"]) == 2 and len(data["sessions"]) == 1  # signing in made one device too
    assert [a["outcome"] for a in data["sign_in_attempts"]].count(None) == 1  # the wrong guess
    with test_db.superuser() as su:
        audited = su.execute(
            "SELECT count(*) FROM todo_auth.audit_log WHERE user_id = %s", (alice.account.id,)
        ).fetchone()[0]
    assert len(data["audit_events"]) == audited  # Alice's events, none of Bob's


def test_my_export_holds_no_secrets(test_db, conn, alice, lived_in):
    text = _my_export(conn, alice.token)
    assert alice.token not in text
    for secret in _secrets(test_db):
        assert secret not in text
    assert "token" not in text and "password" not in text and "key_hash" not in text


@pytest.mark.parametrize("token", [None, "", "forged" * 10])
def test_no_session_exports_nothing(conn, lived_in, token):
    for call in ("SELECT todo_api.my_data()", MY_TASKS):
        as_session(conn, token)
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(call)
        conn.rollback()


def test_the_export_functions_are_the_apis_own(test_db, conn):
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT p.oid::regprocedure::text, r.rolname, p.prosecdef, p.proconfig, "
            "has_function_privilege('todo_app', p.oid, 'EXECUTE'), "
            "p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) "
            "FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
            "WHERE p.oid IN ('todo_api.my_data'::regproc, 'todo_api.my_tasks'::regproc)"
        ).fetchall()
        helper = su.execute(
            "SELECT has_function_privilege('todo_app', 'todo_auth.pseudonym(uuid)', 'EXECUTE')"
        ).fetchone()[0]
    assert len(rows) == 2
    for signature, owner, definer, settings, clients, public in rows:
        assert owner == "todo_api_owner" and definer and clients and not public, signature
        assert any(s.startswith("search_path=pg_catalog") for s in settings), signature
    assert not helper


def test_the_functions_owner_sees_only_the_signed_in_persons_auth_rows(test_db, alice, bob, lived_in):
    """Defence in depth: were an export function wrong, its owner still could not read Bob's rows."""
    with test_db.superuser() as su:
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        su.execute("SET ROLE todo_api_owner")
        for table in (
            "todo_auth.sessions",
            "todo_auth.devices",
            "todo_auth.login_attempts",
            "todo_auth.audit_log",
        ):
            owners = {r[0] for r in su.execute(f"SELECT DISTINCT user_id FROM {table}").fetchall()}
            assert owners == {alice.account.id}, table
        with pytest.raises(pg.InsufficientPrivilege):
            su.execute("SELECT token_hash FROM todo_auth.sessions")


# -- deleting an account ---------------------------------------------------------------------


def test_another_persons_attempt_deletes_nothing(test_db, conn, accounts, alice, bob):
    bobs = _attempt(conn, bob.account.email, accounts.derive_key(bob.account.email, PASSWORD))
    assert not _delete(conn, alice.token, bobs)  # Alice's stolen session, Bob's password
    alices = _attempt(conn, alice.account.email, accounts.derive_key(alice.account.email, PASSWORD))
    assert not _delete(conn, bob.token, alices)  # and the other way round
    assert _exists(test_db, alice.account.id) and _exists(test_db, bob.account.id)


def test_a_wrong_password_deletes_nothing(test_db, conn, accounts, alice):
    wrong = _attempt(conn, alice.account.email, accounts.derive_key(alice.account.email, "not the password"))
    assert not _delete(conn, alice.token, wrong)
    assert _exists(test_db, alice.account.id)


def test_a_used_attempt_deletes_nothing(test_db, conn, accounts, alice):
    right = _attempt(conn, alice.account.email, accounts.derive_key(alice.account.email, PASSWORD))
    assert conn.execute("SELECT todo_auth.finish_login(%s)", (right,)).fetchone()[0]  # answered once
    conn.commit()
    assert not _delete(conn, alice.token, right)
    assert _exists(test_db, alice.account.id)


def test_an_attempt_from_the_same_transaction_deletes_nothing(test_db, conn, accounts, alice):
    key = accounts.derive_key(alice.account.email, PASSWORD)
    as_session(conn, alice.token)
    attempt = conn.execute(
        "SELECT todo_auth.begin_login(%s, %s, 'x', NULL)", (alice.account.email, key)
    ).fetchone()
    assert not _delete(conn, alice.token, attempt[0])
    assert _exists(test_db, alice.account.id)


def test_no_session_deletes_nothing(test_db, conn, accounts, alice):
    right = _attempt(conn, alice.account.email, accounts.derive_key(alice.account.email, PASSWORD))
    assert not _delete(conn, None, right)
    assert _exists(test_db, alice.account.id)


def test_a_rolled_back_deletion_leaves_everything(test_db, conn, accounts, alice, lived_in):
    right = _attempt(conn, alice.account.email, accounts.derive_key(alice.account.email, PASSWORD))
    before = _everything_of(test_db, alice)
    assert _delete(conn, alice.token, right, commit=False)
    conn.rollback()
    assert _everything_of(test_db, alice) == before
    as_session(conn, alice.token)
    assert conn.execute("SELECT todo_auth.current_user_id()").fetchone()[0] == alice.account.id


def test_deletion_leaves_nothing_that_names_the_person(test_db, conn, accounts, alice, bob, lived_in):
    as_session(conn, alice.token)
    device_token = conn.execute("SELECT todo_auth.new_device_token()").fetchone()[0]
    conn.commit()
    bobs_before = _everything_of(test_db, bob)
    right = _attempt(conn, alice.account.email, accounts.derive_key(alice.account.email, PASSWORD))
    assert _delete(conn, alice.token, right)

    with test_db.superuser() as su:
        email_hash = su.execute(
            "SELECT encode(todo_auth.email_hash(%s), 'hex')", (alice.account.email,)
        ).fetchone()[0]
        traces = (str(alice.account.id), alice.account.email, email_hash, "Alice", "AliceTag")
        left = _rows_mentioning(su, traces)
        assert left == [], left
        deleted = su.execute(
            "SELECT user_id, detail FROM todo_auth.audit_log WHERE event = 'account_deleted'"
        ).fetchall()
    assert len(deleted) == 1 and deleted[0][0] is None
    assert deleted[0][1] and alice.account.id.hex not in deleted[0][1].replace("-", "")
    assert _everything_of(test_db, bob) == bobs_before

    # The old session token and device token are worth nothing now.
    as_session(conn, alice.token)
    assert conn.execute("SELECT todo_auth.current_user_id()").fetchone()[0] is None
    for call in ("SELECT todo_api.my_data()", MY_TASKS, "SELECT * FROM todo_api.me()"):
        as_session(conn, alice.token)
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(call)
        conn.rollback()
    key = accounts.derive_key(alice.account.email, PASSWORD)
    again = conn.execute(
        "SELECT todo_auth.begin_login(%s, %s, 'x', %s)", (alice.account.email, key, device_token)
    ).fetchone()[0]
    conn.commit()
    assert conn.execute("SELECT todo_auth.finish_login(%s)", (again,)).fetchone()[0] is None
    conn.commit()
    with test_db.superuser() as su:
        known = su.execute(
            "SELECT count(*) FROM todo_auth.login_attempts WHERE id = %s AND device_hash <> '\\x'", (again,)
        ).fetchone()[0]
    assert known == 0  # the device token no longer marks a known device


def _everything_of(test_db, person) -> dict[str, int]:
    """Rows per table that carry the person's id."""
    with test_db.superuser() as su:
        return {
            table: su.execute(
                f"SELECT count(*) FROM {table} WHERE user_id = %s",
                (person.account.id,),
            ).fetchone()[0]
            for table in _tables_with(su, "user_id")
        }


def _tables_with(su: psycopg.Connection, column: str) -> list[str]:
    rows = su.execute(
        "SELECT format('%%I.%%I', c.table_schema, c.table_name) FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) "
        "WHERE c.column_name = %s AND c.table_schema IN ('public', 'todo_auth') "
        "AND t.table_type = 'BASE TABLE'",
        (column,),
    ).fetchall()
    found = sorted(r[0] for r in rows)
    assert {
        "public.tasks",
        "public.tags",
        "public.task_tags",
        "todo_auth.sessions",
        "todo_auth.devices",
    } <= set(found)
    return found


def _rows_mentioning(su: psycopg.Connection, traces: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every row of every table of ours whose text (with bytea as hex) contains one of ``traces``."""
    tables = su.execute(
        "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables "
        "WHERE table_schema IN ('public', 'todo_auth') AND table_type = 'BASE TABLE'"
    ).fetchall()
    found = []
    for (table,) in tables:
        for (row,) in su.execute(f"SELECT r::text FROM {table} r").fetchall():
            text = row.replace("\\\\x", "").lower()
            found += [(table, t) for t in traces if t.lower() in text]
    return found
