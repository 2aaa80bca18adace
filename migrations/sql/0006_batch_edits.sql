-- Revision 0006: an edit of several tasks is one call and one transaction, however many
-- tasks the person selected, live and when the outbox replays it.
--
-- A batch is a set of arrays holding one value per task, in the same order. Each task carries
-- the version (updated_at) the edit was based on; NULL writes regardless of the version.
-- What a batch does, in one transaction:
--   * a task still at its version is written ('updated'); one that already holds every value
--     asked for is left as it is and counts as done, whatever its version ('unchanged': a
--     retry after a lost COMMIT, whose first attempt moved the version, or the same edit made
--     elsewhere);
--   * a task changed since its version is left alone and comes back as stored ('stale'), for
--     the person to choose; the other tasks of the batch are written all the same, since each
--     conflict is about one task and is settled task by task;
--   * a task that is not there, or not the caller's, gives no row at all: the two look the
--     same, and another person's task is never read, locked or written;
--   * anything refused (a bad value, a limit, a lost connection) rolls back the whole batch.
-- The arrays are checked before any row is read: at most 10,000 tasks, one value per task
-- in every array, no task without an id, and none twice.
--
-- update_tasks and delete_tasks plan once per server connection and reuse the plan (planning
-- the statement cost as much as running it for one task). Whatever the batch's size, that
-- plan reads the named tasks by their primary key (id = ANY(p_ids)), never a whole list. Each
-- writes first, then reads what it did not write in a statement of its own: no row is locked
-- or read twice, and a task changed meanwhile by another device comes back as it is now.

CREATE FUNCTION todo_api.check_arrays(p_ids uuid[], VARIADIC p_lengths integer[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n integer := cardinality(p_ids);
BEGIN
    -- Any array counts: a million versions beside one id is as much work to refuse later.
    PERFORM todo_api.check_batch(greatest(n, (SELECT max(l) FROM unnest(p_lengths) AS l)));
    IF n IS NULL OR EXISTS (SELECT 1 FROM unnest(p_lengths) AS l WHERE l IS DISTINCT FROM n) THEN
        RAISE EXCEPTION 'every array of a batch must hold one value per task' USING ERRCODE = '2202E';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_ids) AS i WHERE i IS NULL) THEN
        RAISE EXCEPTION 'a batch names a task without an id' USING ERRCODE = '22004';
    END IF;
    -- Written twice in one statement, a row would take one of the two values at random.
    IF (SELECT count(DISTINCT i) FROM unnest(p_ids) AS i) <> n THEN
        RAISE EXCEPTION 'a batch names one task twice' USING ERRCODE = '21000';
    END IF;
END
$$;

-- p_fields says per task which fields it sets: 1 title (with its title_key), 2 description,
-- 4 priority, 8 due_date, 16 completed. A field not set keeps its stored value.
CREATE FUNCTION todo_api.update_tasks(p_ids uuid[], p_versions timestamptz[], p_fields integer[],
                                      p_titles text[], p_title_keys text[], p_descriptions text[],
                                      p_priorities text[], p_due_dates timestamptz[], p_completed boolean[])
