"""todo_api.import_tasks from the attacker's side: a client role with an account of its own
and hand-written calls. An import answers with figures, never with rows; it never writes
to another person's task or tag, whatever ids and names it sends; and it goes in whole, or
not at all, under the account's quotas."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest
from psycopg.types.json import Json

from tests.support.attack_helpers import as_session
from todo_desktop.core.errors import TodoError
from todo_desktop.core.values import Priority, Task, TaskDraft, TaskQuery

IMPORT = "SELECT added, taken FROM todo_api.import_tasks(%s)"
MILLION = 1_000_000
# task_tags as the tasks' tags say it must be, and as it is (a superuser reads both).
EXPECTED_TAG_ROWS = (
    "SELECT t.id, g.id, t.user_id, t.completed, t.due_date, t.priority_rank, t.created_at, t.updated_at,"
    " t.title_key FROM public.tasks t CROSS JOIN unnest(t.tags) AS n(name)"
    " JOIN public.tags g ON g.user_id = t.user_id AND g.name = n.name WHERE t.user_id = %(me)s"
)
TAG_ROWS = (
    "SELECT x.task_id, x.tag_id, x.user_id, x.completed, x.due_date, x.priority_rank, x.created_at,"
    " x.updated_at, x.title_key FROM public.task_tags x WHERE x.user_id = %(me)s"
)


def batch(ids: list, titles: list[str], tags: list[list[str]] | None = None, **extra: object) -> Json:
    """An import_tasks document: one open task per id, with ``tags`` (names; keys folded)."""
    tags = tags or [[] for _ in ids]
    return Json(
        [
            {
                "id": None if i is None else str(i),
                "title": title,
                "title_key": title.lower(),
                "priority": "low",
                "done": False,
                "tags": names,
                "tag_keys": [n.lower() for n in names],
                **extra,
            }
            for i, title, names in zip(ids, titles, tags, strict=True)
        ]
    )


def call(conn, token: str, document: Json) -> tuple[int, list[uuid.UUID]]:
    as_session(conn, token)
    row = conn.execute(IMPORT, (document,)).fetchone()
    conn.commit()
    return row[0], row[1]


def refused(conn, token: str | None, document: object) -> psycopg.Error:
    as_session(conn, token)
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(IMPORT, (document,))
    conn.rollback()
    return caught.value


@pytest.fixture
def bobs(bob_tasks) -> Task:
    return bob_tasks.create(
        TaskDraft(title="Bob's secret plan", description="launch codes", tags=("Secret",))
    )


def test_an_import_naming_another_persons_task_changes_nothing_of_theirs(
    conn, alice, alice_tasks, bob_tasks, bobs
):
    """His id is not free: the answer says so (as a restore's does), and nothing of his is
    written or shown; an id nobody holds goes in."""
    stranger = uuid.uuid4()
    added, taken = call(conn, alice.token, batch([bobs.id, stranger], ["pwned", "mine"], [["Secret"], []]))
    assert (added, taken) == (1, [bobs.id])
    assert bob_tasks.get(bobs.id) == bobs
    assert [t.title for t in alice_tasks.list(TaskQuery()).tasks] == ["mine"]
    # Sent again, the same: nothing added twice, nothing of his touched.
    assert call(conn, alice.token, batch([bobs.id, stranger], ["pwned", "again"])) == (0, [bobs.id])
    assert alice_tasks.get(stranger).title == "mine" and bob_tasks.get(bobs.id) == bobs


def test_an_import_tags_with_the_importers_own_tags_only(conn, alice, alice_tasks, bob_tasks, bobs):
    """A tag name Bob has is a new tag of Alice's, never his tag on her task (nor her task
    counted under his tag)."""
    mine = uuid.uuid4()
    assert call(conn, alice.token, batch([mine], ["Tagged"], [["secret", "SECRET", "home"]])) == (1, [])
    # A key named twice is kept once, as first spelled.
    assert alice_tasks.get(mine).tags == ("secret", "home")
    assert {(t.name, t.open_count) for t in alice_tasks.tags()} == {("secret", 1), ("home", 1)}
    assert [(t.name, t.open_count) for t in bob_tasks.tags()] == [("Secret", 1)]
    assert [t.id for t in bob_tasks.list(TaskQuery(tag="Secret")).tasks] == [bobs.id]
    assert [t.id for t in alice_tasks.list(TaskQuery(tag="secret")).tasks] == [mine]


def test_tags_that_do_not_pair_with_their_keys_are_refused_and_write_nothing(conn, alice, alice_tasks):
    ids = [uuid.uuid4(), uuid.uuid4()]
    document = batch(ids, ["a", "b"], [["x"], ["y"]])
    document.obj[1]["tag_keys"] = ["y", "z"]  # a key without a name
    assert refused(conn, alice.token, document).sqlstate == "TDV02"
    document.obj[1]["tag_keys"] = []  # a name without a key
    assert refused(conn, alice.token, document).sqlstate == "TDV02"
    assert call(conn, alice.token, batch([ids[0]], ["a"], [["x"]])) == (1, [])
    document = batch([ids[1]], ["b"], [["x"]])
    document.obj[0]["tag_keys"] = ["notx"]  # her tag's name under a key that is not its own
    assert refused(conn, alice.token, document).sqlstate == "TDV01"
    assert [t.title for t in alice_tasks.list(TaskQuery()).tasks] == ["a"]
    assert [(t.name, t.open_count) for t in alice_tasks.tags()] == [("x", 1)]


@pytest.mark.parametrize(
    ("document", "sqlstate"),
    [
        ({"id": str(uuid.uuid4()), "title": "an object, not an array", "done": False}, "22023"),
        ("not json at all", "22P02"),
        ([{"title": "no id", "title_key": "no id", "priority": "low", "done": False}], "22004"),
        ([{"id": "not a uuid", "title": "t", "title_key": "t", "priority": "low", "done": False}], "22P02"),
        (
            [{"id": str(uuid.uuid4()), "title": "t", "title_key": "t", "priority": "urgent!", "done": False}],
            "23514",
        ),
        (
            [{"id": str(uuid.uuid4()), "title": "t", "title_key": "t", "priority": "low", "done": "maybe"}],
            "22P02",
        ),
        ([{"id": str(uuid.uuid4()), "title": "t", "title_key": "t", "priority": "low"}], "23502"),
        (
            [
                {
                    "id": str(uuid.uuid4()),
                    "title": "t",
                    "title_key": "t",
                    "priority": "low",
                    "done": False,
                    "due": "the day after never",
                }
            ],
            "22007",
        ),
    ],
    ids=["object", "text", "no-id", "bad-id", "bad-priority", "bad-done", "no-done", "bad-due"],
)
def test_malformed_documents_are_refused_and_write_nothing(conn, alice, alice_tasks, document, sqlstate):
    value = document if isinstance(document, str) else Json(document)
    if isinstance(document, str):
        as_session(conn, alice.token)
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("SELECT * FROM todo_api.import_tasks(%s::json)", (value,))
        conn.rollback()
        error = caught.value
    else:
        error = refused(conn, alice.token, value)
    assert error.sqlstate == sqlstate, error
    assert alice_tasks.list(TaskQuery()).tasks == ()


def test_one_task_twice_in_a_batch_is_refused(conn, alice, alice_tasks):
    same = uuid.uuid4()
    assert refused(conn, alice.token, batch([same, same], ["one", "two"])).sqlstate == "21000"
    assert alice_tasks.list(TaskQuery()).tasks == ()


def test_a_million_tasks_are_refused_at_once_with_the_limit(conn, alice):
    """Counted before a value is read: no slower than reading the argument."""
    one = f'{{"id":"{uuid.uuid4()}","title":"t","title_key":"t","priority":"low","done":false}}'
    document = "[" + ",".join([one] * MILLION) + "]"
    as_session(conn, alice.token)
    started = time.monotonic()
    conn.execute("SELECT json_typeof(%s::json)", (document,)).fetchone()
    reading = time.monotonic() - started
    started = time.monotonic()
    with pytest.raises(psycopg.Error) as caught:
        conn.execute("SELECT * FROM todo_api.import_tasks(%s::json)", (document,))
    took = time.monotonic() - started
    conn.rollback()
    assert caught.value.sqlstate == "TDQ04"
    assert caught.value.diag.message_primary == "at most 10000 tasks at once"
    assert took < 2 * reading + 1.0, f"{took:.2f} s to refuse, {reading:.2f} s to read the argument"


def test_the_rows_function_behind_the_import_is_not_the_clients(test_db, conn, alice):
    """import_rows takes the person's id as an argument: a client that could call it would
    import into anyone's account."""
    with test_db.superuser() as su:
        granted = su.execute(
            "SELECT has_function_privilege('todo_app', p.oid, 'EXECUTE'), r.rolname FROM pg_proc p "
            "JOIN pg_roles r ON r.oid = p.proowner WHERE p.proname = 'import_rows'"
        ).fetchall()
    assert granted == [(False, "todo_api_owner")]
    as_session(conn, alice.token)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "SELECT * FROM todo_api.import_rows(%s, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', "
            "'{}', '{}', '{}', '{}', '{}')",
            (alice.account.id,),
        )
    conn.rollback()


