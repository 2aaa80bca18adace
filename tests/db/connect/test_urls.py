"""parse_database_url, connect_args_for and create_db_engine: safe transport by default."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy

from todo_desktop.core.errors import ConfigurationError, InsecureConnectionError
from todo_desktop.db.connect import engine as engine_module
from todo_desktop.db.connect.engine import (
    create_db_engine,
)
from todo_desktop.db.connect.trust_store import system_root_certificates
from todo_desktop.db.connect.urls import DRIVER, parse_database_url

NEON = (
    "postgresql://alex:pw@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb"
    "?sslmode=require&channel_binding=require"
)
NEON_POOLER = NEON.replace("ep-cool-darkness-123456.", "ep-cool-darkness-123456-pooler.")
SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104


def _query(target) -> dict:
    return dict(target.url.query)


# -- schemes -------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgres_schemes_are_accepted_and_use_psycopg(scheme):
    target = parse_database_url(f"  {scheme}://u:pw@localhost:5433/todo  ")
    assert target.url.drivername == DRIVER == "postgresql+psycopg"
    assert (target.url.host, target.url.port, target.url.database) == ("localhost", 5433, "todo")
    assert (target.url.username, target.url.password) == ("u", "pw")


@pytest.mark.parametrize(
    "raw",
    [
        "mysql://u:pw@localhost/todo",
        "mysql+pymysql://u:pw@db.example.com/todo",
        "sqlite:///todo.db",
        "mssql+pyodbc://u:pw@db.example.com/todo",
        "http://db.example.com/todo",
        "not a url",
        "",
    ],
)
def test_other_schemes_are_refused(raw):
    with pytest.raises(ConfigurationError) as caught:
        parse_database_url(raw)
    assert caught.value.message.endswith(".")
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    "raw",
    [
        "postgresql://u:pw@db.example.com:port/todo",
        "postgresql://u:pw@localhost:5432,db.example.com:5432/todo",
    ],
)
def test_malformed_port_is_a_configuration_error(raw):
    with pytest.raises(ConfigurationError):
        parse_database_url(raw)


# -- local versus remote ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "postgresql://u@/todo",
        "postgresql:///todo",
        "postgresql://u@/todo?host=/var/run/postgresql",
        "postgresql://u@/todo?host=/home/alex/.local/share/todo/pgdata",
        "postgresql://u:pw@localhost/todo",
        "postgresql://u:pw@LocalHost:5432/todo",
        "postgresql://u:pw@127.0.0.1/todo",
        "postgresql://u:pw@127.0.0.53/todo",
        "postgresql://u:pw@[::1]:5432/todo",
    ],
)
def test_local_hosts_get_no_tls_requirement(raw):
    target = parse_database_url(raw)
    assert target.is_local
    assert "sslmode" not in _query(target)
    assert "sslrootcert" not in _query(target)
    # Another server on this computer is not the app's own: sentences name its address.
    assert target.display_host != "this computer" and not target.private
    assert "local database" not in target.described
    assert not target.pooled


def test_local_host_keeps_an_explicit_sslmode():
    target = parse_database_url("postgresql://u:pw@localhost/todo?sslmode=disable")
    assert target.is_local
    assert _query(target)["sslmode"] == "disable"


@pytest.mark.parametrize(
    "host",
    [
        "db.example.com",
        "10.0.0.5",
        "192.168.1.10",
        "[2001:db8::1]",
        "localhost.example.com",
        "127.0.0.1.nip.io",
    ],
)
def test_remote_hosts_default_to_verify_full_with_system_roots(host):
    target = parse_database_url(f"postgresql://u:pw@{host}/todo")
    assert not target.is_local
    assert _query(target)["sslmode"] == "verify-full"
    assert _query(target)["sslrootcert"] == system_root_certificates()
    assert target.display_host == f"{host}:5432" if host.startswith("[") else f"{host}:5432"


@pytest.mark.parametrize("url", [NEON, NEON_POOLER], ids=["direct", "pooler"])
def test_neon_url_is_upgraded_from_require_to_verify_full(url):
    target = parse_database_url(url)
    query = _query(target)
    assert not target.is_local
    assert query["sslmode"] == "verify-full"
    assert query["sslrootcert"] == system_root_certificates()
    assert query["channel_binding"] == "require"
    assert target.url.database == "neondb"
    assert target.url.password == "pw"
    assert "pw" not in target.redacted()
    assert "***" in target.redacted()
    assert target.pooled is (url == NEON_POOLER)


def test_verify_ca_in_a_pasted_url_is_upgraded_too():
    target = parse_database_url("postgresql://u:pw@db.example.com/todo?sslmode=verify-ca")
    assert _query(target)["sslmode"] == "verify-full"


def test_the_system_store_is_named_by_file_unless_the_environment_names_one(tmp_path):
    """psycopg's own OpenSSL looks for the system store where no machine keeps it."""
    bundle = tmp_path / "ca-bundle.crt"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    missing = str(tmp_path / "nowhere.pem")
    assert system_root_certificates({}, [missing, str(bundle)]) == str(bundle)
    assert system_root_certificates({"SSL_CERT_FILE": "/x.pem"}, [str(bundle)]) == "system"
    assert system_root_certificates({"SSL_CERT_DIR": "/certs"}, [str(bundle)]) == "system"
    found = system_root_certificates({})  # this machine's own store, wherever it is
    assert found == "system" or Path(found).is_file()