RETURNS SETOF todo_api.task_edit
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    written todo_api.task_edit[];
BEGIN
    PERFORM todo_api.check_arrays(p_ids, cardinality(p_versions), cardinality(p_fields),
                                  cardinality(p_titles), cardinality(p_title_keys),
                                  cardinality(p_descriptions), cardinality(p_priorities),
                                  cardinality(p_due_dates), cardinality(p_completed));
    IF EXISTS (SELECT 1 FROM unnest(p_fields) AS f WHERE f IS NULL) THEN
        RAISE EXCEPTION 'a batch must say which fields each task sets' USING ERRCODE = '22004';
    END IF;
    -- Each task still at its version is written, unless it already holds every value asked
    -- for: then its version stays, and no other device sees a change. A row is locked as the
    -- statement reaches it, through the primary key (the data layer sends the ids sorted), so
    -- two batches over the same tasks queue up in one order instead of deadlocking. Only the
    -- caller's own rows are locked: another person's id never makes a batch wait.
    WITH w AS (
        SELECT * FROM unnest(p_ids, p_versions, p_fields, p_titles, p_title_keys, p_descriptions,
                             p_priorities, p_due_dates, p_completed)
                 AS w(id, expected, fields, title, title_key, description, priority, due_date, completed)
    ), changed AS (
        UPDATE public.tasks t
           SET title = CASE WHEN w.fields & 1 <> 0 THEN w.title ELSE t.title END,
               title_key = CASE WHEN w.fields & 1 <> 0 THEN w.title_key ELSE t.title_key END,
               description = CASE WHEN w.fields & 2 <> 0 THEN w.description ELSE t.description END,
               priority = CASE WHEN w.fields & 4 <> 0 THEN w.priority ELSE t.priority END,
               due_date = CASE WHEN w.fields & 8 <> 0 THEN w.due_date ELSE t.due_date END,
               completed = CASE WHEN w.fields & 16 <> 0 THEN w.completed ELSE t.completed END
          FROM w
         WHERE t.id = w.id AND t.id = ANY(p_ids) AND t.user_id = me
           AND (w.expected IS NULL OR t.updated_at = w.expected)
           AND NOT ((w.fields & 1 = 0 OR t.title::text IS NOT DISTINCT FROM w.title)
                    AND (w.fields & 2 = 0 OR t.description IS NOT DISTINCT FROM w.description)
                    AND (w.fields & 4 = 0 OR t.priority::text IS NOT DISTINCT FROM w.priority)
                    AND (w.fields & 8 = 0 OR t.due_date IS NOT DISTINCT FROM w.due_date)
                    AND (w.fields & 16 = 0 OR t.completed IS NOT DISTINCT FROM w.completed))
        RETURNING 'updated'::text, t.id, t.title::text, t.description, t.completed, t.priority::text,
                  t.due_date, t.created_at, t.updated_at, t.completed_at
    )
    SELECT coalesce(array_agg(c::todo_api.task_edit), '{}') INTO written FROM changed c;
    RETURN QUERY SELECT * FROM unnest(written);
    IF cardinality(written) = cardinality(p_ids) THEN
        RETURN;
    END IF;
    -- The others, read by a statement of their own, so as stored now (with what another device
    -- committed meanwhile): 'unchanged' if it holds every value asked for, 'stale' if not.
    RETURN QUERY
    SELECT CASE WHEN (w.fields & 1 = 0 OR t.title::text IS NOT DISTINCT FROM w.title)
               AND (w.fields & 2 = 0 OR t.description IS NOT DISTINCT FROM w.description)
               AND (w.fields & 4 = 0 OR t.priority::text IS NOT DISTINCT FROM w.priority)
               AND (w.fields & 8 = 0 OR t.due_date IS NOT DISTINCT FROM w.due_date)
               AND (w.fields & 16 = 0 OR t.completed IS NOT DISTINCT FROM w.completed)
                THEN 'unchanged' ELSE 'stale' END,
           t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
           t.created_at, t.updated_at, t.completed_at
      FROM unnest(p_ids, p_fields, p_titles, p_descriptions, p_priorities, p_due_dates, p_completed)
           AS w(id, fields, title, description, priority, due_date, completed)
      JOIN public.tasks t ON t.id = w.id AND t.user_id = me
     WHERE t.id = ANY(p_ids) AND t.id <> ALL (SELECT x.id FROM unnest(written) AS x);
END
$$;

-- Deletes the tasks still at their version ('deleted'); a task changed since is kept and comes
-- back as stored ('stale'). A task already gone gives no row: deleting twice is harmless.
DROP FUNCTION todo_api.delete_tasks(uuid[]);
CREATE FUNCTION todo_api.delete_tasks(p_ids uuid[], p_versions timestamptz[])
RETURNS SETOF todo_api.task_edit
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    removed todo_api.task_edit[];
BEGIN
    PERFORM todo_api.check_arrays(p_ids, cardinality(p_versions));
    WITH w AS (
        SELECT * FROM unnest(p_ids, p_versions) AS w(id, expected)
    ), deleted AS (
        DELETE FROM public.tasks t USING w
         WHERE t.id = w.id AND t.id = ANY(p_ids) AND t.user_id = me
           AND (w.expected IS NULL OR t.updated_at = w.expected)
        RETURNING 'deleted'::text, t.id, t.title::text, t.description, t.completed, t.priority::text,
                  t.due_date, t.created_at, t.updated_at, t.completed_at
    )
    SELECT coalesce(array_agg(d::todo_api.task_edit), '{}') INTO removed FROM deleted d;
    RETURN QUERY SELECT * FROM unnest(removed);
    IF cardinality(removed) = cardinality(p_ids)
       OR NOT EXISTS (SELECT 1 FROM unnest(p_versions) AS v WHERE v IS NOT NULL) THEN
        RETURN;  -- nothing left that could be stale
    END IF;
    -- A task with a version that is still there was changed since: read as stored now.
    RETURN QUERY
    SELECT 'stale'::text, t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
           t.created_at, t.updated_at, t.completed_at
      FROM unnest(p_ids, p_versions) AS w(id, expected)
      JOIN public.tasks t ON t.id = w.id AND t.user_id = me
     WHERE t.id = ANY(p_ids) AND w.expected IS NOT NULL;
END
$$;

-- Completing several tasks is an update_tasks batch now.
DROP FUNCTION todo_api.set_completed(uuid[], boolean);

-- As revision 0005 made it, with the batch's arrays checked first. Rows still present are
-- left as they are; an id another person holds is neither restored nor shown.
CREATE OR REPLACE FUNCTION todo_api.restore_tasks(p_ids uuid[], p_titles text[], p_title_keys text[],
                                                  p_descriptions text[], p_priorities text[],
                                                  p_due_dates timestamptz[], p_completed boolean[],
                                                  p_created timestamptz[], p_completed_at timestamptz[])
RETURNS SETOF todo_api.task
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    PERFORM todo_api.check_arrays(p_ids, cardinality(p_titles), cardinality(p_title_keys),
                                  cardinality(p_descriptions), cardinality(p_priorities),
                                  cardinality(p_due_dates), cardinality(p_completed),
                                  cardinality(p_created), cardinality(p_completed_at));
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
