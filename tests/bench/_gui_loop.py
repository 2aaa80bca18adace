"""In-process part of the GUI benchmark: event-loop stalls and keystroke latencies.

A 5 ms heartbeat (a precise QTimer) measures its own lateness: any time the GUI thread spends
away from the event loop (painting, model updates, waiting for the interpreter lock while a
worker builds rows) shows up as a late beat. The work is driven by timers inside a running
event loop, as a person's input would arrive, never by calls that block the loop.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql
from PySide6.QtCore import QEvent, QEventLoop, QModelIndex, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.bench._load import RECOUNT
from tests.bench._raw_sql import Raw
from todo_desktop.core.title_order import title_key
from todo_desktop.core.values import SmartList, TaskChanges, TaskEdit, TaskQuery
from todo_desktop.db.local.workspace import LOCAL_DATABASE, LocalWorkspace
from todo_desktop.ui.main_window import MainWindow

BEAT_MS = 5
_WORDS = ("Call", "Email", "Fix", "Review", "Plan", "Write", "Book", "Pay", "Check", "Order")
_THINGS = ("plumber", "invoice", "report", "slides", "dentist", "taxes", "budget", "tickets", "backup")
_COLUMNS = (
    "user_id",
    "title",
    "title_key",
    "description",
    "priority",
    "due_date",
    "created_at",
    "updated_at",
    # No search keys: left for later, as an import leaves them (found meanwhile by their text).
    "search_words",
    "search_grams",
    "search_pending",
)


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))] if ordered else math.nan


# Data ----------------------------------------------------------------------------------------


def _rows(user_id: object, count: int, seed: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    for k in range(count):
        created = now - timedelta(seconds=365 * 86400 * (count - k) / count)
        due = now + timedelta(days=rng.uniform(-30, 120)) if rng.random() < 0.75 else None
        title = f"{rng.choice(_WORDS)} {rng.choice(_THINGS)} #{k}"
        note = "Some notes about this one." if rng.random() < 0.2 else None
        priority = rng.choices(("low", "medium", "high", "urgent"), (30, 40, 20, 10))[0]
        yield (user_id, title, title_key(title), note, priority, due, created, created, "", [], True)


def load_open_tasks(local: LocalWorkspace, count: int, seed: int = 7) -> float:
    """COPY ``count`` open tasks for the local account as the superuser; returns seconds.

    Triggers are off during the COPY (``session_replication_role = replica``), so the
    per-user counters and stored-text totals they keep are rebuilt afterwards (``RECOUNT``).
    """
    started = time.perf_counter()
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in _COLUMNS)
    with psycopg.connect(local.server.superuser_dsn(LOCAL_DATABASE)) as conn:
        conn.execute("SET session_replication_role = replica")
        with conn.cursor().copy(sql.SQL("COPY public.tasks ({}) FROM STDIN").format(columns)) as copy:
            for row in _rows(local.signed_in.account.id, count, seed):
                copy.write_row(row)
        for statement in RECOUNT:
            conn.execute(statement)  # type: ignore[arg-type]  # constant text
        conn.commit()
    with psycopg.connect(local.server.superuser_dsn(LOCAL_DATABASE), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) public.tasks")
    return time.perf_counter() - started


def commit_baselines(local: LocalWorkspace, edits: int) -> dict[str, list[float]]:
    """Milliseconds per toggle committed without the GUI: the data layer (``todo_api.update_tasks``
    as the client role), and raw psycopg running the same UPDATE straight on the table as its
    owner (the superuser that migrated the embedded database)."""
    repo = local.tasks
    page = repo.list(TaskQuery(limit=edits))
    ids = [t.id for t in page.tasks]
    timings: dict[str, list[float]] = {}
    with psycopg.connect(local.server.superuser_dsn(LOCAL_DATABASE)) as conn:
        raw = Raw(conn, local.signed_in.account.id)
        sides: dict[str, Callable[[uuid.UUID, bool], object]] = {
            "data layer update_many": lambda tid, flag: repo.update_many(
                [TaskEdit(tid, TaskChanges(completed=flag))]
            ),
            "raw psycopg as the owner (UPDATE, COMMIT)": lambda tid, flag: raw.set_completed([tid], flag),
        }
        for name, toggle in sides.items():
            samples = timings.setdefault(name, [])
            for flag in (True, False):
                for task_id in ids:
                    t0 = time.perf_counter()
                    toggle(task_id, flag)
                    samples.append((time.perf_counter() - t0) * 1000)
    return timings


# The heartbeat -------------------------------------------------------------------------------


@dataclass
class Stall:
    phase: str
    seconds: float
    beats: int
    max_ms: float
    p99_ms: float
    over_frame: int  # beats more than one 60 Hz frame (16 ms) late
    note: str = ""


class Heartbeat(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(BEAT_MS)
        self._timer.timeout.connect(self._beat)
        self._late: list[float] = []
        self._last = 0.0
        self._since = 0.0

    def start(self) -> None:
        self._last = self._since = time.perf_counter()
        self._late = []
        self._timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        self._late.append(max(0.0, (now - self._last) * 1000 - BEAT_MS))
        self._last = now

    def take(self, phase: str, note: str = "") -> Stall:
        """The stalls since ``start`` or the last ``take``, and start counting afresh."""
        now = time.perf_counter()
        # A stall still going on when the phase ends counts too.
        late = [*self._late, max(0.0, (now - self._last) * 1000 - BEAT_MS)]
        over = sum(x > 16 for x in late)
        stall = Stall(phase, now - self._since, len(self._late), max(late), pct(late, 0.99), over, note)
        self._late, self._since = [], now
        return stall

    def stop(self) -> None:
        self._timer.stop()


def run_loop(
    done: Callable[[], bool], timeout_s: float, tick: Callable[[], None] | None = None, tick_ms: int = 16
) -> bool:
    """Run the event loop until ``done()``; ``tick`` is called every ``tick_ms`` meanwhile."""
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    finished = False

    def on_tick() -> None:
        nonlocal finished
        if done():
            finished = True
            loop.quit()
        elif time.perf_counter() > deadline:
            loop.quit()
        elif tick is not None:
            tick()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(tick_ms)
    timer.timeout.connect(on_tick)
    timer.start()
    loop.exec()
    timer.stop()
    return finished


def idle(seconds: float) -> None:
    end = time.perf_counter() + seconds
    run_loop(lambda: time.perf_counter() >= end, seconds + 1, tick_ms=5)


# Keystroke latency ---------------------------------------------------------------------------


@dataclass
class Keystrokes:
    label: str
    row_ms: list[float] = field(default_factory=list)  # key to the model's change signal
    painted_ms: list[float] = field(default_factory=list)  # key to the table's next repaint
    committed_ms: list[float] = field(default_factory=list)  # key to the write's reply, on the GUI
    missed: int = 0


class KeyTimer(QObject):
    """Stamps the first model change, table repaint and settled write after ``arm()``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._viewport: QWidget = window.area.table.viewport()
        self.t0 = 0.0
        self.row: float | None = None
        self.painted: float | None = None
        self.committed: float | None = None
        model = window.tasks.model
        model.dataChanged.connect(self._changed)
        model.rowsInserted.connect(self._changed)
        window.tasks.editor.settled.connect(self._settled)
        self._viewport.installEventFilter(self)

    def arm(self) -> None:
        self.row = self.painted = self.committed = None
        self.t0 = time.perf_counter()

    def _changed(self, *_args: object) -> None:
        if self.row is None:
            self.row = time.perf_counter()

    def _settled(self) -> None:
        if self.committed is None and self.row is not None:
            self.committed = time.perf_counter()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.row is not None and self.painted is None:
            watched.event(event)  # painted, not just about to paint
            self.painted = time.perf_counter()
            return True
        return False


