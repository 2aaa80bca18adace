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
