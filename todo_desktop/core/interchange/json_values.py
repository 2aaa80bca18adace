"""Fields of a JSON record (ours or Taskwarrior's) read with their type checked.

JSON lets any field hold any type, and files made by hand or by scripts do: a list for a
priority, a number for the tags, "true" as text. Each wrong type is one sentence for its
record and the field is left out (a title, without which there is no task, skips the row),
rather than a crash, or a value read wrong without a word ("home" read as four tags).
Flags written as text or 0 and 1 are read as meant, with the words a spreadsheet uses.
"""

from __future__ import annotations

import json

from todo_desktop.core.interchange.common import FALSE_WORDS, TRUE_WORDS, quoted
from todo_desktop.core.interchange.rows import Rows


def shown(value: object) -> str:
    """A JSON value inside a sentence, as the file spells it (text without its quotes): short
    and printable."""
    if isinstance(value, str):
        return quoted(value)
    try:
        return quoted(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError, RecursionError):
        return quoted(type(value).__name__)


def text(rows: Rows, number: int, value: object, label: str) -> str | None:
    """``value`` when it is text; otherwise None, with a warning unless it is missing."""
    if value is None or isinstance(value, str):
        return value
    rows.warn(number, f"has {label} {shown(value)} that is not text; it was left out")
    return None


def names(rows: Rows, number: int, value: object) -> list[str]:
    """A list of tags: the names in it, each other value left out with a warning."""
    if value is None:
        return []
    if not isinstance(value, list):
        rows.warn(number, f"has tags {shown(value)} that are not a list of names; they were left out")
        return []
    kept: list[str] = []
    for name in value:
        if isinstance(name, str):
            kept.append(name)
        else:
            rows.warn(number, f"has the tag {shown(name)}, which is not text; it was left out")
    return kept


def flag(rows: Rows, number: int, value: object, label: str, unset: str = "false") -> bool:
    """True or false, from a JSON boolean, 0 or 1, or a word ("true", "yes", "done" ...);
    anything else is read as false and said, ``unset`` naming what false means here."""
    if value is None or isinstance(value, bool):
        return bool(value)
    word = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    rows.warn(number, f"has {shown(value)} for {label}, which is not true or false; read as {unset}")
    return False
