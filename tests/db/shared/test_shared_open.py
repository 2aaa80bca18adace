"""Opening a shared database from a profile, against a real PostgreSQL: schema checks,
the RLS-bypass warning, sign-in, registration, "Stay signed in" and signing out."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from keyring.backends import fail

from tests.support import database
from tests.support.database import PASSWORD
from tests.support.memory_keyring import MemoryKeyring
from tests.support.shared_helpers import SERVICE, add_profile, make_gateway
from todo_desktop.core.errors import AuthenticationError, NotSignedInError, SchemaMismatchError
from todo_desktop.core.ports import Credentials, Workspace
from todo_desktop.core.profiles import FILE_NAME, Profile, check_profile, parse_profile_url
from todo_desktop.core.values import TaskDraft, TaskQuery
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.urls import is_local_host
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.schema import migrate
from todo_desktop.db.shared.gateway import SharedDatabases

EMAIL = "carol@example.com"
SSL_REQUEST = 80877103


def token_of(workspace: Workspace) -> str:
    return workspace.tasks.token  # type: ignore[attr-defined]  # a TaskRepository here


@pytest.fixture
def shared(gateway: SharedDatabases, test_db: database.TestDatabase) -> Profile:
    return add_profile(gateway, test_db.client_url)


def register(gateway: SharedDatabases, profile: Profile, *, stay: bool = False) -> Workspace:
    form = Credentials(EMAIL, PASSWORD, stay_signed_in=stay, first_name="Carol", last_name="Tester")
    return gateway.register(profile.id, form)


# -- Test connection ----------------------------------------------------------------------


def test_connection_reports_a_current_schema(gateway, shared):
    report = gateway.test_connection(shared, None)  # the password comes from the keyring
    assert report.ok, report.message
    assert report.message.startswith("Connected to ") and report.message.endswith("its schema is current.")
    assert report.schema is not None and report.schema.state == "current" and not report.schema.read_only
    assert report.warning is None


def test_connection_as_the_table_owner_warns_loudly(gateway, test_db):
    owner = add_profile(gateway, test_db.owner_url, name="Owner")
    report = gateway.test_connection(owner, None)
    assert report.ok
    assert report.warning is not None and "owns the tables" in report.warning


def test_connection_to_a_missing_database_is_one_sentence(gateway, shared):
    report = gateway.test_connection(replace(shared, database="no_such_db"), None)
    assert not report.ok
    assert report.message.endswith("has no database named no_such_db; check the connection.")
    assert "Traceback" not in report.message and "local database" not in report.message


def test_wrong_database_password_is_refused(gateway, shared, test_db):
    if shared.host.startswith("/"):
        pytest.skip("the embedded server authenticates its socket by OS user, not password")
    report = gateway.test_connection(shared, "not-the-password")
    assert not report.ok and "refused the database password for user" in report.message


def test_an_unreachable_server_is_reported_after_the_retry_budget(tmp_path, keyring):
    gateway = make_gateway(tmp_path, keyring, retry_budget=0.5)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    profile = check_profile(Profile(id="x", name="Gone", host="127.0.0.1", port=port, database="d", user="u"))
    report = gateway.test_connection(profile, "pw")
    assert not report.ok
    assert report.message == f"Nothing is listening at 127.0.0.1:{port}; check the host and port."


@pytest.fixture
def plaintext_server() -> Iterator[tuple[str, int]]:
    """A listener under this machine's name (which counts as remote) that has no TLS."""
    name = socket.gethostname()
    try:
        socket.getaddrinfo(name, None)
    except OSError:
        pytest.skip("this machine's own name does not resolve")
    if is_local_host(name):
        pytest.skip("this machine's name counts as local")
    listener = socket.create_server(("", 0), family=socket.AF_INET6, dualstack_ipv6=True)
    listener.settimeout(5.0)
    seen: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                head = conn.recv(8)
                seen.append(head)
                if len(head) == 8 and struct.unpack("!II", head)[1] == SSL_REQUEST:
                    conn.sendall(b"N")  # "no TLS here"
                    seen.append(conn.recv(65536))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield name, listener.getsockname()[1]
    listener.close()
    thread.join(timeout=5.0)
    assert not any(b"s3cret" in chunk for chunk in seen)  # the password never left


