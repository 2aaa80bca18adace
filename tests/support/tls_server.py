"""A PostgreSQL server with TLS and a test certificate authority of its own, on loopback.

It answers as ``db.test`` (the URL names that host and connects through ``hostaddr``), so
the app treats it as a remote host and insists on verify-full, exactly as with Neon.
Uses the machine's PostgreSQL 15 binaries; tests skip when they are not installed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

HOST = "db.test"


def _server_bin() -> Path | None:
    """The machine's PostgreSQL server programs, found the way packagers publish them."""
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
    folder = Path(found.stdout.strip())
    return folder if (folder / "initdb").exists() else None


@dataclass
class TlsServer:
    folder: Path
    port: int
    ca_file: Path
    other_ca_file: Path
    password: str

    def url(self, user: str, *, host: str = HOST, ca: Path | None = None, extra: str = "") -> str:
        root = ca or self.ca_file
        return (
            f"postgresql://{user}:{self.password}@{host}:{self.port}/postgres"
            f"?hostaddr=127.0.0.1&sslrootcert={root}{extra}"
        )


def available() -> bool:
    return _server_bin() is not None and shutil.which("openssl") is not None


def _as_server_user(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    # PostgreSQL refuses to run as root; as root, run it as the postgres OS user.
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60, **kw)  # type: ignore[call-overload]


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd, timeout=60)


def _make_ca(name: str, cwd: Path) -> None:
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        f"/CN={name}",
        "-keyout",
        f"{name}.key",
        "-out",
        f"{name}.crt",
        cwd=cwd,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start() -> TlsServer:
    folder = Path(tempfile.mkdtemp(prefix="todo-tls-"))
    folder.chmod(0o755)
    certs = folder / "certs"
    certs.mkdir()
    _make_ca("test-ca", certs)
    _make_ca("other-ca", certs)
    (certs / "san.cnf").write_text(f"subjectAltName=DNS:{HOST}\n")
    _openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        f"/CN={HOST}",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        cwd=certs,
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "test-ca.crt",
        "-CAkey",
        "test-ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.cnf",
        "-out",
        "server.crt",
        cwd=certs,
    )
    password = secrets.token_urlsafe(12)
    data = folder / "data"
    pwfile = folder / "pw"
    pwfile.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        for path in (*certs.iterdir(), certs, pwfile):
            shutil.chown(path, "postgres")
    (certs / "server.key").chmod(0o600)
    pg_bin = _server_bin()
    assert pg_bin is not None
    _as_server_user(
        [
            str(pg_bin / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
            "--encoding=UTF8",
        ]
    )
    port = _free_port()
    conf = (
        f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{folder}'\n"
        f"ssl = on\nssl_cert_file = '{certs / 'server.crt'}'\nssl_key_file = '{certs / 'server.key'}'\n"
    )
    hba = (
        "hostssl all md5_user 127.0.0.1/32 md5\n"
        "hostssl all all 127.0.0.1/32 scram-sha-256\n"
        "host all all 127.0.0.1/32 reject\n"
        "local all postgres scram-sha-256\n"
    )
    _as_server_user(
        ["sh", "-c", f"cat >> {data}/postgresql.conf && printf '{hba}' > {data}/pg_hba.conf"], input=conf
    )
    _as_server_user([str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start"])
    server = TlsServer(folder, port, certs / "test-ca.crt", certs / "other-ca.crt", password)
    import psycopg

    with psycopg.connect(
        host=str(folder), port=port, user="postgres", password=password, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute("SET password_encryption = 'md5'")
        conn.execute(f"CREATE ROLE md5_user LOGIN PASSWORD '{password}'")
        conn.execute("SET password_encryption = 'scram-sha-256'")
        conn.execute(f"CREATE ROLE scram_user LOGIN PASSWORD '{password}'")
    return server


def stop(server: TlsServer) -> None:
    try:
        pg_bin = _server_bin()
        assert pg_bin is not None
        _as_server_user(
            [str(pg_bin / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate", "stop"]
        )
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)
