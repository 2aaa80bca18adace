"""A reminder is delivered once per person, not once per device: two app instances signed in
as the same person on one shared database, claiming at the same moment, ring it once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.attack_helpers import as_session, attacker
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import SignedIn, TaskDraft
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.reminders import ReminderRepository

CLAIM = "SELECT task_id FROM todo_api.claim_due_reminders(1000, %s)"


@pytest.fixture
def devices(test_db, accounts, alice) -> Iterator[list[ReminderRepository]]:
    """Two app instances of Alice's: each its own engine, its own sign-in and session."""
    made: list[Database] = []
    repos = []
    for _ in range(2):
        target = parse_database_url(test_db.client_url, pooled=True if test_db.pooler_address else None)
        db = Database(create_db_engine(target), target, retry_budget=2.0)
        made.append(db)
        signed_in: SignedIn = accounts.sign_in("alice@example.com", "Correct horse battery staple")
        repos.append(ReminderRepository(db, signed_in.token))
    yield repos
    for db in made:
        db.dispose()


@pytest.fixture
def due_now(alice_tasks, alice_reminders) -> list[uuid.UUID]:
    past = datetime.now(UTC) - timedelta(minutes=1)
    ids = []
    for i in range(40):
        task = alice_tasks.create(TaskDraft(title=f"ring {i}"))
        alice_reminders.set_reminder(task.id, ReminderSetting(at=past))
        ids.append(task.id)
    return ids


def test_two_devices_one_after_the_other(devices, due_now):
    first, second = devices
    assert sorted(r.task_id for r in first.claim_due()) == sorted(due_now)
    assert second.claim_due() == []
    assert first.claim_due() == []


def test_two_devices_claiming_at_once_ring_each_reminder_once(devices, due_now):
    start = threading.Barrier(2)
    got: list[list[uuid.UUID]] = [[], []]
    errors: list[BaseException] = []

    def claim(n: int) -> None:
        try:
            start.wait(timeout=10)
            for _ in range(5):
                got[n] += [r.task_id for r in devices[n].claim_due()]
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert not set(got[0]) & set(got[1])  # no reminder on both devices
    assert sorted(got[0] + got[1]) == sorted(due_now)  # and none lost


def test_a_claim_in_flight_hands_the_other_device_nothing(test_db, alice, devices, due_now):
    """Device A has claimed but not committed; device B's claim neither waits for A nor
    takes what A holds; once A commits, B still gets nothing."""
    a, b = attacker(test_db.client_url), attacker(test_db.client_url)
    try:
        as_session(a, alice.token)
        held = a.execute(CLAIM, (uuid.uuid4(),)).fetchall()
        assert len(held) == len(due_now)
        as_session(b, alice.token)
        b.execute("SET LOCAL lock_timeout = '2s'")  # waiting would be a bug: fail, not hang
        assert b.execute(CLAIM, (uuid.uuid4(),)).fetchall() == []
        b.commit()
        a.commit()
        as_session(b, alice.token)
        assert b.execute(CLAIM, (uuid.uuid4(),)).fetchall() == []
        b.commit()
    finally:
        a.close()
        b.close()


def test_a_claim_rolled_back_is_claimed_again(test_db, alice, devices, due_now):
    a = attacker(test_db.client_url)
    try:
        as_session(a, alice.token)
        assert len(a.execute(CLAIM, (uuid.uuid4(),)).fetchall()) == len(due_now)
        a.rollback()
    finally:
        a.close()
    assert len(devices[1].claim_due()) == len(due_now)


def test_a_retried_claim_gets_back_what_its_lost_answer_held(test_db, alice, due_now, devices):
    """The COMMIT went through but its answer was lost: the retry, with the same claim id,
    gets the same reminders (another claim id gets none)."""
    claim = uuid.uuid4()
    a = attacker(test_db.client_url)
    try:
        as_session(a, alice.token)
        first = a.execute(CLAIM, (claim,)).fetchall()
        a.commit()
        as_session(a, alice.token)
        again = a.execute(CLAIM, (claim,)).fetchall()
        a.commit()
    finally:
        a.close()
    assert sorted(first) == sorted(again) and len(first) == len(due_now)
    assert devices[0].claim_due() == []
