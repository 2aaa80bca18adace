"""Sign-in as an attacker tries it: rolled back on purpose, in parallel, from a stranger's
machine against the owner's, and never revealing which emails exist."""

from __future__ import annotations

import re
import secrets
import threading
import time

import psycopg
import pytest

from tests.support.attack_helpers import attacker
from tests.support.database import PASSWORD
from todo_desktop.core.errors import AuthenticationError

PARAMS = re.compile(r"^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{22,}$")


def _begin(conn, email: str, key: bytes, device_token: str | None = None):
    return conn.execute(
        "SELECT todo_auth.begin_login(%s, %s, 'attacker', %s)", (email, key, device_token)
    ).fetchone()[0]


def _finish(conn, attempt):
    token = conn.execute("SELECT todo_auth.finish_login(%s)", (attempt,)).fetchone()[0]
    conn.commit()
    return token


def _try(conn, email: str, key: bytes, device_token: str | None = None):
    """One guess the way the contract allows: begin, commit, then finish."""
    attempt = _begin(conn, email, key, device_token)
    conn.commit()
    return _finish(conn, attempt)


def _lock_seconds(test_db, email: str, device_hash: bytes = b"") -> float | None:
    """How long the scope stays locked after its newest counted failure, if it is locked."""
    with test_db.superuser() as su:
        row = su.execute(
            "SELECT todo_auth.locked_until(todo_auth.email_hash(%s), %s, 9223372036854775807, now()) "
            "- max(at) FROM todo_auth.login_attempts WHERE email_hash = todo_auth.email_hash(%s)",
            (email, device_hash, email),
        ).fetchone()
    return None if row[0] is None else row[0].total_seconds()


@pytest.fixture
def right_key(accounts, alice) -> bytes:
    return accounts.derive_key(alice.account.email, PASSWORD)


def test_a_rolled_back_guess_is_never_answered(conn, alice, right_key):
    """BEGIN; login(...); ROLLBACK undid the failure count: 2,500 guesses a second."""
    attempt = _begin(conn, alice.account.email, right_key)
    # Answered in the transaction that made it: nothing, even for the right key.
    assert conn.execute("SELECT todo_auth.finish_login(%s)", (attempt,)).fetchone()[0] is None
    conn.rollback()
    assert _finish(conn, attempt) is None  # rolled back: it never existed
    attempt = _begin(conn, alice.account.email, right_key)
    conn.commit()
    token = _finish(conn, attempt)
    assert token is not None
    assert _finish(conn, attempt) is None  # answered once only


def test_rolled_back_answers_still_count(test_db, conn, alice, right_key):
    for _ in range(10):
        attempt = _begin(conn, alice.account.email, secrets.token_bytes(32))
        conn.commit()
        conn.execute("SELECT todo_auth.finish_login(%s)", (attempt,))
        conn.rollback()  # hoping to undo the failure: it was counted when it was committed
    assert _try(conn, alice.account.email, right_key) is None
    assert _lock_seconds(test_db, alice.account.email) == pytest.approx(60, abs=1)


def test_ten_failures_lock_unknown_devices_even_for_the_right_password(test_db, conn, accounts, alice):
    for _ in range(10):
        assert _try(conn, alice.account.email, secrets.token_bytes(32)) is None
    assert _lock_seconds(test_db, alice.account.email) == pytest.approx(60, abs=1)
    with pytest.raises(AuthenticationError) as caught:
        accounts.sign_in(alice.account.email, PASSWORD)
    assert caught.value.message == "Email or password is wrong."


def _age_attempts(test_db, seconds: float) -> None:
    """As if the attacker waited ``seconds`` before the next attempt."""
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.login_attempts SET at = at - make_interval(secs => %s)", (seconds,))


def test_the_lock_doubles_with_each_further_failure(test_db, conn, alice, right_key):
    email = alice.account.email
    for _ in range(10):
        _try(conn, email, secrets.token_bytes(32))
    seconds = [_lock_seconds(test_db, email)]
    for _ in range(3):
        # The longer lock is the one enforced: shortly before it ends, even the right
        # password is refused (and that refusal does not count).
        _age_attempts(test_db, seconds[-1] - 5)
        assert _try(conn, email, right_key) is None
        _age_attempts(test_db, 6)
        _try(conn, email, secrets.token_bytes(32))
        seconds.append(_lock_seconds(test_db, email))
    assert seconds == [pytest.approx(s, abs=1) for s in (60, 120, 240, 480)]


def test_attempts_refused_by_a_lock_neither_count_nor_get_checked(test_db, conn, alice, right_key):
    email = alice.account.email
    for _ in range(10):
        _try(conn, email, secrets.token_bytes(32))
    for _ in range(5):
        assert _try(conn, email, right_key) is None
    assert _lock_seconds(test_db, email) == pytest.approx(60, abs=1)  # not grown by them


