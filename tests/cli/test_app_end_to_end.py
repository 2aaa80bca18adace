"""From a person's side: tasks typed with Ctrl+N, text and Enter survive Ctrl+Q and a restart,
on the embedded database of a first launch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.repo import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.gui]


def _app(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TODO_DESKTOP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "tests.support.app_driver", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_typed_tasks_survive_quit_and_restart(tmp_path):
    first = _app(tmp_path, "add", "Buy oat milk", "Call the plumber")
    assert first.returncode == 0, first.stdout + first.stderr
    second = _app(tmp_path, "list", "Buy oat milk", "Call the plumber")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "titles: Buy oat milk|Call the plumber" in second.stdout
    assert not (tmp_path / "data" / "pgdata" / "postmaster.pid").exists(), "the server stops with the app"
