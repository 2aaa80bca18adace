"""Data-layer latency on a large database: ``python -m tests.bench.data`` (repository root).

Starts a throwaway embedded PostgreSQL, migrates it as a non-superuser owner, registers users
through ``todo_auth.register``, bulk-loads tasks (1,000,000 over 1,000 users by default, the
heaviest with 100,000), signs the heaviest user in and times each everyday operation twice,
alternately: through the data layer (TaskRepository on the client-role engine, so RLS applies)
and as the SAME SQL (captured from the data layer, including its first statement that sets
the session token with ``set_config(..., true)``) on one raw psycopg connection, in one
transaction per operation. Prints p50/p99 per operation and the targets
(p99 <= 5 ms, and data layer p99 <= 2x raw p99); it never fails on timing.

Quick run: ``python -m tests.bench.data --tasks 20000 --heavy 5000 --users 50``
"""

from __future__ import annotations

import argparse
import math
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event

from tests.bench import _load
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.database import Database
from todo_desktop.db.embedded import EmbeddedServer
from todo_desktop.db.engine import create_db_engine
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.roles import rls_bypass_warning
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.db.urls import parse_database_url
from todo_desktop.values import Cursor, Priority, SmartList, TaskChanges, TaskDraft, TaskQuery

TARGET_P99_MS = 5.0
TARGET_RATIO = 2.0
SET_TOKEN = _load.SET_TOKEN
Statement = tuple[str, Any]


class Capture:
    """Records the SQL the data layer sends (``before_cursor_execute``) while recording."""

    def __init__(self, engine: Any) -> None:
        self.statements: list[Statement] = []
        self.active = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if self.active:
            self.statements.append((statement, parameters))

    @contextmanager
    def record(self) -> Iterator[list[Statement]]:
        self.statements, self.active = [], True
        try:
            yield self.statements
        finally:
            self.active = False


@dataclass
class Op:
    """One operation. ``prepare(i)`` returns the call to time for iteration i (any set-up it
    needs runs untimed); ``layer_key(i)``/``raw_key(i)`` name the row each side touches, so
    the raw side replays the captured SQL on its own row."""

    name: str
    prepare: Callable[[int], Callable[[], object]]
    layer_key: Callable[[int], uuid.UUID | None] = lambda i: None
    raw_key: Callable[[int], uuid.UUID | None] = lambda i: None
    template: list[Statement] = field(default_factory=list)


def _swap(statements: list[Statement], old: uuid.UUID | None, new: uuid.UUID | None) -> list[Statement]:
    if old is None or new is None:
        return statements

    def fix(value: Any) -> Any:
        if isinstance(value, list):  # ids go as arrays too (delete, bulk complete)
            return [fix(v) for v in value]
        return new if isinstance(value, uuid.UUID) and value == old else value

    return [(s, {k: fix(v) for k, v in p.items()} if isinstance(p, dict) else p) for s, p in statements]


def raw_run(conn: psycopg.Connection, token: str, statements: list[Statement]) -> None:
    """The captured statements in one transaction; the layer's own token statement comes first
    (it sets the token and checks the session in one round trip), else a plain set_config."""
    if not any(_load.sets_token(stmt) for stmt, _ in statements[:1]):
        conn.execute(SET_TOKEN, (token,))
    for stmt, params in statements:
        cur = conn.execute(stmt, params)  # type: ignore[arg-type]  # captured SQL text
        if cur.description is not None:
            cur.fetchall()
    conn.commit()


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))] * 1000


def measure(
    op: Op, capture: Capture, conn: psycopg.Connection, token: str, warmup: int, iterations: int
) -> tuple[list[float], list[float]]:
    layer: list[float] = []
    raw: list[float] = []
    for i in range(warmup + iterations):
        call = op.prepare(i)
        if i == 0:
            with capture.record() as seen:
                call()
            op.template = list(seen)
            continue
        statements = _swap(op.template, op.layer_key(0), op.raw_key(i))

        def time_layer(call: Callable[[], object] = call) -> float:
            t0 = time.perf_counter()
            call()
            return time.perf_counter() - t0

        def time_raw(statements: list[Statement] = statements) -> float:
            t0 = time.perf_counter()
            raw_run(conn, token, statements)
            return time.perf_counter() - t0

        first, second = (time_layer, time_raw) if i % 2 else (time_raw, time_layer)
        a, b = first(), second()
        if i >= warmup:
            layer.append(a if first is time_layer else b)
            raw.append(b if first is time_layer else a)
    return layer, raw


