"""What revisions 0020 to 0028 added (the counters' trigger, the functions' own settings, the
search's pieces, open lists, typing and apostrophes, the import's lookup) and the calls around
them (export, reminders, tags), tried from the attacker's side: a client role with an account
of its own and hand-written SQL. Another person's rows, counts and words must neither come back
nor change, nor cost a call anything that could tell them apart from rows nobody has; a call
must not wait on another person's locked row; and every function a client can run must be the
API's, or run with the client's own (table-less) rights.

Waiting on another person's locked rows, the export and the import are in
test_newer_call_attacks.py; the plans inside a function and what one account could store
beyond its quotas in test_plan_and_flood_attacks.py."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import errors as pg
from psycopg.types.json import Json

from tests.support.attack_helpers import as_session, attacker, blocks_read
from todo_desktop.core.values import Priority, TaskChanges, TaskDraft

DUE = datetime(2031, 5, 4, 9, tzinfo=UTC)
PAST = datetime(2026, 1, 1, 9, tzinfo=UTC)
# create_task: id, title, title key, notes, priority, due, completed, tag names, tag keys,
# repeat rule, repeat after completion.
CREATE = (
    "SELECT count(*) FROM generate_series(1, %(n)s) AS i, LATERAL todo_api.create_task(gen_random_uuid(), "
)
CREATE_TAIL = ", %(due)s, %(done)s, NULL, NULL, NULL, NULL)"
# tasks_page: sort, completed, priorities, due after, due before, overdue at, pattern, due part,
# after id, after time, after rank, after text, limit, tag key, search, offset.
PAGE = (
    "todo_api.tasks_page(%(sort)s, %(done)s, NULL, NULL, NULL, NULL, %(pattern)s, NULL, NULL, NULL, NULL, "
    "NULL, 1000, NULL, %(search)s, NULL)"
)


def make(test_db, token: str, count: int, title: str, notes: str | None = None, **row: object) -> None:
    """``count`` tasks of one person, made through the API in one statement: ``title`` and
    ``notes`` with ``{i}`` for the task's number."""
    with attacker(test_db.client_url) as c:
        as_session(c, token)
        c.execute(
            CREATE + "replace(%(title)s, '{i}', i::text), lower(replace(%(title)s, '{i}', i::text)), "
            "replace(%(notes)s, '{i}', i::text), 'low'" + CREATE_TAIL,
            {
                "n": count,
                "title": title,
                "notes": notes,
                "due": row.get("due"),
                "done": row.get("done", False),
            },
        )
        c.commit()


def called(conn: psycopg.Connection, token: str, statement: str, args: object = ()) -> list[tuple]:
    """What one call answers, rolled back: what the caller learns, and nothing written."""
    as_session(conn, token)
    try:
        return conn.execute(statement, args).fetchall()
    finally:
        conn.rollback()


# -- the counters (revision 0020) ----------------------------------------------------------------

COUNTERS = (
    "SELECT open_tasks, completed_tasks, open_low, open_medium, open_high, open_urgent, text_bytes "
    "FROM public.task_counts WHERE user_id = %(me)s"
)
RECOUNT = (
    "SELECT count(*) FILTER (WHERE NOT completed), count(*) FILTER (WHERE completed), "
    "count(*) FILTER (WHERE NOT completed AND priority = 'low'), "
    "count(*) FILTER (WHERE NOT completed AND priority = 'medium'), "
    "count(*) FILTER (WHERE NOT completed AND priority = 'high'), "
    "count(*) FILTER (WHERE NOT completed AND priority = 'urgent'), "
    "coalesce(sum(public.todo_text_bytes(title, description, tags)), 0) "
    "FROM public.tasks WHERE user_id = %(me)s"
)
DUE_DAYS = (
    "SELECT due_day, open_count FROM public.task_due_days "
    "WHERE user_id = %(me)s AND open_count <> 0 ORDER BY 1"
)
RECOUNT_DUE_DAYS = (
    "SELECT (due_date AT TIME ZONE 'UTC')::date, count(*) FROM public.tasks "
    "WHERE user_id = %(me)s AND NOT completed AND due_date IS NOT NULL GROUP BY 1 ORDER BY 1"
)
TAG_COUNTS = "SELECT name, open_count FROM public.tags WHERE user_id = %(me)s ORDER BY 1"
RECOUNT_TAGS = (
    "SELECT g.name, (SELECT count(*) FROM public.task_tags x WHERE x.tag_id = g.id AND NOT x.completed) "
    "FROM public.tags g WHERE g.user_id = %(me)s ORDER BY 1"
)