def test_a_server_without_tls_is_refused_before_the_password_is_sent(gateway, plaintext_server):
    host, port = plaintext_server
    profile = check_profile(Profile(id="t", name="Plain", host=host, port=port, database="d", user="u"))
    report = gateway.test_connection(profile, "s3cret")
    assert not report.ok
    assert "Could not verify a secure connection" in report.message


# -- sign-in and registration ------------------------------------------------------------------


def test_register_then_sign_in_gives_a_writable_workspace(gateway, shared):
    workspace = register(gateway, shared)
    assert workspace.account.email == EMAIL and not workspace.read_only and workspace.warning is None
    assert workspace.profile_id == shared.id
    workspace.tasks.create(TaskDraft(title="Shared task"))
    again = gateway.sign_in(shared.id, Credentials(EMAIL, PASSWORD))
    assert [t.title for t in again.tasks.list(TaskQuery()).tasks] == ["Shared task"]


def test_a_wrong_password_and_an_unknown_email_get_the_same_sentence(gateway, shared):
    register(gateway, shared)
    messages = set()
    for email, password in ((EMAIL, "wrong password!"), ("nobody@example.com", PASSWORD), ("bad", "")):
        with pytest.raises(AuthenticationError) as caught:
            gateway.sign_in(shared.id, Credentials(email, password))
        messages.add(caught.value.message)
    assert messages == {"Email or password is wrong."}


def test_stay_signed_in_keeps_the_token_and_reuses_it_at_the_next_start(tmp_path, keyring, shared, gateway):
    first = register(gateway, shared, stay=True)
    token = token_of(first)
    assert keyring.entries[(SERVICE, shared.session_key)] == token
    assert token not in (tmp_path / "config" / FILE_NAME).read_text()
    gateway.close()  # quitting keeps a kept session alive

    restarted = make_gateway(tmp_path / "config", keyring)
    try:
        resumed = restarted.resume(shared.id)
        assert resumed is not None and resumed.account.email == EMAIL
        assert token_of(resumed) == token
    finally:
        restarted.close()


def test_sign_out_everywhere_revokes_the_kept_token_of_another_device(
    tmp_path, keyring, shared, gateway, test_db
):
    register(gateway, shared, stay=True)
    laptop_keyring = MemoryKeyring()
    laptop = make_gateway(tmp_path / "laptop", laptop_keyring, device="laptop")
    try:
        on_laptop = add_profile(laptop, test_db.client_url)
        laptop.sign_in(on_laptop.id, Credentials(EMAIL, PASSWORD, stay_signed_in=True))
        assert gateway.sign_out_everywhere(shared.id) >= 2
        assert (SERVICE, shared.session_key) not in keyring.entries
        # The laptop's kept token no longer opens anything, and is forgotten when tried.
        restarted = make_gateway(tmp_path / "laptop", laptop_keyring)
        assert restarted.resume(on_laptop.id) is None
        assert (SERVICE, on_laptop.session_key) not in laptop_keyring.entries
        restarted.close()
    finally:
        laptop.close()


def test_without_stay_signed_in_nothing_is_kept_and_quitting_ends_the_session(
    tmp_path, keyring, shared, gateway, accounts
):
    workspace = register(gateway, shared, stay=False)
    assert (SERVICE, shared.session_key) not in keyring.entries
    gateway.close()
    with pytest.raises(NotSignedInError):
        accounts.current_account(token_of(workspace))
    restarted = make_gateway(tmp_path / "config", keyring)
    assert restarted.resume(shared.id) is None
    restarted.close()


def test_sign_out_revokes_and_forgets(keyring, shared, gateway, accounts):
    workspace = register(gateway, shared, stay=True)
    assert gateway.sign_out(shared.id) == "Signed out."
    assert (SERVICE, shared.session_key) not in keyring.entries
    with pytest.raises(NotSignedInError):
        accounts.current_account(token_of(workspace))
    assert gateway.resume(shared.id) is None
    assert gateway.sign_out(shared.id) == "You were not signed in."


def test_signing_in_again_ends_the_session_it_replaces(shared, gateway, accounts):
    first = register(gateway, shared, stay=True)
    gateway.sign_in(shared.id, Credentials(EMAIL, PASSWORD, stay_signed_in=True))
    with pytest.raises(NotSignedInError):
        accounts.current_account(token_of(first))


