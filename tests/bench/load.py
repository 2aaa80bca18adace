"""Many desktop clients through PgBouncer: ``python -m tests.bench.load`` (repository root, as root).

A load benchmark, not a test: it prints figures and the targets (0 errors, p99 < 50 ms) and
never fails on timing. It needs the machine's PostgreSQL 15 cluster (started with
``pg_ctlcluster 15 main start`` if it is down), ``pgbench`` and Debian's ``pgbouncer``.

1. A throwaway database on the cluster, with throwaway roles (a temporary superuser made
   through ``su postgres -c psql`` for the bulk load, a non-superuser owner that runs the
   migrations, and a client role made by ``create_client_role``: RLS applies to it).
2. ``--users`` people inserted by the owner with valid password verifiers (one shared argon2id
   key to keep it fast; ``todo_auth.register`` would meet its hourly limit),
   ``--tasks-per-user`` tasks each COPYed in (tests/bench/_load.py), and every person signed
   in as the client role through ``todo_auth.begin_login`` and, in a later transaction,
   ``todo_auth.finish_login``: one session token each.
3. Benchmark scaffolding: table ``bench.clients(n, token, t0..t9)`` holds each person's token
   and ten of their open task ids, owned by the owner, SELECT granted to the client role.
   pgbench cannot pick a random string from a list, and variables cannot be indexed, so each
   pgbench client (one desktop, one person) reads its own row ONCE, before its first
   transaction, and then sends its token in every transaction exactly as the app does. The real
   schema never lets a client role read tokens (todo_app has no privilege on
   todo_auth.sessions, which keeps only a hash); ``bench`` exists only in this throwaway
   database, and the lookup is not part of any measured statement after the first
   transaction of each client.
4. A PgBouncer of our own (transaction pooling, ``--pool-size`` server connections,
   SCRAM for the client role, run as the postgres user) on a free loopback port.
5. Three pgbench runs of the app's transactions, calls of the ``todo_api`` functions with the
   session token set in the same transaction (tests/bench/_load_pgbench.py):
   a baseline with ``--baseline-clients`` straight to PostgreSQL, unthrottled; a short
   saturation run with ``--clients`` through PgBouncer, unthrottled (every client sends its
   next transaction the moment the last one ends: latency there is queueing, about
   clients / throughput); and the measured run, ``--clients`` connections held open through
   PgBouncer for ``--duration`` seconds, each desktop sending ``--per-client-rate``
   transactions a second on a Poisson schedule (pgbench -R). The default, 0.3/s (one
   transaction every 3.3 s on every desktop at once), is ten times the app's background
   refresh (one every 30 s) and stands for a thousand people all busy at the same moment;
   the saturation run shows how far above it the machine can go.
   Latency counts from each transaction's scheduled start, so time spent waiting behind
   others (in PgBouncer's queue or pgbench's) is included.
6. Always, in ``finally``: stop PgBouncer, drop the database and the roles.
"""

from __future__ import annotations

import argparse
import math
import secrets
import shutil
import tempfile
import time
from pathlib import Path

import psycopg

from tests.bench import _load, _load_cluster, _load_pgbench
from tests.bench._load_cluster import (  # the throwaway database, roles and sessions
    HOST,
    Cluster,
    create,
    drop,
    ensure_cluster,
    make_client_table,
    register_and_sign_in,
    sample_connections,
)
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.roles import ClientLimits, create_client_role, rls_bypass_warning
from todo_desktop.db.schema import migrate

TARGET_P99_MS = 50.0