def test_a_given_sslrootcert_is_kept():
    target = parse_database_url("postgresql://u:pw@db.example.com/todo?sslrootcert=/etc/ssl/corp.pem")
    assert _query(target)["sslrootcert"] == "/etc/ssl/corp.pem"
    assert _query(target)["sslmode"] == "verify-full"


@pytest.mark.parametrize("mode", ["require", "verify-ca", "verify-full"])
def test_explicit_tls_mode_is_honoured(mode):
    target = parse_database_url(NEON, tls_mode=mode)
    assert _query(target)["sslmode"] == mode
    assert ("sslrootcert" in _query(target)) is (mode != "require")
    assert _query(target)["channel_binding"] == "require"


def test_unknown_tls_mode_is_a_configuration_error():
    with pytest.raises(ConfigurationError):
        parse_database_url(NEON, tls_mode="sometimes")


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer"])
def test_plaintext_modes_to_a_remote_host_are_refused(mode):
    with pytest.raises(InsecureConnectionError) as caught:
        parse_database_url(f"postgresql://alex:s3cret@db.example.com/todo?sslmode={mode}")
    message = caught.value.message
    assert "db.example.com" in message
    assert "s3cret" not in message
    assert message.endswith(".")
    assert "\n" not in message
    with pytest.raises(InsecureConnectionError):
        parse_database_url("postgresql://alex:s3cret@db.example.com/todo", tls_mode=mode)
    with pytest.raises(InsecureConnectionError):  # an explicit TLS choice does not rescue it
        parse_database_url(f"postgresql://alex:s3cret@db.example.com/todo?sslmode={mode}", tls_mode="require")


@pytest.mark.parametrize(
    "raw",
    [
        "postgresql://u:pw@/todo?host=/var/run/postgresql,db.example.com",
        "postgresql://u:pw@/todo?host=/var/run/postgresql&host=db.example.com",
        "postgresql://u:pw@localhost/todo?hostaddr=203.0.113.5",
    ],
)
def test_a_remote_address_hidden_behind_a_local_one_still_gets_tls(raw):
    try:
        target = parse_database_url(raw)
    except (InsecureConnectionError, ConfigurationError):
        return  # refusing is fine too
    args = create_db_engine(target).dialect.create_connect_args(target.url)[1]
    assert args.get("sslmode") == "verify-full", f"libpq would be given {args}"


