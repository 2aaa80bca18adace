-- Schema todo_api: the only way a client reads or writes tasks (revision 0004).
--
-- Every function is SECURITY DEFINER, owned by todo_api_owner: a NOLOGIN role that holds
-- the table privileges clients no longer have, and that is itself subject to the same
-- row-level security, so a faulty function still cannot cross from one person to another.
-- A function call is opaque to the caller's EXPLAIN, so hidden rows leave no trace in
-- "Rows Removed by Filter" or in planner estimates. Names are schema-qualified and
-- search_path is pinned; nothing a session could leave behind resolves in here.

CREATE TYPE todo_api.task AS (
    id UUID,
    title TEXT,
    description TEXT,
    completed BOOLEAN,
    priority TEXT,
    due_date TIMESTAMPTZ,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    title_key TEXT,         -- the keyset cursor of a title-ordered page
    priority_rank SMALLINT  -- the keyset cursor of a priority-ordered page
);

-- An update's result: 'updated'; 'unchanged' (the task already held every value, as after
-- a retried COMMIT whose answer was lost); 'stale' (changed since the version the edit was
-- based on: nothing was written and the stored task comes back). No row: the task is gone.
CREATE TYPE todo_api.task_edit AS (
    outcome TEXT,
    id UUID,
    title TEXT,
    description TEXT,
    completed BOOLEAN,
    priority TEXT,
    due_date TIMESTAMPTZ,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ
);

CREATE FUNCTION todo_api.signed_in_user() RETURNS uuid
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
BEGIN
    IF me IS NULL THEN
        -- The same words as a refused row-level security check, which clients map already.
        RAISE EXCEPTION 'no signed-in session: refused by row-level security' USING ERRCODE = '42501';
    END IF;
    RETURN me;
END
$$;

