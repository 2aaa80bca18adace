"""Revision 0038 on a database with reminders in it: a zoned reminder of a task due all day
moves to the morning of its day (one whose new time is ahead rings again, one already past is
left as it was), every other reminder is left alone, and the downgrade moves them back."""

from __future__ import annotations

import psycopg

from tests.support.blank_database import insert_users
from todo_desktop.db.schema import migrate

HELPER = "public.todo_reminder_fire_at(timestamp with time zone,interval,text)"


def _reminders(su: psycopg.Connection) -> dict[str, tuple]:
    rows = su.execute(
        "SELECT t.title, r.fire_at, r.delivered_at IS NOT NULL FROM public.task_reminders r "
        "JOIN public.tasks t ON t.id = r.task_id"
    ).fetchall()
    return {title: (fire_at, delivered) for title, fire_at, delivered in rows}


def _helper(su: psycopg.Connection) -> tuple:
    return su.execute(
        "SELECT pg_get_userbyid(proowner), proconfig, proacl FROM pg_proc WHERE oid = %s::regprocedure",
        (HELPER,),
    ).fetchone()


def test_upgrade_moves_all_day_reminders_to_the_morning_and_downgrade_back(empty_db, pg_cluster):
    url, name = empty_db
    migrate.upgrade(url, "0037")
    with pg_cluster.admin(name) as su:
        insert_users(su, 1)
        # 23:59 in Berlin (winter: UTC+1) two years ahead, and 23:59 three years back.
        su.execute(
            "INSERT INTO public.tasks (user_id, title, due_date) SELECT u.id, v.title, v.due::timestamptz "
            "FROM public.users u, (VALUES ('ahead', '2029-01-12 22:59Z'), ('timed', '2029-01-12 14:00Z'), "
            "('zoneless', '2029-01-12 22:59Z'), ('past', '2024-01-12 22:59Z')) AS v(title, due)"
        )
        su.execute(
            "INSERT INTO public.task_reminders (task_id, user_id, before_due, zone, fire_at, delivered_at) "
            "SELECT t.id, t.user_id, interval '24 hours', "
            "CASE WHEN t.title <> 'zoneless' THEN 'Europe/Berlin' END, t.due_date - interval '24 hours', "
            "CASE WHEN t.title = 'past' THEN now() END FROM public.tasks t"
        )
        before, helper = _reminders(su), _helper(su)

    migrate.upgrade(url, "0038")
    with pg_cluster.admin(name) as su:
        after = _reminders(su)
        assert _helper(su) == helper  # its owner, settings and grants kept
    assert after["ahead"][0].isoformat() == "2029-01-11T08:00:00+00:00"  # 09:00 the day before
    assert after["past"] == (before["past"][0].replace(hour=8, minute=0), True)  # past: not rung again
    assert {k: after[k] for k in ("timed", "zoneless")} == {k: before[k] for k in ("timed", "zoneless")}

    migrate.downgrade(url, "0037")
    with pg_cluster.admin(name) as su:
        assert _reminders(su) == before
        assert _helper(su) == helper
    migrate.upgrade(url)
    with pg_cluster.admin(name) as su:
        assert _reminders(su) == after
