"""The load benchmark's throwaway database, roles and signed-in people, on the machine's PostgreSQL."""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import threading
import time
from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from tests.bench import _load, _load_pgbench

HOST = "127.0.0.1"


@dataclass
class Cluster:
    """Names and passwords of this run's throwaway database and roles."""

    port: int
    suffix: str
    admin_password: str = ""
    owner_password: str = ""
    client_password: str = ""

    @property
    def database(self) -> str:
        return f"todo_load_{self.suffix}"

    @property
    def admin(self) -> str:
        return f"todo_load_admin_{self.suffix}"

    @property
    def owner(self) -> str:
        return f"todo_load_owner_{self.suffix}"

    @property
    def client(self) -> str:
        return f"todo_load_client_{self.suffix}"

    def password(self, user: str) -> str:
        return {
            self.admin: self.admin_password,
            self.owner: self.owner_password,
            self.client: self.client_password,
        }[user]

    # The interface tests/bench/_load.load_tasks expects of its Setup ("postgres" = superuser).
    def dsn(self, user: str = "postgres", database: str | None = None) -> str:
        user = self.admin if user == "postgres" else user
        return psycopg.conninfo.make_conninfo(
            host=HOST,
            port=self.port,
            user=user,
            password=self.password(user),
            dbname=database or self.database,
            sslmode="disable",
        )

    def url(self, user: str) -> str:
        return URL.create(
            "postgresql", user, self.password(user), HOST, self.port, self.database
        ).render_as_string(hide_password=False)


def su_psql(script: str) -> None:
    """Run SQL as the cluster's postgres superuser (peer authentication); SQL on stdin, so
    no password appears in a process list."""
    subprocess.run(
        ["su", "postgres", "-c", f"psql -X -q -v ON_ERROR_STOP=1 -p {CLUSTER_PORT} -d postgres"],
        input=script,
        text=True,
        check=True,
        capture_output=True,
    )


CLUSTER_PORT = 5432


def ensure_cluster(port: int) -> None:
    if subprocess.run(["pg_isready", "-q", "-h", HOST, "-p", str(port)]).returncode == 0:
        return
    subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=True)
    for _ in range(50):
        if subprocess.run(["pg_isready", "-q", "-h", HOST, "-p", str(port)]).returncode == 0:
            return
        time.sleep(0.2)
    raise SystemExit(f"PostgreSQL does not answer on {HOST}:{port}")


# Roles the migrations make for the whole server when they are missing.
SHARED_ROLES = ("todo_app", "todo_api_owner")


def create(c: Cluster) -> set[str]:
    """Roles and database; returns which of SHARED_ROLES existed before."""
    c.admin_password = secrets.token_urlsafe(24)
    c.owner_password = secrets.token_urlsafe(24)
    su_psql(f"CREATE ROLE {c.admin} LOGIN SUPERUSER PASSWORD '{c.admin_password}';\n")
    with psycopg.connect(c.dsn(database="postgres"), autocommit=True) as conn:
        rows = conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(SHARED_ROLES),))
        existed = {name for (name,) in rows}
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS PASSWORD {}").format(
                sql.Identifier(c.owner), sql.Literal(c.owner_password)
            )
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(c.database), sql.Identifier(c.owner))
        )
    return existed


def drop(c: Cluster, existed: set[str] | None) -> None:
    """Best effort, each step on its own; the temporary superuser goes last, through su."""
    steps = [
        f"DROP DATABASE IF EXISTS {c.database} WITH (FORCE);",
        f"DROP ROLE IF EXISTS {c.client};",
        f"DROP ROLE IF EXISTS {c.owner};",
    ]
    if existed is not None:
        # Made by this run's migration; kept if another database still uses it.
        steps += [
            f"DO $$ BEGIN DROP ROLE IF EXISTS {role}; "
            "EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END $$;"
            for role in SHARED_ROLES
            if role not in existed
        ]
    steps.append(f"DROP ROLE IF EXISTS {c.admin};")
    for step in steps:
        try:
            su_psql(step)
        except subprocess.CalledProcessError as exc:
            print(f"cleanup: {step} failed: {exc.stderr.strip()}")


