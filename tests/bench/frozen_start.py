"""Start time of the packaged app beside the app run from source, in one run.

    python -m tests.bench.frozen_start            # 5 timed starts of each, after a first start
    python -m tests.bench.frozen_start --runs 9

Build the packaged app first (``pyinstaller --noconfirm build.spec``). Under a private Xvfb,
each start is timed from the moment the process is spawned to the moment its main window is
mapped and viewable on the X server (``xdotool search --onlyvisible --pid``, polled every
10 ms): the same outside view for both, with nothing added to the app. Then the window gets the focus and
Ctrl+Q, and the app must exit. The frozen binary and ``python -m todo_desktop`` take turns, each
on its own TODO_DESKTOP_HOME; the first start of each, which also creates the embedded
database in the background, is reported on its own. Not a test: it prints figures and never
fails on timing. Needs Xvfb and xdotool (Debian: xvfb, xdotool).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
FROZEN = ROOT / "dist" / "todo-desktop" / ("todo-desktop.exe" if sys.platform == "win32" else "todo-desktop")
WINDOW_TITLE = "^Todo Desktop"
POLL_S = 0.01
WINDOW_TIMEOUT_S = 60.0
EXIT_TIMEOUT_S = 30.0
SLOW_QUIT_S = 5.0
SETTLE_S = 1.0  # after the window shows, before Ctrl+Q: let the background open get going


@dataclass
class Mode:
    name: str
    command: list[str]
    home: Path
    first: float | None = None
    timed: list[float] = field(default_factory=list)
    exits: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@contextlib.contextmanager
def xvfb() -> Iterator[str]:
    """A private X server; yields its DISPLAY."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 15)
        number = os.read(read_end, 32).decode().strip() if ready else ""
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(10)


def visible_window(display: str, pid: int) -> str | None:
    """The process's main window once it is mapped and viewable (Qt sets _NET_WM_PID)."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", WINDOW_TITLE],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        check=False,
    )
    ids = found.stdout.split()
    return ids[0] if ids else None


def quit_by_keyboard(display: str, window: str) -> None:
    """Ctrl+Q as a person types it: focus the window, then a real key press (XTEST).

    With no window manager, Qt takes keys only in a focused window, and a key sent straight to
    the window (``xdotool key --window``, an XSendEvent) is lost whenever it arrives before Qt
    has handled the focus change: every second run here.
    """
    env = {**os.environ, "DISPLAY": display}
    subprocess.run(["xdotool", "windowfocus", "--sync", window], env=env, capture_output=True, check=False)
    subprocess.run(["xdotool", "key", "ctrl+q"], env=env, capture_output=True, check=False)


def start_once(mode: Mode, display: str, label: str) -> float | None:
    """One start: seconds to the window shown, or None (the reason goes to mode.problems)."""
    env = {**os.environ, "DISPLAY": display, "TODO_DESKTOP_HOME": str(mode.home)}
    env.pop("QT_QPA_PLATFORM", None)  # offscreen would show no window at all
    mode.home.mkdir(parents=True, exist_ok=True)
    output = (mode.home / "bench-output.txt").open("ab")
    started = time.perf_counter()
    app = subprocess.Popen(mode.command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    output.close()
    window = None
    shown: float | None = None
    while time.perf_counter() - started < WINDOW_TIMEOUT_S and app.poll() is None:
        window = visible_window(display, app.pid)
        if window is not None:
            shown = time.perf_counter() - started
            break
        time.sleep(POLL_S)
    if window is None:
        tail = (mode.home / "bench-output.txt").read_text(errors="replace").strip().splitlines()[-3:]
        mode.problems.append(
            f"{label}: no window within {WINDOW_TIMEOUT_S:.0f} s (exit code {app.poll()}): {tail}"
        )
        app.kill()
        app.wait()
        return None
    time.sleep(SETTLE_S)
    quit_by_keyboard(display, window)
    asked = time.perf_counter()
    try:
        code = app.wait(EXIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        mode.problems.append(f"{label}: still running {EXIT_TIMEOUT_S:.0f} s after Ctrl+Q")
        app.terminate()
        app.wait()
        return shown
    took = time.perf_counter() - asked
    mode.exits.append(took)
    if code != 0:
        mode.problems.append(f"{label}: exit code {code} after Ctrl+Q")
    if took > SLOW_QUIT_S:
        mode.problems.append(f"{label}: Ctrl+Q took {took:.1f} s")
    return shown


def stop_leftover_servers(home: Path) -> None:
    """An app that had to be killed leaves its embedded server running: stop it (fast)."""
    marker = str(home / "data" / "pgdata")
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if "-D" in cmdline and marker in cmdline:
            with contextlib.suppress(psutil.Error):
                process.send_signal(signal.SIGINT)


def describe(values: list[float]) -> str:
    if not values:
        return "-"
    return (
        f"p50 {statistics.median(values) * 1000:6.0f} ms   min {min(values) * 1000:6.0f}   "
        f"max {max(values) * 1000:6.0f}   (n={len(values)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="timed starts of each, after the first (default 5)"
    )
    args = parser.parse_args(argv)
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        print(f"needs {' and '.join(missing)} (Debian: apt-get install xvfb xdotool)", file=sys.stderr)
        return 2
    if not FROZEN.exists():
        print(
            f"no packaged app at {FROZEN.relative_to(ROOT)}: run 'pyinstaller --noconfirm build.spec'",
            file=sys.stderr,
        )
        return 2

    with tempfile.TemporaryDirectory(prefix="todo-bench-frozen-") as scratch, xvfb() as display:
        modes = [
            Mode("frozen (dist/todo-desktop)", [str(FROZEN)], Path(scratch) / "frozen"),
            Mode(
                "source (python -m todo_desktop)",
                [sys.executable, "-m", "todo_desktop"],
                Path(scratch) / "source",
            ),
        ]
        print(f"Start to window shown, under Xvfb {display}; {os.cpu_count()} cores; ", end="")
        print(f"{args.runs} timed runs of each")
        for mode in modes:
            mode.first = start_once(mode, display, "first start")
        for run in range(1, args.runs + 1):
            for mode in modes:  # taking turns spreads any drift of the machine over both
                shown = start_once(mode, display, f"start {run}")
                if shown is not None:
                    mode.timed.append(shown)
        for mode in modes:
            stop_leftover_servers(mode.home)

    print()
    for mode in modes:
        first = f"{mode.first * 1000:6.0f} ms" if mode.first is not None else "     -"
        print(f"{mode.name}")
        print(f"  first start, new home:  {first}")
        print(f"  later starts:           {describe(mode.timed)}")
        print(f"  Ctrl+Q to exit:         {describe(mode.exits)}")
        for problem in dict.fromkeys(mode.problems):
            print(f"  problem: {problem}")
    frozen, source = (statistics.median(m.timed) if m.timed else None for m in modes)
    if frozen is not None and source is not None:
        print(f"\nfrozen / source (p50): {frozen / source:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