def _counters(test_db, person) -> dict[str, list[tuple]]:
    with test_db.superuser() as su:
        return {
            q: su.execute(q, {"me": person.account.id}).fetchall()
            for q in (COUNTERS, RECOUNT, DUE_DAYS, RECOUNT_DUE_DAYS, TAG_COUNTS, RECOUNT_TAGS)
        }


def test_hostile_writes_neither_drive_the_counters_off_nor_touch_anothers(
    test_db, conn, alice, bob, alice_tasks, bob_tasks
):
    """The quota trusts the counters: were Alice able to drive hers below what she stores, she
    could store past her limit, and were Bob's counted by her writes, she could lock him out.
    Every write path, fed Bob's ids, duplicates and refused values, leaves her counters equal
    to a recount and Bob's as they were. (Relies on the statement-level counters' trigger of
    revision 0020 counting exactly the rows each statement changed.)"""
    bobs = bob_tasks.create(TaskDraft(title="Bob's", due_date=DUE, priority=Priority.URGENT, tags=("Home",)))
    before_bob = _counters(test_db, bob)
    mine = [
        alice_tasks.create(TaskDraft(title=f"mine {i}", due_date=DUE + timedelta(days=i), tags=("home", "x")))
        for i in range(4)
    ]
    # An import naming Bob's task and two new ones, one done and dated.
    document = [
        {"id": str(bobs.id), "title": "pwned " * 40, "title_key": "pwned", "priority": "urgent",
         "done": False},
        {"id": str(uuid.uuid4()), "title": "new", "title_key": "new", "priority": "high", "done": False,
         "due": DUE.isoformat()},
        {"id": str(uuid.uuid4()), "title": "done", "title_key": "done", "priority": "low", "done": True,
         "due": DUE.isoformat(), "tags": ["home"], "tag_keys": ["home"]},
    ]  # fmt: skip
    assert called(conn, alice.token, "SELECT added FROM todo_api.import_tasks(%s)", (Json(document),)) == [
        (2,)
    ]
    as_session(conn, alice.token)
    conn.execute("SELECT * FROM todo_api.import_tasks(%s)", (Json(document),)).fetchall()
    conn.commit()
    # Edits: done, undone, priority, date, longer and shorter text, tags.
    alice_tasks.update(mine[0].id, TaskChanges(completed=True))
    alice_tasks.update(mine[1].id, TaskChanges(priority=Priority.URGENT, due_date=None, title="x" * 200))
    alice_tasks.update(mine[1].id, TaskChanges(title="short", tags=("home",)))
    alice_tasks.update(mine[0].id, TaskChanges(completed=False, description="notes " * 50))
    # A batch refused half way (one bad priority) rolls back with its counts.
    as_session(conn, alice.token)
    with pytest.raises(pg.CheckViolation):
        conn.execute(
            "SELECT * FROM todo_api.update_tasks(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            ([mine[2].id, mine[3].id], [None] * 2, [4, 4], [None] * 2, [None] * 2, [None] * 2,
             ["urgent", "nope"], [None] * 2, [None] * 2),
        )  # fmt: skip
    conn.rollback()
    # Tags: merge x into home, give it back to her tasks and Bob's, delete it again.
    alice_tasks.rename_tag("x", "home")
    as_session(conn, alice.token)
    conn.execute(
        "SELECT todo_api.restore_tag('x', 'x', %s)", ([mine[2].id, mine[2].id, bobs.id, mine[3].id],)
    ).fetchall()
    conn.commit()
    alice_tasks.delete_tag("x")
    # Deletions, including Bob's id, and an undo that names his id again.
    alice_tasks.delete([mine[3].id, bobs.id])
    alice_tasks.restore_many([mine[3], bobs])
    alice_tasks.delete([mine[2].id])
    after = _counters(test_db, alice)
    assert after[COUNTERS] == after[RECOUNT] and after[COUNTERS][0][0] > 0
    assert after[DUE_DAYS] == after[RECOUNT_DUE_DAYS] and after[DUE_DAYS]
    assert after[TAG_COUNTS] == after[RECOUNT_TAGS]
    assert _counters(test_db, bob) == before_bob
    assert bob_tasks.get(bobs.id) == bobs


# -- what a client can run -----------------------------------------------------------------------

