"""TaskRepository.list and .counts as a person (and a nosy neighbour) would use them."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from todo_desktop.core.errors import ValidationError
from todo_desktop.core.smart_lists import query_for
from todo_desktop.core.title_order import title_key
from todo_desktop.core.values import (
    Priority,
    SmartList,
    SortKey,
    Status,
    Task,
    TaskChanges,
    TaskDraft,
    TaskQuery,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PRIORITIES = list(Priority)
WORDS = ["apple", "Apple", "APPLE", "banana", "Cherry", "cherry", "date"]
DUES = [None, T0, T0 + timedelta(days=1), None, T0 - timedelta(days=2), T0, T0 + timedelta(hours=3)]
# Through the function API, as every client must; rows made in one transaction share
# created_at and updated_at.
_INSERT = text(
    "SELECT todo_api.create_task(:id, :title, :title_key, :description, :priority, :due_date, :completed)"
)


def _row(i: int) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "title": f"{WORDS[i % len(WORDS)]} {i % 3}",
        "title_key": title_key(f"{WORDS[i % len(WORDS)]} {i % 3}"),
        "description": f"note {i}" if i % 4 == 0 else None,
        "priority": PRIORITIES[i % 4].value,
        "due_date": DUES[i % len(DUES)],
        "completed": i % 5 == 0,
    }


def insert_batch(db, token: str, rows: list[dict[str, object]]) -> None:
    """One transaction: every row shares created_at and updated_at, as a bulk import would."""
    db.run(token, lambda c: c.execute(_INSERT, rows))


@pytest.fixture
def many(client_db, alice, alice_tasks) -> list[Task]:
    """About 60 tasks with many equal sort values, NULL due dates and equal timestamps."""
    rows = [_row(i) for i in range(60)]
    insert_batch(client_db, alice.token, rows[:25])
    insert_batch(client_db, alice.token, rows[25:45])
    for r in rows[45:]:
        alice_tasks.create(
            TaskDraft(
                id=r["id"],
                title=r["title"],
                description=r["description"],
                priority=Priority(r["priority"]),
                due_date=r["due_date"],
                completed=r["completed"],
            )
        )
    # Touch some so updated_at differs from created_at, and some completions flip.
    for r in rows[::6]:
        alice_tasks.update(r["id"], TaskChanges(description=f"edited {r['title']}"))
    alice_tasks.set_completed([r["id"] for r in rows[1:12:3]], True)
    stored = [alice_tasks.get(r["id"]) for r in rows]
    assert len({t.created_at for t in stored}) < 20, "bulk rows should share created_at"
    assert sum(t.due_date is None for t in stored) > 10
    return stored


def _sorted_keys(tasks, sort: SortKey) -> tuple[list[object], list[object]]:
    """The documented order's sort values, computed in Python (ties may fall either way)."""
    key, newest_first = {
        # Undated last, in the order they were made.
        SortKey.DUE: (lambda t: (t.due_date is None, t.due_date or t.created_at), False),
        SortKey.PRIORITY: (lambda t: (t.priority.rank, t.created_at), True),
        SortKey.CREATED: (lambda t: t.created_at, True),
        SortKey.UPDATED: (lambda t: t.updated_at, True),
        SortKey.TITLE: (lambda t: title_key(t.title), False),
    }[sort]
    return [key(t) for t in tasks], sorted((key(t) for t in tasks), reverse=newest_first)


def _in_status(tasks: list[Task], status: Status) -> list[Task]:
    if status is Status.ALL:
        return list(tasks)
    return [t for t in tasks if t.completed == (status is Status.COMPLETED)]


def walk(repo, query: TaskQuery) -> list[Task]:
    out: list[Task] = []
    page = repo.list(query)
    out.extend(page.tasks)
    while page.next_cursor is not None:
        assert len(page.tasks) == query.limit, "only the last page may be short"
        page = repo.list(replace(query, after=page.next_cursor))
        assert page.tasks, "a cursor was handed out although nothing followed"
        out.extend(page.tasks)
        assert len(out) < 1000, "paging does not end"
    return out


def ids(tasks) -> list[uuid.UUID]:
    return [t.id for t in tasks]


# -- filters -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_status_filter(alice_tasks, many, status):
    got = alice_tasks.list(TaskQuery(status=status, limit=1000))
    assert sorted(ids(got.tasks)) == sorted(ids(_in_status(many, status)))
    assert got.next_cursor is None


