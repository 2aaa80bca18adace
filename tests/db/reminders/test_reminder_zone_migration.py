"""Revision 0036 on a database with reminders in it: existing reminders keep their meaning (no
zone: a day is 24 hours), the tasks table is not rewritten, and the downgrade gives back
revision 0035's functions with every reminder still there."""

from __future__ import annotations

from datetime import timedelta

import psycopg

from tests.support.blank_database import insert_users
from todo_desktop.db.schema import migrate

SET_0035 = "todo_api.set_reminder(uuid,timestamp with time zone,interval)"
SET_0036 = "todo_api.set_reminder(uuid,timestamp with time zone,interval,text)"


def _files(su: psycopg.Connection) -> tuple:
    return su.execute(
        "SELECT pg_relation_filenode('public.tasks'), pg_relation_filenode('public.task_reminders')"
    ).fetchone()


def _reminders(su: psycopg.Connection) -> list[tuple]:
    return su.execute(
        "SELECT task_id, before_due, fire_at, delivered_at FROM public.task_reminders ORDER BY task_id"
    ).fetchall()


def _api(su: psycopg.Connection) -> list[tuple]:
    return su.execute(
        "SELECT p.oid::regprocedure::text, pg_get_userbyid(p.proowner), p.prosecdef, p.proconfig, "
        "has_function_privilege('todo_app', p.oid, 'EXECUTE') FROM pg_proc p "
        "WHERE p.proname = 'set_reminder'"
    ).fetchall()


def test_upgrade_and_downgrade_keep_every_reminder(empty_db, pg_cluster):
    url, name = empty_db
    migrate.upgrade(url, "0035")
    with pg_cluster.admin(name) as su:
        insert_users(su, 2)
        su.execute(
            "INSERT INTO public.tasks (user_id, title, due_date) SELECT u.id, 'task ' || g, "
            "timestamptz '2027-03-28 07:00Z' + g * interval '1 day' "
            "FROM public.users u, generate_series(1, 5) g"
        )
        su.execute(
            "INSERT INTO public.task_reminders (task_id, user_id, before_due, fire_at) "
            "SELECT id, user_id, interval '24 hours', due_date - interval '24 hours' FROM public.tasks"
        )
        before, files, old_api = _reminders(su), _files(su), _api(su)
    assert len(before) == 10 and [a[0] for a in old_api] == [SET_0035]

    migrate.upgrade(url, "0036")
    with pg_cluster.admin(name) as su:
        assert _files(su) == files  # neither table rewritten
        assert _reminders(su) == before
        assert su.execute("SELECT count(*) FROM public.task_reminders WHERE zone IS NOT NULL").fetchone() == (
            0,
        )
        (api,) = _api(su)
        assert api[0] == SET_0036 and api[1:3] == old_api[0][1:3] and api[4]
        assert set(old_api[0][3]) <= set(api[3])  # its settings, jit and messages too
        # Moving a due date keeps an old reminder's meaning: 24 hours before.
        su.execute("UPDATE public.tasks SET due_date = due_date + interval '7 days'")
        moved = _reminders(su)
        assert [r[2] for r in moved] == [r[2] + timedelta(days=7) for r in before]
        su.execute("UPDATE public.task_reminders SET zone = 'Europe/Berlin'")

    migrate.downgrade(url, "0035")
    with pg_cluster.admin(name) as su:
        assert _reminders(su) == moved
        assert _api(su) == old_api
        assert su.execute(
            "SELECT count(*) FROM information_schema.columns WHERE column_name = 'zone' "
            "AND table_name IN ('task_reminders', 'task_reminders_removed')"
        ).fetchone() == (0,)
        assert su.execute(
            "SELECT count(*) FROM pg_proc WHERE proname = 'todo_reminder_fire_at'"
        ).fetchone() == (0,)
        su.execute("UPDATE public.tasks SET due_date = due_date - interval '7 days'")
        assert _reminders(su) == before  # 0035's trigger at work again

    migrate.upgrade(url)
    with pg_cluster.admin(name) as su:
        assert su.execute("SELECT version_num FROM alembic_version").fetchone() == (migrate.APP_HEAD,)
