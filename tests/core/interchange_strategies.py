"""Hypothesis strategies for tasks as the app holds them, and field-by-field comparison."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import strategies as st

from todo_desktop.core.interchange import ImportRow
from todo_desktop.core.quick_entry.repeats import rrule
from todo_desktop.core.quick_entry.result import Rule
from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.values import Priority, Task

# Characters people type and files carry, and the ones that break naive writers.
AWKWARD = ",;\"'\\=+-@#\t\n\r éß漢字🙂\u200b\u00a0\u2028"

_offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_zones = st.one_of(st.just(UTC), _offsets)


def instants(*, whole_seconds: bool = False) -> st.SearchStrategy[datetime]:
    found = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30), timezones=_zones)
    return found.map(lambda d: d.replace(microsecond=0)) if whole_seconds else found


def _title_ok(text: str) -> bool:
    return (
        bool(text)
        and text == text.strip()
        and len(text) <= 255
        and not any(unicodedata.category(ch) in {"Cc", "Zl", "Zp"} for ch in text)
    )


titles = (
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60),
        st.text(st.sampled_from(AWKWARD + "ab"), min_size=1, max_size=20),
        st.sampled_from(["=SUM(A1:A9)", "+1 call", "-5 push-ups", "@home", "'quoted", "''=x", "a,b", '"q"']),
    )
    .map(str.strip)
    .filter(_title_ok)
)


def descriptions(*, controls: bool = True) -> st.SearchStrategy[str | None]:
    """Free text: line breaks, quotes, commas; ``controls`` adds CR and other control characters."""
    excluded = ("Cs",) if controls else ("Cs", "Cc")
    chars = st.characters(blacklist_categories=excluded, blacklist_characters="\x00")
    extra = AWKWARD if controls else AWKWARD.replace("\r", "")
    text = st.one_of(
        st.text(chars, max_size=300), st.text(st.sampled_from(extra + "x\n"), max_size=40)
    ).filter(lambda d: bool(d.strip()))
    return st.one_of(st.none(), text)


_tag = st.builds(
    lambda first, rest: first + rest,
    st.characters(whitelist_categories=("Lu", "Ll", "Lo")),
    st.text(
        st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Mn"), whitelist_characters="-_"),
        max_size=15,
    ),
)
tag_lists = st.lists(_tag, max_size=5, unique_by=tag_key).map(tuple)


@st.composite
def repeats(draw: st.DrawFn) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    weekdays = tuple(sorted(draw(st.sets(st.integers(0, 6), max_size=3))))
    month = draw(st.none() | st.integers(1, 12))
    day = draw(st.none() | st.integers(1, 31))
    if month is not None and day is not None:
        try:
            date(2000, month, day)
        except ValueError:
            day = None
    return rrule(Rule(freq, draw(st.integers(1, 12)), weekdays, month, day))


@st.composite
def tasks(draw: st.DrawFn, *, whole_seconds: bool = False, controls: bool = True) -> Task:
    completed = draw(st.booleans())
    repeat = draw(st.none() | repeats())
    when = instants(whole_seconds=whole_seconds)
    return Task(
        id=draw(st.uuids()),
        title=draw(titles),
        description=draw(descriptions(controls=controls)),
        completed=completed,
        priority=draw(st.sampled_from(list(Priority))),
        due_date=draw(st.none() | when),
        created_at=draw(when),
        updated_at=draw(when),
        completed_at=draw(st.none() | when) if completed else None,
        tags=draw(tag_lists),
        repeat=repeat,
        repeat_after_completion=draw(st.booleans()) if repeat else False,
    )


task_lists = st.lists(tasks(), max_size=8, unique_by=lambda t: t.id)


def fields(value: Task | ImportRow) -> dict[str, object]:
    """What a round trip must keep; instants compare as instants, whatever their offset."""
    return {
        "id": value.id,
        "title": value.title,
        "description": value.description,
        "completed": value.completed,
        "priority": value.priority,
        "due_date": value.due_date,
        "created_at": value.created_at,
        "updated_at": value.updated_at,
        "completed_at": value.completed_at,
        "tags": value.tags,
        "repeat": value.repeat,
        "repeat_after_completion": value.repeat_after_completion,
    }


def make_task(title: str = "Task", **changes: object) -> Task:
    """A plain task for examples; ``changes`` override any field."""
    import uuid

    now = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    base: dict[str, object] = {
        "id": uuid.uuid4(),
        "title": title,
        "description": None,
        "completed": False,
        "priority": Priority.MEDIUM,
        "due_date": None,
        "created_at": now,
        "updated_at": now,
    }
    base.update(changes)
    return Task(**base)  # type: ignore[arg-type]


def excel_csv(*lines: str, bom: bool = True) -> bytes:
    """A file as Excel saves a sheet as "CSV UTF-8": a byte order mark and CR LF."""
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


# TickTick's CSV backup: the lines before its header, and the header, as its web app writes them.
TICKTICK_PREAMBLE = '"Date: 2026-12-01+0000"\n"Version: 7.1"\n"Status: \n0 Normal\n1 Completed\n2 Archived"\n'
TICKTICK_HEADER = (
    '"Folder Name","List Name","Title","Kind","Tags","Content","Is Check list","Start Date",'
    '"Due Date","Reminder","Repeat","Priority","Status","Created Time","Completed Time","Order",'
    '"Timezone","Is All Day","Is Floating","Column Name","Column Order","View Mode","taskId","parentId"'
)