def test_an_import_over_the_task_limit_goes_in_whole_or_not_at_all(test_db, conn, alice, alice_tasks):
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.settings SET max_tasks_per_user = 5")
    alice_tasks.create(TaskDraft(title="already there"))
    ids = [uuid.uuid4() for _ in range(5)]
    assert refused(conn, alice.token, batch(ids, [f"t{i}" for i in range(5)])).sqlstate == "TDQ01"
    assert [t.title for t in alice_tasks.list(TaskQuery()).tasks] == ["already there"]
    assert call(conn, alice.token, batch(ids[:4], [f"t{i}" for i in range(4)])) == (4, [])


def test_an_imported_task_has_its_task_tags_rows_with_its_sort_keys(test_db, conn, alice):
    """task_tags (what a tag's list pages through) is made for a whole import at once: one
    row per tag of each task, carrying the task's own sort keys."""
    ids = [uuid.uuid4() for _ in range(30)]
    tags = [["home", "work"][: i % 3] for i in range(30)]
    assert call(conn, alice.token, batch(ids, [f"Task {i}" for i in range(30)], tags)) == (30, [])
    with test_db.superuser() as su:
        differ = su.execute(EXPECTED_TAG_ROWS + " EXCEPT " + TAG_ROWS, {"me": alice.account.id}).fetchall()
        extra = su.execute(TAG_ROWS + " EXCEPT " + EXPECTED_TAG_ROWS, {"me": alice.account.id}).fetchall()
        made = su.execute(
            "SELECT count(*) FROM public.task_tags WHERE user_id = %s", (alice.account.id,)
        ).fetchone()
    assert (differ, extra, made[0]) == ([], [], 30)