CLIENT_CALLABLE = """
SELECT n.nspname, n.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')',
       p.prosecdef, r.rolname, p.proconfig
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_roles r ON r.oid = p.proowner
 WHERE has_function_privilege('todo_app', p.oid, 'EXECUTE')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
"""
# Callable, run with the caller's rights, and harmless: the two tell a caller only of itself,
# and the counting helper reads tables no client may read (revision 0003 granted it to PUBLIC).
INVOKERS = {"todo_api.signed_in_user()", "todo_api.check_batch(integer)"}
PUBLIC_INVOKERS = {"public.todo_count_open_due(uuid, timestamp with time zone, timestamp with time zone)"}


def test_every_function_a_client_can_run_is_the_apis_or_has_the_callers_rights(test_db, conn, bob, bob_tasks):
    """Any function a client may execute with its owner's rights is an entry point: it must be
    in the API's schemas, owned by the roles that own them, with search_path pinned. Anything
    else runs with the client's rights, which reach no table: counting Bob's due tasks by his
    id is refused."""
    bob_tasks.create(TaskDraft(title="Bob's", due_date=DUE))
    with test_db.superuser() as su:
        rows = su.execute(CLIENT_CALLABLE).fetchall()
    assert rows
    invokers = set()
    for schema, signature, definer, owner, settings in rows:
        if definer:
            assert schema in {"todo_api", "todo_auth"}, signature
            assert owner == "todo_api_owner" or (schema == "todo_auth" and owner == test_db.roles.owner), (
                signature
            )
            assert any(re.match(r"search_path=pg_catalog, ?pg_temp$", s) for s in settings or ()), signature
        else:
            invokers.add(signature)
    assert invokers <= INVOKERS | PUBLIC_INVOKERS
    for signature in invokers & PUBLIC_INVOKERS:
        name = signature.split("(")[0]
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(f"SELECT {name}(%s, NULL, 'infinity')", (bob.account.id,))
        conn.rollback()


@pytest.mark.parametrize(
    "call",
    [
        "todo_api.import_tasks('[]'::json)",
        "todo_api.my_tasks(NULL, NULL, NULL, 100)",
        "todo_api.my_data()",
        "todo_api.task_counts(now(), now(), now() + interval '1 day', now() + interval '7 days')",
        "todo_api.claim_due_reminders(100, gen_random_uuid())",
        "todo_api.restore_tag('x', 'x', ARRAY[gen_random_uuid()])",
        "todo_api.get_tasks(ARRAY[gen_random_uuid()])",
        "todo_api.tasks_page('relevance', false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
        "50, NULL, 'don''t or lawyer', NULL)",
    ],
)
def test_explain_analyze_of_a_newer_call_shows_no_table(conn, alice, bob_tasks, call):
    """EXPLAIN ANALYZE of a call is one Function Scan (or Result): no table, no rows removed.
    (Relies on every one being SECURITY DEFINER, which PostgreSQL never inlines: an SQL
    function that was not would show its tables and filters.)"""
    bob_tasks.create(TaskDraft(title="lawyer don't", tags=("x",)))
    plan = "\n".join(
        r[0] for r in called(conn, alice.token, "EXPLAIN (ANALYZE, VERBOSE) SELECT * FROM " + call)
    )
    assert "public." not in plan and "todo_auth." not in plan and "Removed" not in plan, plan
    assert "Function Scan" in plan or "Result" in plan, plan


# -- search: pieces, open lists, typing, apostrophes (revisions 0022 to 0028) ---------------------

SEARCHES = [
    "lawyer",
    "divorce",
    "don't",
    "don’t",
    "dont",
    "'",
    "’",
    "＇",
    "lawyer's",
    "lawyerʼs",
    "or",
    "or lawyer",
    "lawyer or",
    "don't or divorce",
    '"don’t tell"',
    "-nothing lawyer",
    "%'",
    "_’_",
    "\\'",
    "law",
]


@pytest.fixture
def bobs_words(test_db, bob) -> set[uuid.UUID]:
    """Bob's tasks with every kind of apostrophe, open and done, and one with notes over 4,000
    characters (indexed by one marker piece that makes it a candidate of every search of his)."""
    make(test_db, bob.token, 3, "Don’t tell: divorce lawyer {i}", "the lawyer's fee")
    make(test_db, bob.token, 3, "don't forget the lawyerʼs bill {i}", "divorce", done=True)
    make(test_db, bob.token, 1, "long {i}", "divorce lawyer don't " + "padding words " * 400)
    with test_db.superuser() as su:
        rows = su.execute("SELECT id FROM public.tasks WHERE user_id = %s", (bob.account.id,)).fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def alices_words(test_db, alice) -> set[uuid.UUID]:
    make(test_db, alice.token, 2, "don't panic, lawyer's office {i}")
    make(test_db, alice.token, 1, "Don’t forget {i}", done=True)
    make(test_db, alice.token, 1, "long {i}", "padding words " * 400)
    with test_db.superuser() as su:
        rows = su.execute("SELECT id FROM public.tasks WHERE user_id = %s", (alice.account.id,)).fetchall()
    return {r[0] for r in rows}


