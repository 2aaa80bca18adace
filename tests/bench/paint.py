"""Paint benchmark: ``python -m tests.bench.paint`` (repository root). Not a test: it prints
figures and never fails on timing.

What one frame of the task list costs, with no database: the real table model is filled with
synthetic tasks in due order (so the list has its sections; some with tags, repeats, notes and
reminders) and the real task area is shown offscreen at a typical size. Three kinds of frame
are timed: a full repaint of the viewport, a scroll of one row, and a jump across the list that
shows rows not painted before (their words and layouts not cached yet).

Beside it, as a yardstick, a stock table: the same rows, column widths and row height on a
minimal model of this file's own and the stock delegate, so it stays the same whatever the
app's model and delegates do. The two take turns frame by frame, so a busy moment of a shared
machine falls on both alike, and each frame is timed in the GUI thread's own CPU time as well
as by the wall clock. The ratio (planner / stock, per round) is the figure to compare.

``--profile`` then prints where the planner list's paint time goes (cProfile, top functions).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView, QWidget

from todo_desktop.core.values import Priority, Task
from todo_desktop.ui.tasks.columns import HIDDEN_BY_DEFAULT, PRIORITY_MARKS, Column

SIZE = (1280, 800)
GOLDEN = 0.6180339  # jumps by this fraction of the list: spread over it, never two neighbours
_WORDS = ("Call", "Email", "Fix", "Review", "Plan", "Write", "Book", "Pay", "Check", "Order")
_THINGS = ("plumber", "invoice", "report", "slides", "dentist", "taxes", "budget", "tickets", "backup")
_TAGS = ("home", "work", "family", "errands", "health", "money")
MEASURES = {"full repaint": "repaint", "scroll a row": "row", "jump": "jump"}

Index = QModelIndex | QPersistentModelIndex


def make_tasks(count: int, seed: int = 7) -> list[Task]:
    """``count`` open tasks like the GUI benchmark's (three in four with a due date, one in
    five with notes), some with tags or a repeat, in due order as the database reads them."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    priorities = (Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.URGENT)
    tasks = []
    for k in range(count):
        created = now - timedelta(seconds=365 * 86400 * (count - k) / count)
        due = now + timedelta(minutes=15 * rng.randint(-30 * 96, 120 * 96)) if rng.random() < 0.75 else None
        tasks.append(
            Task(
                id=uuid.UUID(int=rng.getrandbits(128)),
                title=f"{rng.choice(_WORDS)} {rng.choice(_THINGS)} #{k}",
                description="Some notes about this one." if rng.random() < 0.2 else None,
                completed=False,
                priority=rng.choices(priorities, (30, 40, 20, 10))[0],
                due_date=due,
                created_at=created,
                updated_at=created,
                tags=tuple(rng.sample(_TAGS, rng.randint(1, 2))) if rng.random() < 0.15 else (),
                repeat="FREQ=WEEKLY" if rng.random() < 0.05 else None,
            )
        )
    far = datetime.max.replace(tzinfo=UTC)
    tasks.sort(key=lambda t: t.due_date or far)
    return tasks


@dataclass
class Case:
    """Per frame: wall-clock ms, and the GUI thread's own CPU ms (what other processes on a
    busy machine take from it does not count there)."""

    label: str
    view: QTableView
    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    rounds: list[dict[str, float]] = field(default_factory=list)  # CPU p50 per measure, per round


def pct(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))] if ordered else float("nan")


# The two lists --------------------------------------------------------------------------------


def build_planner(tasks: list[Task]) -> tuple[QWidget, QTableView]:
    """The real task area on the app's model, sections on, every tenth task with a bell."""
    from todo_desktop.ui.tasks.area import TaskArea
    from todo_desktop.ui.tasks.table_model import TaskTableModel

    model = TaskTableModel()
    model.set_sections(True)
    model.set_reminded(frozenset(t.id for t in tasks[::10]))
    area = TaskArea(model)
    model.set_rows(tasks)  # after the area exists: its section rows follow the model
    for column in HIDDEN_BY_DEFAULT:
        area.table.setColumnHidden(column, True)
    area.show_list()
    return show(area, area.table)


class PlainModel(QAbstractTableModel):
    """The yardstick's model: the text of each cell and the Done checkbox, nothing more."""

    def __init__(self, tasks: list[Task], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._tasks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: Index, role: int = 0) -> object:
        task = self._tasks[index.row()]
        column = index.column()
        if role == 0:
            if column == Column.TITLE:
                return task.title
            if column == Column.PRIORITY:
                return PRIORITY_MARKS[task.priority]
            due = task.due_date
            return due.isoformat(" ", "minutes")[:16] if column == Column.DUE and due is not None else None
        if role == 10 and column == Column.DONE:
            return Qt.CheckState.Checked if task.completed else Qt.CheckState.Unchecked
        return None