# -- pooled endpoints ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "pooled", "expected"),
    [
        (NEON_POOLER, None, True),
        (NEON, None, False),
        (NEON, True, True),
        (NEON_POOLER, False, False),
        ("postgresql://u@/todo", True, True),
        ("postgresql://u:pw@pooler.example.com/todo", None, False),
        ("postgresql://u:pw@db.eu-pooler.example.com/todo", None, False),
        ("postgresql://u:pw@db.example.com:6432/todo?pgbouncer=true", None, True),
        ("postgresql://u:pw@localhost:6432/todo?pgbouncer=TRUE", None, True),
        ("postgresql://u:pw@localhost:6432/todo?pgbouncer=false", None, False),
        ("postgresql://u:pw@localhost:6432/todo?pgbouncer=true", False, False),
    ],
)
def test_pooled_mode_is_detected_from_the_host_or_forced(url, pooled, expected):
    assert parse_database_url(url, pooled=pooled).pooled is expected


@pytest.mark.parametrize("mark", ["true", "false"])
def test_the_pgbouncer_mark_never_reaches_libpq(mark):
    """libpq refuses a parameter it does not know; the mark is ours to read, not libpq's."""
    target = parse_database_url(
        f"postgresql://u:pw@db.example.com:6432/todo?sslmode=require&pgbouncer={mark}"
    )
    assert "pgbouncer" not in _query(target)
    assert _query(target)["sslmode"] == "verify-full"
    args = create_db_engine(target).dialect.create_connect_args(target.url)[1]
    assert "pgbouncer" not in args


# -- connect arguments and the engine ------------------------------------------------


# -- plaintext is refused before a password can leave -----------------------------------


def test_insecure_remote_url_fails_before_any_lookup_connection_or_engine(monkeypatch):
    touched: list[str] = []

    def tripwire(name: str):
        def record(*args, **kwargs):
            touched.append(name)
            raise AssertionError(f"{name} called")

        return record

    monkeypatch.setattr(socket, "getaddrinfo", tripwire("getaddrinfo"))
    monkeypatch.setattr(socket.socket, "connect", tripwire("socket.connect"))
    monkeypatch.setattr(psycopg, "connect", tripwire("psycopg.connect"))
    monkeypatch.setattr(engine_module, "create_engine", tripwire("create_engine"))
    monkeypatch.setattr(sqlalchemy, "create_engine", tripwire("create_engine"))
    with pytest.raises(InsecureConnectionError):
        create_db_engine(parse_database_url("postgresql://alex:s3cret@db.example.com/todo?sslmode=disable"))
    assert touched == []


@pytest.fixture
def fake_server() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener that answers 'N' to SSL and GSS requests and records every byte."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5.0)
    received: list[bytes] = []

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(2.0)
            try:
                while True:
                    head = conn.recv(8)
                    if not head:
                        return
                    received.append(head)
                    if len(head) == 8 and struct.unpack("!II", head)[1] in (SSL_REQUEST, GSSENC_REQUEST):
                        conn.sendall(b"N")
                        continue
                    received.append(conn.recv(65536))
                    return
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], received
    listener.close()
    thread.join(timeout=5.0)


def test_remote_default_never_sends_the_startup_packet_to_a_server_without_tls(fake_server):
    """The host name looks remote; hostaddr points libpq at a real local listener that has no TLS."""
    port, received = fake_server
    raw = f"postgresql://alex:s3cret@db.example.com:{port}/todo?hostaddr=127.0.0.1"
    target = parse_database_url(raw)
    assert not target.is_local
    assert _query(target)["sslmode"] == "verify-full"
    engine = create_db_engine(target)
    try:
        with pytest.raises(sqlalchemy.exc.OperationalError), engine.connect():
            pass
    finally:
        engine.dispose()
    data = b"".join(received)
    assert received
    assert struct.unpack("!II", received[0])[1] in (SSL_REQUEST, GSSENC_REQUEST)
    assert SSL_REQUEST.to_bytes(4, "big") in data
    assert b"alex" not in data
    assert b"s3cret" not in data
    assert b"todo" not in data
