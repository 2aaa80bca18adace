-- Revision 0020: the task counters follow a write without going through json, in one pass.
--
-- The counters' trigger wrote each changed row as a json object, handed the list to a second
-- function that read it back twice, and that one to a third for the due days: about 1 ms of a
-- one-task delete on a 1,000,000-task database, more than the delete itself. Then the quota
-- trigger (revision 0004) wrote the same per-person row again for the stored text. Each row
-- is now a value of a small composite type, in one array, counted where the trigger runs; the
-- counters and the stored text change in one UPDATE, and the limits are checked after it, as
-- before. What is counted and refused is unchanged.

CREATE TYPE public.todo_task_delta AS (user_id uuid, completed boolean, priority text, due_date timestamptz,
                                       n integer, bytes bigint);
REVOKE USAGE ON TYPE public.todo_task_delta FROM PUBLIC;

-- The stored text of one task, as the quota counts it, from the columns that hold it: a
-- trigger that passes the whole row (title, notes, the search keys and all) pays for making
-- a value of it. The function of revision 0007 says the same through this one.
CREATE FUNCTION public.todo_text_bytes(p_title text, p_description text, p_tags text[]) RETURNS bigint
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT octet_length(p_title) + coalesce(octet_length(p_description), 0)
           + coalesce(octet_length(array_to_string(p_tags, '')), 0)
$$;
REVOKE ALL ON FUNCTION public.todo_text_bytes(text, text, text[]) FROM PUBLIC;
CREATE OR REPLACE FUNCTION public.todo_task_text_bytes(r public.tasks) RETURNS bigint
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT public.todo_text_bytes(r.title, r.description, r.tags)
$$;

-- One trigger function for the three events: PL/pgSQL plans a statement only when it runs,
-- so each branch may name the transition tables its event has.
CREATE OR REPLACE FUNCTION public.todo_task_counts_track() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    deltas public.todo_task_delta[];
    offender uuid;
    what text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(r.user_id, r.completed, r.priority, r.due_date, 1,
                             public.todo_text_bytes(r.title, r.description, r.tags))::public.todo_task_delta)
          INTO deltas FROM new_rows r;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(r.user_id, r.completed, r.priority, r.due_date, -1,
                             -public.todo_text_bytes(r.title, r.description, r.tags))::public.todo_task_delta)
          INTO deltas FROM old_rows r;
    ELSE
        SELECT array_agg(x.d) INTO deltas
          FROM (SELECT ROW(r.user_id, r.completed, r.priority, r.due_date, 1,
                           public.todo_text_bytes(r.title, r.description, r.tags))::public.todo_task_delta AS d
                  FROM new_rows r
                UNION ALL
                SELECT ROW(r.user_id, r.completed, r.priority, r.due_date, -1,
                           -public.todo_text_bytes(r.title, r.description, r.tags))::public.todo_task_delta
                  FROM old_rows r) x;
    END IF;
    UPDATE public.task_counts c
       SET open_tasks = c.open_tasks + d.open_tasks,
           completed_tasks = c.completed_tasks + d.completed_tasks,
           open_low = c.open_low + d.open_low,
           open_medium = c.open_medium + d.open_medium,
           open_high = c.open_high + d.open_high,
           open_urgent = c.open_urgent + d.open_urgent,
           text_bytes = c.text_bytes + d.bytes
      FROM (SELECT t.user_id, sum(t.bytes) AS bytes,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed), 0) AS open_tasks,
                   coalesce(sum(t.n) FILTER (WHERE t.completed), 0) AS completed_tasks,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed AND t.priority = 'low'), 0) AS open_low,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed AND t.priority = 'medium'), 0) AS open_medium,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed AND t.priority = 'high'), 0) AS open_high,
                   coalesce(sum(t.n) FILTER (WHERE NOT t.completed AND t.priority = 'urgent'), 0) AS open_urgent
              FROM unnest(deltas) t GROUP BY t.user_id) d
     WHERE c.user_id = d.user_id
       -- A date edit changes no counter; skip the write to this per-user hot row.
       AND (d.open_tasks, d.completed_tasks, d.open_low, d.open_medium, d.open_high, d.open_urgent, d.bytes)
           <> (0, 0, 0, 0, 0, 0, 0);
    -- Only growth is refused: someone over a limit (lowered by an admin) can still delete
    -- and shorten.
    SELECT c.user_id, CASE WHEN d.n > 0 AND c.open_tasks + c.completed_tasks > s.max_tasks_per_user
                           THEN 'tasks' ELSE 'text' END
      INTO offender, what
      FROM (SELECT t.user_id, sum(t.n) AS n, sum(t.bytes) AS bytes FROM unnest(deltas) t GROUP BY t.user_id) d
      JOIN public.task_counts c ON c.user_id = d.user_id
     CROSS JOIN todo_auth.settings s
     WHERE (d.n > 0 AND c.open_tasks + c.completed_tasks > s.max_tasks_per_user)
        OR (d.bytes > 0 AND c.text_bytes > s.max_text_bytes_per_user)
     LIMIT 1;
    IF offender IS NOT NULL AND what = 'tasks' THEN
        RAISE EXCEPTION 'the task limit of this account is reached' USING ERRCODE = 'TDQ01';
    ELSIF offender IS NOT NULL THEN
        RAISE EXCEPTION 'the text limit of this account is reached' USING ERRCODE = 'TDQ02';
    END IF;
    -- Each person's open tasks per UTC day: existing days change, new ones are added.
    WITH d AS (
        SELECT t.user_id, (t.due_date AT TIME ZONE 'UTC')::date AS due_day, sum(t.n) AS n
          FROM unnest(deltas) t
         WHERE NOT t.completed AND t.due_date IS NOT NULL
         GROUP BY 1, 2 HAVING sum(t.n) <> 0
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
    RETURN NULL;
END
$$;

-- The stored text is counted above now.
DROP TRIGGER tasks_usage_insert ON public.tasks;
DROP TRIGGER tasks_usage_update ON public.tasks;
DROP TRIGGER tasks_usage_delete ON public.tasks;