CREATE FUNCTION todo_api.me()
RETURNS TABLE (id uuid, email text, first_name text, last_name text, is_active boolean,
               created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT u.id, u.email, u.first_name, u.last_name, u.is_active, u.created_at
      FROM public.users u WHERE u.id = todo_api.signed_in_user()
$$;

CREATE FUNCTION todo_api.rename(p_first_name text, p_last_name text)
RETURNS TABLE (id uuid, email text, first_name text, last_name text, is_active boolean,
               created_at timestamptz)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    UPDATE public.users u SET first_name = p_first_name, last_name = p_last_name
     WHERE u.id = todo_api.signed_in_user()
    RETURNING u.id, u.email, u.first_name, u.last_name, u.is_active, u.created_at
$$;

-- One keyset page. The statement is built per call from fixed fragments (never from
-- caller text) and planned with the real user id, as a query sent by hand would be; each
-- order reads one range of its ix_tasks_keyset_* index.
CREATE FUNCTION todo_api.tasks_page(
    p_sort text, p_completed boolean, p_priorities text[], p_due_after timestamptz,
    p_due_before timestamptz, p_overdue_at timestamptz, p_pattern text, p_due_part text,
    p_after_id uuid, p_after_time timestamptz, p_after_rank smallint, p_after_text text,
    p_limit integer)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    w text[] := ARRAY['user_id = $1'];
    keys text[];
    cursor_values text[];
    descending boolean;
    sort_setting text;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1001 THEN
        RAISE EXCEPTION 'page size must be 1 to 1001' USING ERRCODE = '22023';
    END IF;
    CASE p_sort
        WHEN 'due' THEN keys := ARRAY['due_date']; cursor_values := ARRAY['$10']; descending := false;
        WHEN 'priority' THEN
            keys := ARRAY['priority_rank', 'created_at']; cursor_values := ARRAY['$11', '$10'];
            descending := true;
        WHEN 'created' THEN keys := ARRAY['created_at']; cursor_values := ARRAY['$10']; descending := true;
        WHEN 'updated' THEN keys := ARRAY['updated_at']; cursor_values := ARRAY['$10']; descending := true;
        WHEN 'title' THEN keys := ARRAY['lower(title)']; cursor_values := ARRAY['$12']; descending := false;
        ELSE RAISE EXCEPTION 'unknown sort %', p_sort USING ERRCODE = '22023';
    END CASE;
    IF p_completed IS NOT NULL THEN
        w := w || CASE WHEN p_completed THEN 'completed' ELSE 'NOT completed' END;
    END IF;
    IF p_priorities IS NOT NULL THEN w := w || 'priority = ANY($3)'::text; END IF;
    IF p_due_after IS NOT NULL THEN w := w || 'due_date >= $4'::text; END IF;
    IF p_due_before IS NOT NULL THEN w := w || 'due_date < $5'::text; END IF;
    IF p_overdue_at IS NOT NULL THEN w := w || 'due_date < $6'::text; END IF;
    IF p_pattern IS NOT NULL THEN
        w := w || $f$(title ILIKE $7 ESCAPE '\' OR description ILIKE $7 ESCAPE '\')$f$::text;
    END IF;
    -- Undated tasks sort last by due date; a row comparison cannot cross NULLs, so the
    -- dated and undated runs are separate ranges and only id moves the undated cursor.
    IF p_due_part = 'undated' THEN
        w := w || 'due_date IS NULL'::text;
        cursor_values := '{}';
    ELSIF p_due_part = 'dated' THEN
        w := w || 'due_date IS NOT NULL'::text;
    END IF;
    IF p_after_id IS NOT NULL THEN
        w := w || format('(%s) %s (%s)',
                         array_to_string(keys[1:cardinality(cursor_values)] || 'id'::text, ', '),
                         CASE WHEN descending THEN '<' ELSE '>' END,
                         array_to_string(cursor_values || '$9'::text, ', '));
    END IF;
    IF p_pattern IS NOT NULL THEN
        -- A plan made for one pattern expects few matches and sorts them all after reading
        -- every row of the list; walking the ordered index and stopping after a page is far
        -- cheaper for the words people search. Only for this statement: reset below.
        sort_setting := current_setting('enable_sort');
        PERFORM set_config('enable_sort', 'off', true);
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT id, title::text, description, completed, priority::text, due_date, created_at, '
        'updated_at, completed_at, lower(title), priority_rank FROM public.tasks WHERE %s '
        'ORDER BY %s LIMIT $13',
        array_to_string(w, ' AND '),
        (SELECT string_agg(k || CASE WHEN descending THEN ' DESC' ELSE '' END, ', ')
           FROM unnest(keys || 'id'::text) k))
    USING me, p_completed, p_priorities, p_due_after, p_due_before, p_overdue_at, p_pattern,
          p_due_part, p_after_id, p_after_time, p_after_rank, p_after_text, p_limit;
    IF sort_setting IS NOT NULL THEN
        PERFORM set_config('enable_sort', sort_setting, true);
    END IF;
END
$$;

CREATE FUNCTION todo_api.task_counts(p_now timestamptz, p_today timestamptz, p_tomorrow timestamptz,
                                     p_upcoming_end timestamptz)
RETURNS TABLE (open_tasks bigint, completed_tasks bigint, open_low bigint, open_medium bigint,
               open_high bigint, open_urgent bigint, due_today bigint, upcoming bigint, overdue bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT c.open_tasks, c.completed_tasks, c.open_low, c.open_medium, c.open_high, c.open_urgent,
           public.todo_count_open_due(c.user_id, p_today, p_tomorrow),
           public.todo_count_open_due(c.user_id, p_tomorrow, p_upcoming_end),
           public.todo_count_open_due(c.user_id, NULL, p_now)
      FROM public.task_counts c WHERE c.user_id = todo_api.signed_in_user()
$$;

CREATE FUNCTION todo_api.get_tasks(p_ids uuid[]) RETURNS SETOF todo_api.task
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT t.id, t.title, t.description, t.completed, t.priority, t.due_date, t.created_at,
           t.updated_at, t.completed_at, lower(t.title), t.priority_rank
      FROM public.tasks t
     WHERE t.id = ANY(p_ids) AND t.user_id = todo_api.signed_in_user()
$$;

CREATE FUNCTION todo_api.check_batch(p_size integer) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF coalesce(p_size, 0) > 10000 THEN
        RAISE EXCEPTION 'at most 10000 tasks at once' USING ERRCODE = 'TDQ04';
    END IF;
END
$$;

-- Idempotent: a retry after a lost COMMIT finds its own row and returns it. No row: the
-- id belongs to someone else.
CREATE FUNCTION todo_api.create_task(p_id uuid, p_title text, p_description text, p_priority text,
                                     p_due_date timestamptz, p_completed boolean)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    INSERT INTO public.tasks (id, user_id, title, description, priority, due_date, completed)
    VALUES (p_id, me, p_title, p_description, coalesce(p_priority, 'medium'), p_due_date,
            coalesce(p_completed, false))
    ON CONFLICT (id) DO NOTHING;
    RETURN QUERY SELECT * FROM todo_api.get_tasks(ARRAY[p_id]);
END
$$;

CREATE FUNCTION todo_api.update_task(p_id uuid, p_expected timestamptz, p_columns text[], p_title text,
                                     p_description text, p_priority text, p_due_date timestamptz,
                                     p_completed boolean)
RETURNS SETOF todo_api.task_edit
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    r todo_api.task_edit;
BEGIN
    UPDATE public.tasks t
       SET title = CASE WHEN 'title' = ANY(p_columns) THEN p_title ELSE t.title END,
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

CREATE FUNCTION todo_api.set_completed(p_ids uuid[], p_completed boolean) RETURNS SETOF todo_api.task
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    PERFORM todo_api.check_batch(cardinality(p_ids));
    UPDATE public.tasks t SET completed = p_completed
     WHERE t.id = ANY(p_ids) AND t.user_id = me AND t.completed <> p_completed;
    RETURN QUERY SELECT * FROM todo_api.get_tasks(p_ids);
END
$$;

-- Returns how many of the tasks existed; deleting twice is harmless.
CREATE FUNCTION todo_api.delete_tasks(p_ids uuid[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    n integer;
BEGIN
    PERFORM todo_api.check_batch(cardinality(p_ids));
    DELETE FROM public.tasks t WHERE t.id = ANY(p_ids) AND t.user_id = me;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Undo of a delete: the tasks come back with their ids and creation and completion times.
-- Rows still present are left as they are. A creation time cannot lie in the future, where
-- it would also date every later version of the task.
CREATE FUNCTION todo_api.restore_tasks(p_ids uuid[], p_titles text[], p_descriptions text[],
                                       p_priorities text[], p_due_dates timestamptz[],
                                       p_completed boolean[], p_created timestamptz[],
                                       p_completed_at timestamptz[])
RETURNS SETOF todo_api.task
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    PERFORM todo_api.check_batch(cardinality(p_ids));
    INSERT INTO public.tasks (id, user_id, title, description, priority, due_date, completed, created_at,
                              completed_at)
    SELECT r.id, me, r.title, r.description, r.priority, r.due_date, r.completed,
           least(r.created_at, now()), least(r.completed_at, now())
      FROM unnest(p_ids, p_titles, p_descriptions, p_priorities, p_due_dates, p_completed, p_created,
                  p_completed_at)
           AS r(id, title, description, priority, due_date, completed, created_at, completed_at)
    ON CONFLICT (id) DO NOTHING;
    RETURN QUERY SELECT * FROM todo_api.get_tasks(p_ids);
END
$$;

-- The signed-in person's tasks changed after p_since, oldest first. ix_tasks_keyset_updated
-- leads with (user_id, completed): open and completed tasks are two ordered ranges of it,
-- each read for at most p_limit entries and merged, so nothing is sorted.
CREATE FUNCTION todo_api.changed_since(p_since timestamptz, p_limit integer) RETURNS SETOF todo_api.task
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION 'at most 1000 changes at once' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY EXECUTE
        'SELECT * FROM ('
        ' (SELECT id, title::text, description, completed, priority::text, due_date, created_at,'
        '         updated_at, completed_at, lower(title), priority_rank FROM public.tasks'
        '   WHERE user_id = $1 AND NOT completed AND updated_at > $2 ORDER BY updated_at, id LIMIT $3)'
        ' UNION ALL'
        ' (SELECT id, title::text, description, completed, priority::text, due_date, created_at,'
        '         updated_at, completed_at, lower(title), priority_rank FROM public.tasks'
        '   WHERE user_id = $1 AND completed AND updated_at > $2 ORDER BY updated_at, id LIMIT $3)'
        ') c ORDER BY updated_at, id LIMIT $3'
    USING me, p_since, p_limit;
END
$$;
