"""A keyring that is there but refuses to keep a secret (its unlock prompt declined, say):
the app still works, keeps the password until it quits, and says so where the person saved
it, instead of "Saved" alone after promising the system keyring.

Driven with pytest-qt against a real PostgreSQL; the keyring is an in-memory backend that
refuses every write.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.errors import KeyringLocked
from PySide6.QtCore import QThreadPool

from tests.support.memory_keyring import MemoryKeyring
from tests.support.shared_helpers import make_gateway
from tests.ui.accounts.test_gui_connections import WAIT_MS
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.ui.accounts.connections_dialog import ConnectionsDialog
from todo_desktop.ui.workers import Workers

pytestmark = pytest.mark.gui


class RefusingKeyring(MemoryKeyring):
    """Reads work; every write is refused, as when the person declines to unlock it."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the unlock prompt was dismissed")


@pytest.fixture
def refusing(tmp_path: Path) -> Iterator[tuple[SharedDatabases, Workers]]:
    gateway = make_gateway(tmp_path / "config", RefusingKeyring())
    workers = Workers()
    yield gateway, workers
    for pool in workers.findChildren(QThreadPool):
        pool.waitForDone(WAIT_MS)
    gateway.close()


def test_a_password_the_keyring_refused_is_said_to_last_until_quitting(qtbot, refusing, test_db):
    gateway, workers = refusing
    dialog = ConnectionsDialog(gateway, workers)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.add_button.click()
    editor = dialog.editor
    assert editor is not None
    editor.url_edit.setText(test_db.client_url)
    editor.fill_from_url()
    editor.name_edit.setText("Team")
    editor.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=WAIT_MS)
    qtbot.waitUntil(dialog.note.isVisible, timeout=WAIT_MS)
    assert "keyring is locked" in dialog.note.text() and "until you quit" in dialog.note.text()
    assert dialog.result_label.text() == "Saved 'Team'."
    assert gateway.needs_password(gateway.profiles().shared[0].id) is False  # kept for this run
