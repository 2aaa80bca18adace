"""Input rules shared by the GUI (to speak up early) and the data layer (to enforce).

Each rule returns the cleaned value or raises ValidationError with one sentence.
The database repeats the important ones as constraints, because a client is not security.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from todo_desktop.core import repeats
from todo_desktop.core.errors import InputErrors, ValidationError
from todo_desktop.core.reminders import check_setting
from todo_desktop.core.values import Priority, TaskChanges, TaskDraft

TITLE_MAX = 255
DESCRIPTION_MAX = 10_000
NAME_MAX = 100
EMAIL_MAX = 255
PASSWORD_MIN = 8
PASSWORD_MAX = 1024
SEARCH_MAX = 200
TAG_MAX = 64  # characters of one tag
TAGS_PER_TASK = 20  # the database's default limit (todo_auth.settings.max_tags_per_task)
# Dates outside this window are typos (year 20255) or overflow PostgreSQL's range.
EARLIEST_DUE = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_DUE = datetime(9999, 1, 1, tzinfo=UTC)

# Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Unicode's categories Cc (C0, DEL and C1), Zl and Zp, which are exactly these code points: one
# regular expression search instead of a category lookup per character of every title.
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _breaks_a_line(text: str) -> bool:
    """Control characters (tab, CR, C1 such as U+0085) and Unicode line or paragraph separators."""
    return _LINE_BREAKING.search(text) is not None


def _check_text(field: str, label: str, value: str) -> None:
    if "\x00" in value:
        raise ValidationError(field, f"{label} cannot contain a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(field, f"{label} contains a character that cannot be stored.") from None


def title(value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError("title", "Title must be text.")
    _check_text("title", "Title", value)
    cleaned = value.strip()
    if not cleaned:
        raise ValidationError("title", "Title cannot be empty.")
    if _breaks_a_line(cleaned):
        raise ValidationError("title", "Title must be a single line without control characters.")
    if len(cleaned) > TITLE_MAX:
        raise ValidationError("title", f"Title is {len(cleaned)} characters; the limit is {TITLE_MAX}.")
    return cleaned


def description(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("description", "Description must be text.")
    _check_text("description", "Description", value)
    if len(value) > DESCRIPTION_MAX:
        raise ValidationError(
            "description",
            f"Description is {len(value):,} characters; the limit is {DESCRIPTION_MAX:,}.",
        )
    return value if value.strip() else None


def priority(value: object) -> Priority:
    try:
        return Priority(value)  # type: ignore[arg-type]  # any value may arrive from a form
    except ValueError:
        allowed = ", ".join(p.value for p in Priority)
        raise ValidationError("priority", f"Priority must be one of {allowed}.") from None


def due_date(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ValidationError("due_date", "Due date must be a date and time.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("due_date", "Due date needs a time zone.")
    if not EARLIEST_DUE <= value < LATEST_DUE:
        raise ValidationError("due_date", "Due date must be between the years 1900 and 9998.")
    return value


def email(value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError("email", "Email must be text.")
    _check_text("email", "Email", value)
    cleaned = value.strip()
    if not cleaned:
        raise ValidationError("email", "Email cannot be empty.")
    if len(cleaned) > EMAIL_MAX:
        raise ValidationError("email", f"Email is longer than {EMAIL_MAX} characters.")
    if not _EMAIL.match(cleaned) or _CONTROL.search(cleaned):
        raise ValidationError("email", "Email must look like name@example.com.")
    return cleaned


def person_name(field: str, label: str, value: str, *, required: bool) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, f"{label} must be text.")
    _check_text(field, label, value)
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError(field, f"{label} cannot be empty.")
    if _breaks_a_line(cleaned):
        raise ValidationError(field, f"{label} must be a single line without control characters.")
    if len(cleaned) > NAME_MAX:
        raise ValidationError(field, f"{label} is longer than {NAME_MAX} characters.")
    return cleaned


def first_name(value: str) -> str:
    return person_name("first_name", "First name", value, required=True)


def last_name(value: str) -> str:
    return person_name("last_name", "Last name", value, required=False)


def password(value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError("password", "Password must be text.")
    _check_text("password", "Password", value)
    if len(value) < PASSWORD_MIN:
        raise ValidationError("password", f"Password must be at least {PASSWORD_MIN} characters.")
    if len(value) > PASSWORD_MAX:
        raise ValidationError("password", f"Password is longer than {PASSWORD_MAX} characters.")
    return value


def tag_key(name: str) -> str:
    """Tags compare case-insensitively and by canonical form: #Home, #home and #HOME are one.
    The same key as the quick-add language's (``quick_entry.tokens.tag_key``, a test keeps
    them equal); the database compares these keys, byte by byte."""
    return unicodedata.normalize("NFC", name).casefold()


def tag(value: str) -> str:
    """One tag as the quick-add language reads it after its #: a letter, then letters, marks,
    digits, - and _ (any script). A leading # is dropped; the spelling is kept."""
    if not isinstance(value, str):
        raise ValidationError("tags", "A tag must be text.")
    _check_text("tags", "A tag", value)
    cleaned = value.strip().removeprefix("#")
    if not cleaned:
        raise ValidationError("tags", "A tag cannot be empty.")
    if len(cleaned) > TAG_MAX:
        raise ValidationError("tags", f"A tag is at most {TAG_MAX} characters.")
    first, rest = cleaned[0], cleaned[1:]
    if not unicodedata.category(first).startswith("L") or any(
        ch not in "-_" and unicodedata.category(ch)[0] not in "LMN" for ch in rest
    ):
        raise ValidationError(
            "tags", "A tag must start with a letter and hold only letters, digits, - and _."
        )
    return unicodedata.normalize("NFC", cleaned)


