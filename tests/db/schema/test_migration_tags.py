"""Revision 0007 (tags and repeats) on a database with people and tasks in it: up, with tags
and repeats added, down again and up once more, every task kept and every counter right."""

from __future__ import annotations

from tests.support.blank_database import insert_users
from todo_desktop.db.schema import migrate

TASKS = (
    "SELECT id, user_id, title, description, completed, priority, due_date, created_at, updated_at "
    "FROM tasks ORDER BY id"
)
TEXT = (
    "SELECT bool_and(c.text_bytes = coalesce(s.b, 0)) FROM task_counts c LEFT JOIN (SELECT user_id, "
    "sum(octet_length(title) + coalesce(octet_length(description), 0) {tags}) b FROM tasks GROUP BY 1) s "
    "USING (user_id)"
)


def test_tags_and_repeats_migrate_both_ways_with_data(empty_db, pg_cluster):
    url, name = empty_db
    migrate.upgrade(url, "0006")
    with pg_cluster.admin(name) as su:
        insert_users(su, 3)
        su.execute(
            "INSERT INTO tasks (user_id, title, description, completed) SELECT u.id, 'task ' || g, "
            "repeat('d', g), g % 4 = 0 FROM users u, generate_series(1, 20) g"
        )
        before = su.execute(TASKS).fetchall()
    migrate.upgrade(url, "0007")
    with pg_cluster.admin(name) as su:
        assert su.execute(TASKS).fetchall() == before  # no version moved
        assert su.execute("SELECT bool_and(tags = '{}' AND repeat_rule IS NULL) FROM tasks").fetchone()[0]
        su.execute(
            "INSERT INTO tags (user_id, name, name_key) SELECT id, n, lower(n) FROM users, "
            "unnest(ARRAY['Home', 'work']) n"
        )
        su.execute(
            "UPDATE tasks SET tags = CASE WHEN title LIKE '%1' THEN ARRAY['work', 'Home'] "
            "ELSE ARRAY['Home'] END, "
            "repeat_rule = 'FREQ=WEEKLY;BYDAY=MO' WHERE title LIKE 'task 1%'"
        )
        links = su.execute("SELECT count(*) FROM task_tags").fetchone()[0]
        assert links == 3 * (11 + 2)  # task 1, 10-19 per person; task 1 and 11 twice
        assert su.execute(
            TEXT.format(tags="+ coalesce(octet_length(array_to_string(tags, '')), 0)")
        ).fetchone()[0]
        assert su.execute(
            "SELECT bool_and(x.completed = t.completed AND x.updated_at = t.updated_at) "
            "FROM task_tags x JOIN tasks t ON t.id = x.task_id"
        ).fetchone()[0]
    migrate.downgrade(url, "0006")
    with pg_cluster.admin(name) as su:
        after = su.execute(TASKS).fetchall()
        assert [r[:8] for r in after] == [r[:8] for r in before]  # the tasks, without their tags
        assert su.execute(TEXT.format(tags="")).fetchone()[0]
        assert su.execute(
            "SELECT to_regclass('public.tags'), to_regclass('public.task_tags')"
        ).fetchone() == (
            None,
            None,
        )
    migrate.upgrade(url)
    with pg_cluster.admin(name) as su:
        assert su.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.head_revision()
        assert [r[:8] for r in su.execute(TASKS).fetchall()] == [r[:8] for r in before]