def test_priority_sets(alice_tasks, many):
    for chosen in ({Priority.URGENT}, {Priority.HIGH, Priority.LOW}, set(Priority)):
        got = alice_tasks.list(TaskQuery(status=Status.ALL, priorities=frozenset(chosen), limit=1000))
        assert sorted(ids(got.tasks)) == sorted(t.id for t in many if t.priority in chosen)


def test_due_window_after_inclusive_before_exclusive(alice_tasks, many):
    lo, hi = T0, T0 + timedelta(days=1)
    cases = [
        (TaskQuery(status=Status.ALL, due_after=lo, limit=1000), lambda d: d >= lo),
        (TaskQuery(status=Status.ALL, due_before=lo, limit=1000), lambda d: d < lo),
        (TaskQuery(status=Status.ALL, due_after=lo, due_before=hi, limit=1000), lambda d: lo <= d < hi),
    ]
    for query, pred in cases:
        want = sorted(t.id for t in many if t.due_date is not None and pred(t.due_date))
        assert want, "the fixture should exercise this window"
        assert sorted(ids(alice_tasks.list(query).tasks)) == want


def test_overdue_only_open_tasks_strictly_before_now(alice_tasks, many):
    got = alice_tasks.list(query_for(SmartList.OVERDUE, T0, UTC, TaskQuery(limit=1000)))
    want = [t for t in many if t.is_overdue(T0)]
    assert want
    assert sorted(ids(got.tasks)) == sorted(ids(want))
    assert all(t.due_date != T0 for t in got.tasks), "due exactly now is not yet overdue"


@pytest.mark.parametrize(
    ("zone", "now", "day_start", "day_end"),
    [
        # Spring forward: a 23-hour local day (CET +1 -> CEST +2).
        (
            BERLIN,
            datetime(2026, 3, 29, 12, tzinfo=BERLIN),
            datetime(2026, 3, 28, 23, tzinfo=UTC),
            datetime(2026, 3, 29, 22, tzinfo=UTC),
        ),
        # Just after local midnight but still the day before in UTC.
        (
            BERLIN,
            datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
            datetime(2026, 3, 28, 23, tzinfo=UTC),
            datetime(2026, 3, 29, 22, tzinfo=UTC),
        ),
        # Fall back: a 25-hour local day (EDT -4 -> EST -5).
        (
            NEW_YORK,
            datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
            datetime(2026, 11, 1, 4, tzinfo=UTC),
            datetime(2026, 11, 2, 5, tzinfo=UTC),
        ),
    ],
)
def test_today_and_upcoming_follow_local_days_across_dst(alice_tasks, zone, now, day_start, day_end):
    us = timedelta(microseconds=1)
    week_end = datetime.combine(
        (day_end.astimezone(zone) + timedelta(days=7)).date(), datetime.min.time(), tzinfo=zone
    ).astimezone(UTC)
    due = {
        "before": day_start - us,
        "start": day_start,
        "end-1us": day_end - us,
        "tomorrow": day_end,
        "week-1us": week_end - us,
        "week": week_end,
    }
    made = {name: alice_tasks.create(TaskDraft(title=name, due_date=d)) for name, d in due.items()}
    done = alice_tasks.create(TaskDraft(title="done today", due_date=day_start, completed=True))

    today = alice_tasks.list(query_for(SmartList.TODAY, now, zone, TaskQuery(limit=100))).tasks
    upcoming = alice_tasks.list(query_for(SmartList.UPCOMING, now, zone, TaskQuery(limit=100))).tasks
    assert {t.title for t in today} == {"start", "end-1us"}
    assert {t.title for t in upcoming} == {"tomorrow", "week-1us"}
    assert done.id not in ids(today)
    counts = alice_tasks.counts(now, zone)
    assert counts[SmartList.TODAY] == 2
    assert counts[SmartList.UPCOMING] == 2
    assert made["week"].id not in ids(upcoming)


