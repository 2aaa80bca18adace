"""per-user task counters, kept by statement-level triggers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Counting a 100,000-task list on every refresh reads every page that holds one of its rows
(tens of milliseconds). The counts that do not depend on the clock (open, completed, open
per priority) are kept here instead, updated once per statement from its transition
tables; the time-based ones (today, upcoming, overdue) stay index range counts.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = r"""
CREATE TABLE task_counts (
    user_id UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    open_tasks BIGINT NOT NULL DEFAULT 0,
    completed_tasks BIGINT NOT NULL DEFAULT 0,
    open_low BIGINT NOT NULL DEFAULT 0,
    open_medium BIGINT NOT NULL DEFAULT 0,
    open_high BIGINT NOT NULL DEFAULT 0,
    open_urgent BIGINT NOT NULL DEFAULT 0
);

-- Every user has a row from the start, so the task triggers only ever UPDATE: an insert
-- racing a cascaded account deletion could otherwise resurrect a row for a deleted user.
CREATE FUNCTION todo_task_counts_for_user() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO public.task_counts (user_id) SELECT id FROM new_users ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE FUNCTION todo_task_counts_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    WITH changes AS (
        SELECT user_id, completed, priority, 1 AS n FROM new_rows
        UNION ALL
        SELECT user_id, completed, priority, -1 FROM old_rows
    ), delta AS (
        SELECT user_id,
               coalesce(sum(n) FILTER (WHERE NOT completed), 0) AS open_tasks,
               coalesce(sum(n) FILTER (WHERE completed), 0) AS completed_tasks,
               coalesce(sum(n) FILTER (WHERE NOT completed AND priority = 'low'), 0) AS open_low,
               coalesce(sum(n) FILTER (WHERE NOT completed AND priority = 'medium'), 0) AS open_medium,
               coalesce(sum(n) FILTER (WHERE NOT completed AND priority = 'high'), 0) AS open_high,
               coalesce(sum(n) FILTER (WHERE NOT completed AND priority = 'urgent'), 0) AS open_urgent
          FROM changes GROUP BY user_id
    )
    UPDATE public.task_counts c
       SET open_tasks = c.open_tasks + d.open_tasks,
           completed_tasks = c.completed_tasks + d.completed_tasks,
           open_low = c.open_low + d.open_low,
           open_medium = c.open_medium + d.open_medium,
           open_high = c.open_high + d.open_high,
           open_urgent = c.open_urgent + d.open_urgent
      FROM delta d
     WHERE c.user_id = d.user_id
       -- A title or date edit changes no counter; skip the write to this per-user hot row.
       AND (d.open_tasks, d.completed_tasks, d.open_low, d.open_medium, d.open_high, d.open_urgent)
           <> (0, 0, 0, 0, 0, 0);
    RETURN NULL;
END
$$;

-- Three functions because a trigger's transition tables must match its event; each
-- passes empty sets for the side it lacks.
CREATE FUNCTION todo_task_counts_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE public.task_counts c
       SET open_tasks = c.open_tasks + d.open_tasks,
           completed_tasks = c.completed_tasks + d.completed_tasks,
           open_low = c.open_low + d.open_low,
           open_medium = c.open_medium + d.open_medium,
           open_high = c.open_high + d.open_high,
           open_urgent = c.open_urgent + d.open_urgent
      FROM (SELECT user_id,
                   count(*) FILTER (WHERE NOT completed) AS open_tasks,
                   count(*) FILTER (WHERE completed) AS completed_tasks,
                   count(*) FILTER (WHERE NOT completed AND priority = 'low') AS open_low,
                   count(*) FILTER (WHERE NOT completed AND priority = 'medium') AS open_medium,
                   count(*) FILTER (WHERE NOT completed AND priority = 'high') AS open_high,
                   count(*) FILTER (WHERE NOT completed AND priority = 'urgent') AS open_urgent
              FROM new_rows GROUP BY user_id) d
     WHERE c.user_id = d.user_id;
    RETURN NULL;
END
$$;