def build_ops(
    repo: TaskRepository,
    pool: list[uuid.UUID],
    args: argparse.Namespace,
    deep_cursor: Cursor | None,
    now: datetime,
) -> list[Op]:
    n = args.warmup + args.iterations + 1
    slices = {
        name: (pool[k * 2 * n : (k * 2 + 1) * n], pool[(k * 2 + 1) * n : (k * 2 + 2) * n])
        for k, name in enumerate(("update", "toggle", "delete"))
    }
    drafts: dict[int, TaskDraft] = {}

    def create(i: int) -> Callable[[], object]:
        due = now + timedelta(days=i % 14)
        drafts[i] = TaskDraft(title=f"Benchmark task {i}", priority=Priority.HIGH, due_date=due)
        return lambda: repo.create(drafts[i])

    def update(i: int) -> Callable[[], object]:
        tid = slices["update"][0][i]
        changes = TaskChanges(title=f"Edited title {i}", priority=Priority.URGENT)
        return lambda: repo.update(tid, changes)

    def toggle(i: int) -> Callable[[], object]:
        task = repo.get(slices["toggle"][0][i])  # what the person saw; untimed
        return lambda: repo.toggle(task)

    def delete(i: int) -> Callable[[], object]:
        tid = slices["delete"][0][i]
        return lambda: repo.delete([tid])

    def listing(query: TaskQuery) -> Callable[[int], Callable[[], object]]:
        return lambda i: lambda: repo.list(query)

    layer_of = {name: (lambda i, s=s: s[0][i]) for name, s in slices.items()}
    raw_of = {name: (lambda i, s=s: s[1][i]) for name, s in slices.items()}
    filtered = TaskQuery(
        priorities=frozenset({Priority.HIGH, Priority.URGENT}),
        due_after=now,
        due_before=now + timedelta(days=7),
    )
    zone = datetime.now().astimezone().tzinfo or UTC
    ops = [
        Op("create", create, lambda i: drafts[i].id, lambda i: uuid.uuid4()),
        Op("update", update, layer_of["update"], raw_of["update"]),
        Op("toggle", toggle, layer_of["toggle"], raw_of["toggle"]),
        Op("delete", delete, layer_of["delete"], raw_of["delete"]),
        Op("first page (open, due)", listing(TaskQuery())),
    ]
    if deep_cursor is not None:
        ops.append(Op("deep keyset page", listing(TaskQuery(after=deep_cursor))))
    ops += [
        Op("filtered (high+urgent, 7 d)", listing(filtered)),
        Op(f"text search '{_load.SEARCH_WORD}'", listing(TaskQuery(text=_load.SEARCH_WORD))),
        Op("smart-list counts", lambda i: lambda: repo.counts(datetime.now(UTC), zone)),
    ]
    return ops


