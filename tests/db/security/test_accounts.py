"""Account life cycle through the data layer."""

from __future__ import annotations

import pytest

from tests.support.database import PASSWORD
from todo_desktop.core.errors import (
    AuthenticationError,
    ConflictError,
    InputErrors,
    NotSignedInError,
    ValidationError,
)
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.tasks import TaskRepository


def test_register_and_sign_in(accounts):
    user_id = accounts.register("Carol@Example.com", " Carol ", "Doe", PASSWORD)
    signed = accounts.sign_in("carol@example.com", PASSWORD)
    assert signed.account.id == user_id
    assert signed.account.first_name == "Carol"
    assert signed.token not in repr(signed)


def test_email_is_unique_case_insensitively(accounts, alice):
    with pytest.raises(ConflictError, match="already exists"):
        accounts.register(alice.account.email.upper(), "Eve", "", PASSWORD)


def test_register_reports_every_bad_field(accounts):
    with pytest.raises(InputErrors) as caught:
        accounts.register("not-an-email", "", "x" * 101, "short")
    assert set(caught.value.by_field) == {"email", "first_name", "last_name", "password"}


def test_sign_out_ends_only_that_session(accounts, client_db, alice):
    second = accounts.sign_in(alice.account.email, PASSWORD)
    accounts.sign_out(alice.token)
    with pytest.raises(NotSignedInError):
        accounts.current_account(alice.token)
    assert accounts.current_account(second.token).id == alice.account.id


def test_sign_out_everywhere(accounts, alice):
    others = [accounts.sign_in(alice.account.email, PASSWORD) for _ in range(2)]
    assert accounts.sign_out_everywhere(alice.token) == 3
    for session in (alice, *others):
        with pytest.raises(NotSignedInError):
            accounts.current_account(session.token)


def test_change_name(accounts, alice, bob):
    changed = accounts.change_name(alice.token, "Alicia", "Keys")
    assert (changed.first_name, changed.last_name) == ("Alicia", "Keys")
    assert accounts.current_account(bob.token).first_name == "Bob"
    with pytest.raises(ValidationError):
        accounts.change_name(alice.token, "   ", "x")


def test_change_password_revokes_other_sessions(accounts, alice):
    other = accounts.sign_in(alice.account.email, PASSWORD)
    with pytest.raises(AuthenticationError, match="current password is wrong"):
        accounts.change_password(alice.token, "wrong password", "a brand new secret")
    accounts.change_password(alice.token, PASSWORD, "a brand new secret")
    assert accounts.current_account(alice.token).id == alice.account.id
    with pytest.raises(NotSignedInError):
        accounts.current_account(other.token)
    with pytest.raises(AuthenticationError):
        accounts.sign_in(alice.account.email, PASSWORD)
    assert accounts.sign_in(alice.account.email, "a brand new secret").account.id == alice.account.id


def test_delete_account_erases_everything(test_db, accounts, client_db, alice, bob):
    TaskRepository(client_db, alice.token).create(TaskDraft(title="private"))
    bobs = TaskRepository(client_db, bob.token).create(TaskDraft(title="bob's"))
    with pytest.raises(AuthenticationError):
        accounts.delete_account(alice.token, "wrong password")
    accounts.delete_account(alice.token, PASSWORD)
    with test_db.superuser() as su:
        assert su.execute("SELECT count(*) FROM users WHERE id = %s", (alice.account.id,)).fetchone()[0] == 0
        assert (
            su.execute("SELECT count(*) FROM tasks WHERE user_id = %s", (alice.account.id,)).fetchone()[0]
            == 0
        )
        sessions = su.execute(
            "SELECT count(*) FROM todo_auth.sessions WHERE user_id = %s", (alice.account.id,)
        ).fetchone()[0]
        assert sessions == 0
    assert TaskRepository(client_db, bob.token).get(bobs.id) == bobs
    with pytest.raises(AuthenticationError):
        accounts.sign_in(alice.account.email, PASSWORD)


def test_old_sessions_are_swept_at_sign_in(test_db, accounts, alice):
    stale = accounts.sign_in(alice.account.email, PASSWORD)
    accounts.sign_out(stale.token)
    with test_db.superuser() as su:
        su.execute(
            "UPDATE todo_auth.sessions SET revoked_at = now() - interval '31 days' "
            "WHERE revoked_at IS NOT NULL"
        )
        su.execute(
            "UPDATE todo_auth.sessions SET expires_at = now() - interval '2 days' WHERE revoked_at IS NULL"
        )
        before = su.execute("SELECT count(*) FROM todo_auth.sessions").fetchone()[0]
    accounts.sign_in(alice.account.email, PASSWORD)
    with test_db.superuser() as su:
        after = su.execute("SELECT count(*) FROM todo_auth.sessions").fetchone()[0]
    assert before == 2
    assert after == 1  # only the new one is left
