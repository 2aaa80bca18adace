"""Helpers of the data benchmark: building its database (roles, a migrated schema, users and a
bulk load of tasks), and timing connections (slow statements are explained by ``_explain``).

Users are inserted by the owner (the role that ran the migrations) in one statement, each
with a valid password verifier made by ``todo_auth.verifier`` from parameters that
``todo_auth.check_params`` accepts, as ``todo_auth.register`` stores them; registering through
that function would meet its hourly limit. Tasks are loaded by the superuser with COPY, with
triggers (the ``updated_at`` trigger, the counters, the quota check and the foreign key checks)
switched off by ``session_replication_role = replica`` and the secondary indexes dropped and
rebuilt from their own definitions; the generated rows already satisfy what the triggers
would enforce, and the counters they keep are rebuilt afterwards (``RECOUNT``). Rows of all
users are interleaved in creation order, as they would be on a shared database that grew
over a year, so one person's tasks are spread over the table.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql

from todo_desktop.core.title_order import title_key
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.passwords import MINIMUM_COST, KdfParams
from todo_desktop.db.roles import ClientLimits, create_client_role
from todo_desktop.db.schema import migrate

DATABASE = "todo_bench"
OWNER = "bench_owner"
CLIENT = "bench_client"
HEAVY_EMAIL = "heavy@example.com"
PASSWORD = "benchmark password shared by all"
SEARCH_WORD = "zanzibar"  # in about 1% of titles, and in no other word of the vocabulary

_VERBS = (
    "Call",
    "Email",
    "Buy",
    "Fix",
    "Review",
    "Plan",
    "Write",
    "Book",
    "Clean",
    "Pay",
    "Prepare",
    "Check",
    "Update",
    "Order",
    "Schedule",
    "Read",
    "Send",
    "Renew",
)
_THINGS = (
    "plumber",
    "invoice",
    "groceries",
    "report",
    "slides",
    "dentist",
    "garage",
    "taxes",
    "newsletter",
    "budget",
    "tickets",
    "insurance",
    "car service",
    "birthday gift",
    "quarterly review",
    "backup drive",
    "passport",
    "library books",
    "team lunch",
)
_WHEN = (
    "today",
    "this week",
    "before Friday",
    "next month",
    "after lunch",
    "first thing",
    "for the trip",
    "with Sam",
    "for the meeting",
    "again",
)
_NOTES = (
    "Remember to bring the receipt and the reference number.",
    "Ask about the discount they mentioned last time.",
    "Two options: the cheaper one arrives later.\nCompare before ordering.",
    "See the shared folder for the previous version.",
    "Low effort, but it keeps slipping. Just do it.",
    "Blocked until the other team answers the question about scope.",
)
_PRIORITIES = ("low", "medium", "high", "urgent")
_PRIORITY_WEIGHTS = (30, 40, 20, 10)
_COLUMNS = (
    "user_id",
    "title",
    "title_key",
    "description",
    "completed",
    "priority",
    "due_date",
    "created_at",
    "updated_at",
    "completed_at",
)

# What the triggers would have kept, after a load that bypassed them: the per-user counters
# and due-day buckets (``todo_recount_tasks``), then the stored-text total of the quotas
# (as migrations/sql/0004_quotas.sql computes it).
RECOUNT = (
    "SELECT public.todo_recount_tasks()",
    "UPDATE public.task_counts c SET text_bytes = coalesce(s.bytes, 0) "
    "FROM public.users u LEFT JOIN (SELECT user_id, "
    "sum(octet_length(title) + coalesce(octet_length(description), 0)) AS bytes "
    "FROM public.tasks GROUP BY user_id) s ON s.user_id = u.id WHERE c.user_id = u.id",
)


@dataclass(frozen=True)
class Setup:
    server: EmbeddedServer

    def dsn(self, user: str = "postgres", database: str = DATABASE) -> str:
        return psycopg.conninfo.make_conninfo(host=self.server.socket_dir, user=user, dbname=database)

    def url(self, user: str) -> str:
        return self.server.url(user, DATABASE)


@dataclass(frozen=True)
class Users:
    ids: list[uuid.UUID]  # ids[0] is the heavy user
    params: str
    key: bytes


def prepare(server: EmbeddedServer) -> Setup:
    """A database migrated by a non-superuser owner, and a client role (member of todo_app)."""
    setup = Setup(server)
    with psycopg.connect(setup.dsn(database="postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS").format(sql.Identifier(OWNER))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DATABASE), sql.Identifier(OWNER))
        )
    migrate.upgrade(setup.url(OWNER))
    engine = create_db_engine(parse_database_url(setup.url(OWNER)))
    try:
        with engine.begin() as conn:
            # The embedded server authenticates by peer, so the role needs no password.
            create_client_role(conn, CLIENT, with_password=False, limits=ClientLimits(connection_limit=None))
    finally:
        engine.dispose()
    return setup


def create_users(owner_dsn: str, emails: list[str], first_name: str) -> Users:
    """Insert one user per email as the owner, all with ONE derived key; ``ids`` in the
    order of ``emails``. Last names are "User 0", "User 1", ..."""
    params = KdfParams.new(MINIMUM_COST)
    key = params.derive(PASSWORD)
    phc = params.to_phc()
    with psycopg.connect(owner_dsn) as conn:
        conn.execute("SELECT todo_auth.check_params(%s, %s)", (phc, key))
        rows = conn.execute(
            "INSERT INTO public.users (email, first_name, last_name, password_hash) "
            "SELECT e.email, %s, 'User ' || (e.n - 1), todo_auth.verifier(%s, %s) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS e(email, n) RETURNING email, id",
            (first_name, phc, key, emails),
        ).fetchall()
    made: dict[str, uuid.UUID] = dict(rows)
    if len(made) != len(emails):
        raise RuntimeError(f"inserted {len(made)} users of {len(emails)}")
    return Users(ids=[made[e] for e in emails], params=phc, key=key)


def register_users(setup: Setup, count: int) -> Users:
    """``count`` users, the heavy one first."""
    emails = [HEAVY_EMAIL] + [f"user{i:05d}@example.com" for i in range(1, count)]
    return create_users(setup.dsn(OWNER), emails, "Bench")


def task_counts(users: int, total: int, heavy: int) -> list[int]:
    """Tasks per user: ``heavy`` for the first, the rest spread evenly over the others."""
    if users == 1:
        return [total]
    rest, others = total - heavy, users - 1
    return [heavy] + [rest // others + (1 if i < rest % others else 0) for i in range(others)]


def _rows(user_ids: list[uuid.UUID], counts: list[int], seed: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(seed)
    owners = [n for n, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(owners)
    total = len(owners)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=365)
    year = 365 * 86400.0
    for k, owner in enumerate(owners):
        created = start + timedelta(seconds=year * k / total)
        age = (now - created).total_seconds()
        updated = created + timedelta(seconds=rng.random() * min(age, 30 * 86400.0))
        completed = rng.random() < 0.30
        due = now + timedelta(seconds=rng.uniform(-60, 60) * 86400) if rng.random() < 0.70 else None
        title = f"{rng.choice(_VERBS)} {rng.choice(_THINGS)} {rng.choice(_WHEN)}"
        if rng.random() < 0.01:
            title = f"{title} {SEARCH_WORD}"
        description = rng.choice(_NOTES) if rng.random() < 0.25 else None
        priority = rng.choices(_PRIORITIES, _PRIORITY_WEIGHTS)[0]
        yield (
            user_ids[owner],
            title,
            title_key(title),
            description,
            completed,
            priority,
            due,
            created,
            updated,
            updated if completed else None,
        )


def load_tasks(setup: Setup, users: Users, total: int, heavy: int, seed: int) -> dict[str, float]:
    """COPY the tasks in as the superuser, rebuild the indexes, then VACUUM ANALYZE."""
    timings: dict[str, float] = {}
    counts = task_counts(len(users.ids), total, heavy)
    with psycopg.connect(setup.dsn()) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = conn.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid IN ('public.tasks'::regclass, 'public.task_title_words'::regclass) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier("public", name)))
        t0 = time.perf_counter()
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in _COLUMNS)
        # Through a staging table: the search keys (a trigger's work, off here) are made on the way in.
        conn.execute(
            sql.SQL("CREATE TEMP TABLE staged AS SELECT {} FROM public.tasks WITH NO DATA").format(columns)
        )
        with conn.cursor().copy(sql.SQL("COPY staged ({}) FROM STDIN").format(columns)) as copy:
            for row in _rows(users.ids, counts, seed):
                copy.write_row(row)
        timings["COPY tasks into a staging table"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        conn.execute(
            sql.SQL(
                "INSERT INTO public.tasks ({}, search_words, search_grams) SELECT {}, "
                "public.todo_search_words(user_id, 'simple', title, description), "
                "public.todo_search_grams(user_id, title, description) FROM staged"
            ).format(columns, columns)
        )
        conn.execute("DROP TABLE staged")
        timings["move them in, with their search keys"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        conn.execute("SELECT public.todo_title_words_refill()")  # a trigger's work too
        timings["their titles' words"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _, ddl in indexes:
            conn.execute(ddl)  # type: ignore[arg-type]  # pg_get_indexdef's own DDL
        conn.commit()
        timings[f"rebuild {len(indexes)} indexes"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for statement in RECOUNT:  # COPY ran with triggers off
            conn.execute(statement)  # type: ignore[arg-type]  # constant text
        conn.commit()
        timings["recount task_counts and text_bytes"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with psycopg.connect(setup.dsn(), autocommit=True) as conn:
        tables = (
            "public.users",
            "public.tasks",
            "public.task_title_words",
            "public.task_counts",
            "todo_auth.sessions",
        )
        for table in tables:
            conn.execute(f"VACUUM (ANALYZE) {table}")  # type: ignore[arg-type]
        conn.execute("CHECKPOINT")
    timings["VACUUM ANALYZE + CHECKPOINT"] = time.perf_counter() - t0
    return timings


def settle(setup: Setup, probe_user: uuid.UUID, *, limit: float = 90.0) -> tuple[float, float]:
    """Wait until commits are quick again after the bulk load (the disk is still flushing the
    gigabyte just written). Probes with a no-op UPDATE of one light user's row, committed
    (and fsynced) on its own; returns (seconds waited, last probe p50 in ms)."""
    start = time.perf_counter()
    with psycopg.connect(setup.dsn(), autocommit=True) as conn:
        while True:
            probes = []
            for _ in range(50):
                t0 = time.perf_counter()
                conn.execute("UPDATE users SET last_name = last_name WHERE id = %s", (probe_user,))
                probes.append(time.perf_counter() - t0)
            p50 = sorted(probes)[len(probes) // 2] * 1000
            waited = time.perf_counter() - start
            if p50 < 1.5 or waited > limit:
                return waited, p50
            time.sleep(1.0)


def heavy_task_ids(setup: Setup, user_id: uuid.UUID, count: int, seed: int) -> list[uuid.UUID]:
    """``count`` distinct random tasks of the heavy user (read as the superuser)."""
    with psycopg.connect(setup.dsn()) as conn:
        conn.execute("SELECT setseed(%s)", (seed / 1000 % 1,))
        rows = conn.execute(
            "SELECT id FROM tasks WHERE user_id = %s ORDER BY random() LIMIT %s", (user_id, count)
        ).fetchall()
    if len(rows) < count:
        raise SystemExit(f"The heavy user has {len(rows)} tasks; the benchmark needs {count}.")
    return [r[0] for r in rows]


def server_facts(setup: Setup) -> list[str]:
    with psycopg.connect(setup.dsn()) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        settings = conn.execute(
            "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) "
            "FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'synchronous_commit', "
            "'fsync', 'jit', 'random_page_cost', 'effective_cache_size')"
        ).fetchone()
        sizes = conn.execute(
            "SELECT pg_size_pretty(pg_table_size('tasks')), pg_size_pretty(pg_indexes_size('tasks')), "
            "pg_size_pretty(pg_relation_size('tasks_search_words')), "
            "pg_size_pretty(pg_relation_size('tasks_search_grams'))"
        ).fetchone()
    if not (version and settings and sizes):
        raise RuntimeError("the server did not describe itself")
    return [
        f"PostgreSQL {version[0]}; {settings[0]}",
        f"tasks: table {sizes[0]}, indexes {sizes[1]}, of which search: words {sizes[2]}, pieces {sizes[3]}",
    ]


def connection_times(engine: Any, dsn: str, iterations: int) -> list[tuple[str, list[float]]]:
    """Checkout from the engine's warm pool, and a brand-new psycopg connection."""
    for _ in range(10):
        engine.connect().close()
    pooled, fresh = [], []
    for _ in range(iterations):
        t0 = time.perf_counter()
        conn = engine.connect()
        pooled.append(time.perf_counter() - t0)
        conn.close()
        t0 = time.perf_counter()
        raw = psycopg.connect(dsn)
        fresh.append(time.perf_counter() - t0)
        raw.close()
    return [("pooled checkout (engine.connect)", pooled), ("new connection (psycopg.connect)", fresh)]
