"""What every format needs: the file as text, dates and zones, ids, tags, and safe bounds.

Dates without a time ("2026-03-01", iCalendar's ``VALUE=DATE``) are due at 23:59 local time
in the zone the caller gives, the convention of the due-date presets (`core.clock.end_of_day`),
so the task counts as due all that day; a date and time without an offset is read in that
zone too. Writers give UTC instants, which every format here can carry (iCalendar and
Taskwarrior to the second; our JSON and CSV to the microsecond, with the offset written).

Pieces of a file quoted in a sentence (`quoted`) are cut short and made printable, so a
hostile cell cannot fill the preview or put escape sequences on a terminal.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import unicodedata
import uuid
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from todo_desktop.core.errors import TodoError
from todo_desktop.core.interchange.windows_zones import windows_zone
from todo_desktop.core.quick_entry.tokens import Token, tag
from todo_desktop.core.relative_dates import DATE_ONLY

NAMESPACE = uuid.UUID("1ac9f582-8d13-43b5-944e-e374441c8401")
MAX_BYTES = 128 * 1024 * 1024  # 200,000 tasks with long notes fit; a larger file is no task list
ALL_DAY = DATE_ONLY  # a date alone, kept at 23:59 local time (core.relative_dates)
TRUE_WORDS = frozenset({"true", "yes", "1", "x", "done", "completed"})  # what sheets write for a tick
FALSE_WORDS = frozenset({"false", "no", "0", "", "open"})
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+){0,3}")
# A fold (line break and one space or tab) between the bytes of one UTF-8 character: the
# bytes that continue the character, found after it.
_FOLD_IN_CHARACTER = re.compile(rb"(?<=[\x80-\xff])(\r?\n[ \t])([\x80-\xbf]+)")


class InterchangeError(TodoError):
    """The file as a whole cannot be read (not UTF-8, not the format, too large): one sentence."""


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 task", "1,204 tasks": a count with its noun, in the sentences of an import or export."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def quoted(value: str, limit: int = 40) -> str:
    """A piece of the file inside a sentence: short, one line, nothing unprintable."""
    clean = "".join(ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else "?" for ch in value)
    return f"“{clean[:limit]}…”" if len(clean) > limit else f"“{clean}”"


def clean_tag(name: str) -> str | None:
    """The tag of this app that ``name`` becomes, or None when nothing of it is left. Its
    length is not bounded here, so that `rows` can say a tag is too long rather than odd."""
    out: list[str] = []
    for ch in name.strip():
        allowed = ch in "-_" or unicodedata.category(ch)[0] in "LMN"
        if allowed:
            out.append(ch)
        elif out and out[-1] != "\0":
            out.append("\0")  # a run of other characters becomes one dash
    text = "".join(out).strip("\0").replace("\0", "-")
    while text and not unicodedata.category(text[0]).startswith("L"):
        text = text[1:]  # a tag starts with a letter ("#12" is an issue number)
    if not text or tag(Token(f"#{text}", 0, len(text) + 1, False)) != text:
        return None
    return text


def as_uuid(uid: str) -> uuid.UUID | None:
    """The UUID ``uid`` spells (braces and case as any program writes them), or None."""
    try:
        found = uuid.UUID(uid.strip()) if len(uid) <= 64 else None
    except ValueError:
        return None
    return found if found is not None and found.int != 0 else None


def stable_id(fmt: str, uid: str) -> uuid.UUID:
    """The task id for a source uid: the uid itself when it is a UUID, else a uuid5 of it."""
    return as_uuid(uid) or uuid5(f"{fmt}\x1e{uid}")


def uuid5(name: str) -> uuid.UUID:
    try:
        return uuid.uuid5(NAMESPACE, name)
    except UnicodeEncodeError:  # a lone surrogate: hash its code units, still the same each time
        return uuid.uuid5(NAMESPACE, name.encode("utf-8", "surrogatepass").hex())


def decode(data: str | bytes) -> str:
    """The file as text: UTF-8 (with or without a byte order mark) or UTF-16 with one."""
    size = len(data)  # bytes, or characters for text: the same bound either way
    if size > MAX_BYTES:
        raise InterchangeError(f"The file is {size / 2**20:,.0f} MB; the limit is {MAX_BYTES // 2**20} MB.")
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    # UTF-16 with a byte order mark is what spreadsheets call "Unicode text".
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-16" and _is_icalendar(data):
            # RFC 5545 3.1 folds at 75 octets and asks readers to mend a fold that splits a
            # character, which writers that count bytes leave. Moving the rest of the
            # character before the fold mends it and keeps every line where it was, so lines
            # are still numbered right.
            with contextlib.suppress(UnicodeDecodeError):
                return _FOLD_IN_CHARACTER.sub(rb"\2\1", data).decode(encoding)
        label = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise InterchangeError(
            f"The file is not {label} text (byte {exc.start + 1:,} is not); {_how_to_save(data)}"
        ) from None


def _how_to_save(data: bytes) -> str:
    """What to do about a file in another encoding, in the words of the program it came from.
    A CSV is most often a sheet that Excel or LibreOffice saved in the system's code page
    (Windows-1252 in much of Europe), and both can save it again as UTF-8 under those names.
    iCalendar and JSON are UTF-8 by their standards, so a file in another encoding was
    changed by hand: the editor it was changed in can save it as UTF-8."""
    head = data[:64].removeprefix(codecs.BOM_UTF8).lstrip()
    if _is_icalendar(data) or head.startswith((b"[", b"{")):
        return "open it in a text editor, save it again as UTF-8, and import that."
    return (
        "save it again as “CSV UTF-8” in Excel, or with the character set “Unicode (UTF-8)” in "
        "LibreOffice, and import that."
    )


def _is_icalendar(data: bytes) -> bool:
    """Whether ``data`` begins as an iCalendar file does (a byte order mark and blank space
    before it allowed)."""
    return data.removeprefix(codecs.BOM_UTF8).lstrip()[:15].upper() == b"BEGIN:VCALENDAR"


def zone_named(name: str) -> tzinfo | None:
    """An IANA zone by name ("Europe/Berlin"), or None. Some programs put a prefix before it
    ("/mozilla.org/20050126_1/Europe/Berlin"), so the last two or three parts are tried too;
    Outlook and Exchange give the Windows name ("W. Europe Standard Time", `windows_zones`)."""
    name = name.strip().strip("/")
    parts = name.split("/")
    for candidate in (name, "/".join(parts[-3:]), "/".join(parts[-2:])):
        if len(candidate) <= 64 and _ZONE_NAME.fullmatch(candidate):
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                continue
    return windows_zone(name)


def end_of_date(day: date, zone: tzinfo) -> datetime:
    """23:59 local on ``day``: what a date without a time means for a due date."""
    return datetime.combine(day, ALL_DAY, tzinfo=zone).astimezone(UTC)


def parse_iso(text: str, zone: tzinfo) -> datetime | None:
    """An ISO 8601 date or date and time ("2026-03-01", "2026-03-01T10:00:00+01:00",
    "...Z"); naive ones are read in ``zone``. None when it is not one, or out of range."""
    text = text.strip()
    if not 8 <= len(text) <= 40 or not text[:4].isdigit():
        return None
    try:
        if len(text) == 10 and text[4] == "-":
            return end_of_date(date.fromisoformat(text), zone)
        found = datetime.fromisoformat(text)
        return found.astimezone(UTC) if found.tzinfo else found.replace(tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def iso(value: datetime | None) -> str:
    """An instant for our own formats: ISO 8601 with its offset and every microsecond."""
    return "" if value is None else value.isoformat()


def compact_utc(value: datetime) -> str:
    """20260301T100000Z: the UTC form of iCalendar and Taskwarrior."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_compact(text: str, zone: tzinfo) -> tuple[datetime, bool] | None:
    """iCalendar's and Taskwarrior's forms: 20260301 (a date: True), 20260301T100000 (in
    ``zone``) or 20260301T100000Z (UTC); None when it is none of them. By hand rather than
    strptime, which took a third of the time of reading a large file."""
    text = text.strip()
    size = len(text)
    digits = text[:8] + text[9:15]
    if not digits.isascii() or not digits.isdigit() or size not in (8, 15, 16):
        return None
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        if size == 8:
            return end_of_date(day, zone), True
        if text[8] != "T" or (size == 16 and text[15] != "Z"):
            return None
        clock = time(int(text[9:11]), int(text[11:13]), int(text[13:15]))
        if size == 16:
            return datetime.combine(day, clock, tzinfo=UTC), False
        return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC), False
    except (ValueError, OverflowError):
        return None
