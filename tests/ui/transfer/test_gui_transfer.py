"""File > Import… and File > Export… in a real window on a real database: the preview with
its skipped rows, the progress bar and its Cancel, the status-bar sentence, the refusals."""

from __future__ import annotations

import json
import uuid

import icalendar
import pytest
from PySide6.QtCore import Qt

from tests.support.gui_fakes import SwitchedTasks, open_outbox_window, shown_titles
from todo_desktop.core.values import Status, TaskDraft, TaskQuery
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.session import READ_ONLY
from todo_desktop.ui.transfer.dialogs import export_target, write_filter
from todo_desktop.ui.transfer.feature import WAITING, TransferFeatures

pytestmark = pytest.mark.gui


def feature_of(window) -> TransferFeatures:
    return window.features.transfer


def stored(tasks) -> list:
    found, query = [], TaskQuery(status=Status.ALL, limit=1000)
    while True:
        page = tasks.list(query)
        found.extend(page.tasks)
        if page.next_cursor is None:
            return found
        query = TaskQuery(status=Status.ALL, limit=1000, after=page.next_cursor)


def csv_file(tmp_path, count: int, bad: bool = False):
    lines = ["title,due,tags"] + [f"Imported {i},2030-03-01,home" for i in range(count)]
    if bad:
        lines.insert(2, ",2030-03-01,")  # line 3: no title
    path = tmp_path / "tasks.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def message(window) -> str:
    return window.statusBar().currentMessage()


def test_import_shows_the_preview_then_imports_and_reloads(qtbot, make_window, tmp_path, alice_tasks):
    window, _ = make_window(1)
    transfer = feature_of(window)
    transfer.choose_import = lambda _parent: csv_file(tmp_path, 5, bad=True)
    window.command_table[CommandId.IMPORT].trigger()
    preview = transfer.preview
    qtbot.waitUntil(preview.isVisible)
    assert preview.summary.text() == "tasks.csv: 5 tasks, 1 tag; 1 row skipped: line 3 has no title."
    assert preview.problems.toPlainText() == "Line 3 has no title."
    assert preview.import_button.text() == "&Import 5"
    qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not transfer.busy)
    assert message(window) == "Imported 5 tasks: 5 new, 0 already there; 1 row skipped."
    qtbot.waitUntil(lambda: len(shown_titles(window)) == 6)  # reloaded
    assert len(stored(alice_tasks)) == 6


def test_cancel_stops_between_batches_and_importing_again_finishes(qtbot, make_window, tmp_path, alice_tasks):
    window, service = make_window()
    transfer = feature_of(window)
    transfer.batch_size = 10
    path = csv_file(tmp_path, 60)
    transfer.choose_import = lambda _parent: path
    service.write_delay = 0.2  # each batch a round trip long enough to press Cancel in
    window.command_table[CommandId.IMPORT].trigger()
    qtbot.waitUntil(transfer.preview.isVisible)
    transfer.preview.accept()
    progress = transfer.progress
    qtbot.waitUntil(lambda: progress.bar.value() >= 10)
    assert progress.isVisible()
    qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not transfer.busy, timeout=10_000)
    assert not progress.isVisible()
    said = message(window)
    assert said.startswith("Import cancelled: ") and "import the file again to add the rest" in said
    partial = len(stored(alice_tasks))
    assert 10 <= partial < 60 and partial % 10 == 0, "whole batches only"

    service.write_delay = 0.0
    window.command_table[CommandId.IMPORT].trigger()
    qtbot.waitUntil(transfer.preview.isVisible)
    transfer.preview.accept()
    qtbot.waitUntil(lambda: not transfer.busy, timeout=10_000)
    assert message(window) == f"Imported 60 tasks: {60 - partial} new, {partial} already there."
    tasks = stored(alice_tasks)
    assert len(tasks) == 60 == len({t.title for t in tasks})


def test_the_window_answers_while_it_imports(qtbot, make_window, tmp_path):
    window, service = make_window(1)
    transfer = feature_of(window)
    transfer.batch_size = 10
    transfer.choose_import = lambda _parent: csv_file(tmp_path, 40)
    service.write_delay = 0.2
    window.command_table[CommandId.IMPORT].trigger()
    qtbot.waitUntil(transfer.preview.isVisible)
    transfer.preview.accept()
    qtbot.waitUntil(lambda: transfer.progress.bar.value() >= 10)
    window.command_table[CommandId.IMPORT].trigger()  # a second one meanwhile is refused
    assert message(window) == "An import or export is under way; wait for it, or cancel it."
    qtbot.waitUntil(lambda: not transfer.busy, timeout=10_000)
    assert message(window) == "Imported 40 tasks: 40 new, 0 already there."