def test_without_a_keyring_the_database_password_is_asked_each_start(tmp_path, test_db):
    def make() -> SharedDatabases:
        return make_gateway(tmp_path / "config", fail.Keyring())  # type: ignore[arg-type]

    gateway = make()
    profile, password = parse_profile_url(test_db.client_url)
    saved = gateway.save_profile(check_profile(replace(profile, name="Shared")), None)
    assert gateway.keyring_problem() and "ask each time" in gateway.keyring_problem()  # type: ignore[operator]
    assert gateway.needs_password(saved.id)
    form = Credentials(EMAIL, PASSWORD, stay_signed_in=True, first_name="Carol", db_password=password)
    assert gateway.register(saved.id, form).account.email == EMAIL
    gateway.close()
    restarted = make()
    assert restarted.needs_password(saved.id)
    assert restarted.resume(saved.id) is None  # the token was never written anywhere
    restarted.close()


# -- schemas that are not this app's -------------------------------------------------------------


def _stamp(test_db: database.TestDatabase, revision: str) -> None:
    with test_db.superuser() as conn:
        conn.execute("UPDATE alembic_version SET version_num = %s", (revision,))


def test_an_older_schema_is_reported_plainly_and_cannot_be_signed_into(gateway, test_db):
    migrate.downgrade(test_db.owner_url, "0001")
    owner = add_profile(gateway, test_db.owner_url, name="Owner")
    report = gateway.test_connection(owner, None)
    assert report.ok and report.schema is not None and report.schema.state == "older"
    assert "older than this app, so it opens read-only" in report.message
    assert report.warning is not None  # the owner role also bypasses RLS
    with pytest.raises(SchemaMismatchError) as caught:
        gateway.sign_in(owner.id, Credentials(EMAIL, PASSWORD))
    assert "(revision 0001) is older than this app" in caught.value.message
    assert "read-only" in caught.value.message
    # A client role cannot even see the version table of that schema.
    client = add_profile(gateway, test_db.client_url)
    assert gateway.test_connection(client, None).schema.state == "missing"  # type: ignore[union-attr]


@pytest.mark.parametrize(("revision", "state"), [("0001", "older"), ("9999_from_the_future", "newer")])
def test_a_schema_of_another_version_opens_read_only(gateway, shared, test_db, revision, state):
    register(gateway, shared).tasks.create(TaskDraft(title="Written before"))
    gateway.close()
    _stamp(test_db, revision)
    report = gateway.test_connection(shared, None)
    assert report.schema is not None and report.schema.state == state and report.schema.read_only
    workspace = gateway.sign_in(shared.id, Credentials(EMAIL, PASSWORD))
    assert workspace.read_only
    assert workspace.warning is not None and f"is {state} than this app" in workspace.warning
    assert [t.title for t in workspace.tasks.list(TaskQuery()).tasks] == ["Written before"]
    with pytest.raises(SchemaMismatchError) as caught:
        workspace.tasks.create(TaskDraft(title="Refused"))
    assert "read-only" in caught.value.message
    with pytest.raises(SchemaMismatchError):
        register(gateway, replace(shared))  # registering writes too


def test_a_schema_of_another_version_is_not_polled_for_changes(gateway, shared, test_db):
    """Revision 0018 reads changes another way (by time, with no deletion notes): a window on
    it gets no change cursor, so it does not poll, and shows others' edits when it reloads."""
    register(gateway, shared).tasks.create(TaskDraft(title="Written before"))
    gateway.close()
    _stamp(test_db, "0018")
    workspace = gateway.sign_in(shared.id, Credentials(EMAIL, PASSWORD))
    assert workspace.read_only
    assert workspace.tasks.change_cursor() is None
    assert [t.title for t in workspace.tasks.list(TaskQuery()).tasks] == ["Written before"]


def test_the_rls_bypass_warning_reaches_the_workspace(gateway, test_db, client_db):
    AccountService(client_db, kdf_cost=MINIMUM_COST).register(EMAIL, "Carol", "", PASSWORD)
    owner = add_profile(gateway, test_db.owner_url, name="Owner")
    workspace = gateway.sign_in(owner.id, Credentials(EMAIL, PASSWORD))
    assert workspace.warning is not None and workspace.warning.startswith("Warning: this connection's role")