def tags(values: object) -> tuple[str, ...]:
    """A task's tags, each checked, in the order given; one per key, as first spelled."""
    if isinstance(values, str) or not isinstance(values, (tuple, list)):
        raise ValidationError("tags", "Tags must be a list of names.")
    if len(values) > 10 * TAGS_PER_TASK:  # before checking each: a pasted thousand is refused now
        raise ValidationError("tags", f"A task can have at most {TAGS_PER_TASK} tags.")
    kept: dict[str, str] = {}
    for value in values:
        name = tag(value)
        kept.setdefault(tag_key(name), name)
    if len(kept) > TAGS_PER_TASK:
        raise ValidationError("tags", f"A task can have at most {TAGS_PER_TASK} tags.")
    return tuple(kept.values())


def repeat(value: str | None) -> str | None:
    """A repeat rule of the supported subset (see ``core.repeats``), written as stored."""
    if value is None:
        return None
    if isinstance(value, str):
        _check_text("repeat", "Repeat", value)
        if not value.strip():
            return None
    return repeats.canonical(value)


def search_text(value: str) -> str:
    _check_text("search", "Search", value)
    cleaned = value.strip()
    if len(cleaned) > SEARCH_MAX:
        raise ValidationError("search", f"Search is longer than {SEARCH_MAX} characters.")
    return cleaned


T = TypeVar("T")


def collect(checks: list[Callable[[], object]]) -> None:
    """Run every check and raise all failures together, so a form can mark each field."""
    errors: list[ValidationError] = []
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)


def draft(value: TaskDraft) -> TaskDraft:
    collect(
        [
            lambda: title(value.title),
            lambda: description(value.description),
            lambda: priority(value.priority),
            lambda: due_date(value.due_date),
            lambda: tags(value.tags),
            lambda: repeat(value.repeat),
        ]
    )
    rule = repeat(value.repeat)
    return TaskDraft(
        id=value.id,
        title=title(value.title),
        description=description(value.description),
        priority=priority(value.priority),
        due_date=due_date(value.due_date),
        completed=bool(value.completed),
        tags=tags(value.tags),
        repeat=rule,
        repeat_after_completion=bool(value.repeat_after_completion) and rule is not None,
        reminder=check_setting(value.reminder) if value.reminder is not None else None,
    )


def changes(value: TaskChanges) -> dict[str, object]:
    """Validated column values for an update; empty when nothing was given."""
    raw = value.as_dict()
    rules: dict[str, Callable[[object], object]] = {
        "title": lambda v: title(v),  # type: ignore[arg-type]
        "description": lambda v: description(v),  # type: ignore[arg-type]
        "priority": priority,
        "due_date": lambda v: due_date(v),  # type: ignore[arg-type]
        "completed": lambda v: bool(v),
        "tags": tags,
        "repeat": lambda v: repeat(v),  # type: ignore[arg-type]
        "repeat_after_completion": lambda v: bool(v),
    }
    collect([lambda k=k, v=v: rules[k](v) for k, v in raw.items()])  # type: ignore[misc]
    return {k: rules[k](v) for k, v in raw.items()}
