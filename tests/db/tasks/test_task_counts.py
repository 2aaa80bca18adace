"""The counters kept by triggers always equal a count from scratch, and so does the stored
text the quota counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core.values import Priority, SmartList, TaskChanges, TaskDraft

STATIC_LISTS = [
    SmartList.INBOX,
    SmartList.COMPLETED,
    SmartList.PRIORITY_LOW,
    SmartList.PRIORITY_MEDIUM,
    SmartList.PRIORITY_HIGH,
    SmartList.PRIORITY_URGENT,
]


def _recounted(test_db, user_id):
    with test_db.superuser() as su:
        before = su.execute(
            "SELECT open_tasks, completed_tasks, open_low, open_medium, open_high, open_urgent "
            "FROM task_counts WHERE user_id = %s",
            (user_id,),
        ).fetchone()
        days_before = su.execute(
            "SELECT due_day, open_count FROM task_due_days WHERE user_id = %s AND open_count <> 0 ORDER BY 1",
            (user_id,),
        ).fetchall()
        su.execute("SELECT todo_recount_tasks()")
        days_after = su.execute(
            "SELECT due_day, open_count FROM task_due_days WHERE user_id = %s ORDER BY 1", (user_id,)
        ).fetchall()
        after = su.execute(
            "SELECT open_tasks, completed_tasks, open_low, open_medium, open_high, open_urgent "
            "FROM task_counts WHERE user_id = %s",
            (user_id,),
        ).fetchone()
    return (before, days_before), (after, days_after)


def _text_bytes(test_db, user_id) -> int:
    with test_db.superuser() as su:
        return su.execute("SELECT text_bytes FROM task_counts WHERE user_id = %s", (user_id,)).fetchone()[0]


def _bytes(task) -> int:
    """A task's stored text as the quota counts it: title, notes and tag names, in UTF-8."""
    return sum(len(part.encode()) for part in (task.title, task.description or "", *task.tags))


def test_counters_follow_every_kind_of_write(test_db, alice, alice_tasks, bob_tasks):
    rng = random.Random(4)
    now = datetime.now(UTC)
    live = []
    for step in range(60):
        action = rng.choice(["create", "create", "update", "rename", "toggle", "bulk", "delete"])
        if action == "create" or not live:
            due = now + timedelta(hours=rng.randint(-72, 240)) if rng.random() < 0.7 else None
            draft = TaskDraft(
                title=f"t{step}",
                priority=rng.choice(list(Priority)),
                due_date=due,
                completed=rng.random() < 0.2,
            )
            live.append(alice_tasks.create(draft))
            bob_tasks.create(TaskDraft(title=f"bob {step}"))  # another user's counters move too
        elif action == "update":
            i = rng.randrange(len(live))
            due = now + timedelta(hours=rng.randint(-72, 240)) if rng.random() < 0.7 else None
            changes = TaskChanges(priority=rng.choice(list(Priority)), due_date=due)
            live[i] = alice_tasks.update(live[i].id, changes)
        elif action == "rename":  # the stored text changes, no counter does
            i = rng.randrange(len(live))
            words = "x" * rng.randint(1, 40)
            live[i] = alice_tasks.update(live[i].id, TaskChanges(title=f"t{step} {words}", description=words))
        elif action == "toggle":
            i = rng.randrange(len(live))
            live[i] = alice_tasks.toggle(live[i])
        elif action == "bulk":
            chosen = {t.id for t in rng.sample(live, min(3, len(live)))}
            stored = {t.id: t for t in alice_tasks.set_completed(chosen, rng.random() < 0.5)}
            live = [stored.get(t.id, t) for t in live]
        else:
            gone = live.pop(rng.randrange(len(live)))
            alice_tasks.delete([gone.id])
        before, after = _recounted(test_db, alice.account.id)
        assert before == after, (step, action)
        assert _text_bytes(test_db, alice.account.id) == sum(_bytes(t) for t in live), (step, action)
    counts = alice_tasks.counts(now, ZoneInfo("Europe/Berlin"))
    open_tasks = [t for t in live if not t.completed]
    assert counts[SmartList.INBOX] == len(open_tasks)
    assert counts[SmartList.COMPLETED] == len(live) - len(open_tasks)
    for smart, priority in zip(STATIC_LISTS[2:], Priority, strict=True):
        assert counts[smart] == sum(1 for t in open_tasks if t.priority is priority)
    assert counts[SmartList.OVERDUE] == sum(1 for t in open_tasks if t.due_date and t.due_date < now)
    # Ranges that start and end inside days, span whole days, or sit inside one day.
    for start_h, end_h in ((-50, 3), (-3, 2), (1, 100), (-80, -79), (-100, 300)):
        start, end = now + timedelta(hours=start_h, minutes=17), now + timedelta(hours=end_h, minutes=41)
        with test_db.superuser() as su:
            counted = su.execute(
                "SELECT todo_count_open_due(%s, %s, %s)", (alice.account.id, start, end)
            ).fetchone()[0]
        assert counted == sum(1 for t in open_tasks if t.due_date and start <= t.due_date < end)


def test_counters_go_with_the_account(test_db, accounts, alice, alice_tasks):
    from tests.support.database import PASSWORD

    alice_tasks.create(TaskDraft(title="x"))
    accounts.delete_account(alice.token, PASSWORD)
    with test_db.superuser() as su:
        assert (
            su.execute("SELECT count(*) FROM task_counts WHERE user_id = %s", (alice.account.id,)).fetchone()[
                0
            ]
            == 0
        )


def test_counters_are_private(test_db, alice, bob, alice_tasks):
    import psycopg

    from tests.support.attack_helpers import as_session, attacker

    alice_tasks.create(TaskDraft(title="x"))
    conn = attacker(test_db.client_url)
    as_session(conn, bob.token)
    for table in ("task_counts", "task_due_days"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"SELECT * FROM public.{table}")
        conn.rollback()
        as_session(conn, bob.token)
    now = datetime.now(UTC)
    row = conn.execute("SELECT open_tasks FROM todo_api.task_counts(%s, %s, %s, %s)", [now] * 4).fetchall()
    assert row == [(0,)]
    conn.close()
