"""The IANA name of this machine's time zone ("Europe/Berlin"), which the database needs to
count a reminder's days on the person's calendar (see ``core.reminders``). Python's local
times come from the C library, which knows the zone only as offsets, so the name is looked
for where the C library finds the zone itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from todo_desktop.core.reminders import zone_name


def local_zone_name(
    environ: Mapping[str, str] = os.environ,
    *,
    localtime: Path = Path("/etc/localtime"),
    timezone_file: Path = Path("/etc/timezone"),
) -> str | None:
    """The IANA name of this machine's zone, or None. Looked for where the C library looks
    (TZ, else /etc/localtime), so it is the zone of the local times the app shows
    (``core.clock.LocalZone``); a copied /etc/localtime names nothing, so Debian's
    /etc/timezone says it. Read at each use: the person may change zones while the app runs."""
    if sys.platform == "win32":
        return _windows_zone_name()
    tz = environ.get("TZ")
    if tz is not None:
        return _known(_below_zoneinfo(tz.removeprefix(":")))
    try:
        return _known(_below_zoneinfo(os.readlink(localtime)))
    except OSError:  # not a link (a copy), or not there
        pass
    try:
        return _known(timezone_file.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return None


def _below_zoneinfo(path: str) -> str:
    """``.../zoneinfo/Europe/Berlin`` (or its posix/ and right/ twins) as ``Europe/Berlin``."""
    _, found, name = path.rpartition("zoneinfo/")
    if not found:
        return path
    for twin in ("posix/", "right/"):
        name = name.removeprefix(twin)
    return name


def _known(name: str) -> str | None:
    """``name`` if zoneinfo knows it as a place's zone; a bare name such as UTC by its Etc/ name."""
    for candidate in (name, f"Etc/{name}") if "/" not in name else (name,):
        shaped = zone_name(candidate)
        if shaped is None:
            continue
        try:
            ZoneInfo(shaped)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
        return shaped
    return None


def _windows_zone_name() -> str | None:
    """Windows names its zone its own way ("W. Europe Standard Time"); CLDR's table maps it."""
    if sys.platform != "win32":
        return None
    import winreg

    from todo_desktop.core.interchange.windows_zones import windows_zone

    key_path = r"SYSTEM\CurrentControlSet\Control\TimeZoneInformation"
    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key_path) as key:
            name, _kind = winreg.QueryValueEx(key, "TimeZoneKeyName")
    except OSError:
        return None
    zone = windows_zone(str(name))
    key_name = getattr(zone, "key", None)
    return _known(key_name) if isinstance(key_name, str) else None
