"""Tags for the data benchmark's tasks, and the sizes of what keeps them.

The bulk load (``_load.load_tasks``) bypasses triggers, so the tags are given the same way:
each person gets the same eight tags; half of all tasks get one or two of them (chosen from a
hash of the task's id, so every run tags the same tasks), ``work`` being the most common (on
about a quarter of all tasks); task_tags is filled as the trigger would fill it, with its
indexes dropped and rebuilt from their own definitions; the stored-text quota is recounted
with the tags' names, and each tag's open tasks; then everything is vacuumed and analysed.
"""

from __future__ import annotations

import time

import psycopg
from psycopg import sql

from tests.bench._load import Setup

TAGS = ("work", "home", "errands", "health", "finance", "reading", "garden", "travel")
BUSY_TAG = TAGS[0]

_TAG_TASKS = """
UPDATE public.tasks t
   SET tags = CASE WHEN h.extra THEN ARRAY[h.first, h.second] ELSE ARRAY[h.first] END
  FROM (SELECT id,
               (%(tags)s::text[])[CASE WHEN abs(hashtext(id::text || 'w')) %% 5 < 2 THEN 1
                                       ELSE 1 + abs(hashtext(id::text || 'a')) %% 8 END] AS first,
               (%(tags)s::text[])[1 + (abs(hashtext(id::text || 'a'))
                                       + 1 + abs(hashtext(id::text || 'b')) %% 7) %% 8] AS second,
               abs(hashtext(id::text || 'c')) %% 5 = 0 AS extra
          FROM public.tasks WHERE abs(hashtext(id::text)) %% 2 = 0) h
 WHERE t.id = h.id
"""
# As the trigger todo_task_tags_sync fills it. A task whose two picks are one tag has it once.
_LINKS = """
INSERT INTO public.task_tags (task_id, tag_id, user_id, completed, due_date, priority_rank, created_at,
                              updated_at, title_key)
SELECT DISTINCT ON (t.id, g.id) t.id, g.id, t.user_id, t.completed, t.due_date, t.priority_rank,
       t.created_at, t.updated_at, t.title_key
  FROM public.tasks t CROSS JOIN LATERAL unnest(t.tags) AS n(name)
  JOIN public.tags g ON g.user_id = t.user_id AND g.name = n.name
"""
_ONCE = "UPDATE public.tasks SET tags = ARRAY[tags[1]] WHERE cardinality(tags) = 2 AND tags[1] = tags[2]"
_TABLES = (
    "('public.tasks'::regclass, 'public.tags'::regclass, 'public.task_tags'::regclass,"
    " 'public.task_title_words'::regclass)"
)
_TEXT = (
    "UPDATE public.task_counts c SET text_bytes = coalesce(s.bytes, 0) FROM public.users u "
    "LEFT JOIN (SELECT t.user_id, sum(public.todo_task_text_bytes(t)) AS bytes FROM public.tasks t "
    "GROUP BY t.user_id) s ON s.user_id = u.id WHERE c.user_id = u.id"
)


def tag_tasks(setup: Setup) -> dict[str, float]:
    """Tag half the tasks; returns timings, as ``_load.load_tasks`` does."""
    timings: dict[str, float] = {}
    with psycopg.connect(setup.dsn()) as conn:
        conn.execute("SET session_replication_role = replica")  # no triggers, as in the load
        conn.execute("SET maintenance_work_mem = '512MB'")
        t0 = time.perf_counter()
        conn.execute(
            "INSERT INTO public.tags (user_id, name, name_key) "
            "SELECT u.id, n, n FROM public.users u, unnest(%s::text[]) n",
            (list(TAGS),),
        )
        conn.execute(_TAG_TASKS, {"tags": list(TAGS)})  # type: ignore[arg-type]  # constant text
        conn.execute(_ONCE)
        timings["tag half the tasks"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        indexes = conn.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'public.task_tags'::regclass "
            "AND NOT i.indisprimary"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier("public", name)))
        conn.execute(_LINKS)  # type: ignore[arg-type]  # constant text
        for _, ddl in indexes:
            conn.execute(ddl)  # type: ignore[arg-type]  # pg_get_indexdef's own DDL
        conn.execute(_TEXT)  # type: ignore[arg-type]  # constant text
        conn.execute("SELECT public.todo_recount_tags()")  # each tag's open tasks
        conn.commit()
        timings[f"fill task_tags, rebuild {len(indexes)} indexes, recount text and tags"] = (
            time.perf_counter() - t0
        )
    t0 = time.perf_counter()
    with psycopg.connect(setup.dsn(), autocommit=True) as conn:
        # FULL for the tasks: tagging rewrote half their rows, which a fresh load would not
        # leave behind (dead rows, indexes twice their size) for either side to wade through.
        conn.execute("VACUUM (FULL, ANALYZE) public.tasks")
        for table in ("public.tags", "public.task_tags", "public.task_counts"):
            conn.execute(f"VACUUM (ANALYZE) {table}")  # type: ignore[arg-type]
        conn.execute("CHECKPOINT")
    timings["VACUUM ANALYZE + CHECKPOINT"] = time.perf_counter() - t0
    return timings


def index_sizes(setup: Setup) -> list[str]:
    """Each table with its tasks' tags and their titles' words, and every index of it, with its size."""
    with psycopg.connect(setup.dsn()) as conn:
        tables = conn.execute(
            "SELECT c.relname, c.reltuples::bigint, pg_size_pretty(pg_table_size(c.oid)), "
            "pg_size_pretty(pg_indexes_size(c.oid)) FROM pg_class c "
            f"WHERE c.oid IN {_TABLES} ORDER BY c.relname"
        ).fetchall()
        indexes = conn.execute(
            "SELECT t.relname, c.relname, pg_size_pretty(pg_relation_size(c.oid)) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            f"WHERE t.oid IN {_TABLES} ORDER BY t.relname, pg_relation_size(c.oid) DESC"
        ).fetchall()
    # The tasks' own line is in _load.server_facts.
    lines = [
        f"{name}: {rows:,} rows, table {table}, indexes {total}"
        for name, rows, table, total in tables
        if name != "tasks"
    ]
    lines += [f"  {table}.{index}: {size}" for table, index, size in indexes]
    return lines
