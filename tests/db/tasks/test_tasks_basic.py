import pytest

from todo_desktop.core.errors import NotFoundError
from todo_desktop.core.values import Priority, Status, TaskChanges, TaskDraft, TaskQuery


def _ids(tasks, status: Status) -> set:
    return {t.id for t in tasks.list(TaskQuery(status=status)).tasks}


def test_create_update_toggle_delete(alice_tasks, bob_tasks):
    kept = alice_tasks.create(TaskDraft(title="Water the plants"))
    bobs = bob_tasks.create(TaskDraft(title="Bob's errand"))
    t = alice_tasks.create(TaskDraft(title="  Buy milk  ", priority=Priority.HIGH))
    assert t.title == "Buy milk"
    t2 = alice_tasks.update(t.id, TaskChanges(description="2 litres"))
    assert t2.description == "2 litres" and t2.updated_at > t.updated_at
    t3 = alice_tasks.toggle(t2)
    assert t3.completed and t3.completed_at is not None
    assert _ids(alice_tasks, Status.OPEN) == {kept.id}
    assert _ids(alice_tasks, Status.COMPLETED) == {t.id}
    assert alice_tasks.get(t.id) == t3

    assert alice_tasks.delete([t.id]) == 1
    with pytest.raises(NotFoundError):
        alice_tasks.get(t.id)
    assert _ids(alice_tasks, Status.ALL) == {kept.id}
    # Only that task went: the other one, and another person's, are untouched.
    assert alice_tasks.get(kept.id) == kept
    assert bob_tasks.get(bobs.id) == bobs
    assert alice_tasks.delete([t.id]) == 0  # a second delete finds nothing to remove


def test_titles_in_any_script_survive_a_latin1_client_environment(test_db, alice, monkeypatch):
    """PGCLIENTENCODING is the person's, not the app's: the app always speaks Unicode."""
    from todo_desktop.db.connect.engine import create_db_engine
    from todo_desktop.db.connect.urls import parse_database_url
    from todo_desktop.db.database import Database
    from todo_desktop.db.tasks import TaskRepository

    monkeypatch.setenv("PGCLIENTENCODING", "LATIN1")
    target = parse_database_url(test_db.client_url)
    db = Database(create_db_engine(target), target)
    try:
        tasks = TaskRepository(db, alice.token)
        title = "東京で会議 ✓ Ünïcødé — 🦉"
        made = tasks.create(TaskDraft(title=title))
        assert tasks.get(made.id).title == title
        assert db.run(None, lambda c: c.exec_driver_sql("SHOW client_encoding").scalar()) == "UTF8"
    finally:
        db.dispose()
