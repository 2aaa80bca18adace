"""Where the window has no screen to go to, the app says so in one sentence before Qt aborts."""

from __future__ import annotations

import pytest

from tests.support.capture_helpers import capture_env, todo
from todo_desktop.machine.display import NO_DISPLAY, missing_display


@pytest.mark.parametrize(
    ("environ", "platform", "wanted"),
    [
        ({}, "linux", NO_DISPLAY),
        ({"DISPLAY": ""}, "linux", NO_DISPLAY),
        ({}, "freebsd14", NO_DISPLAY),
        ({"DISPLAY": ":0"}, "linux", None),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", None),
        ({}, "darwin", None),
        ({}, "win32", None),
    ],
)
def test_only_a_unix_desktop_without_x11_or_wayland_lacks_a_display(
    environ: dict[str, str], platform: str, wanted: str | None
) -> None:
    assert missing_display(environ, platform) == wanted


@pytest.mark.slow
def test_the_app_without_a_display_says_so_and_stops(tmp_path) -> None:
    env = capture_env(tmp_path)
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    opened = todo(env, importtime=True, timeout=60)
    assert opened.returncode == 2
    lines = [line for line in opened.stderr.splitlines() if not line.startswith("import time:")]
    assert lines == [NO_DISPLAY]
    assert "PySide6" not in opened.stderr, "it said so before loading Qt"