def build_stock(tasks: list[Task], like: QTableView) -> tuple[QWidget, QTableView]:
    """The same rows, column widths and row height as ``like``, in a stock table."""
    table = QTableView()
    table.setModel(PlainModel(tasks, table))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(like.verticalHeader().sectionResizeMode(0))
    rows.setDefaultSectionSize(like.verticalHeader().defaultSectionSize())
    rows.hide()
    for column in range(len(Column)):
        table.setColumnWidth(column, like.columnWidth(column))
        table.setColumnHidden(column, like.isColumnHidden(column))
    return show(table, table)


def show(top: QWidget, table: QTableView) -> tuple[QWidget, QTableView]:
    top.resize(*SIZE)
    top.show()
    table.setFocus()
    table.selectRow(3)
    return top, table


# Frames ---------------------------------------------------------------------------------------


def frame_steps(view: QTableView, start: int) -> dict[str, Callable[[int], None]]:
    """One frame of each measure; ``start`` moves the jumps on to rows not yet painted."""
    viewport = view.viewport()
    bar = view.verticalScrollBar()

    def repaint(_i: int) -> None:
        viewport.repaint()

    def row(i: int) -> None:
        bar.setValue(bar.value() + 1 if i % 50 else 0)
        QApplication.processEvents()

    def jump(i: int) -> None:
        bar.setValue(int(bar.maximum() * (((start + i) * GOLDEN) % 1.0)))
        QApplication.processEvents()

    return {"repaint": repaint, "row": row, "jump": jump}


def time_frames(cases: list[Case], frames: int, start: int = 0) -> None:
    """``frames`` of each measure, the cases taking turns frame by frame."""
    steps = [frame_steps(case.view, start) for case in cases]
    for case in cases:
        case.rounds.append({})
    for measure in MEASURES.values():
        for i in range(frames):
            for case, step in zip(cases, steps, strict=True):
                w0, c0 = time.perf_counter(), time.thread_time()
                step[measure](i)
                c1, w1 = time.thread_time(), time.perf_counter()
                case.wall.setdefault(measure, []).append((w1 - w0) * 1000)
                case.cpu.setdefault(measure, []).append((c1 - c0) * 1000)
        for case in cases:
            case.rounds[-1][measure] = pct(case.cpu[measure][-frames:], 0.5)


def report(stock: Case, planner: Case) -> None:
    heads = f"{'wall p50':>9} {'p99':>7} {'max':>7} {'CPU p50':>9} {'p99':>7} {'max':>7}"
    print(f"  {'list':24} {'frame':13} {heads}")
    for case in (stock, planner):
        for name, measure in MEASURES.items():
            wall, cpu = case.wall[measure], case.cpu[measure]
            print(
                f"  {case.label:24} {name:13} {pct(wall, 0.5):9.2f} {pct(wall, 0.99):7.2f} {max(wall):7.2f} "
                f"{pct(cpu, 0.5):9.2f} {pct(cpu, 0.99):7.2f} {max(cpu):7.2f}"
            )
    print("  planner / stock, CPU p50 (median over the rounds; each round's ratio in brackets):")
    for name, measure in MEASURES.items():
        ratios = [p[measure] / s[measure] for s, p in zip(stock.rounds, planner.rounds, strict=True)]
        print(f"    {name:13} {pct(ratios, 0.5):.2f}x  ({', '.join(f'{r:.2f}' for r in ratios)})")


def profile(view: QTableView, frames: int) -> None:
    steps = frame_steps(view, 0)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(frames):
        steps["jump"](i)
        steps["repaint"](i)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000, help="rows in the list (default 100,000)")
    parser.add_argument("--frames", type=int, default=100, help="frames per measure and round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--profile", action="store_true", help="then profile the planner list's frames")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import PySide6

    from todo_desktop.ui.chrome.theme import apply_theme

    app = QApplication.instance() or QApplication(["todo-bench-paint"])
    assert isinstance(app, QApplication)
    apply_theme(app)
    t0 = time.perf_counter()
    tasks = make_tasks(args.tasks)
    print(
        f"PySide6 {PySide6.__version__}, {os.cpu_count()} CPUs, QT_QPA_PLATFORM="
        f"{os.environ.get('QT_QPA_PLATFORM', '')}; {len(tasks):,} synthetic tasks in "
        f"{time.perf_counter() - t0:.1f} s; {SIZE[0]}x{SIZE[1]}; {args.rounds} rounds of "
        f"{args.frames} frames per measure, the two lists taking turns frame by frame"
    )
    planner_window, planner_view = build_planner(tasks)
    stock_window, stock_view = build_stock(tasks, planner_view)
    gc.freeze()  # as the app does with loaded rows: no full collection walks them mid-frame
    stock, planner = Case("stock table (yardstick)", stock_view), Case("planner list", planner_view)
    time_frames([Case("warm-up", stock_view), Case("warm-up", planner_view)], 20)  # glyphs, pixmaps
    for n in range(args.rounds):
        time_frames([stock, planner], args.frames, start=(n + 1) * args.frames)
    report(stock, planner)
    if args.profile:
        profile(planner_view, args.frames)
    planner_window.close()
    stock_window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
