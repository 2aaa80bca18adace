"""The schema matches the specification, migrates both ways with data in it, and two
clients upgrading at once do not race."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from psycopg import sql
from sqlalchemy import create_engine, inspect
from sqlalchemy.types import NullType

from tests.support.blank_database import insert_users
from tests.support.repo import ROOT
from todo_desktop.db.schema import migrate
from todo_desktop.db.schema.migrate import SchemaState, schema_status
from todo_desktop.db.schema.tables import Tag, Task, TaskTag, User, Xid8

SPEC_COLUMNS = {
    "users": {
        "id": ("uuid", "NO", "gen_random_uuid()"),
        "email": ("character varying(255)", "NO", None),
        "first_name": ("character varying(100)", "NO", None),
        "last_name": ("character varying(100)", "NO", None),
        "password_hash": ("text", "NO", None),
        "is_active": ("boolean", "NO", "true"),
        "created_at": ("timestamp with time zone", "NO", "CURRENT_TIMESTAMP"),
        "updated_at": ("timestamp with time zone", "NO", "CURRENT_TIMESTAMP"),
    },
    "tasks": {
        "id": ("uuid", "NO", "gen_random_uuid()"),
        "user_id": ("uuid", "NO", "todo_auth.current_user_id()"),  # ours: the signed-in user
        "title": ("character varying(255)", "NO", None),
        "description": ("text", "YES", None),
        "completed": ("boolean", "NO", "false"),
        "priority": ("character varying(20)", "NO", "'medium'::character varying"),
        "due_date": ("timestamp with time zone", "YES", None),
        "created_at": ("timestamp with time zone", "NO", "CURRENT_TIMESTAMP"),
        "updated_at": ("timestamp with time zone", "NO", "CURRENT_TIMESTAMP"),
    },
}
PRIORITIES = ("low", "medium", "high", "urgent")
SPEC_INDEXES = [
    ("users", ["email"]),
    ("users", ["created_at"]),
    ("users", ["updated_at"]),
    ("tasks", ["user_id"]),
    ("tasks", ["completed"]),
    ("tasks", ["priority"]),
    ("tasks", ["due_date"]),
    ("tasks", ["created_at"]),
    ("tasks", ["updated_at"]),
    ("tasks", ["user_id", "completed"]),
]


def test_spec_columns_types_defaults_and_nullability(test_db):
    with test_db.superuser() as su:
        for table, columns in SPEC_COLUMNS.items():
            rows = su.execute(
                "SELECT column_name, format_type(a.atttypid, a.atttypmod), c.is_nullable, c.column_default "
                "FROM information_schema.columns c JOIN pg_attribute a "
                "ON a.attrelid = ('public.' || c.table_name)::regclass AND a.attname = c.column_name "
                "WHERE c.table_schema = 'public' AND c.table_name = %s",
                (table,),
            ).fetchall()
            found = {r[0]: (r[1], r[2], r[3]) for r in rows}
            for name, expected in columns.items():
                assert found[name] == expected, (table, name)


def test_spec_constraints(test_db):
    with test_db.superuser() as su:
        check = su.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'tasks_priority_check'"
        ).fetchone()[0]
        for value in ("low", "medium", "high", "urgent"):
            assert f"'{value}'" in check
        fk = su.execute(
            "SELECT confdeltype, confrelid::regclass::text FROM pg_constraint "
            "WHERE conrelid = 'tasks'::regclass AND contype = 'f'"
        ).fetchone()
        assert fk == ("c", "users")
        uniques = su.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = 'users'::regclass AND indisunique"
        ).fetchall()
        defs = " ".join(r[0] for r in uniques)
        assert "(email)" in defs and "lower((email)::text)" in defs


def test_every_spec_index_is_served(test_db):
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT c.relname, array_agg(a.attname ORDER BY k.ord) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid "
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
            "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
            "WHERE c.relname IN ('users', 'tasks') AND c.relnamespace = 'public'::regnamespace "
            "GROUP BY i.indexrelid, c.relname"
        ).fetchall()
    for table, columns in SPEC_INDEXES:
        assert any(t == table and list(cols[: len(columns)]) == columns for t, cols in rows), (table, columns)


def test_updated_at_trigger_and_case_insensitive_email(test_db, accounts, alice, alice_tasks):
    from todo_desktop.core.values import TaskChanges, TaskDraft

    task = alice_tasks.create(TaskDraft(title="a"))
    assert task.updated_at == task.created_at
    later = alice_tasks.update(task.id, TaskChanges(title="b"))
    assert later.updated_at > task.updated_at and later.created_at == task.created_at


USERS = (
    "SELECT id, email, first_name, last_name, password_hash, is_active, created_at, updated_at "
    "FROM public.users ORDER BY id"
)
TASKS = (
    "SELECT id, user_id, title, description, completed, priority, due_date, created_at, updated_at, "
    "completed_at FROM public.tasks ORDER BY id"
)
COUNTED = "count(t.id) FILTER (WHERE NOT t.completed), count(t.id) FILTER (WHERE t.completed), " + ", ".join(
    f"count(t.id) FILTER (WHERE NOT t.completed AND t.priority = '{p}')" for p in PRIORITIES
)


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    return [
        s.revision
        for s in reversed(list(ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()))
    ]


def _stored(su) -> tuple[list, list]:
    return su.execute(USERS).fetchall(), su.execute(TASKS).fetchall()


def _counters_agree_with_tasks(su, revision: str) -> bool:
    """Where the schema keeps counters, they equal counts of the tasks themselves: one row
    per user, and open dated tasks per UTC day. False where it keeps none."""
    if su.execute("SELECT to_regclass('public.task_counts')").fetchone()[0] is None:
        return False
    kept = "open_tasks, completed_tasks, open_low, open_medium, open_high, open_urgent"
    real = COUNTED
    has_bytes = su.execute(
        "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.task_counts'::regclass "
        "AND attname = 'text_bytes' AND NOT attisdropped"
    ).fetchone()[0]
    if has_bytes:
        kept += ", text_bytes"
        real += ", coalesce(sum(octet_length(t.title) + coalesce(octet_length(t.description), 0)), 0)"
    stored = su.execute(f"SELECT user_id, {kept} FROM public.task_counts ORDER BY user_id").fetchall()
    counted = su.execute(
        f"SELECT u.id, {real} FROM public.users u LEFT JOIN public.tasks t ON t.user_id = u.id "
        "GROUP BY u.id ORDER BY u.id"
    ).fetchall()
    assert stored == counted, revision
    days = su.execute(
        "SELECT user_id, due_day, open_count FROM public.task_due_days WHERE open_count <> 0 ORDER BY 1, 2"
    ).fetchall()
    counted_days = su.execute(
        "SELECT user_id, (due_date AT TIME ZONE 'UTC')::date, count(*) FROM public.tasks "
        "WHERE NOT completed AND due_date IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()
    assert days == counted_days, revision
    return True


def test_round_trip_with_data(empty_db, pg_cluster, monkeypatch):
    """One revision at a time, up to head, back down to 0001 and up again: every user and
    task survives each step, and each step that keeps counters leaves them right."""
    from alembic.script import ScriptDirectory

    url, name = empty_db
    revisions = _revisions()
    # Each of the hundred steps is its own upgrade or downgrade, and Alembic would read every
    # revision file again for each (most of the test's time); the files do not change, so
    # the steps share one reading, as the steps of a single upgrade to head do.
    script = ScriptDirectory.from_config(migrate.alembic_config())
    monkeypatch.setattr(ScriptDirectory, "from_config", classmethod(lambda _cls, _config: script))
    assert revisions[0] == "0001" and revisions[-1] == migrate.head_revision()
    migrate.upgrade(url, revisions[0])
    with pg_cluster.admin(name) as su:
        insert_users(su, 6)
        # The last user has no tasks; some tasks are done, undated, overdue or non-ASCII.
        su.execute(
            "INSERT INTO tasks (user_id, title, description, priority, due_date, completed) "
            "SELECT u.id, 'task ' || g || CASE WHEN g % 5 = 0 THEN ' café ✓ 東京' ELSE '' END, "
            "CASE WHEN g % 3 = 0 THEN NULL ELSE repeat('d', g) END, "
            "(ARRAY['low','medium','high','urgent'])[1 + g % 4], "
            "CASE WHEN g % 4 = 0 THEN NULL ELSE now() + (g - 15) * interval '7 hours' END, g % 6 = 0 "
            "FROM users u, generate_series(1, 30) g WHERE u.email <> 'u6@example.com'"
        )
        expected = _stored(su)
    assert len(expected[1]) == 150

    def step(move, revision: str) -> bool:
        move(url, revision)
        with pg_cluster.admin(name) as su:
            assert su.execute("SELECT version_num FROM alembic_version").fetchone()[0] == revision
            assert _stored(su) == expected, revision
            return _counters_agree_with_tasks(su, revision)

    def climb() -> None:
        counted_at = [r for r in revisions[1:] if step(migrate.upgrade, r)]
        assert counted_at[0] == "0003" and counted_at[-1] == revisions[-1]

    climb()
    for revision in reversed(revisions[:-1]):
        step(migrate.downgrade, revision)
    # Changed where no counter follows, so the next climb has to count it afresh.
    with pg_cluster.admin(name) as su:
        su.execute("UPDATE tasks SET completed = NOT completed WHERE title LIKE 'task 1%'")
        su.execute("DELETE FROM tasks WHERE title LIKE 'task 2%' AND priority = 'high'")
        su.execute(
            "INSERT INTO tasks (user_id, title, priority, due_date) SELECT id, 'later', 'urgent', "
            "now() - interval '3 days' FROM users WHERE email = 'u6@example.com'"
        )
        expected = _stored(su)
    climb()

    migrate.downgrade(url, "base")
    with pg_cluster.admin(name) as su:
        leftovers = su.execute(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
            "AND relname NOT LIKE 'alembic_version%%'"
        ).fetchone()[0]
        assert leftovers == 0
        assert su.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'todo_auth'").fetchone()[0] == 0
        assert su.execute("SELECT count(*) FROM pg_proc WHERE proname = 'todo_touch_row'").fetchone()[0] == 0
    migrate.upgrade(url)
    with pg_cluster.admin(name) as su:
        assert su.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.head_revision()


def test_schema_status_speaks_plainly(empty_db):
    url, _ = empty_db
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        assert schema_status(conn).state is SchemaState.MISSING
    migrate.upgrade(url, "0001")
    with engine.connect() as conn:
        status = schema_status(conn)
        assert status.state is SchemaState.OLDER and "older than this app" in status.message
    migrate.upgrade(url)
    with engine.connect() as conn:
        assert schema_status(conn).state is SchemaState.CURRENT
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00d'")
        conn.commit()
        status = schema_status(conn)
        assert status.state is SchemaState.NEWER and "newer than this app" in status.message
    engine.dispose()


def test_alembic_cli_from_repository_root_with_two_racing_processes(empty_db, pg_cluster):
    url, name = empty_db
    env = {**os.environ, "TODO_DATABASE_URL": url}
    alembic = [sys.executable, "-m", "alembic", "upgrade", "head"]
    procs = [
        subprocess.Popen(alembic, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    with pg_cluster.admin(name) as su:
        assert su.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.head_revision()


# The inspector names xid8 as NullType, and says so; the test checks that column for it below.
@pytest.mark.filterwarnings("ignore:Did not recognize type 'xid8'")
def test_models_agree_with_the_migrated_schema(test_db):
    engine = create_engine(test_db.owner_url.replace("postgresql://", "postgresql+psycopg://", 1))
    inspector = inspect(engine)
    for model in (User, Task, Tag, TaskTag):
        table = model.__table__
        live = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(live) == set(table.c.keys()), table.name
        for column in table.c:
            assert live[column.name]["nullable"] == column.nullable, (table.name, column.name)
            live_type = live[column.name]["type"]
            if isinstance(column.type, Xid8):  # a type SQLAlchemy's inspector does not name
                assert isinstance(live_type, NullType), (table.name, column.name)
                continue
            assert live_type.python_type is column.type.python_type, (table.name, column.name)
            assert getattr(live_type, "length", None) == getattr(column.type, "length", None)
            assert getattr(live_type, "timezone", None) == getattr(column.type, "timezone", None)
    engine.dispose()


def test_app_head_constant_is_the_newest_revision():
    assert migrate.head_revision() == migrate.APP_HEAD


def test_api_row_model_matches_the_functions_row_type(test_db):
    from todo_desktop.db.schema.tables import ApiTask
    from todo_desktop.db.task_sql import TASK_COLUMNS

    with test_db.superuser() as su:
        attributes = [
            r[0]
            for r in su.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = 'todo_api.task'::regclass "
                "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
            ).fetchall()
        ]
    assert attributes == list(ApiTask.model_fields) == list(TASK_COLUMNS)


def test_upgrade_in_place_keeps_every_task_and_opens_the_api(empty_db, pg_cluster, roles):
    """A database made by the previous release, with people and tasks in it, moves to the
    function API without losing a task, and its people sign in and see them; stepping back
    down keeps them too."""
    from tests.support.database import PASSWORD
    from todo_desktop.core.values import TaskQuery
    from todo_desktop.db.accounts import AccountService
    from todo_desktop.db.connect.engine import create_db_engine
    from todo_desktop.db.connect.urls import parse_database_url
    from todo_desktop.db.database import Database
    from todo_desktop.db.passwords import MINIMUM_COST, KdfParams
    from todo_desktop.db.tasks import TaskRepository

    url, name = empty_db
    migrate.upgrade(url, "0003")
    params = KdfParams.new(MINIMUM_COST)
    key = params.derive(PASSWORD)
    with pg_cluster.admin(name) as su:
        su.execute(f"REVOKE TEMPORARY ON DATABASE {sql.Identifier(name).as_string(su)} FROM PUBLIC")
        su.execute(
            "INSERT INTO users (email, first_name, last_name, password_hash) "
            "SELECT 'u' || g || '@example.com', 'U', 'V', todo_auth.verifier(%s, %s) "
            "FROM generate_series(1, 5) g",
            (params.to_phc(), key),
        )
        su.execute(
            "INSERT INTO tasks (user_id, title, description, priority, due_date) "
            "SELECT u.id, 'task ' || g, repeat('d', g), (ARRAY['low','medium','high','urgent'])[1 + g % 4], "
            "now() + g * interval '1 hour' FROM users u, generate_series(1, 40) g"
        )
        before = su.execute("SELECT id, title, description, updated_at FROM tasks ORDER BY id").fetchall()
    migrate.upgrade(url)
    with pg_cluster.admin(name) as su:
        after = su.execute("SELECT id, title, description, updated_at FROM tasks ORDER BY id").fetchall()
        bytes_kept = su.execute(
            "SELECT bool_and(c.text_bytes = s.b) FROM task_counts c JOIN (SELECT user_id, "
            "sum(octet_length(title) + coalesce(octet_length(description), 0)) b FROM tasks GROUP BY 1) s "
            "USING (user_id)"
        ).fetchone()[0]
    assert after == before and bytes_kept
    target = parse_database_url(pg_cluster.url(name, roles.client, roles.client_password))
    db = Database(create_db_engine(target), target, retry_budget=2.0)
    try:
        signed = AccountService(db, kdf_cost=MINIMUM_COST).sign_in("u3@example.com", PASSWORD)
        page = TaskRepository(db, signed.token).list(TaskQuery(limit=100))
        assert len(page.tasks) == 40
    finally:
        db.dispose()
    migrate.downgrade(url, "0003")
    with pg_cluster.admin(name) as su:
        assert (
            su.execute("SELECT id, title, description, updated_at FROM tasks ORDER BY id").fetchall()
            == before
        )
