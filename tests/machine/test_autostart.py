"""Start at login writes a valid XDG autostart entry that starts this very program."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys

import pytest

from todo_desktop.machine.autostart import (
    UNAVAILABLE,
    Autostart,
    AutostartError,
    exec_line,
    launch_command,
)


def read_entry(path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # desktop entry keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def unescape_string(value: str) -> str:
    """The escapes every desktop entry string value has: \\s \\n \\t \\r \\\\."""
    out, chars = [], iter(value)
    for ch in chars:
        out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[next(chars)] if ch == "\\" else ch)
    return "".join(out)


def unquote_exec(value: str) -> list[str]:
    """Read an Exec value back as the spec says a launcher does: string escapes first, then
    arguments split on spaces, a quoted one taking \\" \\` \\$ \\\\ as those characters."""
    text, args, i = unescape_string(value), [], 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        arg = []
        if text[i] == '"':
            i += 1
            while text[i] != '"':
                if text[i] == "\\":
                    i += 1
                arg.append(text[i])
                i += 1
            i += 1
        else:
            while i < len(text) and text[i] != " ":
                arg.append(text[i])
                i += 1
        args.append("".join(arg).replace("%%", "%"))
    return args


def test_enabling_writes_the_entry_under_xdg_config_home(tmp_path):
    autostart = Autostart(
        ["/opt/todo/todo-desktop"], environ={"XDG_CONFIG_HOME": str(tmp_path)}, platform="linux"
    )
    assert not autostart.enabled()
    autostart.enable()
    assert autostart.path == tmp_path / "autostart" / "todo-desktop.desktop"
    assert autostart.enabled()
    entry = read_entry(autostart.path)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Todo Desktop"
    assert entry["Exec"] == "/opt/todo/todo-desktop"
    assert entry["Icon"] == "todo-desktop"
    assert entry["Terminal"] == "false"
    assert "Hidden" not in entry  # Hidden=true would mean "deleted" to the session
    autostart.disable()
    assert not autostart.path.exists() and not autostart.enabled()
    autostart.disable()  # switching off twice is not an error


def test_without_xdg_config_home_it_goes_to_dot_config(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    for environ in ({}, {"XDG_CONFIG_HOME": ""}, {"XDG_CONFIG_HOME": "relative/path"}):
        autostart = Autostart(["x"], environ=environ, platform="linux")
        assert autostart.path == tmp_path / ".config" / "autostart" / "todo-desktop.desktop"


def test_from_source_it_runs_this_python_with_the_package():
    assert launch_command("/venv/bin/python", frozen=False) == ["/venv/bin/python", "-m", "todo_desktop"]
    assert launch_command("/opt/Todo Desktop/todo-desktop", frozen=True) == ["/opt/Todo Desktop/todo-desktop"]
    assert launch_command()[0] == sys.executable


AWKWARD = [
    ["/home/dana/My Apps/python", "-m", "todo_desktop"],
    ['/opt/we"ird/$HOME/`x`/back\\slash', "100%"],
    ["/usr/bin/todo-desktop"],
]


@pytest.mark.parametrize("command", AWKWARD)
def test_an_awkward_path_survives_the_exec_quoting(tmp_path, command):
    autostart = Autostart(command, environ={"XDG_CONFIG_HOME": str(tmp_path)}, platform="linux")
    autostart.enable()
    assert unquote_exec(read_entry(autostart.path)["Exec"]) == command


def test_a_newline_in_a_path_cannot_add_keys(tmp_path):
    autostart = Autostart(["/x\nHidden=true"], environ={"XDG_CONFIG_HOME": str(tmp_path)}, platform="linux")
    autostart.enable()
    entry = read_entry(autostart.path)
    assert "Hidden" not in entry
    assert "\n" not in exec_line(["/x\nHidden=true"])


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-validate not installed"
)
@pytest.mark.parametrize("command", AWKWARD)
def test_the_entry_passes_desktop_file_validate(tmp_path, command):
    autostart = Autostart(command, environ={"XDG_CONFIG_HOME": str(tmp_path)}, platform="linux")
    autostart.enable()
    result = subprocess.run(["desktop-file-validate", str(autostart.path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_other_platforms_are_told_plainly(tmp_path, platform):
    autostart = Autostart(["x"], environ={"XDG_CONFIG_HOME": str(tmp_path)}, platform=platform)
    assert not autostart.available and not autostart.enabled()
    with pytest.raises(AutostartError) as refused:
        autostart.enable()
    assert refused.value.message == UNAVAILABLE
    assert not (tmp_path / "autostart").exists()


def test_an_unwritable_folder_is_one_sentence(tmp_path):
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be")
    autostart = Autostart(["x"], environ={"XDG_CONFIG_HOME": str(blocker)}, platform="linux")
    with pytest.raises(AutostartError) as refused:
        autostart.enable()
    assert refused.value.message.startswith("Could not set up starting at login")
    assert "\n" not in refused.value.message
