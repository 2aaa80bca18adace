"""The content lines of an iCalendar file (RFC 5545 3.1): unfolded, bounded in length, and
split into name, parameters and value. Shared by the reader of to-dos (`ical`) and the look
for time zone blocks anywhere in the file (`ical_zones`), so both see the same lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from todo_desktop.core.interchange.ical_alarms import Properties

MAX_LINE = 1 << 20
MAX_DEPTH = 8
PROPERTY_NAME = re.compile(r"[A-Za-z0-9-]+")
_LINE = re.compile(
    r'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:]*)(?:,(?:"[^"]*"|[^";:]*))*)*):(.*)', re.S
)
# Given only the parameters, where an unquoted value may hold a colon (see `split_line`).
_PARAM = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^";]*)(?:,(?:"[^"]*"|[^";]*))*)')


def logical_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(number of its first physical line, the unfolded line, whether it was cut off at
    MAX_LINE characters: then only its start is given, enough to name its property).

    Lazy, and holding at most MAX_LINE characters of a line whatever its length: a file of
    folded continuation lines without end costs counting, not memory."""
    number, size = 0, 0
    pieces: list[str] = []
    index, position, end = 0, 0, len(text)
    while position <= end:
        newline = text.find("\n", position)
        stop = end if newline == -1 else newline
        if stop > position and text[stop - 1] == "\r":
            stop -= 1
        index += 1
        continued = bool(number) and text[position : position + 1] in (" ", "\t")
        if not continued:
            if number:
                yield number, "".join(pieces), size > MAX_LINE
            number, pieces, size = index, [], 0
        first = position + 1 if continued else position
        if size <= MAX_LINE:  # past it, continuation lines are counted, never kept
            pieces.append(text[first : min(stop, first + MAX_LINE + 1 - size)])
        size += stop - first
        position = (end if newline == -1 else newline) + 1
    if number:
        yield number, "".join(pieces), size > MAX_LINE


def split_line(line: str) -> tuple[str, str, str] | None:
    """(name, parameters, value) of a content line. Most lines have no quoted parameter, and
    are split by hand: three times faster than the full pattern, which takes the others."""
    colon = line.find(":")
    head = line[:colon]
    if colon > 0 and '"' not in head:
        if "(" in head and ";tzid=" in head.lower():
            # Outlook leaves a zone's display name unquoted, colons and all ("TZID=(UTC+01:00)
            # Amsterdam, …:20260301T090000"), where RFC 5545 quotes it. The value of a date
            # never holds a colon: it follows the line's last one.
            colon = line.rfind(":")
            head = line[:colon]
        name, _, params = head.partition(";")
        if not name.isascii() or not name.replace("-", "").isalnum():
            return None
        return name, f";{params}" if params else "", line[colon + 1 :]
    match = _LINE.fullmatch(line)
    return (match.group(1), match.group(2), match.group(3)) if match else None


def parameters(text: str) -> dict[str, str]:
    """The parameters of a line as `split_line` gives them (";TZID=...;VALUE=DATE"), by name."""
    return {key.upper(): value.strip('"') for key, value in _PARAM.findall(text)}


def component_line(line: str, cut: bool, sink: Properties | None) -> tuple[str, str] | None:
    """(BEGIN or END, the component's name) of a line that begins or ends a component. Any
    other content line is a property of the component being read: it goes into ``sink`` (a
    line cut off at MAX_LINE by its name alone, with no value), and the answer is None, as
    for a line that is no content line."""
    if cut:
        head = PROPERTY_NAME.match(line)
        if sink is not None and head is not None:
            sink.setdefault(head.group(0).upper(), []).append(({}, None))
        return None
    parts = split_line(line)
    if parts is None:
        return None
    name, value = parts[0].upper(), parts[2]
    if name in ("BEGIN", "END"):
        return name, value
    if sink is not None:
        sink.setdefault(name, []).append((parameters(parts[1]) if parts[1] else {}, value))
    return None
