-- Revision 0005: changed-since as one static statement, planned once per server connection.
-- ix_tasks_keyset_updated leads with (user_id, completed): open and completed tasks are two
-- ordered ranges of it, each read for at most p_limit entries and merged, so nothing is
-- sorted. The plan is cached without knowing whose tasks it reads; with sorts, bitmap scans
-- and sequential scans disabled the only plan left is that ordered walk, good for any list.
CREATE OR REPLACE FUNCTION todo_api.changed_since(p_since timestamptz, p_limit integer)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_sort = off SET enable_bitmapscan = off SET enable_seqscan = off AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION 'at most 1000 changes at once' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    SELECT c.* FROM (
        (SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
                t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank
           FROM public.tasks t
          WHERE t.user_id = me AND NOT t.completed AND t.updated_at > p_since
          ORDER BY t.updated_at, t.id LIMIT p_limit)
        UNION ALL
        (SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
                t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank
           FROM public.tasks t
          WHERE t.user_id = me AND t.completed AND t.updated_at > p_since
          ORDER BY t.updated_at, t.id LIMIT p_limit)
    ) c ORDER BY c.updated_at, c.id LIMIT p_limit;
END
$$;

-- A write returns its rows from the statement itself (RETURNING), not from a second
-- function call that looks the session up again and reads the rows back.
DROP FUNCTION todo_api.create_task(uuid, text, text, text, timestamptz, boolean);
CREATE FUNCTION todo_api.create_task(p_id uuid, p_title text, p_title_key text, p_description text,
                                     p_priority text, p_due_date timestamptz, p_completed boolean)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    RETURN QUERY
    INSERT INTO public.tasks AS t (id, user_id, title, title_key, description, priority, due_date, completed)
    VALUES (p_id, me, p_title, p_title_key, p_description, coalesce(p_priority, 'medium'), p_due_date,
            coalesce(p_completed, false))
    ON CONFLICT (id) DO NOTHING
    RETURNING t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date, t.created_at,
              t.updated_at, t.completed_at, t.title_key, t.priority_rank;
    IF NOT FOUND THEN  -- a retry after a lost COMMIT finds its own row; someone else's: no row
        RETURN QUERY
        SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date, t.created_at,
               t.updated_at, t.completed_at, t.title_key, t.priority_rank
          FROM public.tasks t WHERE t.id = p_id AND t.user_id = me;
    END IF;
END
$$;

-- The statement's snapshot is from before the UPDATE, so the second branch returns exactly
-- the tasks that already had the wanted state.
CREATE OR REPLACE FUNCTION todo_api.set_completed(p_ids uuid[], p_completed boolean)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    PERFORM todo_api.check_batch(cardinality(p_ids));
    RETURN QUERY
    WITH changed AS (
        UPDATE public.tasks t SET completed = p_completed
         WHERE t.id = ANY(p_ids) AND t.user_id = me AND t.completed <> p_completed
        RETURNING t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date, t.created_at,
                  t.updated_at, t.completed_at, t.title_key, t.priority_rank
    )
    SELECT * FROM changed
    UNION ALL
    SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date, t.created_at,
           t.updated_at, t.completed_at, t.title_key, t.priority_rank
      FROM public.tasks t WHERE t.id = ANY(p_ids) AND t.user_id = me AND t.completed = p_completed;
END
$$;

-- Titles carry the app's sort key (todo_desktop/title_order.py); an old caller or a
-- direct insert that sends none gets public.todo_title_key's approximation from the trigger.
DROP FUNCTION todo_api.update_task(uuid, timestamptz, text[], text, text, text, timestamptz, boolean);
CREATE FUNCTION todo_api.update_task(p_id uuid, p_expected timestamptz, p_columns text[], p_title text,
                                     p_title_key text, p_description text, p_priority text,
                                     p_due_date timestamptz, p_completed boolean)
RETURNS SETOF todo_api.task_edit
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    r todo_api.task_edit;
BEGIN
    UPDATE public.tasks t
       SET title = CASE WHEN 'title' = ANY(p_columns) THEN p_title ELSE t.title END,
           title_key = CASE WHEN 'title' = ANY(p_columns) THEN p_title_key ELSE t.title_key END,
           description = CASE WHEN 'description' = ANY(p_columns) THEN p_description ELSE t.description END,
           priority = CASE WHEN 'priority' = ANY(p_columns) THEN p_priority ELSE t.priority END,
           due_date = CASE WHEN 'due_date' = ANY(p_columns) THEN p_due_date ELSE t.due_date END,
           completed = CASE WHEN 'completed' = ANY(p_columns) THEN p_completed ELSE t.completed END
     WHERE t.id = p_id AND t.user_id = me AND (p_expected IS NULL OR t.updated_at = p_expected)
    RETURNING 'updated', t.id, t.title, t.description, t.completed, t.priority, t.due_date,
              t.created_at, t.updated_at, t.completed_at INTO r;
    IF NOT FOUND THEN
        SELECT 'stale', t.id, t.title, t.description, t.completed, t.priority, t.due_date,
               t.created_at, t.updated_at, t.completed_at INTO r
          FROM public.tasks t WHERE t.id = p_id AND t.user_id = me;
        IF NOT FOUND THEN
            RETURN;
        END IF;
        IF (NOT 'title' = ANY(p_columns) OR r.title IS NOT DISTINCT FROM p_title)
           AND (NOT 'description' = ANY(p_columns) OR r.description IS NOT DISTINCT FROM p_description)
           AND (NOT 'priority' = ANY(p_columns) OR r.priority IS NOT DISTINCT FROM p_priority)
           AND (NOT 'due_date' = ANY(p_columns) OR r.due_date IS NOT DISTINCT FROM p_due_date)
           AND (NOT 'completed' = ANY(p_columns) OR r.completed IS NOT DISTINCT FROM p_completed) THEN
            r.outcome := 'unchanged';
        END IF;
    END IF;
    RETURN NEXT r;
END
$$;

DROP FUNCTION todo_api.restore_tasks(uuid[], text[], text[], text[], timestamptz[], boolean[],
                                     timestamptz[], timestamptz[]);
CREATE FUNCTION todo_api.restore_tasks(p_ids uuid[], p_titles text[], p_title_keys text[],
                                       p_descriptions text[], p_priorities text[],
                                       p_due_dates timestamptz[], p_completed boolean[],
                                       p_created timestamptz[], p_completed_at timestamptz[])
RETURNS SETOF todo_api.task
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    PERFORM todo_api.check_batch(cardinality(p_ids));
    INSERT INTO public.tasks (id, user_id, title, title_key, description, priority, due_date, completed,
                              created_at, completed_at)
    SELECT r.id, me, r.title, r.title_key, r.description, r.priority, r.due_date, r.completed,
           least(r.created_at, now()), least(r.completed_at, now())
      FROM unnest(p_ids, p_titles, p_title_keys, p_descriptions, p_priorities, p_due_dates, p_completed,
                  p_created, p_completed_at)
           AS r(id, title, title_key, description, priority, due_date, completed, created_at, completed_at)
    ON CONFLICT (id) DO NOTHING;
    RETURN QUERY SELECT * FROM todo_api.get_tasks(p_ids);
END
$$;
