"""One account cannot fill a shared database: limits kept by the database itself, each
refused with one sentence, and sign-in leftovers pruned."""

from __future__ import annotations

import secrets
import uuid

import psycopg
import pytest

from tests.support.attack_helpers import as_session, attacker
from tests.support.database import PASSWORD
from todo_desktop.core.errors import TodoError
from todo_desktop.core.values import TaskChanges, TaskDraft

TASKS_FULL = "This account holds as many tasks as this database allows; delete some to add more."
TEXT_FULL = "This account stores as much text as this database allows; shorten or delete some tasks."
TOO_MANY_ACCOUNTS = "Too many accounts were made on this database in the last hour; try again later."


def _limit(test_db, **values: object) -> None:
    with test_db.superuser() as su:
        for name, value in values.items():
            su.execute(f"UPDATE todo_auth.settings SET {name} = %s", (value,))


def test_task_limit_per_account(test_db, alice_tasks, bob_tasks):
    _limit(test_db, max_tasks_per_user=3)
    made = [alice_tasks.create(TaskDraft(title=f"t{i}")) for i in range(3)]
    with pytest.raises(TodoError) as caught:
        alice_tasks.create(TaskDraft(title="one too many"))
    assert caught.value.message == TASKS_FULL
    bob_tasks.create(TaskDraft(title="Bob is not affected"))
    # Deleting makes room; an over-limit account can still edit and delete.
    alice_tasks.update(made[0].id, TaskChanges(title="still editable"))
    alice_tasks.delete([made[1].id])
    alice_tasks.create(TaskDraft(title="fits again"))


def test_text_limit_per_account(test_db, alice_tasks):
    _limit(test_db, max_text_bytes_per_user=4000)
    task = alice_tasks.create(TaskDraft(title="notes", description="x" * 3000))
    with pytest.raises(TodoError) as caught:
        alice_tasks.create(TaskDraft(title="more", description="y" * 1500))
    assert caught.value.message == TEXT_FULL
    with pytest.raises(TodoError):
        alice_tasks.update(task.id, TaskChanges(description="z" * 4500))
    alice_tasks.update(task.id, TaskChanges(description="short"))  # shrinking is always allowed
    alice_tasks.create(TaskDraft(title="more", description="y" * 1500))


def test_one_statement_cannot_flood(test_db, alice):
    """1,000,000 tasks in one statement was possible with table privileges."""
    conn = attacker(test_db.client_url)
    as_session(conn, alice.token)
    ids = [uuid.uuid4() for _ in range(10_001)]
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(
            "SELECT * FROM todo_api.restore_tasks(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                ids,
                ["t"] * len(ids),
                ["t"] * len(ids),
                [None] * len(ids),
                ["low"] * len(ids),
                [None] * len(ids),
                [False] * len(ids),
                [None] * len(ids),
                [None] * len(ids),
            ),
        )
    assert caught.value.sqlstate == "TDQ04"
    conn.rollback()
    conn.close()


def test_registrations_per_hour(test_db, accounts, make_user):
    _limit(test_db, max_registrations_per_hour=2)
    make_user("First")
    make_user("Second")
    with pytest.raises(TodoError) as caught:
        accounts.register("third@example.com", "Third", "T", PASSWORD)
    assert caught.value.message == TOO_MANY_ACCOUNTS


def test_absurd_password_parameters_and_salts_are_refused(test_db):
    conn = attacker(test_db.client_url)
    key = secrets.token_bytes(32)
    salt = "A" * 22
    for params in (
        f"$argon2id$v=19$m=4194304,t=3,p=4${salt}",  # 4 GiB per sign-in
        f"$argon2id$v=19$m=65536,t=9999,p=4${salt}",
        f"$argon2id$v=19$m=65536,t=3,p=255${salt}",
        f"$argon2id$v=19$m=65536,t=3,p=4${'A' * 400}",
        f"$argon2id$v=19$m=4096,t=3,p=1${salt}",
        f"$argon2i$v=19$m=65536,t=3,p=4${salt}",
    ):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            conn.execute("SELECT todo_auth.register('w@example.com', 'W', 'X', %s, %s)", (params, key))
        conn.rollback()
    conn.close()


def test_old_attempts_and_audit_rows_are_pruned(test_db, accounts, alice):
    with test_db.superuser() as su:
        su.execute(
            "INSERT INTO todo_auth.login_attempts (email_hash, at) "
            "SELECT sha256(('x' || i)::bytea), now() - interval '8 days' FROM generate_series(1, 150) i"
        )
        su.execute(
            "INSERT INTO todo_auth.audit_log (at, event) "
            "SELECT now() - interval '91 days', 'old' FROM generate_series(1, 30) i"
        )
    accounts.sign_in(alice.account.email, PASSWORD)  # each sign-in sweeps a batch
    accounts.sign_in(alice.account.email, PASSWORD)
    with test_db.superuser() as su:
        old = su.execute(
            "SELECT count(*) FROM todo_auth.login_attempts WHERE at < now() - interval '7 days'"
        ).fetchone()[0]
        audit = su.execute("SELECT count(*) FROM todo_auth.audit_log WHERE event = 'old'").fetchone()[0]
        recent = su.execute("SELECT count(*) FROM todo_auth.login_attempts").fetchone()[0]
    assert (old, audit) == (0, 0)
    assert recent >= 3  # this week's attempts stay: they are what throttling counts