def summary(r: _load_pgbench.Result, note: str) -> str:
    lines = [
        f"{r.label:<11} {r.clients:>5} {r.seconds:>4}s {r.tps:>9.1f} "
        f"{r.pct(0.5):>8.2f} {r.pct(0.99):>8.2f} {r.pct(1.0):>8.1f} {len(r.latencies_ms['all']):>8,} "
        f"{r.failed:>6}{' +ABORTED' if r.aborted else ''}  {note}"
    ]
    for name in _load_pgbench.WEIGHTS:
        samples = r.latencies_ms[name]
        if samples:
            lines.append(
                f"  {name:<9} {'':>5} {'':>5} {'':>9} {_load_pgbench.percentile(samples, 0.5):>8.2f} "
                f"{_load_pgbench.percentile(samples, 0.99):>8.2f} {max(samples):>8.1f} {len(samples):>8,}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.bench.load", description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=1_000)
    p.add_argument("--tasks-per-user", type=int, default=100)
    p.add_argument("--clients", type=int, default=1_000, help="connections held through PgBouncer")
    p.add_argument("--duration", type=int, default=60, help="seconds of the measured run")
    p.add_argument(
        "--per-client-rate",
        type=float,
        default=0.3,
        help="transactions/s of each desktop (pgbench -R / clients)",
    )
    p.add_argument("--pool-size", type=int, default=20, help="PgBouncer server connections")
    p.add_argument("--baseline-clients", type=int, default=20)
    p.add_argument("--baseline-duration", type=int, default=10)
    p.add_argument("--saturation-duration", type=int, default=15, help="0 skips the unthrottled pooled run")
    p.add_argument("--port", type=int, default=5432, help="the PostgreSQL cluster's port")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep-scripts", action="store_true", help="print the generated pgbench scripts")
    args = p.parse_args(argv)
    if shutil.which("pgbench") is None:
        raise SystemExit("pgbench is not installed (Debian: postgresql-client-15)")
    _load_cluster.CLUSTER_PORT = args.port  # for su_psql
    ensure_cluster(args.port)
    t_all = time.perf_counter()
    c = Cluster(port=args.port, suffix=secrets.token_hex(3))
    folder = Path(tempfile.mkdtemp(prefix="todo-load-"))
    bouncer: _load_pgbench.PgBouncer | None = None
    existed: set[str] | None = None
    try:
        existed = create(c)
        migrate.upgrade(c.url(c.owner))
        engine = create_db_engine(parse_database_url(c.url(c.owner)))
        try:
            with engine.begin() as conn:
                # One role for every pgbench client: room for PgBouncer's pool or the
                # direct baseline, whichever is larger (a person's role gets 10 by default).
                limits = ClientLimits(connection_limit=max(args.pool_size, args.baseline_clients) + 10)
                c.client_password = create_client_role(conn, c.client, limits=limits) or ""
        finally:
            engine.dispose()
        engine = create_db_engine(parse_database_url(c.url(c.client)))
        try:
            with engine.connect() as conn:
                warning = rls_bypass_warning(conn)
        finally:
            engine.dispose()
        if warning:
            raise SystemExit(f"The client role bypasses RLS: {warning}")
        print(f"Database {c.database} on {HOST}:{args.port}, migrated by {c.owner}; client role {c.client}.")
        t0 = time.perf_counter()
        users, tokens = register_and_sign_in(c, args.users)
        print(
            f"Inserted {args.users:,} people as {c.owner} and signed each in via "
            "todo_auth.begin_login/finish_login "
            f"in {time.perf_counter() - t0:.1f} s."
        )
        total = args.users * args.tasks_per_user
        timings = _load.load_tasks(c, users, total, args.tasks_per_user, args.seed)  # type: ignore[arg-type]
        print(
            f"Loaded {total:,} tasks ({args.tasks_per_user} a person): "
            + ", ".join(f"{what} {secs:.1f} s" for what, secs in timings.items())
        )
        make_client_table(c, users, tokens, max(args.clients, args.baseline_clients))
        for fact in _load.server_facts(c):  # type: ignore[arg-type]
            print(f"  {fact}")
        with psycopg.connect(c.dsn(database="postgres")) as admin:
            maxconn = admin.execute("SHOW max_connections").fetchone()
        print(
            f"  max_connections={maxconn[0] if maxconn else '?'}; {_cores()} CPU cores shared by "
            "PostgreSQL, PgBouncer and pgbench"
        )
        script_args = _load_pgbench.write_scripts(folder)
        if args.keep_scripts:
            for name, text in _load_pgbench.scripts().items():
                print(f"\n--- {name}.sql (weight {_load_pgbench.WEIGHTS[name]})\n{text}")
        bouncer = _load_pgbench.PgBouncer(
            folder=folder / "pgbouncer",
            database=c.database,
            server_port=args.port,
            role=c.client,
            password=c.client_password,
            max_client_conn=args.clients + 100,
            pool_size=args.pool_size,
        )
        bouncer.start()
        print(
            f"PgBouncer on {HOST}:{bouncer.port}: pool_mode=transaction, default_pool_size={args.pool_size}, "
            f"max_client_conn={args.clients + 100}, SCRAM, as user postgres."
        )
        print(f"Setup took {time.perf_counter() - t_all:.0f} s.\n")

        common = {"database": c.database, "role": c.client, "password": c.client_password}
        results: list[tuple[_load_pgbench.Result, str]] = []

        def bench(label: str, port: int, clients: int, seconds: int, rate: float | None, note: str) -> None:
            print(f"== {label}: {note}", flush=True)
            seen: list[int] = []
            sampler = sample_connections(c, seconds / 2 + 2, seen) if port != args.port else None
            allowance = 0 if port == args.port else math.ceil(clients / 100) + 2
            r = _load_pgbench.run_pgbench(
                label,
                folder,
                script_args,
                port=port,
                clients=clients,
                seconds=seconds,
                rate=rate,
                connect_allowance=allowance,
                **common,
            )
            print(r.output.rstrip())
            if sampler is not None:
                sampler.join()
                if seen:
                    print(
                        f"Mid-run: {clients} client connections were served by {seen[0]} server connections."
                    )
            print()
            results.append((r, note))

        bench(
            "direct",
            args.port,
            args.baseline_clients,
            args.baseline_duration,
            None,
            f"baseline, {args.baseline_clients} clients straight to PostgreSQL, unthrottled",
        )
        if args.saturation_duration:
            bench(
                "saturation",
                bouncer.port,
                args.clients,
                args.saturation_duration,
                None,
                f"{args.clients} clients through PgBouncer, unthrottled (capacity; latency = queueing)",
            )
        rate = args.clients * args.per_client_rate
        bench(
            "pooled",
            bouncer.port,
            args.clients,
            args.duration,
            rate,
            f"{args.clients} clients through PgBouncer, {args.per_client_rate:g} tx/s each ({rate:g} tx/s)",
        )
        report(results, args)
        problems = bouncer.problems()
        print(f"PgBouncer log: {len(problems)} error/warning lines" + ("" if not problems else ":"))
        for line in problems[:10]:
            print(f"  {line}")
        print(f"\nTotal time {time.perf_counter() - t_all:.0f} s.")
    finally:
        if bouncer is not None:
            bouncer.stop()
        drop(c, existed)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


