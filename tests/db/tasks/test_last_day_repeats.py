"""A task that repeats on the last day of the month (BYMONTHDAY=-1), against a real PostgreSQL:
any client may store it, as raw SQL through todo_api or through the data layer, and follow
it to the next occurrence; the check on a rule's shape still refuses every other day
counted from the end, and junk around it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from psycopg import errors as pg

from tests.support.attack_helpers import as_session, attacker
from todo_desktop.core import repeats
from todo_desktop.core.values import TaskDraft

BERLIN = ZoneInfo("Europe/Berlin")
_CREATE = (
    "SELECT repeat_rule FROM todo_api.create_task(gen_random_uuid(), 't', 't', NULL, 'low', NULL, "
    "false, NULL, NULL, %s, false)"
)
STORED = [
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1;UNTIL=20271231",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",  # the last day of February, 28th or 29th
    "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=-1",  # a month that ends on a Friday, as FR;BYMONTHDAY=13
]
REFUSED = [
    "FREQ=MONTHLY;BYMONTHDAY=0",
    "FREQ=MONTHLY;BYMONTHDAY=-0",
    "FREQ=MONTHLY;BYMONTHDAY=32",
    "FREQ=MONTHLY;BYMONTHDAY=-32",
    "FREQ=MONTHLY;BYMONTHDAY=-2",  # only the last day is kept; see revision 0035
    "FREQ=MONTHLY;BYMONTHDAY=-31",
    "FREQ=MONTHLY;BYMONTHDAY=-01",
    "FREQ=MONTHLY;BYMONTHDAY=--1",
    "FREQ=MONTHLY;BYMONTHDAY=+1",
    "FREQ=MONTHLY;BYMONTHDAY=1-",
    "FREQ=MONTHLY;BYMONTHDAY=-1,1",
    "FREQ=MONTHLY;BYMONTHDAY=-1;BYMONTHDAY=-1",
    "FREQ=MONTHLY;BYMONTHDAY=-1;BYMONTH=2",  # not in the one order the database keeps
    "FREQ=MONTHLY;BYDAY=-1FR;BYMONTHDAY=-1",  # a placed weekday and the last day: no sense
    "FREQ=MONTHLY;BYDAY=2MO;BYMONTHDAY=-1",
    "FREQ=MONTHLY;BYMONTHDAY=-1\n",
]


def test_a_client_may_store_a_last_day_rule_and_nothing_like_it(test_db, alice):
    """One connection for every rule (a database per rule would cost a quarter second each)."""
    conn = attacker(test_db.client_url)
    try:
        stored = []
        for rule in STORED:
            as_session(conn, alice.token)
            stored.append(conn.execute(_CREATE, (rule,)).fetchone()[0])
            conn.commit()
        assert stored == STORED
        refused: dict[str, str | None] = {}
        for rule in REFUSED:
            as_session(conn, alice.token)
            try:
                conn.execute(_CREATE, (rule,))
                refused[rule] = None
            except pg.CheckViolation as exc:
                refused[rule] = exc.diag.constraint_name
            conn.rollback()
        assert refused == dict.fromkeys(REFUSED, "tasks_repeat_rule_shape")
    finally:
        conn.close()


def test_the_last_day_is_kept_and_followed_through_short_months(alice_tasks):
    january = datetime(2028, 1, 31, 8, 0, tzinfo=UTC)  # 09:00 in Berlin; 2028 is a leap year
    rent = alice_tasks.create(TaskDraft(title="Rent", due_date=january, repeat="freq=monthly;bymonthday=-1"))
    assert rent.repeat == "FREQ=MONTHLY;BYMONTHDAY=-1"
    [february] = alice_tasks.update_many([repeats.completion(rent, january, BERLIN)]).created
    assert february.due_date == datetime(2028, 2, 29, 8, 0, tzinfo=UTC)
    [march] = alice_tasks.update_many([repeats.completion(february, february.due_date, BERLIN)]).created
    assert march.due_date == datetime(2028, 3, 31, 7, 0, tzinfo=UTC)  # 09:00 in Berlin, summer time
    assert march.repeat == "FREQ=MONTHLY;BYMONTHDAY=-1"


def test_the_widened_check_reads_every_row(test_db):
    """The check was added without reading the rows and then validated: it holds for all."""
    with test_db.superuser() as su:
        row = su.execute(
            "SELECT convalidated FROM pg_constraint "
            "WHERE conrelid = 'public.tasks'::regclass AND conname = 'tasks_repeat_rule_shape'"
        ).fetchone()
    assert row == (True,)