def test_parallel_guesses_cannot_slip_past_the_lock(test_db, alice, right_key):
    """30 attempts begun at once each saw fewer than ten failures before them; answered
    afterwards, all but the first ten are refused."""
    conns = [attacker(test_db.client_url) for _ in range(3)]
    attempts = []
    for i in range(30):
        attempts.append(_begin(conns[i % 3], alice.account.email, secrets.token_bytes(32)))
    for c in conns:
        c.commit()
    right = _begin(conns[0], alice.account.email, right_key)
    conns[0].commit()
    for a in attempts:
        _finish(conns[0], a)
    assert _finish(conns[0], right) is None
    with test_db.superuser() as su:
        outcomes = dict(
            su.execute("SELECT outcome, count(*) FROM todo_auth.login_attempts GROUP BY outcome").fetchall()
        )
    assert outcomes == {"ok": 1, "failed": 10, "locked": 21}  # "ok": Alice's own sign-in
    for c in conns:
        c.close()


def test_a_known_device_is_not_locked_out_by_a_stranger(test_db, conn, accounts, alice):
    """A stranger who knows the email can lock out unknown devices, never the owner's own."""
    email = alice.account.email
    assert alice.device_token  # issued at sign-in, kept in the keyring by the app
    for _ in range(30):
        _try(conn, email, secrets.token_bytes(32))
    assert _lock_seconds(test_db, email) is not None
    again = accounts.sign_in(email, PASSWORD, device_token=alice.device_token)
    assert again.account.id == alice.account.id
    # A made-up token, or another account's, counts as an unknown device.
    with pytest.raises(AuthenticationError):
        accounts.sign_in(email, PASSWORD, device_token=secrets.token_hex(32))


def test_a_known_device_is_throttled_on_its_own_failures(test_db, conn, accounts, alice, right_key):
    token = alice.device_token
    for _ in range(10):
        assert _try(conn, alice.account.email, secrets.token_bytes(32), token) is None
    assert _try(conn, alice.account.email, right_key, token) is None
    # Other devices, known or not, are unaffected by this one's failures.
    assert _try(conn, alice.account.email, right_key) is not None


def test_failures_fade_so_one_guess_a_day_never_keeps_the_owner_out(test_db, conn, alice, right_key):
    email = alice.account.email
    for _ in range(30):
        _try(conn, email, secrets.token_bytes(32))
    assert _lock_seconds(test_db, email) is not None
    with test_db.superuser() as su:  # a day later
        su.execute("UPDATE todo_auth.login_attempts SET at = at - interval '1 day'")
    _try(conn, email, secrets.token_bytes(32))  # the attacker's one guess today
    assert _lock_seconds(test_db, email) is None
    assert _try(conn, email, right_key) is not None


def test_an_uncommitted_attempt_never_makes_the_owner_wait(test_db, accounts, alice):
    """An attacker leaves sign-in transactions open, on the account's attempts and on one
    of its own; the owner's sign-in goes through at once."""
    holder = attacker(test_db.client_url)
    holder.execute("SET lock_timeout = 0")
    attempt = _begin(holder, alice.account.email, secrets.token_bytes(32))
    holder.commit()
    holder.execute("SELECT todo_auth.finish_login(%s)", (attempt,))  # holds its row lock
    _begin(holder, alice.account.email, secrets.token_bytes(32))  # and an uncommitted attempt
    done = threading.Event()
    started = time.monotonic()
    worker = threading.Thread(target=lambda: (accounts.sign_in(alice.account.email, PASSWORD), done.set()))
    worker.start()
    worker.join(10)
    holder.rollback()
    holder.close()
    assert done.is_set() and time.monotonic() - started < 5


def test_unknown_email_params_are_plausible_and_stable(conn, alice):
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


def test_unknown_email_and_wrong_password_look_the_same(test_db, conn, accounts, alice):
    messages = []
    for email in (alice.account.email, "ghost@example.com"):
        with pytest.raises(AuthenticationError) as caught:
            accounts.sign_in(email, "not the password")
        messages.append(caught.value.message)
    assert messages[0] == messages[1] == "Email or password is wrong."
    # Unknown emails are throttled too, so a lock does not reveal an account either.
    for _ in range(10):
        _try(conn, "ghost@example.com", secrets.token_bytes(32))
    assert _lock_seconds(test_db, "ghost@example.com") == pytest.approx(60, abs=1)


def test_registering_a_taken_email_echoes_nothing_stored(conn, alice):
    key = secrets.token_bytes(32)
    params = "$argon2id$v=19$m=19456,t=2,p=1$" + "A" * 22
    with pytest.raises(psycopg.errors.UniqueViolation) as caught:
        conn.execute(
            "SELECT todo_auth.register(%s, 'X', 'Y', %s, %s)", (alice.account.email.upper(), params, key)
        )
    conn.rollback()
    assert caught.value.sqlstate == "23505"
    assert caught.value.diag.message_detail is None
    assert alice.account.email not in str(caught.value)


def test_inactive_account_cannot_sign_in(test_db, accounts, alice):
    with test_db.superuser() as su:
        su.execute("UPDATE users SET is_active = false WHERE id = %s", (alice.account.id,))
    with pytest.raises(AuthenticationError):
        accounts.sign_in(alice.account.email, PASSWORD)


def test_leaked_verifier_cannot_sign_in(test_db, conn, alice):
    import base64

    with test_db.superuser() as su:
        stored = su.execute("SELECT password_hash FROM users WHERE id = %s", (alice.account.id,)).fetchone()[
            0
        ]
    assert "Correct horse" not in stored
    leaked = stored.rsplit("$", 1)[1]
    as_key = base64.b64decode(leaked + "=" * (-len(leaked) % 4))
    assert _try(conn, alice.account.email, as_key) is None
