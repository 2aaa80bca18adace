from todo_desktop.values import Priority, TaskChanges, TaskDraft, TaskQuery


def test_create_update_toggle_delete(alice_tasks):
    t = alice_tasks.create(TaskDraft(title="  Buy milk  ", priority=Priority.HIGH))
    assert t.title == "Buy milk"
    t2 = alice_tasks.update(t.id, TaskChanges(description="2 litres"))
    assert t2.description == "2 litres" and t2.updated_at > t.updated_at
    t3 = alice_tasks.toggle(t2)
    assert t3.completed and t3.completed_at is not None
    page = alice_tasks.list(TaskQuery())
    assert page.tasks == ()
    assert alice_tasks.delete([t.id]) == 1


def test_titles_in_any_script_survive_a_latin1_client_environment(test_db, alice, monkeypatch):
    """PGCLIENTENCODING is the person's, not the app's: the app always speaks Unicode."""
    from todo_desktop.db.database import Database
    from todo_desktop.db.engine import create_db_engine
    from todo_desktop.db.tasks import TaskRepository
    from todo_desktop.db.urls import parse_database_url

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
