"""per-user task counters and open-task counts per due day, kept by statement-level triggers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Counting a 100,000-task list on every refresh reads every page that holds one of its rows
(tens of milliseconds). The counts that do not depend on the clock (open, completed, open
per priority) are kept in task_counts instead, updated once per statement from its
transition tables. For the time-based ones (today, upcoming, overdue), task_due_days keeps
the open tasks per UTC day: a range count sums the whole days inside it and counts only the
partial days at its two ends from the index, so it reads at most two days of rows however
many tasks are overdue.
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

CREATE TABLE task_due_days (
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    due_day DATE NOT NULL,  -- the UTC calendar day of due_date
    open_count BIGINT NOT NULL,
    PRIMARY KEY (user_id, due_day)
);

-- Adds each (user, UTC day) delta of open dated tasks. Only positive deltas may create a
-- row: a deletion cascading from a deleted account must never insert for that account.
CREATE FUNCTION todo_due_days_add(deltas jsonb) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH d AS (
        SELECT (e->>'user_id')::uuid AS user_id, (e->>'due_day')::date AS due_day, (e->>'n')::bigint AS n
          FROM jsonb_array_elements(deltas) e
    ), changed AS (
        UPDATE public.task_due_days b SET open_count = b.open_count + d.n
          FROM d WHERE b.user_id = d.user_id AND b.due_day = d.due_day
        RETURNING b.user_id, b.due_day
    )
    INSERT INTO public.task_due_days (user_id, due_day, open_count)
    SELECT d.user_id, d.due_day, d.n FROM d
     WHERE d.n > 0
       AND NOT EXISTS (SELECT 1 FROM changed c WHERE c.user_id = d.user_id AND c.due_day = d.due_day)
    ON CONFLICT (user_id, due_day) DO UPDATE SET open_count = task_due_days.open_count + EXCLUDED.open_count;
$$;

-- Every user has a row from the start, so the task triggers only ever UPDATE: an insert
-- racing a cascaded account deletion could otherwise resurrect a row for a deleted user.
CREATE FUNCTION todo_task_counts_for_user() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO public.task_counts (user_id) SELECT id FROM new_users ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

-- One changed row as the counters see it; n is +1 for a row that arrives, -1 for one that goes.
CREATE FUNCTION todo_task_change(r public.tasks, n integer) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT jsonb_build_object('user_id', r.user_id, 'completed', r.completed, 'priority', r.priority,
                              'due_date', r.due_date, 'n', n)
$$;

CREATE FUNCTION todo_task_changes(changes jsonb)
RETURNS TABLE (user_id uuid, completed boolean, priority text, due_date timestamptz, n bigint)
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (e->>'user_id')::uuid, (e->>'completed')::boolean, e->>'priority',
           (e->>'due_date')::timestamptz, (e->>'n')::bigint
      FROM jsonb_array_elements(changes) e
$$;

-- Applies a statement's changed rows to both the counters and the per-day buckets.
CREATE FUNCTION todo_task_changes_apply(changes jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE public.task_counts c
       SET open_tasks = c.open_tasks + d.open_tasks,
           completed_tasks = c.completed_tasks + d.completed_tasks,
           open_low = c.open_low + d.open_low,
           open_medium = c.open_medium + d.open_medium,
           open_high = c.open_high + d.open_high,
           open_urgent = c.open_urgent + d.open_urgent
      FROM (SELECT t.user_id,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed), 0) AS open_tasks,
                   coalesce(sum(t.n) FILTER (WHERE t.completed), 0) AS completed_tasks,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed AND t.priority = 'low'), 0) AS open_low,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed AND t.priority = 'medium'), 0) AS open_medium,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed AND t.priority = 'high'), 0) AS open_high,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed AND t.priority = 'urgent'), 0) AS open_urgent
              FROM public.todo_task_changes(changes) t GROUP BY t.user_id) d
     WHERE c.user_id = d.user_id
       -- A title or date edit changes no counter; skip the write to this per-user hot row.
       AND (d.open_tasks, d.completed_tasks, d.open_low, d.open_medium, d.open_high, d.open_urgent)
           <> (0, 0, 0, 0, 0, 0);
    PERFORM public.todo_due_days_add(coalesce(jsonb_agg(x), '[]'))
       FROM (SELECT t.user_id, (t.due_date AT TIME ZONE 'UTC')::date AS due_day, sum(t.n) AS n
               FROM public.todo_task_changes(changes) t
              WHERE NOT t.completed AND t.due_date IS NOT NULL
              GROUP BY 1, 2 HAVING sum(t.n) <> 0) x;
END
$$;

-- One trigger function for the three events: PL/pgSQL plans a statement only when it runs,
-- so each branch may name the transition tables its event has.
CREATE FUNCTION todo_task_counts_track() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    changes jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(public.todo_task_change(r, 1)) INTO changes FROM new_rows r;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(public.todo_task_change(r, -1)) INTO changes FROM old_rows r;
    ELSE
        SELECT jsonb_agg(c) INTO changes
          FROM (SELECT public.todo_task_change(r, 1) AS c FROM new_rows r
                UNION ALL
                SELECT public.todo_task_change(r, -1) FROM old_rows r) x;
    END IF;
    PERFORM public.todo_task_changes_apply(coalesce(changes, '[]'));
    RETURN NULL;
END
$$;

CREATE TRIGGER users_task_counts AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_users FOR EACH STATEMENT EXECUTE FUNCTION todo_task_counts_for_user();
CREATE TRIGGER tasks_counts_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION todo_task_counts_track();
CREATE TRIGGER tasks_counts_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION todo_task_counts_track();
CREATE TRIGGER tasks_counts_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION todo_task_counts_track();

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
    DELETE FROM public.task_due_days;
    INSERT INTO public.task_due_days (user_id, due_day, open_count)
    SELECT user_id, (due_date AT TIME ZONE 'UTC')::date, count(*)
      FROM public.tasks WHERE NOT completed AND due_date IS NOT NULL GROUP BY 1, 2;
$$;
SELECT todo_recount_tasks();

-- Open tasks of p_user due in [p_from, p_to) (p_from NULL: since ever). Whole UTC days come
-- from task_due_days; only the partial days at the ends are counted row by row.
-- SECURITY INVOKER: the caller's row-level security applies to both tables.
CREATE FUNCTION todo_count_open_due(p_user uuid, p_from timestamptz, p_to timestamptz) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    first_day date;
    end_day date := (p_to AT TIME ZONE 'UTC')::date;
    end_midnight timestamptz := end_day::timestamp AT TIME ZONE 'UTC';
    total bigint := 0;
BEGIN
    IF p_from IS NOT NULL THEN
        first_day := (p_from AT TIME ZONE 'UTC')::date;
        IF (first_day::timestamp AT TIME ZONE 'UTC') < p_from THEN
            first_day := first_day + 1;
        END IF;
        IF first_day >= end_day THEN
            SELECT count(*) INTO total FROM public.tasks
             WHERE user_id = p_user AND NOT completed AND due_date >= p_from AND due_date < p_to;
            RETURN total;
        END IF;
        SELECT count(*) INTO total FROM public.tasks
         WHERE user_id = p_user AND NOT completed
           AND due_date >= p_from AND due_date < (first_day::timestamp AT TIME ZONE 'UTC');
    END IF;
    total := total + coalesce((SELECT sum(open_count) FROM public.task_due_days
                                WHERE user_id = p_user AND due_day < end_day
                                  AND (first_day IS NULL OR due_day >= first_day)), 0);
    total := total + (SELECT count(*) FROM public.tasks
                       WHERE user_id = p_user AND NOT completed
                         AND due_date >= end_midnight AND due_date < p_to);
    RETURN total;
END
$$;

REVOKE ALL ON FUNCTION todo_task_counts_for_user(), todo_task_counts_track(), todo_task_changes_apply(jsonb),
    todo_task_change(tasks, integer), todo_task_changes(jsonb), todo_recount_tasks(),
    todo_due_days_add(jsonb) FROM PUBLIC;
REVOKE ALL ON task_counts, task_due_days FROM PUBLIC;
GRANT SELECT ON task_counts, task_due_days TO todo_app;
GRANT EXECUTE ON FUNCTION todo_count_open_due(uuid, timestamptz, timestamptz) TO todo_app;
ALTER TABLE task_due_days ENABLE ROW LEVEL SECURITY;
ALTER TABLE task_due_days FORCE ROW LEVEL SECURITY;
CREATE POLICY task_due_days_own_rows ON task_due_days TO todo_app
    USING (user_id = (SELECT todo_auth.current_user_id()));
CREATE POLICY owner_all ON task_due_days TO CURRENT_USER USING (true) WITH CHECK (true);
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
DROP TABLE task_due_days;
DROP FUNCTION todo_count_open_due(uuid, timestamptz, timestamptz);
DROP FUNCTION todo_recount_tasks();
DROP FUNCTION todo_due_days_add(jsonb);
DROP FUNCTION todo_task_counts_track();
DROP FUNCTION todo_task_changes_apply(jsonb);
DROP FUNCTION todo_task_changes(jsonb);
DROP FUNCTION todo_task_change(tasks, integer);
DROP FUNCTION todo_task_counts_for_user();
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