CREATE FUNCTION todo_task_counts_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE public.task_counts c
       SET open_tasks = c.open_tasks - d.open_tasks,
           completed_tasks = c.completed_tasks - d.completed_tasks,
           open_low = c.open_low - d.open_low,
           open_medium = c.open_medium - d.open_medium,
           open_high = c.open_high - d.open_high,
           open_urgent = c.open_urgent - d.open_urgent
      FROM (SELECT user_id,
                   count(*) FILTER (WHERE NOT completed) AS open_tasks,
                   count(*) FILTER (WHERE completed) AS completed_tasks,
                   count(*) FILTER (WHERE NOT completed AND priority = 'low') AS open_low,
                   count(*) FILTER (WHERE NOT completed AND priority = 'medium') AS open_medium,
                   count(*) FILTER (WHERE NOT completed AND priority = 'high') AS open_high,
                   count(*) FILTER (WHERE NOT completed AND priority = 'urgent') AS open_urgent
              FROM old_rows GROUP BY user_id) d
     WHERE c.user_id = d.user_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_task_counts AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_users FOR EACH STATEMENT EXECUTE FUNCTION todo_task_counts_for_user();
CREATE TRIGGER tasks_counts_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION todo_task_counts_insert();
CREATE TRIGGER tasks_counts_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION todo_task_counts_apply();
CREATE TRIGGER tasks_counts_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION todo_task_counts_delete();

-- Rebuilds every counter from the tasks themselves: used here to start, and by bulk loads
-- that bypass triggers.
CREATE FUNCTION todo_recount_tasks() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO public.task_counts (user_id) SELECT id FROM public.users ON CONFLICT DO NOTHING;
    UPDATE public.task_counts c
       SET open_tasks = coalesce(d.open_tasks, 0), completed_tasks = coalesce(d.completed_tasks, 0),
           open_low = coalesce(d.open_low, 0), open_medium = coalesce(d.open_medium, 0),
           open_high = coalesce(d.open_high, 0), open_urgent = coalesce(d.open_urgent, 0)
      FROM public.users u
      LEFT JOIN (SELECT user_id,
                        count(*) FILTER (WHERE NOT completed) AS open_tasks,
                        count(*) FILTER (WHERE completed) AS completed_tasks,
                        count(*) FILTER (WHERE NOT completed AND priority = 'low') AS open_low,
                        count(*) FILTER (WHERE NOT completed AND priority = 'medium') AS open_medium,
                        count(*) FILTER (WHERE NOT completed AND priority = 'high') AS open_high,
                        count(*) FILTER (WHERE NOT completed AND priority = 'urgent') AS open_urgent
                   FROM public.tasks GROUP BY user_id) d ON d.user_id = u.id
     WHERE c.user_id = u.id;
$$;
SELECT todo_recount_tasks();

REVOKE ALL ON FUNCTION todo_task_counts_for_user(), todo_task_counts_apply(), todo_task_counts_insert(),
    todo_task_counts_delete(), todo_recount_tasks() FROM PUBLIC;
REVOKE ALL ON task_counts FROM PUBLIC;
GRANT SELECT ON task_counts TO todo_app;
ALTER TABLE task_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE task_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY task_counts_own_row ON task_counts TO todo_app
    USING (user_id = (SELECT todo_auth.current_user_id()));
CREATE POLICY owner_all ON task_counts TO CURRENT_USER USING (true) WITH CHECK (true);
"""

DOWNGRADE = r"""
DROP TRIGGER tasks_counts_delete ON tasks;
DROP TRIGGER tasks_counts_update ON tasks;
DROP TRIGGER tasks_counts_insert ON tasks;
DROP TRIGGER users_task_counts ON users;
DROP TABLE task_counts;
DROP FUNCTION todo_recount_tasks();
DROP FUNCTION todo_task_counts_delete();
DROP FUNCTION todo_task_counts_insert();
DROP FUNCTION todo_task_counts_apply();
DROP FUNCTION todo_task_counts_for_user();
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
