"""Fixtures shared by the window tests under tests/ui."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.gui_fakes import window_maker
from todo_desktop.core.values import SignedIn


@pytest.fixture
def make_window(
    qtbot: Any, tmp_path: Path, alice: SignedIn, alice_tasks: Any
) -> Iterator[Callable[..., Any]]:
    """``make(count, **options)``: a window on Alice's real tasks (see ``window_maker``).

    A test file that needs other windows (tags on either backend, a tray, a session bus)
    defines its own ``make_window``, which takes the place of this one in that file."""
    with window_maker(qtbot, tmp_path, alice, alice_tasks) as make:
        yield make
