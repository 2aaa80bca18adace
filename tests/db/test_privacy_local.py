"""The Local profile's side of privacy: its export, and erasing this computer's data, which
stops the embedded server first and never reaches outside the app's data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from keyring.backends import fail

from tests.support.memory_keyring import MemoryKeyring
from todo_desktop import APP_ID
from todo_desktop.core.profiles import LOCAL_ID
from todo_desktop.core.values import Status, TaskDraft, TaskQuery
from todo_desktop.db.local.erase import erase_local_data
from todo_desktop.db.local.loopback import ServerPassword
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.local.workspace import KEY_SECRET, LOCAL_EMAIL
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.privacy import Privacy
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore


def _plant(root: Path) -> tuple[Path, Path]:
    """A data folder as the app leaves it, with links to the outside planted everywhere."""
    outside = root / "outside"
    (outside / "folder").mkdir(parents=True)
    precious = outside / "precious.txt"
    precious.write_text("keep me")
    (outside / "folder" / "also.txt").write_text("keep me too")
    data = root / "data"
    (data / "pgdata" / "base").mkdir(parents=True)
    (data / "pgdata" / "PG_VERSION").write_text("18")
    (data / "pgdata" / "link-to-file").symlink_to(precious)
    (data / "pgdata" / "base" / "link-to-folder").symlink_to(outside / "folder", target_is_directory=True)
    (data / "backups").symlink_to(outside / "folder", target_is_directory=True)  # the whole folder a link
    (data / "outbox").mkdir()
    (data / "outbox" / "local.jsonl").symlink_to(precious)
    (data / "outbox" / "shared-1234.jsonl").write_text("another profile's queue")
    (data / "secrets").mkdir()
    (data / "secrets" / "secrets.json").write_text("{}")
    (data / "instance.lock").write_text("")
    return data, outside


def test_erasing_removes_links_never_what_they_point_to(tmp_path):
    data, outside = _plant(tmp_path)
    before = sorted(p.relative_to(outside) for p in outside.rglob("*"))
    store = SecretStore(APP_ID, data / "secrets", MemoryKeyring(), allow_file_fallback=True)
    store.set(KEY_SECRET, "local key")
    erase_local_data(data, store)
    assert sorted(p.relative_to(outside) for p in outside.rglob("*")) == before
    assert (outside / "precious.txt").read_text() == "keep me"
    assert (outside / "folder" / "also.txt").read_text() == "keep me too"
    for gone in ("pgdata", "backups", "outbox/local.jsonl", "secrets"):
        assert not os.path.lexists(data / gone), gone
    assert (data / "outbox" / "shared-1234.jsonl").exists()  # not the Local profile's
    assert (data / "instance.lock").exists()  # held by the running app
    assert store.get(KEY_SECRET) is None


def test_a_data_folder_reached_through_a_link_is_left_alone_where_it_leads(tmp_path):
    data, outside = _plant(tmp_path)
    (data / "outbox" / "local.jsonl").unlink()
    (outside / "queue").mkdir()
    (outside / "queue" / "local.jsonl").write_text("someone else's")
    (data / "outbox").rename(tmp_path / "old-outbox")
    (data / "outbox").symlink_to(outside / "queue", target_is_directory=True)
    erase_local_data(data, SecretStore(APP_ID, None, MemoryKeyring(), allow_file_fallback=False))
    assert (outside / "queue" / "local.jsonl").read_text() == "someone else's"


def test_erasing_an_empty_data_folder_is_harmless(tmp_path):
    assert (
        erase_local_data(tmp_path, SecretStore(APP_ID, None, MemoryKeyring(), allow_file_fallback=False))
        == []
    )


@pytest.mark.slow
def test_local_export_then_erase_starts_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    paths = AppPaths.from_environment().ensure()

    def secrets() -> SecretStore:
        return SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)

    opened = [open_local(paths, secrets(), kdf_cost=MINIMUM_COST)]
    order: list[str] = []

    def close_local() -> None:
        order.append("closed" if (paths.data / "pgdata").exists() else "closed after erasing")
        while opened:
            opened.pop().close()

    privacy = Privacy(
        None,
        lambda: opened[0] if opened else None,
        close_local=close_local,
        data_folder=paths.data,
        local_secrets=secrets,
    )
    try:
        opened[0].tasks.create(TaskDraft(title="only on this computer"))
        data = privacy.export_my_data(LOCAL_ID)
        assert data["account"]["email"] == LOCAL_EMAIL
        assert [t["title"] for t in data["tasks"]] == ["only on this computer"]
        server_key = ServerPassword(paths.data / "pgdata", None).key
        privacy.erase_local_data()
        assert order == ["closed"]
        assert not (paths.data / "pgdata").exists()
        assert secrets().get(KEY_SECRET) is None and secrets().get(server_key) is None
        fresh = open_local(paths, secrets(), kdf_cost=MINIMUM_COST)
        opened.append(fresh)
        assert not fresh.tasks.list(TaskQuery(status=Status.ALL)).tasks
    finally:
        for workspace in opened:
            workspace.close()
