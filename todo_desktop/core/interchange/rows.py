"""What a reader gives back: import rows, the rows it skipped (one sentence each), the preview.

Every reader fills a `RawTask` per record and hands it to `Rows.add`, which applies the same
rules to all formats, so a title is judged the same whether it came from CSV or iCalendar:

- Title: a multi-line title keeps its first non-blank line; the other lines go to the top of
  the description (Taskwarrior and iCalendar allow line breaks where we do not). Tabs become
  spaces. Then `core.validation`'s rules; a title that breaks them skips the row.
- Description: its lines end in LF, as everything typed in the app does; a CR LF (a cell a
  spreadsheet on Windows wrote) or a lone CR becomes one. Not in our JSON (``exact_text``),
  which holds a task's text exactly as the app had it, carriage returns too: it is the
  backup that must give back what it was given.
- Ids: a source uid that is a UUID is kept as the task id (ours are UUIDs, so our own exports
  come back as the same tasks); any other uid of Taskwarrior or iCalendar, where a uid names
  one task wherever it goes, gives ``uuid5(NAMESPACE, format + uid)``. A row without a uid
  (Todoist CSV, a hand-made CSV) gets a uuid5 of its content as the file spells it (a
  relative date "tomorrow" as those words, not the day they meant when read) and of how many
  identical rows came before it. Our own formats (``own_ids``) write a UUID for every task,
  so another id in them was typed by hand: most often a spreadsheet's row number, which
  names a row of one sheet and not a task, and another sheet's row 1 is another task. Such
  an id is hashed together with the row's content. Either way importing the same file
  twice names the same tasks, and the database import can skip the ones it already has.
- Tags: kept when they are tags of this app (a letter, then letters, marks, digits, - or _);
  others are made into one ("@home" is "home", "Work stuff" is "Work-stuff") or dropped with a
  warning when nothing of them is left ("2024"). One tag whatever the case, the first spelling.
  The limits are the database's (`core.validation`): a tag longer than TAG_MAX is left out
  with a warning, like a tag that cannot be one (a section name of a sentence's length is no
  reason to lose its tasks); a task with more than TAGS_PER_TASK tags skips the row, since
  which of them to drop is the person's choice, not ours. Either way the rest of the file
  goes in, and no row is left for the database to refuse.
- Due dates: one that cannot be read, or lies outside the years 1900 to 9998, skips the row:
  a task imported without its deadline, noticed only in a warning, does more harm than a row
  to fix. Other dates (created, completed) that cannot be read are left out with a warning.
- Priorities a format does not know are read as medium, with a warning.
- Repeats: an RRULE within the subset of `core.quick_entry.repeats` is kept in its canonical
  spelling, with its end (UNTIL) when the app can store it; an end it cannot (COUNT, an UNTIL
  outside the years 1900 to 9998) is left out with a warning, and the task still repeats.
  Any other rule (BYSETPOS, hourly ...) keeps the task without its repeat and says so in a
  warning: a task without its repeat is worth more than no task.
- Reminders: one per task, at a time or a while before the due time, within the limits of
  `core.reminders.check_setting`. One outside them, one after the due time, or one before a
  due time the task does not have is left out with a warning, and the task goes in.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from todo_desktop.core import validation
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.interchange.common import (
    InterchangeError,
    as_uuid,
    clean_tag,
    plural,
    quoted,
    stable_id,
    uuid5,
)
from todo_desktop.core.interchange.repeat_rules import with_end
from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.reminders import check_setting
from todo_desktop.core.values import Priority, ReminderSetting, TaskDraft

MAX_TASKS = 200_000  # an account's quota (README); a larger file cannot be imported anyway
_SHOWN = 3  # reasons the preview sentence lists before "and N more"


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One task read from a file, ready for the database import (`draft`), with where it was."""

    id: uuid.UUID
    title: str
    number: int  # the line or record of the file it came from
    description: str | None = None
    priority: Priority = Priority.MEDIUM
    due_date: datetime | None = None
    completed: bool = False
    completed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    tags: tuple[str, ...] = ()
    repeat: str | None = None
    repeat_after_completion: bool = False
    source_uid: str | None = None
    # Kept apart from the task, like the app's reminders: the database import sets it after.
    reminder: ReminderSetting | None = None

    def draft(self) -> TaskDraft:
        return TaskDraft(
            title=self.title,
            description=self.description,
            priority=self.priority,
            due_date=self.due_date,
            completed=self.completed,
            id=self.id,
            tags=self.tags,
            repeat=self.repeat,
            repeat_after_completion=self.repeat_after_completion,
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """A skipped row or a warning: ``number`` is its line or record (0: the whole file)."""

    number: int
    sentence: str  # "line 17 has no title"
    # Left out as the file itself says (a task deleted there, one occurrence of a series, a
    # cancelled to-do): nothing is wrong with the row, so nothing to ask the person about.
    expected: bool = False


@dataclass(frozen=True, slots=True)
class ImportResult:
    format: str
    rows: tuple[ImportRow, ...]
    skipped: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def bad_rows(self) -> tuple[Problem, ...]:
        """The skipped rows that something is wrong with: the import asks about those."""
        return tuple(p for p in self.skipped if not p.expected)

    @property
    def repeating(self) -> int:
        return sum(1 for row in self.rows if row.repeat)

    @property
    def tag_names(self) -> tuple[str, ...]:
        """Every tag once (compared case-insensitively), in the spelling first met."""
        names: dict[str, str] = {}
        for row in self.rows:
            for name in row.tags:
                names.setdefault(tag_key(name), name)
        return tuple(names.values())

    def batches(self, size: int = 1000) -> Iterator[tuple[ImportRow, ...]]:
        """The rows in slices, for a database import that writes a batch per statement."""
        for start in range(0, len(self.rows), size):
            yield self.rows[start : start + size]


def _reasons(problems: tuple[Problem, ...]) -> str:
    shown = ", ".join(p.sentence for p in problems[:_SHOWN])
    rest = len(problems) - _SHOWN
    return shown + (f" and {rest:,} more" if rest > 0 else "")


def summary(result: ImportResult) -> str:
    """The preview sentence: "142 tasks, 3 repeating, 12 tags; 2 rows skipped: line 17 has no
    title, line 40 was deleted in Taskwarrior"; then the warnings the same way."""
    text = plural(len(result.rows), "task")
    if result.repeating:
        text += f", {result.repeating:,} repeating"
    if result.tag_names:
        text += ", " + plural(len(result.tag_names), "tag")
    if result.skipped:
        text += f"; {plural(len(result.skipped), 'row')} skipped: {_reasons(result.skipped)}"
    if result.warnings:
        text += f"; {plural(len(result.warnings), 'warning')}: {_reasons(result.warnings)}"
    return text


@dataclass(slots=True)
class RawTask:
    """One record as a reader understood it, before the shared rules."""

    title: str | None
    uid: str | None = None
    description: str | None = None
    priority: Priority = Priority.MEDIUM
    due: datetime | None = None
    completed: bool = False
    completed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    repeat: str | None = None
    after_completion: bool = False
    due_text: str | None = None  # the due date as the file spells it, for a row's id
    reminder: ReminderSetting | None = None


def _text_problem(label: str, value: str, limit: int) -> str | None:
    """Why ``value`` cannot be stored as the ``label``, in the words of a preview sentence."""
    if "\x00" in value:
        return f"has a NUL character in its {label}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"has a character in its {label} that cannot be stored"
    if len(value) > limit:
        return f"has a {label} of {len(value):,} characters; the limit is {limit:,}"
    return None


def _timestamp(value: datetime | None) -> datetime | None:
    try:
        return validation.due_date(value)  # the same window makes sense for any date
    except ValidationError:
        return None


class Rows:
    """Collects a reader's rows, skipped rows and warnings; ``unit`` is "line" or "record";
    ``own_ids``: the format's writer gives every task its UUID (see Ids above);
    ``exact_text``: descriptions keep their line ends (see Description above)."""

    def __init__(
        self, fmt: str, unit: str = "line", *, own_ids: bool = False, exact_text: bool = False
    ) -> None:
        self.fmt, self.unit, self.own_ids, self.exact_text = fmt, unit, own_ids, exact_text
        self.rows: list[ImportRow] = []
        self.skipped: list[Problem] = []
        self.warnings: list[Problem] = []
        self._ids: dict[uuid.UUID, int] = {}
        self._fingerprints: dict[str, int] = {}

    def skip(self, number: int, rest: str, *, expected: bool = False) -> None:
        self.skipped.append(Problem(number, f"{self.unit} {number} {rest}", expected))

    def warn(self, number: int, rest: str) -> None:
        self.warnings.append(Problem(number, f"{self.unit} {number} {rest}" if number else rest))

    def result(self) -> ImportResult:
        return ImportResult(self.fmt, tuple(self.rows), tuple(self.skipped), tuple(self.warnings))

    def add(self, number: int, raw: RawTask) -> ImportRow | None:
        """Check ``raw`` by the shared rules: the row added, or None when it was skipped."""
        if len(self.rows) >= MAX_TASKS:
            raise InterchangeError(f"The file has more than {MAX_TASKS:,} tasks, the most an account holds.")
        title, description = _split_title(raw.title or "", raw.description)
        if not title:
            self.skip(number, "has no title")
            return None
        problem = _text_problem("title", title, validation.TITLE_MAX) or (
            _text_problem("description", description, validation.DESCRIPTION_MAX) if description else None
        )
        if problem is None and raw.due is not None and _timestamp(raw.due) is None:
            problem = "has a due date outside the years 1900 to 9998"
        try:
            if problem is None:
                title = validation.title(title)
                description = validation.description(description)
        except ValidationError as exc:  # a rule added to validation later than this module
            problem = f"cannot be imported: {exc.message}"
        if problem is not None:
            self.skip(number, problem)
            return None
        tags = self._tags(number, raw.tags)
        if tags is None:
            return None
        row_id = self._row_id(number, raw, title, description)
        if row_id is None:
            return None
        if description and not self.exact_text:  # after the id: made from the file's own spelling
            description = description.replace("\r\n", "\n").replace("\r", "\n")
        repeat = self._repeat(number, raw.repeat)
        reminder = self._reminder(number, raw.reminder, raw.due)
        row = ImportRow(
            id=row_id,
            title=title,
            number=number,
            description=description,
            priority=raw.priority,
            due_date=raw.due,
            completed=raw.completed,
            completed_at=_timestamp(raw.completed_at) if raw.completed else None,
            created_at=_timestamp(raw.created_at),
            updated_at=_timestamp(raw.updated_at),
            tags=tags,
            repeat=repeat,
            repeat_after_completion=bool(repeat and raw.after_completion),
            source_uid=raw.uid,
            reminder=reminder,
        )
        self.rows.append(row)
        return row

    def _row_id(self, number: int, raw: RawTask, title: str, description: str | None) -> uuid.UUID | None:
        known = as_uuid(raw.uid) if raw.uid else None
        if known is not None:
            row_id = known
        elif raw.uid and not self.own_ids:
            row_id = stable_id(self.fmt, raw.uid)
        else:
            due = raw.due_text if raw.due_text is not None else str(raw.due)
            content = "\x1f".join([raw.uid or "", title, description or "", due, raw.repeat or "", *raw.tags])
            seen = self._fingerprints.get(content, 0)
            self._fingerprints[content] = seen + 1
            row_id = uuid5(f"{self.fmt}\x1e{content}\x1e{seen}")
        first = self._ids.setdefault(row_id, number)
        if first != number:
            self.skip(number, f"has the same id as {self.unit} {first}")
            return None
        return row_id

    def _tags(self, number: int, names: list[str]) -> tuple[str, ...] | None:
        """The row's tags, or None when it has more than a task holds (then skipped)."""
        kept: dict[str, str] = {}
        notes: list[str] = []  # said only when the row is kept: a skipped row gets one sentence
        for name in names:
            cleaned = clean_tag(name)
            size = 0 if cleaned is None else max(len(cleaned), len(unicodedata.normalize("NFC", cleaned)))
            if cleaned is None:
                notes.append(f"has the tag {quoted(name)}, which cannot be a tag here; it was left out")
            elif size > validation.TAG_MAX:
                notes.append(
                    f"has a tag of {size:,} characters ({quoted(cleaned)}); "
                    f"the limit is {validation.TAG_MAX}, so it was left out"
                )
            else:
                kept.setdefault(tag_key(cleaned), cleaned)
        if len(kept) > validation.TAGS_PER_TASK:
            self.skip(number, f"has {len(kept):,} tags; a task holds at most {validation.TAGS_PER_TASK}")
            return None
        for note in notes:
            self.warn(number, note)
        return tuple(kept.values())

    def _repeat(self, number: int, rule: str | None) -> str | None:
        if not rule:
            return None
        try:
            kept, left_out = with_end(rule)
        except ValueError as exc:
            self.warn(number, f"repeats by a rule this app cannot keep ({exc}); imported without repeat")
            return None
        if left_out is not None:
            self.warn(number, left_out)
        return kept

    def _reminder(
        self, number: int, setting: ReminderSetting | None, due: datetime | None
    ) -> ReminderSetting | None:
        if setting is None:
            return None
        if setting.before_due is not None and setting.before_due < timedelta(0):
            self.warn(
                number, "has a reminder after its due time, which this app cannot keep; it was left out"
            )
            return None
        if setting.before_due is not None and due is None:
            self.warn(number, "has a reminder before its due time but no due date; it was left out")
            return None
        try:
            return check_setting(setting)
        except ValidationError as exc:
            reason = exc.message[:1].lower() + exc.message[1:].rstrip(".")
            self.warn(number, f"has a reminder this app cannot keep ({reason}); it was left out")
            return None


def _split_title(title: str, description: str | None) -> tuple[str, str | None]:
    lines = title.splitlines()  # every line break: CR, LF, VT, FF, NEL, U+2028 ...
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return "", description
    rest = "\n".join(lines[1:]).strip("\n")
    if rest.strip():
        description = rest + ("\n\n" + description if description else "")
    return lines[0].replace("\t", " ").strip(), description