def walk_pages(repo: TaskRepository, pages: int) -> tuple[Cursor | None, int]:
    cursor: Cursor | None = None
    walked = 0
    for _ in range(pages):
        page = repo.list(TaskQuery(after=cursor))
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
        f"Registered {args.users:,} users via todo_auth.register in {time.perf_counter() - t0:.1f} s "
        f"(ONE argon2id key, {users.params.split('$')[3]}, shared by all users to keep load fast)."
    )
    timings = _load.load_tasks(setup, users, args.tasks, args.heavy, args.seed)
    for what, secs in timings.items():
        print(f"  {what}: {secs:.1f} s")
    print(
        f"Loaded {args.tasks:,} tasks ({args.heavy:,} for {_load.HEAVY_EMAIL}) in "
        f"{time.perf_counter() - t_all:.1f} s in total."
    )
    for fact in _load.server_facts(setup):
        print(f"  {fact}")
    waited, probe = _load.settle(setup, users.ids[-1])
    print(f"Waited {waited:.0f} s for the disk to absorb the load (commit probe p50 {probe:.2f} ms).")

    n = args.warmup + args.iterations + 1
    pool = _load.heavy_task_ids(setup, users.ids[0], 6 * n, args.seed)
    target = parse_database_url(setup.url(_load.CLIENT), pooled=args.pooled)
    db = Database(create_db_engine(target), target)
    # The data layer's engine turns prepared statements off for a pooled endpoint; so does raw.
    raw = psycopg.connect(setup.dsn(_load.CLIENT), prepare_threshold=None if args.pooled else 5)
    try:
        with db.engine.connect() as c:
            warning = rls_bypass_warning(c)
        if warning:
            raise SystemExit(f"The client role bypasses RLS: {warning}")
        signed = AccountService(db, kdf_cost=MINIMUM_COST).sign_in_with_key(_load.HEAVY_EMAIL, users.key)
        repo = TaskRepository(db, signed.token)
        now = datetime.now(UTC)
        seen = repo.counts(now, UTC)
        if seen[SmartList.INBOX] + seen[SmartList.COMPLETED] != args.heavy:
            raise SystemExit(f"RLS or load problem: the heavy user sees {seen.counts}")
        t0 = time.perf_counter()
        deep, walked = walk_pages(repo, args.deep_pages)
        where = "undated run" if deep and deep.values[0] is None else "dated run"
        print(
            f"Walked {walked} pages of 100 by keyset in {time.perf_counter() - t0:.1f} s "
            f"(deep cursor at row {walked * 100:,}, in the {where})."
        )
        capture = Capture(db.engine)
        ops = build_ops(repo, pool, args, deep if walked else None, now)
        rows = []
        for op in ops:
            layer, raw_s = measure(op, capture, raw, signed.token, args.warmup, args.iterations)
            rows.append((op, layer, raw_s))
        conn_rows = _load.connection_times(db.engine, setup.dsn(_load.CLIENT), args.iterations)
        report(rows, conn_rows, args)
        if not args.no_explain:
            slow = [op for op, layer, raw_s in rows if not _holds(layer, raw_s)]
            if slow:
                print("\nEXPLAIN (ANALYZE, BUFFERS) of the operations that miss a target:")
            for op in slow:
                fresh = _swap(op.template, op.layer_key(0), op.raw_key(n - 1) or op.layer_key(0))
                statements = [(s, p) for s, p in fresh if not _load.sets_token(s)]
                _load.explain(raw, signed.token, op.name, statements)
        sanity = repo.list(TaskQuery(text=_load.SEARCH_WORD))
        assert all(_load.SEARCH_WORD in t.title for t in sanity.tasks), "search returned a non-match"
    finally:
        raw.close()
        db.dispose()


def _holds(layer: list[float], raw: list[float]) -> bool:
    lp, rp = pct(layer, 0.99), pct(raw, 0.99)
    return lp <= TARGET_P99_MS and lp <= TARGET_RATIO * rp


def report(
    rows: list[tuple[Op, list[float], list[float]]],
    conn_rows: list[tuple[str, list[float]]],
    args: argparse.Namespace,
) -> None:
    mode = "no prepared statements (--pooled)" if args.pooled else "psycopg auto-prepare on (default)"
    print(
        f"\n{args.iterations} timed iterations per operation after {args.warmup} warm-up; layer and "
        f"raw alternate; {mode}. Times in ms."
    )
    head = (
        f"{'operation':<30} {'layer p50':>9} {'layer p99':>9} {'raw p50':>8} {'raw p99':>8} "
        f"{'p99/p99':>7}  targets (p99<={TARGET_P99_MS:g}ms, <={TARGET_RATIO:g}x raw)"
    )
    print(head)
    print("-" * len(head))
    for op, layer, raw in rows:
        lp, rp = pct(layer, 0.99), pct(raw, 0.99)
        misses = [w for w, bad in (("p99", lp > TARGET_P99_MS), ("ratio", lp > TARGET_RATIO * rp)) if bad]
        verdict = "hold" if not misses else "MISS " + "+".join(misses)
        print(
            f"{op.name:<30} {pct(layer, 0.5):9.2f} {lp:9.2f} {pct(raw, 0.5):8.2f} {rp:8.2f} "
            f"{lp / rp:6.2f}x  {verdict}"
        )
    print()
    for name, samples in conn_rows:
        print(f"{name:<34} p50 {pct(samples, 0.5):7.2f}  p99 {pct(samples, 0.99):7.2f}")


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
        help="as through a pooled endpoint (PgBouncer): no prepared statements, both sides",
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