@pytest.fixture
def texts(alice_tasks) -> dict[str, Task]:
    titles = {
        "pct": ("Reach 100% coverage", None),
        "pct-no": ("Reach 100 percent", None),
        "under": ("rename snake_case vars", None),
        "under-no": ("rename snakeXcase vars", None),
        "bs": (r"fix C:\temp path", None),
        "bs-no": ("fix C:temp path", None),
        "milk": ("Buy MILK", None),
        "desc": ("Groceries", "remember the oat milk"),
        "uni": ("Café ☕ with Zoë", None),
    }
    return {k: alice_tasks.create(TaskDraft(title=t, description=d)) for k, (t, d) in titles.items()}


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("%", {"pct"}),
        ("100%", {"pct"}),
        ("_", {"under"}),
        ("e_c", {"under"}),
        ("\\", {"bs"}),
        (":\\t", {"bs"}),
        ("milk", {"milk", "desc"}),
        ("  MiLk  ", {"milk", "desc"}),
        ("OAT", {"desc"}),
        ("☕", {"uni"}),
        ("zoë", {"uni"}),
        ("%%", set()),
        ("nothing", set()),
    ],
)
def test_text_contains_is_literal_and_case_insensitive(alice_tasks, texts, needle, expected):
    got = alice_tasks.list(TaskQuery(status=Status.ALL, text=needle, limit=100)).tasks
    assert set(ids(got)) == {texts[k].id for k in expected}


@pytest.mark.parametrize("needle", ["a\x00b", "x" * 201, "\ud800"])
def test_bad_search_text_is_a_validation_error(alice_tasks, needle):
    with pytest.raises(ValidationError) as info:
        alice_tasks.list(TaskQuery(text=needle))
    assert info.value.message.endswith(".")
    assert "\n" not in info.value.message


# -- orders and keyset pages -------------------------------------------------------------


@pytest.mark.parametrize("sort", list(SortKey))
def test_each_sort_order_matches_python(alice_tasks, many, sort):
    for status in Status:
        got = alice_tasks.list(TaskQuery(status=status, sort=sort, limit=1000)).tasks
        want = _in_status(many, status)
        assert sorted(ids(got)) == sorted(ids(want))
        listed, expected = _sorted_keys(got, sort)
        assert listed == _sorted_keys(want, sort)[1] == expected, (sort, status)


def test_sort_examples_a_person_expects(alice_tasks):
    make = alice_tasks.create
    b = make(TaskDraft(title="banana", priority=Priority.LOW, due_date=T0 + timedelta(days=2)))
    a = make(TaskDraft(title="Apple", priority=Priority.URGENT))
    c = make(TaskDraft(title="cherry", priority=Priority.URGENT, due_date=T0))
    d = make(TaskDraft(title="Date", priority=Priority.MEDIUM, due_date=T0 + timedelta(days=1)))
    alice_tasks.update(b.id, TaskChanges(description="touched"))

    def order(sort: SortKey) -> list[str]:
        return [t.title for t in alice_tasks.list(TaskQuery(sort=sort)).tasks]

    assert order(SortKey.DUE) == ["cherry", "Date", "banana", "Apple"]
    assert order(SortKey.PRIORITY) == ["cherry", "Apple", "Date", "banana"]
    assert order(SortKey.CREATED) == ["Date", "cherry", "Apple", "banana"]
    assert order(SortKey.UPDATED) == ["banana", "Date", "cherry", "Apple"]
    assert order(SortKey.TITLE) == ["Apple", "banana", "cherry", "Date"]
    assert {a.id, c.id, d.id} <= set(ids(alice_tasks.list(TaskQuery()).tasks))


@pytest.mark.parametrize("sort", list(SortKey))
def test_keyset_pages_cover_the_full_list_exactly(alice_tasks, many, sort):
    for status in Status:
        full = alice_tasks.list(TaskQuery(status=status, sort=sort, limit=1000)).tasks
        for limit in (7, 5, 1) if status is Status.OPEN else (7, 5):
            walked = walk(alice_tasks, TaskQuery(status=status, sort=sort, limit=limit))
            assert ids(walked) == ids(full), (sort, status, limit)
        assert len(set(ids(full))) == len(full) == len(_in_status(many, status))


def test_keyset_pages_with_a_filter_and_text(alice_tasks, many):
    query = TaskQuery(
        status=Status.ALL,
        text="APPLE",
        priorities=frozenset({Priority.LOW, Priority.HIGH}),
        sort=SortKey.DUE,
        limit=3,
    )
    walked = walk(alice_tasks, query)
    want = [t for t in many if "apple" in t.title.lower() and t.priority in (Priority.LOW, Priority.HIGH)]
    assert want
    assert sorted(ids(walked)) == sorted(ids(want))
    assert len(set(ids(walked))) == len(walked)


