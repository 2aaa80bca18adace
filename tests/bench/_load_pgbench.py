"""Helpers of the many-clients benchmark: pgbench scripts made from the app's own SQL, a
throwaway PgBouncer, and running pgbench and reading its per-transaction log.

The scripts are generated at run time from the ``todo_desktop.db.task_sql`` statements
(compiled by SQLAlchemy as the app's engine compiles them; each ``%(name)s`` placeholder
becomes a pgbench ``:variable``, or ``NULL`` where the app binds None), so the benchmark always
sends what the app sends: calls of the ``todo_api`` functions that set the session token
themselves with ``set_config(..., true)`` in their first argument. Three scripts, each as
``Database.call`` runs it (a read: one statement in autocommit; a write: BEGIN READ WRITE, the
statement, COMMIT):

- list: the first page of open tasks by due date, ``todo_api.tasks_page``. The app reads the
  dated run and, when it has fewer than 101 rows (it always has here: about 50 open dated
  tasks a user), the undated run; both go with LIMIT 101 (the app asks the undated run only
  for what is left).
- update: title and priority of one of the person's open tasks, ``todo_api.update_task``.
- insert: a new task, ``todo_api.create_task``; the app makes the UUID on the client, pgbench
  cannot, so ``gen_random_uuid()`` stands in for it.

Each pgbench client is one signed-in person on one desktop: before its first transaction it
reads its session token and ten of its open task ids from ``bench.clients`` (see load.py).
"""

from __future__ import annotations

import math
import os
import re
import resource
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect

from todo_desktop.core.values import TaskQuery
from todo_desktop.db import task_queries, task_sql

TASK_IDS_PER_CLIENT = 10
FD_LIMIT = 4096
WEIGHTS = {"list": 6, "update": 3, "insert": 1}
TITLE = "Benchmark task from the load test"
DUE = datetime.fromisoformat("2026-12-24T09:00:00+00:00")
_DIALECT = psycopg_dialect.dialect()


def _text(value: Any) -> str:
    """A value as the text pgbench sends for a variable."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "{" + ",".join(_text(v) for v in value) + "}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Sql:
    """SQL text to put in place of a parameter."""

    text: str


def _call(statement: Any, params: dict[str, Any], prefix: str, variables: dict[str, str]) -> str:
    """One app statement for pgbench. A parameter whose value is a ``Sql`` goes in as that
    text; None as NULL; any other value as the pgbench variable ``:{prefix}{name}``, whose
    text is added to ``variables`` (passed to pgbench with -D)."""
    compiled_statement = statement.compile(dialect=_DIALECT)
    compiled = " ".join(str(compiled_statement).split())
    # The statement's own constants (set_config's name and flag) and the session token.
    values = {**compiled_statement.params, "token": Sql(":tok"), **params}

    def sub(match: re.Match[str]) -> str:
        value = values[match[1]]
        if isinstance(value, Sql):
            return value.text
        if value is None:
            return "NULL"
        variables[prefix + match[1]] = _text(value)
        return f":{prefix}{match[1]}"

    return re.sub(r"%\((\w+)\)s", sub, compiled).replace("%%", "%")


def build() -> tuple[dict[str, str], dict[str, str]]:
    """(name -> pgbench script text, variable -> value for -D)."""
    variables: dict[str, str] = {"ready": "0"}
    first_time = (
        "\\if :ready = 0\n"
        "SELECT token AS tok, "
        + ", ".join(f"t{i}" for i in range(TASK_IDS_PER_CLIENT))
        + ", 1 AS ready FROM bench.clients WHERE n = :client_id \\gset\n"
        "\\endif\n"
    )
    # As Database.call runs them: a read is one statement in autocommit that sets the token
    # itself (as :tok); a write is that statement in BEGIN READ WRITE ... COMMIT.
    begin = "BEGIN READ WRITE;\n"
    # The app's own parameters for its default list (TaskQuery(): open tasks by due date).
    pages = [
        _call(task_sql.PAGE, task_queries.page_params(TaskQuery(), 101, part), f"{part}_", variables)
        for part in ("dated", "undated")
    ]
    # As TaskRepository.update sends TaskChanges(title=..., priority=...), with no expected version.
    edit: dict[str, Any] = {c: None for c in task_sql.UPDATABLE}
    edit |= {"title": TITLE, "priority": "high", "expected": None, "columns": ["title", "priority"]}
    branches = []
    for i in range(TASK_IDS_PER_CLIENT):
        keyword = "\\if" if i == 0 else "\\elif"
        update = _call(task_sql.UPDATE, {**edit, "id": Sql(f":t{i}")}, "u_", variables)
        branches.append(f"{keyword} :k = {i}\n{update};\n")
    new = {
        "id": Sql("gen_random_uuid()"),
        "title": TITLE,
        "description": None,
        "priority": "high",
        "due_date": DUE,
        "completed": False,
    }
    insert = _call(task_sql.CREATE, new, "c_", variables)
    scripts = {
        "list": first_time + f"{pages[0]};\n{pages[1]};\n",
        "update": first_time
        + f"\\set k random(0, {TASK_IDS_PER_CLIENT - 1})\n"
        + begin
        + "".join(branches)
        + "\\endif\nCOMMIT;\n",
        "insert": first_time + begin + f"{insert};\nCOMMIT;\n",
    }
    return scripts, variables


def scripts() -> dict[str, str]:
    """name -> pgbench script text."""
    return build()[0]


def write_scripts(folder: Path) -> list[str]:
    """Write the scripts; returns pgbench's ``-f file@weight`` arguments."""
    args = []
    for name, text in build()[0].items():
        path = folder / f"{name}.sql"
        path.write_text(text)
        args += ["-f", f"{path}@{WEIGHTS[name]}"]
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, FD_LIMIT)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


