"""The connection profiles on this computer: ``profiles.json`` in the config folder (no
secrets; passwords live in the secret store)."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from pathlib import Path

from todo_desktop.core.errors import TodoError
from todo_desktop.core.profiles import (
    FILE_NAME,
    FORMAT_VERSION,
    LOCAL_ID,
    LOCAL_PROFILE,
    Profile,
    Profiles,
    check_profile,
)
from todo_desktop.machine.atomic_file import private_folder, write_atomically

log = logging.getLogger(__name__)


_STORED_FIELDS = ("id", "name", "host", "port", "database", "user", "tls_mode", "pooled", "channel_binding")


def _to_json(profiles: Profiles) -> str:
    # An explicit list of fields: nothing added to Profile later can leak in by accident.
    rows = [{f: getattr(p, f) for f in _STORED_FIELDS} for p in profiles.shared]
    return json.dumps({"version": FORMAT_VERSION, "active": profiles.active_id, "profiles": rows}, indent=2)


def _from_json(text: str) -> tuple[Profiles, int]:
    """The profiles, and how many rows were unusable (skipped, so the rest still load)."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
        raise ValueError("not a profiles file")
    items: list[Profile] = [LOCAL_PROFILE]
    bad = 0
    for row in data["profiles"]:
        try:
            fields = {f: row[f] for f in _STORED_FIELDS if f in row}
            draft = Profile(**{**fields, "id": str(row["id"])})
            items.append(check_profile(draft, tuple(items)))
        except (KeyError, TypeError, AttributeError, TodoError):
            bad += 1
    active = str(data.get("active", LOCAL_ID))
    found = any(p.id == active for p in items)
    return Profiles(tuple(items), active if found else LOCAL_ID), bad


class ProfileStore:
    """Reads and writes ``profiles.json``; a damaged file is copied aside, never silently lost."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME

    def load(self) -> Profiles:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Profiles()
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("Cannot read %s: %s", self.path, exc)
            return Profiles()
        try:
            profiles, bad = _from_json(text)
        except ValueError as exc:
            profiles, bad = Profiles(), 1
            log.warning("The profiles file is not readable JSON: %s", exc)
        if bad:
            # The next save rewrites the file without what could not be read; keep a copy.
            damaged = self.path.with_name(FILE_NAME + ".damaged")
            log.warning("Skipped %d damaged profile(s); the original file is kept as %s", bad, damaged.name)
            with contextlib.suppress(OSError):
                shutil.copyfile(self.path, damaged)
        return profiles

    def save(self, profiles: Profiles) -> None:
        private_folder(self.path.parent)
        write_atomically(self.path, _to_json(profiles).encode("utf-8"))