@pytest.mark.parametrize("sort", list(SortKey))
def test_insert_between_page_fetches_causes_no_duplicates(alice_tasks, many, sort):
    query = TaskQuery(status=Status.OPEN, sort=sort, limit=7)
    first = alice_tasks.list(query)
    seen = list(ids(first.tasks))
    extra = [
        alice_tasks.create(
            TaskDraft(title="aaa first", priority=Priority.URGENT, due_date=T0 - timedelta(days=9))
        ),
        alice_tasks.create(TaskDraft(title="zzz last", priority=Priority.LOW)),
    ]
    page = first
    while page.next_cursor is not None:
        page = alice_tasks.list(replace(query, after=page.next_cursor))
        seen.extend(ids(page.tasks))
        if len(seen) == 14:
            extra.append(alice_tasks.create(TaskDraft(title="mid", due_date=T0)))
    assert len(seen) == len(set(seen)), "a task appeared twice"
    assert {t.id for t in _in_status(many, Status.OPEN)} <= set(seen), "an existing task was skipped"
    assert set(seen) <= {t.id for t in _in_status(many, Status.OPEN)} | set(ids(extra))


# -- counts and isolation ----------------------------------------------------------------


@pytest.mark.parametrize(("now", "zone"), [(T0, BERLIN), (datetime(2026, 11, 1, 3, tzinfo=UTC), NEW_YORK)])
def test_each_count_equals_its_list(alice_tasks, many, now, zone):
    counts = alice_tasks.counts(now, zone)
    assert set(counts.counts) == set(SmartList)
    for smart in SmartList:
        listed = walk(alice_tasks, query_for(smart, now, zone, TaskQuery(limit=50)))
        assert counts[smart] == len(listed), smart
    if zone is BERLIN:
        assert min(counts[s] for s in (SmartList.TODAY, SmartList.UPCOMING, SmartList.OVERDUE)) > 0
    assert counts[SmartList.INBOX] == len(_in_status(many, Status.OPEN))
    assert counts[SmartList.COMPLETED] == len(_in_status(many, Status.COMPLETED))


def test_bob_never_sees_alices_tasks(alice_tasks, bob_tasks, many):
    mine = bob_tasks.create(TaskDraft(title="apple of bob", due_date=T0))
    for status in Status:
        for sort in SortKey:
            assert ids(walk(bob_tasks, TaskQuery(status=status, sort=sort, limit=7))) in ([], [mine.id])
    got = bob_tasks.list(TaskQuery(status=Status.ALL, text="apple", limit=1000)).tasks
    assert ids(got) == [mine.id]
    counts = bob_tasks.counts(T0, BERLIN)
    assert counts[SmartList.INBOX] == 1
    assert counts[SmartList.COMPLETED] == 0
    assert counts[SmartList.PRIORITY_MEDIUM] == 1
    assert counts[SmartList.PRIORITY_URGENT] == 0
    assert mine.id not in ids(alice_tasks.list(TaskQuery(status=Status.ALL, limit=1000)).tasks)


def test_a_cursor_from_alices_list_shows_bob_nothing_of_hers(alice_tasks, bob_tasks, many):
    page = alice_tasks.list(TaskQuery(status=Status.ALL, limit=7))
    assert page.next_cursor is not None
    assert bob_tasks.list(TaskQuery(status=Status.ALL, limit=7, after=page.next_cursor)).tasks == ()


def test_undated_tasks_come_in_the_order_they_were_made_on_every_page(alice_tasks, test_db):
    """Not by their random ids: a new task must not jump in between older ones after a
    refresh, and two devices must show the same order."""
    made = []
    for n in range(12):
        made.append(alice_tasks.create(TaskDraft(f"undated {n}")))
    alice_tasks.create(TaskDraft("dated", due_date=T0))
    seen = walk(alice_tasks, TaskQuery(limit=5))
    assert [t.title for t in seen] == ["dated", *(t.title for t in made)]


def test_titles_sort_without_regard_to_accents_or_case_on_every_server(alice_tasks):
    """The server's collation decides nothing: "Äpfel" sorts with the A's (by the app's own
    key, compared byte by byte), where a C.UTF-8 server put it after "Zebra"."""
    for title in ("Zebra", "Äpfel", "apricot", "École", "eagle", "Straße", "strasse plan", "Ølbrød"):
        alice_tasks.create(TaskDraft(title))
    seen = [t.title for t in walk(alice_tasks, TaskQuery(sort=SortKey.TITLE, limit=3))]
    assert seen == ["Äpfel", "apricot", "eagle", "École", "Straße", "strasse plan", "Zebra", "Ølbrød"]