@dataclass
class PgBouncer:
    """A PgBouncer of our own in transaction mode, on a free loopback port."""

    folder: Path
    database: str
    server_port: int
    role: str
    password: str
    max_client_conn: int
    pool_size: int
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    settings: dict[str, str] = field(default_factory=dict)  # more [pgbouncer] lines
    users: dict[str, str] = field(default_factory=dict)  # more roles that may log in

    def start(self) -> None:
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise SystemExit("pgbouncer is not installed: apt-get install -y pgbouncer")
        self.folder.mkdir(parents=True, exist_ok=True)
        quoted = self.password.replace('"', '""')
        others = "".join(
            f'"{role}" "{pw.replace(chr(34), chr(34) * 2)}"\n' for role, pw in self.users.items()
        )
        (self.folder / "userlist.txt").write_text(f'"{self.role}" "{quoted}"\n' + others)
        (self.folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"{self.database} = host=127.0.0.1 port={self.server_port} dbname={self.database}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = scram-sha-256\n"
            "auth_file = userlist.txt\n"
            "pool_mode = transaction\n"
            f"max_client_conn = {self.max_client_conn}\n"
            f"default_pool_size = {self.pool_size}\n"
            f"max_db_connections = {self.pool_size}\n"
            "reserve_pool_size = 0\n"
            "listen_backlog = 4096\n"
            "log_connections = 0\n"
            "log_disconnections = 0\n"
            "logfile = pgbouncer.log\n" + "".join(f"{k} = {v}\n" for k, v in self.settings.items())
        )
        run_as_postgres = os.geteuid() == 0  # pgbouncer refuses to run as root
        for path in [self.folder, *self.folder.iterdir()]:
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
            if run_as_postgres:
                shutil.chown(path, "postgres", "postgres")
        self.process = subprocess.Popen(
            [binary, "pgbouncer.ini"],
            cwd=self.folder,
            user="postgres" if run_as_postgres else None,
            preexec_fn=_raise_fd_limit,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"pgbouncer exited at start:\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"pgbouncer did not listen on port {self.port}:\n{self.log_tail()}")

    def problems(self) -> list[str]:
        """Error and warning lines of PgBouncer's log."""
        log = self.folder / "pgbouncer.log"
        if not log.exists():
            return []
        return [line for line in log.read_text().splitlines() if " ERROR " in line or " WARNING " in line]

    def log_tail(self, lines: int = 20) -> str:
        log = self.folder / "pgbouncer.log"
        return "\n".join(log.read_text().splitlines()[-lines:]) if log.exists() else "(no log)"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Result:
    label: str
    clients: int
    seconds: float
    output: str
    returncode: int
    latencies_ms: dict[str, list[float]]  # script name (and "all") -> per-transaction latency
    later_ms: list[float]  # all but each client's first transaction (which also reads bench.clients)
    lags_ms: list[float]
    connect_s: float  # pgbench's initial connection time, part of -T
    failed: int
    aborted: bool
    tps: float

    def pct(self, q: float, script: str = "all") -> float:
        return percentile(self.latencies_ms.get(script, []), q)


def percentile(samples: Sequence[float], q: float) -> float:
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


def run_pgbench(
    label: str,
    folder: Path,
    script_args: list[str],
    *,
    port: int,
    database: str,
    role: str,
    password: str,
    clients: int,
    seconds: int,
    rate: float | None,
    connect_allowance: int = 0,
) -> Result:
    """pgbench -M extended (the extended protocol with unnamed statements, as psycopg sends
    with prepare_threshold=None; named prepared statements would break PgBouncer 1.18 in
    transaction mode), per-transaction log, per-statement latencies. pgbench's -T clock
    includes its initial connection time (about 8 s for 1,000 SCRAM logins through
    PgBouncer), so ``connect_allowance`` seconds are added to keep ``seconds`` of load."""
    logs = folder / f"log-{label}"
    logs.mkdir()
    command = [
        "pgbench", "-n", "-h", "127.0.0.1", "-p", str(port), "-U", role,
        "-M", "extended", "-c", str(clients), "-j", "2", "-T", str(seconds + connect_allowance),
        "-P", "5", "-r", "--log", f"--log-prefix={logs / 'tx'}",
    ]  # fmt: skip
    if rate:
        command += ["-R", f"{rate:g}"]
    for name, value in build()[1].items():
        command += ["-D", f"{name}={value}"]
    command += [*script_args, database]
    env = {**os.environ, "PGPASSWORD": password, "PGAPPNAME": f"todo-load-{label}", "PGCONNECT_TIMEOUT": "30"}
    proc = subprocess.run(command, env=env, capture_output=True, text=True, preexec_fn=_raise_fd_limit)
    output = proc.stdout + ("\n" + proc.stderr if proc.stderr else "")
    names = list(WEIGHTS)
    latencies: dict[str, list[float]] = {"all": [], **{n: [] for n in names}}
    lags: list[float] = []
    later: list[float] = []
    failed_logged = 0
    for path in logs.iterdir():
        for line in path.read_text().splitlines():
            parts = line.split()
            # client_id transaction_no time script_no time_epoch time_us [schedule_lag]
            if len(parts) < 6:
                continue
            if not parts[2].isdigit():  # "failed" or "skipped"
                failed_logged += parts[2] == "failed"
                continue
            ms = int(parts[2]) / 1000
            latencies["all"].append(ms)
            latencies[names[int(parts[3])]].append(ms)
            if parts[1] != "0":
                later.append(ms)
            if len(parts) > 6:
                lags.append(int(parts[6]) / 1000)
    shutil.rmtree(logs, ignore_errors=True)
    failed = _number(r"number of failed transactions: (\d+)", output)
    tps = _float(r"tps = ([\d.]+) \(without initial connection time\)", output)
    aborted = proc.returncode != 0 or bool(re.search(r"client \d+ aborted|Run was aborted", output))
    return Result(
        label=label,
        clients=clients,
        seconds=seconds,
        output=output,
        returncode=proc.returncode,
        latencies_ms=latencies,
        later_ms=later,
        lags_ms=lags,
        connect_s=_float(r"initial connection time = ([\d.]+) ms", output) / 1000,
        failed=max(failed, failed_logged),
        aborted=aborted,
        tps=tps,
    )


def _number(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    return int(m[1]) if m else 0


def _float(pattern: str, text: str) -> float:
    m = re.search(pattern, text)
    return float(m[1]) if m else math.nan