@pytest.mark.parametrize("done", [None, False, True], ids=["all", "open", "done"])
def test_no_search_of_any_list_brings_back_another_persons_task(
    conn, alice, bob, bobs_words, alices_words, done
):
    """Whatever is typed (apostrophes of every kind, a half-typed "or", LIKE's own signs) and
    whichever list is searched (the open list reads the open tasks' own indexes), only the
    caller's tasks come back, Bob's long note's marker included. (Relies on the owner filter
    of every search statement and on each person's own tag on every index key.)"""
    found_mine = set()
    for text in SEARCHES:
        for sort in ("created", "relevance"):
            args = {"sort": sort, "done": done, "pattern": None, "search": text}
            found = {r[0] for r in called(conn, alice.token, "SELECT id FROM " + PAGE, args)}
            assert found <= alices_words and not found & bobs_words, (text, sort)
            found_mine |= found
        pattern = {"sort": "created", "done": done, "pattern": f"%{text}%", "search": None}
        found = {r[0] for r in called(conn, alice.token, "SELECT id FROM " + PAGE, pattern)}
        assert not found & bobs_words, text
    assert found_mine  # the searches do find: hers
    # And the same searches find Bob's tasks for Bob: they are there to be found.
    found_his = set()
    for text in SEARCHES:
        args = {"sort": "created", "done": done, "pattern": None, "search": text}
        found_his |= {r[0] for r in called(conn, bob.token, "SELECT id FROM " + PAGE, args)}
    assert found_his and found_his <= bobs_words
    assert len(found_his) == {None: 7, False: 4, True: 3}[done]


@pytest.mark.parametrize("done", [None, False], ids=["all", "open"])
def test_a_word_only_someone_else_has_costs_the_same_pages_as_one_nobody_has(test_db, alice, bob, done):
    """A call's buffer counts are what a client's EXPLAIN (ANALYZE, BUFFERS) shows of it. Bob has
    300 tasks saying "lawyer"; Alice none. Her search for it reads exactly as many pages as for
    "zebras" (as many pieces, in no one's tasks), so the count tells nothing of Bob's words.
    (Relies on each person's tag on every index key: untagged, "lawyer" would read Bob's 300
    entries and their rows.)"""
    make(test_db, bob.token, 300, "divorce lawyer {i}", "lawyer notes {i}")
    make(test_db, alice.token, 20, "groceries {i}")
    with test_db.superuser() as su:
        su.execute("VACUUM public.tasks")  # the indexes' pending lists emptied: the same for both
    with attacker(test_db.client_url) as c:
        for sort in ("created", "relevance"):
            pages = {
                word: blocks_read(
                    c, alice.token, PAGE, {"sort": sort, "done": done, "pattern": None, "search": word}
                )
                for word in ("lawyer", "zebras")
            }
            assert pages["lawyer"] == pages["zebras"], (sort, pages)
    # The count would tell: with Bob's keys under Alice's tag (as a collision of tags would
    # make them), "lawyer" reads his entries and rows, and costs more than "zebras".
    with test_db.superuser() as su:
        su.execute(
            "UPDATE public.tasks SET search_grams = ARRAY(SELECT replace(g, %(his)s, %(hers)s) "
            "FROM unnest(search_grams) AS g), "
            "search_words = replace(search_words::text, %(his)s, %(hers)s)::tsvector "
            "WHERE user_id = %(bob)s",
            {"his": str(bob.account.id)[:8], "hers": str(alice.account.id)[:8], "bob": bob.account.id},
        )
        su.execute("VACUUM public.tasks")
    with attacker(test_db.client_url) as c:
        args = {"sort": "created", "done": done, "pattern": None}
        pages = {
            word: blocks_read(c, alice.token, PAGE, args | {"search": word}) for word in ("lawyer", "zebras")
        }
    assert pages["lawyer"] > pages["zebras"], pages