Prepare = Callable[[int], Callable[[], None]]


def time_keys(window: MainWindow, label: str, count: int, prepare: Prepare) -> Keystrokes:
    """``prepare(i)`` sets up untimed (selects a row, fills a field) and returns the key press;
    each press is timed to its row change, repaint and commit before the next one."""
    timer = KeyTimer(window)
    result = Keystrokes(label)
    for i in range(count):
        send = prepare(i)
        QApplication.processEvents()  # paint what the preparation changed, before the clock runs
        timer.arm()
        send()
        ok = run_loop(lambda: timer.committed is not None and timer.painted is not None, 10.0, tick_ms=1)
        if not ok or timer.row is None or timer.committed is None:
            result.missed += 1
            continue
        result.row_ms.append((timer.row - timer.t0) * 1000)
        result.committed_ms.append((timer.committed - timer.t0) * 1000)
        if timer.painted is not None:
            result.painted_ms.append((timer.painted - timer.t0) * 1000)
    timer.deleteLater()
    return result


def toggle_on_row(window: MainWindow, rows: int) -> Prepare:
    """Space on row ``i`` (cycling through the first ``rows`` rows)."""

    def prepare(i: int) -> Callable[[], None]:
        select_row(window, i % rows)
        return lambda: QTest.keyClick(window.area.table, Qt.Key.Key_Space)

    return prepare


def quick_add(window: MainWindow, prefix: str) -> Prepare:
    """A title typed into quick add (untimed), then Enter."""

    def prepare(i: int) -> Callable[[], None]:
        if QApplication.focusWidget() is not window.area.quick_add:
            focus(window, window.area.quick_add)
        window.area.quick_add.setText(f"{prefix} {i}")
        return lambda: QTest.keyClick(window.area.quick_add, Qt.Key.Key_Return)

    return prepare


def select_row(window: MainWindow, row: int) -> None:
    if QApplication.focusWidget() is not window.area.table:
        focus(window, window.area.table)
    window.area.table.setCurrentIndex(window.tasks.model.index(row, 1))
    window.area.table.selectRow(row)


def focus(window: MainWindow, widget: QWidget) -> None:
    window.activateWindow()
    widget.setFocus()
    run_loop(lambda: QApplication.focusWidget() is widget, 2.0, tick_ms=5)


def inbox_total(window: MainWindow) -> int:
    counts = window.navigator.counts
    return counts.counts.get(SmartList.INBOX, 0) if counts is not None else 0


def has_more(window: MainWindow) -> bool:
    return window.tasks.model.canFetchMore(QModelIndex())
