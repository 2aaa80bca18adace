"""Best match first reads its top tier from the titles' words, which the database keeps in
order beside the tasks: a ranked page stays what the tier rule says through every kind of
write (a title gaining or losing the word, a task deleted and brought back, imported, done),
a task's words go with it, and a database upgraded with tasks in it ranks them at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.blank_database import insert_users
from tests.support.database import PASSWORD
from tests.support.memory_tasks import make_task
from tests.support.search_order import best_first, walk
from todo_desktop.core.values import Status, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.schema import migrate
from todo_desktop.sync.transfer import prepare_search

WORD = "harbour"
PAGE = 4  # small, so a handful of title matches fills a page from the titles' words


def _expected(tasks, text: str) -> list[str]:
    everything = walk(tasks, TaskQuery(status=Status.ALL, limit=1000))
    return [t.title for t in best_first(everything, text.lower().split())]


def _ranked(tasks, text: str) -> list[str]:
    return [t.title for t in walk(tasks, TaskQuery(status=Status.ALL, text=text, ranked=True, limit=PAGE))]


def _same(tasks, text: str = WORD) -> None:
    expected = _expected(tasks, text)
    assert expected, text
    assert _ranked(tasks, text) == expected, text


def test_a_ranked_page_follows_every_write_to_the_titles(alice_tasks):
    made = [alice_tasks.create(TaskDraft(title=f"Sail to the {WORD} {i}")) for i in range(6)]
    noted = [
        alice_tasks.create(TaskDraft(title=f"Errand {i}", description=f"near the {WORD}")) for i in range(3)
    ]
    alice_tasks.create(TaskDraft(title="Nothing to see"))
    _same(alice_tasks)

    # The newest title match loses the word to its notes: it drops below every title match.
    alice_tasks.update(made[-1].id, TaskChanges(title="Sail away", description=f"from the {WORD}"))
    _same(alice_tasks)
    # A task with the word in its notes gains a word of the title that starts with it.
    alice_tasks.update(noted[0].id, TaskChanges(title=f"Errand at {WORD.capitalize()}side"))
    _same(alice_tasks)
    assert _ranked(alice_tasks, WORD)[0] == f"Errand at {WORD.capitalize()}side"
    # Deleted, it leaves the top; brought back, it comes back to its place by its creation.
    alice_tasks.delete([made[2].id])
    _same(alice_tasks)
    alice_tasks.restore_many([made[2]])
    _same(alice_tasks)
    alice_tasks.set_completed([made[1].id], True)
    _same(alice_tasks)
    # Imported (its keys made later, in the background): some older than every task here,
    # some newer, which head the first page.
    old, new = datetime(2020, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(days=1)
    alice_tasks.import_many(
        [make_task(f"Old {WORD} map {i}", created_at=old + timedelta(hours=i)) for i in range(5)]
        + [make_task(f"Next {WORD} map {i}", created_at=new + timedelta(hours=i)) for i in range(3)]
    )
    prepare_search(alice_tasks)
    _same(alice_tasks)
    assert _ranked(alice_tasks, WORD)[0].startswith(f"Next {WORD} map")
    # Two words: each must start a word of the title for the top tier.
    _same(alice_tasks, f"sail {WORD[:4]}")
    _same(alice_tasks, f"{WORD} map")


def test_words_of_any_script_are_ranked_by_their_starts(alice_tasks):
    titles = ["Übersicht des Hafens", "Plan über alles", "Tokyo 東京タワー visit", "Ösen kaufen", "ÜBERGABE"]
    for title in titles * 2:
        alice_tasks.create(TaskDraft(title=title, description="über and 東京"))
    for text in ("über", "Über", "東京", "übe", "ösen"):
        _same(alice_tasks, text)


def test_a_tasks_title_words_go_with_the_task_and_the_account(test_db, accounts, alice, alice_tasks):
    kept = alice_tasks.create(TaskDraft(title=f"Keep the {WORD} log"))
    gone = alice_tasks.create(TaskDraft(title=f"Drop the {WORD} log"))
    alice_tasks.delete([gone.id])

    def words_of(column: str, value) -> int:
        with test_db.superuser() as su:
            return su.execute(
                f"SELECT count(*) FROM public.task_title_words WHERE {column} = %s", (value,)
            ).fetchone()[0]

    assert words_of("task_id", kept.id) == 4  # keep, the, harbour, log
    assert words_of("task_id", gone.id) == 0
    accounts.delete_account(alice.token, PASSWORD)
    assert words_of("user_id", alice.account.id) == 0


def test_an_upgraded_database_has_the_words_of_the_tasks_it_held(empty_db, pg_cluster):
    url, name = empty_db
    migrate.upgrade(url, "0036")
    with pg_cluster.admin(name) as su:
        insert_users(su, 1)
        su.execute(
            "INSERT INTO public.tasks (user_id, title, description) SELECT u.id, 'Harbour trip ' || g, "
            "'notes ' || g FROM public.users u, generate_series(1, 3) g"
        )
    migrate.upgrade(url, "head")
    with pg_cluster.admin(name) as su:
        rows = su.execute(
            "SELECT word, count(*) FROM public.task_title_words GROUP BY word ORDER BY word"
        ).fetchall()
        assert rows == [("harbour", 3), ("trip", 3)]  # words of three letters or more
    migrate.downgrade(url, "0036")
    with pg_cluster.admin(name) as su:
        assert su.execute("SELECT to_regclass('public.task_title_words')").fetchone() == (None,)
        assert su.execute("SELECT count(*) FROM public.tasks").fetchone() == (3,)


def test_the_longest_title_of_wide_letters_is_kept_and_found(test_db, alice_tasks):
    """One word of 255 four-byte letters: about 1 kB in the words' b-tree, within its limit
    for an entry (a longer one would refuse the write)."""
    word = "\U00020000" * 255
    task = alice_tasks.create(TaskDraft(title=word))
    for other in range(5):
        alice_tasks.create(TaskDraft(title=f"{word[:200]} {other}"))
    with test_db.superuser() as su:
        kept = su.execute("SELECT word FROM public.task_title_words WHERE task_id = %s", (task.id,))
        assert kept.fetchall() == [(word,)]
    ranked = _ranked(alice_tasks, word[:3])
    assert ranked[0] == f"{word[:200]} 4" and task.title in ranked
    _same(alice_tasks, word[:3])