def register_and_sign_in(c: Cluster, count: int) -> tuple[_load.Users, list[str]]:
    """``count`` people inserted by the owner (tests/bench/_load.create_users), then each
    signed in as the client role the two-step way: ``todo_auth.begin_login`` committed, then
    ``todo_auth.finish_login`` in a later transaction. Returns their session tokens."""
    emails = [f"user{n:05d}@example.com" for n in range(count)]
    users = _load.create_users(c.dsn(c.owner), emails, "Load")
    with psycopg.connect(c.dsn(c.owner)) as conn:
        # Every person here signs in through one role, all in one go: past what one role may
        # begin a minute (revision 0033), which a role of one's own never comes near.
        conn.execute("UPDATE todo_auth.settings SET max_sign_ins_per_minute = %s", (count + 100,))
    tokens: list[str] = []
    with psycopg.connect(c.dsn(c.client), autocommit=True) as conn:  # one transaction a statement
        for email in emails:
            row = conn.execute(
                "SELECT todo_auth.begin_login(%s, %s, %s)", (email, users.key, "load benchmark")
            ).fetchone()
            attempt = row[0] if row else None
            row = conn.execute("SELECT todo_auth.finish_login(%s)", (attempt,)).fetchone()
            if row is None or not row[0]:
                raise RuntimeError(f"sign-in refused for {email}")
            tokens.append(row[0])
    return users, tokens


def make_client_table(c: Cluster, users: _load.Users, tokens: list[str], clients: int) -> None:
    """bench.clients: pgbench client n (its :client_id) is person n % users."""
    k = _load_pgbench.TASK_IDS_PER_CLIENT
    cols = ", ".join(f"t{i} uuid NOT NULL" for i in range(k))
    with psycopg.connect(c.dsn(c.owner)) as conn:
        conn.execute("CREATE SCHEMA bench")
        conn.execute(f"CREATE TABLE bench.clients (n int PRIMARY KEY, token text NOT NULL, {cols})")  # type: ignore[arg-type]
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA bench TO {}").format(sql.Identifier(c.client)))
        conn.execute(sql.SQL("GRANT SELECT ON bench.clients TO {}").format(sql.Identifier(c.client)))
        conn.commit()
    with psycopg.connect(c.dsn()) as conn:  # superuser: reads every person's tasks
        rows = conn.execute(
            "SELECT user_id, (array_agg(id ORDER BY random()))[1:%s] FROM tasks "
            "WHERE NOT completed GROUP BY user_id",
            (k,),
        ).fetchall()
        open_ids = {uid: ids for uid, ids in rows}
        short = [uid for uid in users.ids if len(open_ids.get(uid, [])) < k]
        if short:
            raise SystemExit(f"{len(short)} people have fewer than {k} open tasks; raise --tasks-per-user")
        with conn.cursor().copy("COPY bench.clients FROM STDIN") as copy:
            for n in range(clients):
                person = n % len(users.ids)
                copy.write_row((n, tokens[person], *open_ids[users.ids[person]]))
        conn.commit()
        conn.execute("ANALYZE bench.clients")
        conn.commit()


def server_connections(c: Cluster) -> int:
    with psycopg.connect(c.dsn(database="postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND usename = %s",
            (c.database, c.client),
        ).fetchone()
    return int(row[0]) if row else 0


def sample_connections(c: Cluster, after: float, into: list[int]) -> threading.Thread:
    def work() -> None:
        time.sleep(after)
        with contextlib.suppress(psycopg.Error):
            into.append(server_connections(c))

    t = threading.Thread(target=work, daemon=True)
    t.start()
    return t