def test_import_is_refused_on_a_read_only_workspace(make_window):
    window, _ = make_window()
    transfer = feature_of(window)
    asked: list[object] = []
    transfer.choose_import = lambda parent: asked.append(parent)
    window.session.set_refusal(READ_ONLY)
    transfer.start_import()
    assert message(window) == READ_ONLY and asked == []


def test_a_hostile_file_gets_one_sentence(qtbot, make_window, tmp_path):
    window, _ = make_window()
    transfer = feature_of(window)
    bad_due = {"uuid": "x", "description": "A", "due": "20309999T999999Z"}
    files = {
        "binary.csv": b"title\n\xff\xfe\x00\x00 bad",
        "nul.csv": b"title\nA\x00B\nGood\n",
        "dates.json": json.dumps([bad_due, {"uuid": "y", "description": "B"}]).encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    transfer.choose_import = lambda _parent: tmp_path / "binary.csv"
    transfer.start_import()
    qtbot.waitUntil(lambda: not transfer.busy)
    assert message(window) == (
        "The file is not UTF-8 text (byte 7 is not); save it again as “CSV UTF-8” in Excel, "
        "or with the character set “Unicode (UTF-8)” in LibreOffice, and import that."
    )

    transfer.choose_import = lambda _parent: tmp_path / "nul.csv"
    transfer.start_import()
    qtbot.waitUntil(transfer.preview.isVisible)
    assert transfer.preview.problems.toPlainText() == "Line 2 has a NUL character in its title."
    transfer.preview.reject()
    assert not transfer.busy

    transfer.choose_import = lambda _parent: tmp_path / "dates.json"
    transfer.start_import()
    qtbot.waitUntil(transfer.preview.isVisible)
    said = "Record 1 has a due date “20309999T999999Z” that is not a date."
    assert transfer.preview.problems.toPlainText() == said
    transfer.preview.accept()
    qtbot.waitUntil(lambda: not transfer.busy)
    assert message(window) == "Imported 1 task: 1 new, 0 already there; 1 row skipped."

    transfer.choose_import = lambda _parent: tmp_path / "missing.csv"
    transfer.start_import()
    qtbot.waitUntil(lambda: not transfer.busy)
    assert message(window) == "Cannot read “missing.csv”: no such file or directory."


def test_export_writes_the_chosen_format_on_a_worker(qtbot, make_window, tmp_path, alice_tasks):
    window, _ = make_window(3)
    transfer = feature_of(window)
    target = tmp_path / "mine.ics"
    transfer.choose_export = lambda _parent, _last: (target, "ical")
    window.command_table[CommandId.EXPORT].trigger()
    qtbot.waitUntil(lambda: not transfer.busy)
    assert message(window) == "Exported 3 tasks to mine.ics (iCalendar to-dos)."
    todos = icalendar.Calendar.from_ical(target.read_bytes()).walk("VTODO")
    assert {uuid.UUID(str(t["uid"])) for t in todos} == {t.id for t in stored(alice_tasks)}

    transfer.choose_export = lambda _parent, _last: (tmp_path / "no-such-folder" / "x.json", "json")
    transfer.start_export()
    qtbot.waitUntil(lambda: not transfer.busy)
    assert message(window) == "Cannot write “x.json”: no such file or directory."


def test_the_save_dialogs_filter_or_extension_names_the_format(tmp_path):
    assert export_target(str(tmp_path / "a"), write_filter("taskwarrior")) == (
        tmp_path / "a.json",
        "taskwarrior",
    )
    assert export_target(str(tmp_path / "a.json"), write_filter("taskwarrior")) == (
        tmp_path / "a.json",
        "taskwarrior",
    )
    assert export_target(str(tmp_path / "a.ics"), write_filter("json")) == (tmp_path / "a.ics", "ical")
    assert export_target(str(tmp_path / "a.csv"), write_filter("csv")) == (tmp_path / "a.csv", "csv")


def test_import_waits_for_edits_still_in_the_outbox(qtbot, tmp_path, alice, alice_tasks):
    service = SwitchedTasks(alice_tasks)
    window, durable = open_outbox_window(qtbot, tmp_path, service, alice.account)
    try:
        transfer = feature_of(window)
        asked: list[object] = []
        transfer.choose_import = lambda parent: asked.append(parent)
        service.down.set()
        durable.create(TaskDraft(title="Typed while the database was away"))
        assert durable.pending_count() == 1
        transfer.start_import()
        assert message(window) == WAITING and asked == []
    finally:
        service.down.clear()
        window.close()
        window.workers.wait_for_all(10_000)
