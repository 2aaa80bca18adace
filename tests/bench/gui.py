"""GUI benchmark: ``python -m tests.bench.gui`` (repository root). Not a test: it prints figures
and never fails on timing.

1. Start: the real app (``python -m todo_desktop`` through ``tests.bench._gui_probe``) started
   again and again on a home whose embedded database already exists: process spawn to the
   window's first frame and to the first task rows drawn, p50 over several runs, beside an empty
   QMainWindow started the same way.
2. Stalls: 100,000 open tasks are COPYed into a throwaway embedded database; the main window
   opens on them, lazily loads every page by scrolling to the end, jumps around, pages down,
   and takes bursts of 200 toggles and 200 quick adds, while a 5 ms heartbeat records how late
   it fires (the longest time the event loop was away).
3. Keystrokes: one key at a time, the time to the model's change signal (row updated), to the
   table's repaint, and to the write's reply on the GUI thread (committed), p50/p99; beside the
   same toggle committed through the data layer and through raw psycopg (direct table SQL as
   the table owner).

Quick run: ``python -m tests.bench.gui --tasks 20000 --runs 3 --edits 50``
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench import _gui_loop as loop
from tests.bench import _gui_start as start
from todo_desktop.core.ports import Workspace

TARGET_WINDOW_S = 0.5
TARGET_TASKS_S = 1.0
TARGET_STALL_MS = 16.0
FRAME_MS = 1000 / 60
TARGET_COMMIT_P99_MS = 20.0


def p50(samples: list[float]) -> float:
    return loop.pct(samples, 0.50)


def p99(samples: list[float]) -> float:
    return loop.pct(samples, 0.99)


# Start ---------------------------------------------------------------------------------------


def compiled_every_start() -> bool:
    """Whether each start compiles the app's modules from source: no cached bytecode, and
    none written. An installed app has its .pyc files, so it starts that much sooner."""
    import importlib.util

    import todo_desktop

    cached = Path(importlib.util.cache_from_source(todo_desktop.__file__))
    return bool(os.environ.get("PYTHONDONTWRITEBYTECODE")) and not cached.exists()


def bench_start(runs: int) -> None:
    if compiled_every_start():
        print(
            "  Note: PYTHONDONTWRITEBYTECODE is set and the app's modules have no .pyc files, so every "
            "start below compiles them from source (an installed app does not)."
        )
    home = Path(tempfile.mkdtemp(prefix="todo-bench-gui-start-"))
    try:
        t0 = time.perf_counter()
        start.prepare_home(home)
        env = start.probe_env(home)
        print(
            f"Prepared the home (embedded database, account, {start.SEED_TASKS} tasks) in "
            f"{time.perf_counter() - t0:.1f} s; Qt platform: {start.platform_name(env)}; "
            f"{runs} runs each after 1 warm-up, p50 [min to max] seconds from spawn."
        )
        results = start.measure_all(home, runs)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    header = f"  {'':40} {'interpreter up':>20} {'window shown':>20} {'first tasks drawn':>20} {'exited':>20}"
    print(header)
    for result in results:
        cells = []
        for mark in ("probe", "window", "tasks", "exit"):
            values = result.marks.get(mark, [])
            cells.append(f"{p50(values):.3f} [{min(values):.2f}-{max(values):.2f}]" if values else "-")
        print(f"  {result.label:40} " + " ".join(f"{c:>20}" for c in cells))
        for failure in result.failures:
            print(f"    failed run: {failure}")
    print(f"  targets: window shown < {TARGET_WINDOW_S} s, first tasks < {TARGET_TASKS_S} s (the app rows)")


# Stalls and keystrokes -----------------------------------------------------------------------


def build_window(workspace: Workspace) -> loop.MainWindow:
    """The window built and shown, its first frame drawn. In the app this happens before the
    event loop starts (the start-up figures above count it), so it is measured on its own."""
    window = loop.MainWindow(lambda: workspace)
    window.resize(1100, 700)
    window.show()
    window.activateWindow()
    loop.idle(0.05)
    return window


def open_window(workspace: Workspace, window: loop.MainWindow | None = None) -> loop.MainWindow:
    window = window or build_window(workspace)
    window.open_workspace()
    ready = loop.run_loop(
        lambda: (
            window.area.stack.currentWidget() is window.area.table
            and window.tasks.model.rowCount() > 0
            and window.navigator.counts is not None
        ),
        120.0,
    )
    if not ready:
        raise SystemExit("The window did not show its list within two minutes.")
    return window


def close_window(window: loop.MainWindow) -> None:
    window.close()
    window.workers.wait_for_all(30_000)
    window.deleteLater()
    loop.idle(0.2)


def burst(window: loop.MainWindow, count: int, step: Callable[[int], None], interval_ms: int = 10) -> float:
    """``count`` steps, one per ``interval_ms``, then until every write has its reply."""
    sent = 0

    def tick() -> None:
        nonlocal sent
        if sent < count:
            step(sent)
            sent += 1

    t0 = time.perf_counter()
    loop.run_loop(lambda: sent >= count and window.workers.pending_writes == 0, 120.0, tick, interval_ms)
    return time.perf_counter() - t0


def bench_loop(tasks: int, edits: int) -> None:
    from keyring.backends import fail
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from todo_desktop import APP_ID
    from todo_desktop.db.local.opener import open_local
    from todo_desktop.db.passwords import MINIMUM_COST
    from todo_desktop.machine.paths import HOME_ENV, AppPaths
    from todo_desktop.machine.secret_store import SecretStore
    from todo_desktop.ui.chrome.theme import apply_theme

    home = Path(tempfile.mkdtemp(prefix="todo-bench-gui-"))
    paths = AppPaths.from_environment({HOME_ENV: str(home)})
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    local = open_local(paths, secrets, kdf_cost=MINIMUM_COST)
    try:
        seconds = loop.load_open_tasks(local, tasks)
        print(f"COPYed {tasks:,} open tasks, recounted and analysed in {seconds:.1f} s.")
        baselines = loop.commit_baselines(local, edits)
        app = QApplication.instance() or QApplication(["todo-bench"])
        assert isinstance(app, QApplication)
        apply_theme(app)
        workspace = Workspace(tasks=local.tasks, account=local.signed_in.account, where="this computer")
        beat = loop.Heartbeat()
        beat.start()
        stalls: list[loop.Stall] = []
        keys: list[loop.Keystrokes] = []
        loop.idle(1.0)
        stalls.append(beat.take("idle (baseline: the timer's own jitter)"))

        window = build_window(workspace)
        stalls.append(beat.take("window built and shown (start-up: no event loop yet in the app)"))
        t0 = time.perf_counter()
        open_window(workspace, window)
        stalls.append(beat.take("open: first page and counts", f"{time.perf_counter() - t0:.2f} s"))
        loop.idle(0.3)
        beat.take("-")
        rows = min(window.tasks.model.rowCount(), 50)
        keys.append(
            loop.time_keys(window, "Space, first page loaded", edits, loop.toggle_on_row(window, rows))
        )
        keys.append(
            loop.time_keys(window, "quick add + Enter, first page", edits, loop.quick_add(window, "A"))
        )
        stalls.append(beat.take(f"{2 * edits} keystrokes one at a time (first page)"))
        close_window(window)
        beat.take("-")

        window = open_window(workspace)
        total = loop.inbox_total(window)
        bar = window.area.table.verticalScrollBar()
        t0 = time.perf_counter()
        loaded = loop.run_loop(
            lambda: window.tasks.model.rowCount() >= total and not loop.has_more(window),
            900.0,
            lambda: bar.setValue(bar.maximum()),
            4,
        )
        secs = time.perf_counter() - t0
        note = f"{window.tasks.model.rowCount():,} rows in {secs:.1f} s" + ("" if loaded else " (timed out)")
        stalls.append(beat.take(f"lazy-load all {total:,} rows, scrolling to the end", note))
        jumps = 300
        # Golden-ratio steps: spread over the whole list, never two neighbours in a row.
        positions = [int(bar.maximum() * ((i * 0.6180339) % 1.0)) for i in range(jumps)]
        burst(window, jumps, lambda i: bar.setValue(positions[i]), 16)
        stalls.append(beat.take(f"{jumps} scrollbar jumps across the list (one per 16 ms)"))
        loop.select_row(window, 0)
        window.area.table.scrollToTop()
        burst(window, edits, lambda i: QTest.keyClick(window.area.table, Qt.Key.Key_PageDown), 16)
        stalls.append(beat.take(f"{edits} Page Down presses (one per 16 ms)"))
        window.area.table.scrollToTop()
        keys.append(loop.time_keys(window, "Space, all rows loaded", edits, loop.toggle_on_row(window, 50)))
        keys.append(loop.time_keys(window, "quick add + Enter, all rows", edits, loop.quick_add(window, "B")))
        stalls.append(beat.take(f"{2 * edits} keystrokes one at a time (all rows loaded)"))

        loop.select_row(window, 0)

        def toggle_and_move(_i: int) -> None:
            QTest.keyClick(window.area.table, Qt.Key.Key_Space)
            QTest.keyClick(window.area.table, Qt.Key.Key_Down)

        secs = burst(window, edits, toggle_and_move)
        stalls.append(beat.take(f"{edits} Space toggles, one per 10 ms, until committed", f"{secs:.2f} s"))
        loop.focus(window, window.area.quick_add)

        def add(i: int) -> None:
            window.area.quick_add.setText(f"Burst task {i}")
            QTest.keyClick(window.area.quick_add, Qt.Key.Key_Return)

        secs = burst(window, edits, add)
        stalls.append(beat.take(f"{edits} quick adds, one per 10 ms, until committed", f"{secs:.2f} s"))
        beat.stop()
        close_window(window)
    finally:
        local.close()
        shutil.rmtree(home, ignore_errors=True)
    report_loop(stalls, keys, baselines)


def report_loop(
    stalls: list[loop.Stall], keys: list[loop.Keystrokes], baselines: dict[str, list[float]]
) -> None:
    print(
        f"\nEvent-loop stalls: lateness of a {loop.BEAT_MS} ms heartbeat "
        f"(target: max < {TARGET_STALL_MS:g} ms)"
    )
    print(f"  {'phase':62} {'time':>8} {'beats':>7} {'max ms':>8} {'p99 ms':>8} {'>16 ms':>7}  note")
    for s in stalls:
        print(
            f"  {s.phase:62} {s.seconds:7.1f}s {s.beats:7d} {s.max_ms:8.1f} {s.p99_ms:8.1f} "
            f"{s.over_frame:7d}  {s.note}"
        )
    print(
        f"\nKeystroke latency in ms, p50 / p99 / max (targets: row updated within one frame, "
        f"{FRAME_MS:.1f} ms; committed p99 < {TARGET_COMMIT_P99_MS:g} ms)"
    )
    print(f"  {'keystroke':36} {'n':>4} {'row updated':>22} {'row repainted':>22} {'committed':>22}")
    for k in keys:
        cells = [
            f"{p50(v):6.2f} /{p99(v):6.2f} /{max(v, default=0):6.1f}"
            for v in (k.row_ms, k.painted_ms, k.committed_ms)
        ]
        missed = f"  ({k.missed} missed)" if k.missed else ""
        print(f"  {k.label:36} {len(k.committed_ms):4d} " + " ".join(f"{c:>22}" for c in cells) + missed)
    print("  same toggle committed without the GUI (same run, same database):")
    for name, samples in baselines.items():
        print(f"  {name:64} {len(samples):4d}   p50 {p50(samples):6.2f}   p99 {p99(samples):6.2f}")


def quiet() -> None:
    """Keep the figures readable: no offscreen-plugin chatter, no notice about the keyring the
    benchmark turns off on purpose."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(f"Qt {kind.name}: {message}", file=sys.stderr)

    qInstallMessageHandler(handler)
    logging.getLogger("todo_desktop.machine.secret_store").setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000, help="open tasks to load (default 100,000)")
    parser.add_argument("--runs", type=int, default=7, help="start-time runs per case (default 7)")
    parser.add_argument("--edits", type=int, default=200, help="keystrokes per latency and burst phase")
    parser.add_argument("--skip-start", action="store_true", help="leave out the start-time runs")
    parser.add_argument("--skip-loop", action="store_true", help="leave out stalls and keystrokes")
    args = parser.parse_args(argv)
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import PySide6

    quiet()

    print(
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs; "
        f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', '')}"
    )
    if not args.skip_start:
        print("\nStart to window shown and to first tasks drawn (a new process each time)")
        bench_start(args.runs)
    if not args.skip_loop:
        print()
        bench_loop(args.tasks, args.edits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