def report(results: list[tuple[_load_pgbench.Result, str]], args: argparse.Namespace) -> None:
    mix = ", ".join(f"{n} {w}" for n, w in _load_pgbench.WEIGHTS.items())
    print(f"Summary (script mix {mix}; latency of each whole transaction in ms, from pgbench --log)")
    head = (
        f"{'run':<11} {'conns':>5} {'time':>5} {'tps':>9} {'p50':>8} {'p99':>8} {'max':>8} "
        f"{'txns':>8} {'errors':>6}"
    )
    print(head)
    print("-" * len(head))
    for r, note in results:
        print(summary(r, note))
    measured = results[-1][0]
    p99 = measured.pct(0.99)
    errors = measured.failed + (1 if measured.aborted else 0)
    print(
        f"\nTargets for the measured run ({measured.clients} connections through PgBouncer): "
        f"errors {measured.failed}{' and clients ABORTED' if measured.aborted else ''} (target 0: "
        f"{'hold' if errors == 0 else 'MISS'}); p99 {p99:.2f} ms (target < {TARGET_P99_MS:g} ms: "
        f"{'hold' if p99 < TARGET_P99_MS else 'MISS'})."
    )
    print(
        f"Without each client's first transaction (it also reads its token from bench.clients, "
        f"once): p50 {_load_pgbench.percentile(measured.later_ms, 0.5):.2f} ms, p99 "
        f"{_load_pgbench.percentile(measured.later_ms, 0.99):.2f} ms. Connecting all "
        f"{measured.clients} clients (SCRAM through PgBouncer) took {measured.connect_s:.1f} s, not timed."
    )
    if measured.lags_ms:
        print(
            f"Schedule lag (pgbench's own lateness, included above): p50 "
            f"{_load_pgbench.percentile(measured.lags_ms, 0.5):.2f} ms, p99 "
            f"{_load_pgbench.percentile(measured.lags_ms, 0.99):.2f} ms."
        )
    if math.isnan(p99):
        print("No transaction was logged: see pgbench's output above.")


if __name__ == "__main__":
    raise SystemExit(main())
