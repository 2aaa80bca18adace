"""Data-layer latency on a large database: ``python -m tests.bench.data`` (repository root).

Starts a throwaway embedded PostgreSQL, migrates it as a non-superuser owner, inserts the users
as that owner (valid password verifiers, one shared key), bulk-loads tasks (1,000,000 over
1,000 users by default, the heaviest with 100,000), signs the heaviest user in through
AccountService and times each everyday operation twice, alternately, in the same run and on
the same rows: through the data layer (TaskRepository on the client-role engine: the
``todo_api`` functions, with the session token set in each transaction) and as the baseline,
direct table SQL written by hand (tests/bench/_raw_sql.py) on one raw psycopg connection as
the table owner, in autocommit: each statement one round trip, as the data layer's calls.
Lists and searches read the window's first page (core.page_sizes.FIRST_PAGE rows), later
pages its next reads (NEXT_PAGE). Prints p50/p99 per operation and the targets (reads: p99 <=
5 ms and <= 2x raw p99; writes, bound by the commit's fsync: p99 <= 1.5x raw p99); it never
fails on timing. Each read's layer calls then run again back to back, printed for comparison:
alternating, a search follows raw's scan of the person's tasks, which leaves it cold caches.

Quick run: ``python -m tests.bench.data --users 50 --tasks 20000 --heavy 5000``
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import psycopg

from tests.bench import _explain, _load
from tests.bench._data_report import Op, Timed, ids_differ, measure, misses, report
from tests.bench._data_tags import BUSY_TAG, index_sizes, tag_tasks
from tests.bench._raw_sql import Raw
from todo_desktop.core.changes import ChangeCursor
from todo_desktop.core.page_sizes import FIRST_PAGE, NEXT_PAGE
from todo_desktop.core.smart_lists import UPCOMING_DAYS, local_day_start
from todo_desktop.core.values import (
    Cursor,
    Priority,
    SmartList,
    SortKey,
    Status,
    TaskChanges,
    TaskDraft,
    TaskEdit,
    TaskQuery,
)
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.roles import rls_bypass_warning
from todo_desktop.db.task_queries import _COUNT_ORDER
from todo_desktop.db.tasks import TaskRepository

CHANGES = 20  # rows the changed-since poll finds
BATCH = 50  # tasks in one edit of a selection


def build_ops(
    repo: TaskRepository,
    raw: Raw,
    pool: list[uuid.UUID],
    args: argparse.Namespace,
    deep_cursor: Cursor | None,
    now: datetime,
) -> list[Op]:
    n = args.warmup + args.iterations
    slices = {
        name: (pool[k * 2 * n : (k * 2 + 1) * n], pool[(k * 2 + 1) * n : (k * 2 + 2) * n])
        for k, name in enumerate(("update", "toggle", "delete"))
    }

    def due(i: int) -> datetime:
        return now + timedelta(days=i % 14)

    def create_layer(i: int) -> Callable[[], object]:
        draft = TaskDraft(title=f"Benchmark task {i}", priority=Priority.HIGH, due_date=due(i))
        return lambda: repo.create(draft)

    def create_raw(i: int) -> Callable[[], object]:
        task_id = uuid.uuid4()
        return lambda: raw.create(task_id, f"Benchmark task {i}", None, "high", due(i), False)

    def update_layer(i: int) -> Callable[[], object]:
        tid = slices["update"][0][i]
        changes = TaskChanges(title=f"Edited title {i}", priority=Priority.URGENT)
        return lambda: repo.update(tid, changes)

    def update_raw(i: int) -> Callable[[], object]:
        tid = slices["update"][1][i]
        return lambda: raw.update(tid, title=f"Edited title {i}", priority="urgent")

    def toggle_layer(i: int) -> Callable[[], object]:
        task = repo.get(slices["toggle"][0][i])  # what the person saw; untimed
        return lambda: repo.update(task.id, TaskChanges(completed=not task.completed))

    def toggle_raw(i: int) -> Callable[[], object]:
        tid = slices["toggle"][1][i]
        row = raw.conn.execute("SELECT completed FROM public.tasks WHERE id = %s", (tid,)).fetchone()
        raw.conn.commit()
        seen = bool(row and row[0])
        return lambda: raw.update(tid, completed=not seen)

    # The same BATCH tasks on each side every time, each with a new title and based on its
    # current version (read untimed), as the window sends a selection.
    batches = (pool[6 * n : 6 * n + BATCH], pool[6 * n + BATCH : 6 * n + 2 * BATCH])

    def batch_layer(i: int) -> Callable[[], object]:
        changes = [TaskChanges(title=f"Batch {i} task {k}", priority=Priority.URGENT) for k in range(BATCH)]
        edits = list(map(TaskEdit, batches[0], changes, raw.versions(batches[0])))
        return lambda: repo.update_many(edits)

    def batch_raw(i: int) -> Callable[[], object]:
        titles, versions = [f"Batch {i} task {k}" for k in range(BATCH)], raw.versions(batches[1])
        return lambda: raw.update_batch(batches[1], versions, titles, ["urgent"] * BATCH)

    def batch_check() -> str | None:
        written = len(batch_layer(-1)().stored), len(batch_raw(-1)())
        return (
            None if written == (BATCH, BATCH) else f"{written[0]} written through the layer, {written[1]} raw"
        )

    def listing(query: TaskQuery) -> tuple[Timed, Timed, Callable[[], str | None]]:
        def check() -> str | None:
            layer_ids = [t.id for t in repo.list(query).tasks]
            return ids_differ(layer_ids, [r[0] for r in raw.page(query, query.limit + 1)[: query.limit]])

        return (
            lambda i: lambda: repo.list(query),
            lambda i: lambda: raw.page(query, query.limit + 1),
            check,
        )

    zone = datetime.now().astimezone().tzinfo or UTC

    def raw_counts(at: datetime, zone: tzinfo) -> list[tuple[Any, ...]]:
        days = [local_day_start(at, zone, k) for k in (0, 1, 1 + UPCOMING_DAYS)]
        return raw.counts(at, *days)

    def counts_check() -> str | None:
        at = datetime.now(UTC)
        layer = [repo.counts(at, zone)[k] for k in _COUNT_ORDER]
        row = list(raw_counts(at, zone)[0])
        return None if layer == row else f"layer {layer}, raw {row}"

    since = {"at": 0}

    def changes_check() -> str | None:
        # Runs just before the operation is timed, after the writes above changed rows.
        since["at"] = _since(raw)
        layer_ids = [t.id for t in repo.changed_since(ChangeCursor(str(since["at"])), 500).tasks]
        return ids_differ(layer_ids, [r[0] for r in raw.changed_since(since["at"], 500)])

    def side(
        s: tuple[list[uuid.UUID], list[uuid.UUID]], k: int, call: Callable[[uuid.UUID], object]
    ) -> Timed:
        return lambda i: lambda: call(s[k][i])

    filtered = TaskQuery(
        priorities=frozenset({Priority.HIGH, Priority.URGENT}),
        due_after=now,
        due_before=now + timedelta(days=7),
        limit=FIRST_PAGE,
    )
    deletes = slices["delete"]
    ops = [
        Op("create", create_layer, create_raw, write=True),
        Op("update", update_layer, update_raw, write=True),
        Op("toggle", toggle_layer, toggle_raw, write=True),
        Op(
            "delete",
            side(deletes, 0, lambda t: repo.delete([t])),
            side(deletes, 1, lambda t: raw.delete([t])),
            write=True,
        ),
        Op(f"batch of {BATCH} updates", batch_layer, batch_raw, write=True, check=batch_check),
    ]
    queries = [("first page (open, due)", TaskQuery(limit=FIRST_PAGE))]
    if deep_cursor is not None:
        queries.append(("deep keyset page", TaskQuery(after=deep_cursor, limit=NEXT_PAGE)))
    queries += [
        ("filtered (high+urgent, 7 d)", filtered),
        *search_queries(),
    ]
    # A list filtered by tag: its first page, and a later page by title (revision 0007).
    tagged = TaskQuery(tag=BUSY_TAG, limit=FIRST_PAGE)
    queries.append((f"tag-filtered page (#{BUSY_TAG})", tagged))
    by_title = TaskQuery(tag=BUSY_TAG, sort=SortKey.TITLE, limit=NEXT_PAGE)
    later = repo.list(TaskQuery(tag=BUSY_TAG, sort=SortKey.TITLE, limit=5 * NEXT_PAGE)).next_cursor
    if later is not None:
        queries.append(
            (f"tag page 6, by title (#{BUSY_TAG})", TaskQuery(**{**_fields(by_title), "after": later}))
        )
    for name, query in queries:
        layer, raw_call, check = listing(query)
        ops.append(Op(name, layer, raw_call, check=check))

    def tags_check() -> str | None:
        layer_tags = [(t.name, t.open_count) for t in repo.tags()]
        return None if layer_tags == raw.tags() else f"layer {layer_tags}, raw {raw.tags()}"

    ops.append(Op("tag list with open counts", lambda i: repo.tags, lambda i: raw.tags, check=tags_check))
    ops += [
        Op(
            "smart-list counts",
            lambda i: lambda: repo.counts(datetime.now(UTC), zone),
            lambda i: lambda: raw_counts(datetime.now(UTC), zone),
            check=counts_check,
        ),
        Op(
            f"changed since ({CHANGES} rows)",
            lambda i: lambda: repo.changed_since(ChangeCursor(str(since["at"])), 500),
            lambda i: lambda: raw.changed_since(since["at"], 500),
            check=changes_check,
        ),
    ]
    return ops


def search_queries() -> list[tuple[str, TaskQuery]]:
    """What people type into the search field, from a rare word to a common one, each part
    of the search: typed letters as they grow, whole words, the word syntax, all lists ranked."""
    word = _load.SEARCH_WORD
    typed = [
        (f"search '{word[:3]}' (typed letters)", TaskQuery(text=word[:3])),
        (f"search '{word}' (1% of titles)", TaskQuery(text=word)),
        (f"search '{word} plumb' (two words)", TaskQuery(text=f"{word} plumb")),
        ("search 'umbe' (inside words)", TaskQuery(text="umbe")),
        ("search 'invoice' (a common word)", TaskQuery(text="invoice")),
        ("search 'pl' (two letters)", TaskQuery(text="pl")),
        (f"search '\"{word}\" -call' (word syntax)", TaskQuery(text=f'"{word}" -call')),
        ("search 'qqq' (no match)", TaskQuery(text="qqq")),
        (f"search '{word}' by title", TaskQuery(text=word, sort=SortKey.TITLE)),
    ]
    ranked = [
        (f"search '{word}', all lists ranked", TaskQuery(text=word, status=Status.ALL, ranked=True)),
        ("search 'invoice', all lists ranked", TaskQuery(text="invoice", status=Status.ALL, ranked=True)),
    ]
    return [(name, replace(query, limit=FIRST_PAGE)) for name, query in typed + ranked]


def _fields(query: TaskQuery) -> dict[str, object]:
    return {name: getattr(query, name) for name in query.__slots__}


def _since(raw: Raw) -> int:
    """A poll's cursor that finds (at least) the person's CHANGES most recently changed tasks
    (read untimed): the writing transaction of the CHANGES-th newest change."""
    row = raw.conn.execute(
        "SELECT change_xid::text::bigint FROM public.tasks WHERE user_id = %s AND change_xid IS NOT NULL"
        " ORDER BY change_xid DESC OFFSET %s LIMIT 1",
        (raw.uid, CHANGES),
    ).fetchone()
    raw.conn.commit()
    if row is None:
        raise SystemExit(f"The heavy user has at most {CHANGES} tasks.")
    return row[0]


def walk_pages(repo: TaskRepository, pages: int) -> tuple[Cursor | None, int]:
    cursor: Cursor | None = None
    walked = 0
    for _ in range(pages):
        page = repo.list(TaskQuery(after=cursor, limit=NEXT_PAGE))
        if page.next_cursor is None:
            break
        cursor, walked = page.next_cursor, walked + 1
    return cursor, walked


def run(server: EmbeddedServer, args: argparse.Namespace) -> None:
    t_all = time.perf_counter()
    setup = _load.prepare(server)
    print(f"Schema migrated as {_load.OWNER}; client role {_load.CLIENT} (member of todo_app).")
    t0 = time.perf_counter()
    users = _load.register_users(setup, args.users)
    print(
        f"Inserted {args.users:,} users as {_load.OWNER} in {time.perf_counter() - t0:.1f} s "
        f"(ONE argon2id key, {users.params.split('$')[3]}, shared by all users to keep load fast)."
    )
    timings = _load.load_tasks(setup, users, args.tasks, args.heavy, args.seed)
    for what, secs in timings.items():
        print(f"  {what}: {secs:.1f} s")
    print(
        f"Loaded {args.tasks:,} tasks ({args.heavy:,} for {_load.HEAVY_EMAIL}) in "
        f"{time.perf_counter() - t_all:.1f} s in total."
    )
    for what, secs in tag_tasks(setup).items():
        print(f"  {what}: {secs:.1f} s")
    for fact in _load.server_facts(setup):
        print(f"  {fact}")
    for line in index_sizes(setup):
        print(f"  {line}")
    waited, probe = _load.settle(setup, users.ids[-1])
    print(f"Waited {waited:.0f} s for the disk to absorb the load (commit probe p50 {probe:.2f} ms).")

    pool = _load.heavy_task_ids(
        setup, users.ids[0], 6 * (args.warmup + args.iterations) + 2 * BATCH, args.seed
    )
    # As the app's own embedded server by default (prepared statements on); --pooled as a
    # shared database, which the app reaches without prepared statements, pooler or not.
    target = parse_database_url(setup.url(_load.CLIENT), pooled=args.pooled, private=not args.pooled)
    db = Database(create_db_engine(target), target)
    # The data layer's engine turns prepared statements off for a pooled endpoint; so does raw.
    # Each of the layer's calls is one statement in autocommit, and so is each of raw's.
    prepared = None if args.pooled else 5
    owner = psycopg.connect(setup.dsn(_load.OWNER), autocommit=True, prepare_threshold=prepared)
    try:
        with db.engine.connect() as c:
            warning = rls_bypass_warning(c)
        if warning:
            raise SystemExit(f"The client role bypasses RLS: {warning}")
        signed = AccountService(db).sign_in_with_key(_load.HEAVY_EMAIL, users.key)
        repo = TaskRepository(db, signed.token)
        raw = Raw(owner, users.ids[0])
        now = datetime.now(UTC)
        seen = repo.counts(now, UTC)
        if seen[SmartList.INBOX] + seen[SmartList.COMPLETED] != args.heavy:
            raise SystemExit(f"RLS or load problem: the heavy user sees {seen.counts}")
        t0 = time.perf_counter()
        deep, walked = walk_pages(repo, args.deep_pages)
        where = "undated run" if deep and deep.values[0] is None else "dated run"
        print(
            f"Walked {walked} pages of {NEXT_PAGE} by keyset in {time.perf_counter() - t0:.1f} s "
            f"(deep cursor at row {walked * NEXT_PAGE:,}, in the {where})."
        )
        rows = []
        for op in build_ops(repo, raw, pool, args, deep if walked else None, now):
            problem = op.check() if op.check is not None else None
            if problem:
                raise SystemExit(f"{op.name}: the raw baseline does not answer as the layer does: {problem}")
            timings = measure(op, args.warmup, args.iterations)
            op.statements = list(raw.last)
            rows.append((op, timings))
        conn_rows = _load.connection_times(db.engine, setup.dsn(_load.CLIENT), args.iterations)
        report(rows, conn_rows, args)
        if not args.no_explain:
            slow = [op for op, timings in rows if misses(op, timings)]
            if slow:
                print("\nEXPLAIN (ANALYZE, BUFFERS) of the raw SQL of the operations that miss a target:")
            for op in slow:
                _explain.explain(owner, op.name, op.statements)
        sanity = repo.list(TaskQuery(text=_load.SEARCH_WORD))
        assert all(_load.SEARCH_WORD in t.title for t in sanity.tasks), "search returned a non-match"
    finally:
        owner.close()
        db.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.bench.data", description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=1_000)
    p.add_argument("--tasks", type=int, default=1_000_000)
    p.add_argument("--heavy", type=int, default=100_000, help="tasks of the heaviest user")
    p.add_argument("--iterations", type=int, default=300, help="timed runs per operation and side")
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--deep-pages", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-explain", action="store_true", help="skip EXPLAIN of slow operations")
    p.add_argument(
        "--pooled",
        action="store_true",
        help="as a shared database (the app assumes a pooler may be in between): no prepared "
        "statements, both sides",
    )
    args = p.parse_args(argv)
    if not (args.users >= 1 and 0 < args.heavy <= args.tasks and args.iterations >= 1):
        p.error("need --users >= 1, 0 < --heavy <= --tasks and --iterations >= 1")
    if args.users == 1:
        args.heavy = args.tasks
    args.warmup = max(args.warmup, 1)
    folder = Path(tempfile.mkdtemp(prefix="todo-bench-"))
    server = EmbeddedServer(folder)
    server.start()
    try:
        run(server, args)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
