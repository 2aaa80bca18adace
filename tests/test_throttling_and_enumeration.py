"""Brute force is throttled in the database, and sign-in never reveals which emails exist."""

from __future__ import annotations

import re
import secrets

import pytest

from tests.attack_helpers import attacker
from tests.conftest import PASSWORD
from todo_desktop.errors import AuthenticationError

PARAMS = re.compile(r"^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{22,}$")


def _login(conn, email: str, key: bytes):
    token = conn.execute("SELECT todo_auth.login(%s, %s, 'attacker')", (email, key)).fetchone()[0]
    conn.commit()  # a real attacker commits too; the failure count must stick regardless
    return token


def _lock(test_db, email: str):
    with test_db.superuser() as su:
        return su.execute(
            "SELECT failures, locked_until - now() FROM todo_auth.login_throttle "
            "WHERE email_hash = todo_auth.email_hash(%s)",
            (email,),
        ).fetchone()


def test_ten_failures_lock_the_account_even_for_the_right_password(test_db, accounts, alice):
    conn = attacker(test_db.client_url)
    for _ in range(10):
        assert _login(conn, alice.account.email, secrets.token_bytes(32)) is None
    failures, remaining = _lock(test_db, alice.account.email)
    assert failures == 10
    assert remaining.total_seconds() >= 59
    with pytest.raises(AuthenticationError) as caught:
        accounts.sign_in(alice.account.email, PASSWORD)
    assert caught.value.message == "Email or password is wrong."
    conn.close()


def test_lock_grows_with_more_failures(test_db, alice):
    conn = attacker(test_db.client_url)
    email = alice.account.email
    for _ in range(10):
        _login(conn, email, secrets.token_bytes(32))
    first = _lock(test_db, email)[1]
    with test_db.superuser() as su:  # let the first lock run out
        su.execute("UPDATE todo_auth.login_throttle SET locked_until = now() - interval '1 s'")
    _login(conn, email, secrets.token_bytes(32))
    failures, second = _lock(test_db, email)
    assert failures == 11
    assert second > first
    conn.close()


def test_attempts_during_a_lock_are_not_even_checked(test_db, accounts, alice):
    conn = attacker(test_db.client_url)
    for _ in range(10):
        _login(conn, alice.account.email, secrets.token_bytes(32))
    right_key = accounts.derive_key(alice.account.email, PASSWORD)
    assert _login(conn, alice.account.email, right_key) is None
    conn.close()


def test_success_resets_the_count(test_db, accounts, alice):
    conn = attacker(test_db.client_url)
    for _ in range(9):
        _login(conn, alice.account.email, secrets.token_bytes(32))
    accounts.sign_in(alice.account.email, PASSWORD)
    assert _lock(test_db, alice.account.email) is None
    conn.close()


def test_unknown_email_params_are_plausible_and_stable(test_db, alice):
    conn = attacker(test_db.client_url)
    unknown = [
        conn.execute("SELECT todo_auth.login_params('nobody@example.com')").fetchone()[0] for _ in range(2)
    ]
    known = conn.execute("SELECT todo_auth.login_params(%s)", (alice.account.email,)).fetchone()[0]
    other = conn.execute("SELECT todo_auth.login_params('someone.else@example.com')").fetchone()[0]
    assert unknown[0] == unknown[1]
    assert unknown[0] != other  # a per-email salt, not one constant to spot
    assert PARAMS.match(unknown[0]) and PARAMS.match(known)
    assert len(unknown[0].rsplit("$", 1)[1]) == len(known.rsplit("$", 1)[1])
    # Case and spaces do not change the answer, for real and made-up emails alike.
    assert conn.execute("SELECT todo_auth.login_params(%s)", (" ALICE@example.com ",)).fetchone()[0] == known
    conn.close()


def test_unknown_email_and_wrong_password_look_the_same(test_db, accounts, alice):
    messages = []
    for email in (alice.account.email, "ghost@example.com"):
        with pytest.raises(AuthenticationError) as caught:
            accounts.sign_in(email, "not the password")
        messages.append(caught.value.message)
    assert messages[0] == messages[1] == "Email or password is wrong."
    # Unknown emails are throttled too, so a lock does not reveal an account either.
    conn = attacker(test_db.client_url)
    for _ in range(10):
        _login(conn, "ghost@example.com", secrets.token_bytes(32))
    assert _lock(test_db, "ghost@example.com")[0] == 10
    conn.close()


def test_inactive_account_cannot_sign_in(test_db, accounts, alice):
    with test_db.superuser() as su:
        su.execute("UPDATE users SET is_active = false WHERE id = %s", (alice.account.id,))
    with pytest.raises(AuthenticationError):
        accounts.sign_in(alice.account.email, PASSWORD)
