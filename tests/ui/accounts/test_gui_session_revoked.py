"""The session ended elsewhere (Sign Out Everywhere on another device) while this window is
open: the person should be asked, once, to sign in again, not left with a window that says
"sign in again" on every read while Account > Sign In… stays disabled.

``core.failures.Failure.signed_out`` marks the failure, ``ui.workers.Workers.signed_out`` tells
the window, and ``WorkspaceSwitch`` closes the workspace and opens the profile again, which
finds the kept session ended and asks. Edits the database did not take meanwhile wait in the
account's outbox and are sent once the same account signs in again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.database import PASSWORD
from tests.support.gui_fakes import shown_titles
from tests.support.memory_keyring import MemoryKeyring
from tests.support.shared_helpers import SERVICE, add_profile, make_gateway
from tests.ui.accounts import test_gui_accounts_flow as shared_tests
from tests.ui.accounts.test_gui_accounts_flow import (
    DANAS_TASK,
    EMAIL,
    WAIT_MS,
    activate,
    sign_in,
    sign_in_dialog,
    wait_for_list,
)
from tests.ui.accounts.test_gui_inline_rename_kept import start_renaming
from todo_desktop.core.errors import DatabaseUnavailableError, NotSignedInError
from todo_desktop.core.failures import Failure
from todo_desktop.core.profiles import Profile
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.ui.workers import Workers

# The fixtures of the neighbouring tests, by assignment so pytest finds them here.
dana = shared_tests.dana
gateway = shared_tests.gateway
gateways = shared_tests.gateways
local_opener = shared_tests.local_opener
windows = shared_tests.windows

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]

ENDED = "session has ended"
SESSION_ENDED = "Your session has ended; please sign in again."
RENAMED = "Renamed as the session ended"


@pytest.fixture
def keeping(tmp_path: Path, keyring: MemoryKeyring, test_db) -> Iterator[tuple[SharedDatabases, Profile]]:
    """A gateway with an outbox, as the app's, and the shared profile in use on it."""
    made = make_gateway(tmp_path / "keeping", keyring, outbox_folder=tmp_path / "outbox")
    profile = add_profile(made, test_db.client_url, name="Team")
    made.set_active(profile.id)
    yield made, profile
    made.close()


def test_a_session_revoked_elsewhere_asks_to_sign_in_again(
    qtbot, windows, gateway, team, local_opener, dana, accounts: AccountService
):
    window = windows(local_opener, gateway)
    first = sign_in_dialog(qtbot, window)
    sign_in(qtbot, first)
    wait_for_list(qtbot, window)
    elsewhere = accounts.sign_in(EMAIL, PASSWORD)
    accounts.sign_out_everywhere(elsewhere.token)

    window.refresh()
    qtbot.waitUntil(lambda: ENDED in window.statusBar().currentMessage(), timeout=10_000)
    flow = window.switch.sign_in
    assert flow is not None
    # The answer that said so is in; asking again needs one more read (the kept session).
    qtbot.waitUntil(lambda: flow.dialog is not first and flow.dialog is not None, timeout=5_000)
    assert flow.dialog is not None and flow.dialog.isVisible()
    assert window.session.workspace is None


def test_edits_made_as_the_session_ended_are_sent_after_signing_in_again(
    qtbot, keeping, windows, local_opener, dana, accounts: AccountService, test_db, keyring: MemoryKeyring
):
    shared, profile = keeping
    window = windows(local_opener, shared)
    first = sign_in_dialog(qtbot, window)
    sign_in(qtbot, first, stay=True)
    wait_for_list(qtbot, window)
    assert keyring.get_password(SERVICE, profile.session_key)
    workspace = window.session.workspace
    assert workspace is not None and workspace.outbox is not None
    outbox = workspace.outbox
    # A title being typed as the window finds out: saved as the workspace closes, kept.
    row = shown_titles(window).index(DANAS_TASK)
    activate(qtbot, window)  # F2 is the window's shortcut
    start_renaming(qtbot, window, row, RENAMED)
    elsewhere = accounts.sign_in(EMAIL, PASSWORD)
    accounts.sign_out_everywhere(elsewhere.token)
    window.refresh()
    of_the_ended_session = window.workers.last_serial

    again = sign_in_dialog(qtbot, window, not_this=first)
    assert ENDED in again.errors.text("form")  # the dialog says why it asks
    assert window.session.workspace is None
    # The ended session is no longer kept, so the next start does not try it again; the edits
    # wait for this account, the title typed included.
    assert keyring.get_password(SERVICE, profile.session_key) is None
    qtbot.waitUntil(lambda: window.workers.pending_writes == 0, timeout=WAIT_MS)
    assert outbox.pending_count() == 1

    sign_in(qtbot, again, stay=True)
    wait_for_list(qtbot, window)
    assert window.session.workspace is not None and window.session.workspace.outbox is outbox
    qtbot.waitUntil(lambda: outbox.pending_count() == 0, timeout=WAIT_MS)
    with test_db.superuser() as su:
        stored = [
            r[0] for r in su.execute("SELECT title FROM tasks WHERE title IN (%s, %s)", (DANAS_TASK, RENAMED))
        ]
    assert stored == [RENAMED]
    qtbot.waitUntil(lambda: RENAMED in shown_titles(window), timeout=WAIT_MS)

    # A late answer to a job of the ended session closes nothing: this session is a new one.
    window.workers.signed_out.emit(of_the_ended_session, SESSION_ENDED)
    assert window.session.workspace is not None and not again.isVisible()


def test_workers_tell_an_ended_session_once_per_answer_with_the_job_it_answers(qtbot):
    workers = Workers()
    told: list[tuple[int, str]] = []
    workers.signed_out.connect(lambda serial, sentence: told.append((serial, sentence)))
    failures: list[Failure] = []

    def ended() -> None:
        raise NotSignedInError(SESSION_ENDED)

    def away() -> None:
        raise DatabaseUnavailableError("The database cannot be reached.")

    workers.read("list", ended, lambda _: None, failures.append)
    stale = workers.last_serial
    workers.read("list", away, lambda _: None, failures.append)  # the first becomes stale
    workers.write(ended, lambda _: None, failures.append)
    written = workers.last_serial
    # A batch that reports a failure as its value is told as the job that returned it.
    workers.write(lambda: Failure(SESSION_ENDED, signed_out=True), workers.note_failure, failures.append)
    batch = workers.last_serial
    qtbot.waitUntil(lambda: len(failures) == 2 and len(told) == 2, timeout=WAIT_MS)
    assert workers.wait_for_all(WAIT_MS)
    qtbot.wait(50)
    assert told == [(written, SESSION_ENDED), (batch, SESSION_ENDED)]
    assert stale < written and sorted(f.signed_out for f in failures) == [False, True]