def test_a_task_that_names_a_tag_the_owner_lacks_is_refused(test_db, alice, alice_tasks):
    """The task_tags trigger still checks every inserted task's names, though it now runs
    once per statement: a name the owner has no tag for (here written past the API, as a
    faulty function could) stops the whole insert."""
    with test_db.superuser() as su, pytest.raises(psycopg.Error) as caught:
        su.execute(
            "INSERT INTO public.tasks (id, user_id, title, tags) "
            "VALUES (%s, %s, 'ok', '{}'), (%s, %s, 'bad', %s)",
            (uuid.uuid4(), alice.account.id, uuid.uuid4(), alice.account.id, ["nobody's"]),
        )
    assert caught.value.sqlstate == "TDV01"
    assert alice_tasks.list(TaskQuery()).tasks == ()


def test_without_a_session_an_import_is_refused(conn):
    assert isinstance(refused(conn, None, batch([uuid.uuid4()], ["x"])), psycopg.errors.InsufficientPrivilege)


def test_the_repository_reports_the_same_figures(alice_tasks, bob_tasks, bobs):
    now = bobs.created_at
    snap = Task(bobs.id, "pwned", None, False, Priority.LOW, None, now, now)
    fresh = Task(uuid.uuid4(), "fresh", None, False, Priority.LOW, None, now, now)
    outcome = alice_tasks.import_many([snap, fresh])
    assert (outcome.added, outcome.taken) == (1, (bobs.id,))
    assert alice_tasks.import_many([fresh]).added == 0
    with pytest.raises(TodoError):  # checked as a new task is: a title of spaces is none
        alice_tasks.import_many([Task(uuid.uuid4(), " ", None, False, Priority.LOW, None, now, now)])
    assert bob_tasks.get(bobs.id) == bobs
