"""Connection profiles: checks, pasted Neon URLs, and the JSON file that never holds a secret."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.support.memory_keyring import MemoryKeyring
from todo_desktop.core.errors import ConfigurationError, InputErrors, ValidationError
from todo_desktop.core.profiles import (
    FILE_NAME,
    LOCAL_ID,
    Profile,
    Profiles,
    TlsMode,
    check_profile,
    is_pooler_host,
    parse_profile_url,
)
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.machine.profile_store import ProfileStore
from todo_desktop.machine.secret_store import SecretStore

NEON_PASSWORD = "npg_Zx8-very/secret?pw"
NEON_POOLER = (
    "postgresql://alex:npg_Zx8-very%2Fsecret%3Fpw@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech"
    "/neondb?sslmode=require&channel_binding=require"
)


def shared_profile(**fields: object) -> Profile:
    base = {
        "id": "p1",
        "name": "Work",
        "host": "ep-x.eu-central-1.aws.neon.tech",
        "port": 5432,
        "database": "neondb",
        "user": "alex",
    }
    return check_profile(Profile(**{**base, **fields}))  # type: ignore[arg-type]


# -- pasted URLs ------------------------------------------------------------------------


def test_neon_pooler_url_splits_into_fields_and_keeps_channel_binding():
    profile, password = parse_profile_url(f"  {NEON_POOLER}  ")
    assert password == NEON_PASSWORD
    assert profile.host == "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech"
    assert (profile.port, profile.database, profile.user) == (5432, "neondb", "alex")
    assert profile.pooled
    assert profile.channel_binding
    # Neon's generic sslmode=require is not the person loosening the check.
    assert profile.tls_mode is TlsMode.VERIFY_FULL
    assert profile.name == "neondb on ep-cool-darkness-123456"
    assert NEON_PASSWORD not in repr(profile)
    assert "channel_binding=require" in check_profile(profile).connection_url()


def test_neon_direct_url_is_not_pooled():
    profile, _ = parse_profile_url(NEON_POOLER.replace("-pooler.", "."))
    assert not profile.pooled
    assert not is_pooler_host(profile.host)


@pytest.mark.parametrize(
    ("query", "pooled"), [("pgbouncer=true", True), ("pgbouncer=TRUE", True), ("pgbouncer=false", False)]
)
def test_a_pgbouncer_mark_makes_a_pooled_profile_on_any_host(query, pooled):
    profile, _ = parse_profile_url(f"postgresql://u:p@db.example.com:6432/todo?{query}")
    assert profile.pooled is pooled
    assert "pgbouncer" not in check_profile(profile).connection_url()


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_every_postgres_scheme_is_accepted(scheme):
    profile, password = parse_profile_url(f"{scheme}://u:p@db.example.com:6543/todo?sslmode=verify-ca")
    assert (profile.host, profile.port, profile.database, password) == ("db.example.com", 6543, "todo", "p")
    assert profile.tls_mode is TlsMode.VERIFY_CA


def test_socket_folder_url_round_trips():
    profile, password = parse_profile_url("postgresql://me@/todo?host=/run/postgresql")
    assert (profile.host, profile.user, password) == ("/run/postgresql", "me", "")
    url = check_profile(profile).connection_url()
    assert url.startswith("postgresql://me@/todo?") and "host=%2Frun%2Fpostgresql" in url


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("mysql://u:p@db.example.com/x", "postgresql://"),
        ("postgresql://u:p@db.example.com:99999/x", "port"),
        ("postgresql://u:p@db.example.com/x?sslmode=disable", "TLS off"),
        ("postgresql://u:p@db.example.com/x?sslmode=prefer", "TLS off"),
        ("postgresql://u:p@a.example.com,b.example.com/x", "several hosts"),
        ("postgresql:///x", "no host"),
        ("postgresql://u:p@db.example.com:0/x", "port"),  # not quietly the default port
        ("postgresql://u@[::1/x", "bracket"),  # not "the port is not a number"
    ],
)
def test_bad_urls_get_one_sentence_for_the_url_field(raw, words):
    with pytest.raises(ValidationError) as caught:
        parse_profile_url(raw)
    assert caught.value.field == "url"
    assert words in caught.value.message


def test_plaintext_is_fine_on_this_computer():
    profile, _ = parse_profile_url("postgresql://u:p@localhost/x?sslmode=disable")
    assert profile.host == "localhost"


# -- checks -----------------------------------------------------------------------------


def test_every_bad_field_is_named():
    draft = Profile(id="p", name=" ", host="bad host", port=0, database="", user="x" * 64)
    with pytest.raises(InputErrors) as caught:
        check_profile(draft)
    assert set(caught.value.by_field) == {"name", "host", "port", "database", "user"}


def test_name_local_is_reserved_and_names_are_unique():
    work = shared_profile()
    with pytest.raises(ValidationError, match="embedded"):
        shared_profile(name="local")
    with pytest.raises(ValidationError, match="already exists"):
        check_profile(Profile(id="p2", name="WORK", host="h", database="d", user="u"), (work,))
    assert check_profile(work, (work,)) == work  # a profile does not collide with itself


def test_plaintext_tls_modes_are_not_offered():
    with pytest.raises(ValidationError) as caught:
        shared_profile(tls_mode="disable")
    assert caught.value.field == "tls_mode"


def test_ipv6_host_gets_brackets_in_the_url():
    assert "@[2001:db8::1]:5432/" in shared_profile(host="2001:db8::1").connection_url()


# -- the file ---------------------------------------------------------------------------


def test_store_round_trip_keeps_profiles_and_the_active_one(tmp_path: Path):
    store = ProfileStore(tmp_path)
    assert store.load() == Profiles()  # nothing saved yet: Local only
    work = shared_profile(tls_mode=TlsMode.REQUIRE, pooled=True, channel_binding=True)
    home = shared_profile(id="p2", name="Home", host="/run/postgresql", port=5433)
    profiles = Profiles().with_profile(work).with_profile(home).with_active("p2")
    store.save(profiles)
    loaded = ProfileStore(tmp_path).load()
    assert loaded == profiles
    assert loaded.active == home
    assert loaded.items[0].id == LOCAL_ID
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / FILE_NAME).stat().st_mode) == 0o600


def test_removing_the_active_profile_falls_back_to_local():
    profiles = Profiles().with_profile(shared_profile()).with_active("p1").without("p1")
    assert profiles.active_id == LOCAL_ID
    with pytest.raises(ConfigurationError):
        profiles.without(LOCAL_ID)


def test_a_damaged_row_is_skipped_and_the_original_kept(tmp_path: Path):
    store = ProfileStore(tmp_path)
    store.save(Profiles().with_profile(shared_profile()))
    data = json.loads((tmp_path / FILE_NAME).read_text())
    data["profiles"].append({"id": "p9", "name": "Broken", "host": "a b", "port": "x"})
    (tmp_path / FILE_NAME).write_text(json.dumps(data))
    loaded = store.load()
    assert [p.name for p in loaded.shared] == ["Work"]
    assert "Broken" in (tmp_path / (FILE_NAME + ".damaged")).read_text()


def test_unreadable_json_loads_as_local_only(tmp_path: Path):
    (tmp_path / FILE_NAME).write_text("{not json")
    assert ProfileStore(tmp_path).load() == Profiles()
    assert (tmp_path / (FILE_NAME + ".damaged")).exists()


def test_no_secret_ever_reaches_the_file(tmp_path: Path):
    keyring = MemoryKeyring()
    gateway = SharedDatabases(ProfileStore(tmp_path), lambda: SecretStore("todo-test", None, keyring))
    profile, password = parse_profile_url(NEON_POOLER)
    saved = gateway.save_profile(check_profile(profile), password)
    gateway.set_active(saved.id)
    text = (tmp_path / FILE_NAME).read_text()
    assert NEON_PASSWORD not in text
    assert "npg_" not in text and "password" not in text.lower()
    assert keyring.entries[("todo-test", saved.password_key)] == NEON_PASSWORD
    # Removing a profile forgets its secrets too.
    gateway.remove_profile(saved.id)
    assert keyring.entries == {}


def test_without_a_keyring_the_password_is_kept_for_this_session_only(tmp_path: Path):
    from keyring.backends import fail

    def store() -> SecretStore:
        return SecretStore("todo-test", tmp_path / "data", fail.Keyring(), allow_file_fallback=False)

    gateway = SharedDatabases(ProfileStore(tmp_path), store)
    saved = gateway.save_profile(shared_profile(), "pw-kept-in-memory")
    assert "ask each time" in (gateway.keyring_problem() or "")
    assert not gateway.needs_password(saved.id)
    assert not (tmp_path / "data").exists()  # no secrets file, ever, for shared profiles
    restarted = SharedDatabases(ProfileStore(tmp_path), store)
    assert restarted.needs_password(saved.id)
