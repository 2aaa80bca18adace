"""TLS to a non-local host, proven against a real server with its own test CA: verify-full
connects; a wrong host name or an unknown CA is refused with a clear sentence; channel
binding is honoured when the URL asks for it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from tests.support import tls_server
from todo_desktop.core.errors import ConfigurationError, InsecureConnectionError
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database

pytestmark = pytest.mark.skipif(
    not tls_server.available() and os.environ.get("CI") != "true",
    reason="needs the machine's PostgreSQL server programs and openssl",
)


@pytest.fixture(scope="module")
def server() -> Iterator[tls_server.TlsServer]:
    started = tls_server.start()
    yield started
    tls_server.stop(started)


def _db(url: str) -> Database:
    target = parse_database_url(url)
    return Database(create_db_engine(target), target, retry_budget=1.0)


def _ssl_of(db: Database) -> tuple[bool, str]:
    sql = text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    try:
        row = db.run(None, lambda c: c.execute(sql).one())
    finally:
        db.dispose()
    return bool(row[0]), str(row[1])


def _tls_in_use(db: Database) -> dict[str, object]:
    """What the live connection uses: TLS as the server sees it, and the mode and root file
    libpq connected with (both decide whether the certificate and host name were checked)."""

    def read(conn) -> dict[str, object]:
        ssl = conn.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar_one()
        params = conn.connection.dbapi_connection.info.get_parameters()
        return {"ssl": ssl, "sslmode": params.get("sslmode"), "sslrootcert": params.get("sslrootcert")}

    try:
        return db.run(None, read)
    finally:
        db.dispose()


def test_the_test_host_counts_as_remote_and_gets_verify_full(server):
    target = parse_database_url(server.url("scram_user"))
    assert not target.is_local
    assert target.url.query["sslmode"] == "verify-full"


def test_verify_full_connects_over_tls(server):
    assert _ssl_of(_db(server.url("scram_user"))) == (True, "TLSv1.3")


def test_verify_full_connects_even_when_the_url_says_require(server):
    """A pasted sslmode=require would skip the host-name check (and, without a root file,
    the certificate check): the connection still verifies both."""
    pasted = server.url("scram_user", extra="&sslmode=require")
    used = _tls_in_use(_db(pasted))
    assert used == {"ssl": True, "sslmode": "verify-full", "sslrootcert": str(server.ca_file)}
    # A certificate the test CA signed, but for another host name: refused all the same.
    with pytest.raises(InsecureConnectionError) as caught:
        _ssl_of(_db(server.url("scram_user", host="wrong.test", extra="&sslmode=require")))
    assert "wrong.test" in caught.value.message
    # No root file of its own: the system's authorities, which do not know the test CA.
    bare = pasted.replace(f"&sslrootcert={server.ca_file}", "")
    assert "sslrootcert" not in bare
    with pytest.raises(InsecureConnectionError):
        _ssl_of(_db(bare))


def test_a_wrong_host_name_is_refused_plainly(server):
    db = _db(server.url("scram_user", host="wrong.test"))
    with pytest.raises(InsecureConnectionError) as caught:
        _ssl_of(db)
    assert "wrong.test" in caught.value.message
    assert caught.value.message.endswith(".")


def test_an_unknown_certificate_authority_is_refused_plainly(server):
    db = _db(server.url("scram_user", ca=server.other_ca_file))
    with pytest.raises(InsecureConnectionError) as caught:
        _ssl_of(db)
    assert "refusing to send the password" in caught.value.message


def test_channel_binding_is_honoured(server):
    assert _ssl_of(_db(server.url("scram_user", extra="&channel_binding=require")))[0]
    # md5 cannot bind to the TLS channel: libpq must refuse rather than fall back.
    db = _db(server.url("md5_user", extra="&channel_binding=require"))
    with pytest.raises(ConfigurationError):
        _ssl_of(db)
    assert _ssl_of(_db(server.url("md5_user")))[0]  # without the demand, md5 over TLS works


def test_without_a_root_file_in_the_url_the_system_bundle_file_is_used(server, monkeypatch):
    """No SSL_CERT_* in the environment, as on most desktops: the app names the system's
    bundle file itself (here the test CA stands in for it), and verify-full connects."""
    from todo_desktop.db.connect import trust_store

    for name in trust_store.ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(trust_store, "BUNDLES", (str(server.ca_file),))
    bare = server.url("scram_user").split("&sslrootcert=")[0]  # no root file of its own
    target = parse_database_url(bare)
    assert target.url.query["sslrootcert"] == str(server.ca_file)
    assert _ssl_of(_db(bare)) == (True, "TLSv1.3")
