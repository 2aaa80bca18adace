-- Revision 0011: imports that cost what they must and no more.
--
-- todo_api.import_tasks(p_tasks json) takes a batch of tasks as one JSON array and answers
-- with two figures: how many it added, and which of its ids another account holds.
--
-- - One JSON document, not fourteen arrays: a client packs it several times faster than its
--   driver packs arrays value by value, and the server reads it as fast.
-- - Figures, not rows: restore_tasks reads every task of its batch back for the undo that
--   called it; an import of 100,000 tasks has no use for them, and reading them back cost a
--   third of its time.
-- - Each task's tags come from one join over the batch, not a function call per task.
-- - The search keys of an imported task are always made later (todo_api.prepare_search).
--
-- Each element of p_tasks is an object (a missing key is null):
--   id (uuid, required), title, title_key, notes, priority, due, done (boolean, required),
--   created, done_at, tags (names), tag_keys (one per name), repeat, after_done (boolean)
-- and goes in as restore_tasks would put it: every check of that function holds.
--
-- task_tags rows of inserted tasks are made once per statement from its transition table, not
-- by a trigger call per task; updates keep the row trigger of revision 0007.

-- The import of one batch, in the arrays of restore_tasks; only import_tasks calls it.
CREATE FUNCTION todo_api.import_rows(me uuid, p_ids uuid[], p_titles text[], p_title_keys text[],
                                     p_descriptions text[], p_priorities text[], p_due_dates timestamptz[],
                                     p_completed boolean[], p_created timestamptz[],
                                     p_completed_at timestamptz[], p_tag_counts integer[],
                                     p_tag_names text[], p_tag_keys text[], p_repeats text[],
                                     p_after_completion boolean[], OUT added integer, OUT taken uuid[])
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM todo_api.check_arrays(p_ids, cardinality(p_titles), cardinality(p_title_keys),
                                  cardinality(p_descriptions), cardinality(p_priorities),
                                  cardinality(p_due_dates), cardinality(p_completed),
                                  cardinality(p_created), cardinality(p_completed_at),
                                  cardinality(p_tag_counts), cardinality(p_repeats),
                                  cardinality(p_after_completion));
    PERFORM todo_api.check_tags(p_tag_counts, coalesce(p_tag_names, '{}'), coalesce(p_tag_keys, '{}'));
    PERFORM todo_api.save_tags(me, p_tag_names, p_tag_keys);
    PERFORM set_config('todo.search_later', 'on', true);
    INSERT INTO public.tasks (id, user_id, title, title_key, description, priority, due_date, completed,
                              created_at, completed_at, tags, repeat_rule, repeat_after_completion)
    SELECT u.id, me, u.title, u.title_key, u.description, u.priority, u.due_date, u.completed,
           least(u.created_at, now()), least(u.completed_at, now()), coalesce(t.names, '{}'),
           u.repeat_rule, coalesce(u.after_completion, false)
      FROM unnest(p_ids, p_titles, p_title_keys, p_descriptions, p_priorities, p_due_dates, p_completed,
                  p_created, p_completed_at, p_repeats, p_after_completion)
           WITH ORDINALITY AS u(id, title, title_key, description, priority, due_date, completed,
                                created_at, completed_at, repeat_rule, after_completion, n)
      LEFT JOIN (
           -- Each task's tags by their keys, a key named twice kept once, in the order given.
           SELECT k.task, array_agg(g.name ORDER BY k.first) AS names
             FROM (SELECT o.task, x.key, min(x.pos) AS first
                     FROM unnest(coalesce(p_tag_keys, '{}')) WITH ORDINALITY AS x(key, pos)
                     JOIN (SELECT c.task, row_number() OVER (ORDER BY c.task, s.i) AS pos
                             FROM unnest(p_tag_counts) WITH ORDINALITY AS c(count, task)
                             CROSS JOIN LATERAL generate_series(1, c.count) AS s(i)) o ON o.pos = x.pos
                    GROUP BY o.task, x.key) k
             JOIN public.tags g ON g.user_id = me AND g.name_key = k.key
            GROUP BY k.task) t ON t.task = u.n
     WHERE NOT EXISTS (SELECT 1 FROM public.tasks x WHERE x.id = u.id)
    ON CONFLICT (id) DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    PERFORM set_config('todo.search_later', '', true);
    SELECT coalesce(array_agg(i.id), '{}') INTO taken
      FROM unnest(p_ids) AS i(id)
     WHERE NOT EXISTS (SELECT 1 FROM public.tasks x WHERE x.id = i.id AND x.user_id = me);
END
$$;

CREATE FUNCTION todo_api.import_tasks(p_tasks json, OUT added integer, OUT taken uuid[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    a record;
BEGIN
    IF json_typeof(p_tasks) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'an import batch is a JSON array of tasks' USING ERRCODE = '22023';
    END IF;
    -- Counted before a value is read: ten million tasks are refused as fast as eleven thousand.
    PERFORM todo_api.check_batch(json_array_length(p_tasks));
    -- The document read once; then each field's array, and the tags' names and keys one task
    -- after another (a name without a key, or a key without a name, is a null beside it,
    -- which check_tags refuses).
    WITH r AS MATERIALIZED (
        SELECT * FROM ROWS FROM (json_to_recordset(p_tasks) AS (id uuid, title text, title_key text, notes text,
                                                                 priority text, due timestamptz, done boolean,
                                                                 created timestamptz, done_at timestamptz,
                                                                 tags text[], tag_keys text[], repeat text,
                                                                 after_done boolean))
                      WITH ORDINALITY AS r(id, title, title_key, notes, priority, due, done, created, done_at,
                                           tags, tag_keys, repeat, after_done, n)
    ), tagged AS (
        SELECT coalesce(array_agg(x.name ORDER BY r.n, x.i), '{}') AS names,
               coalesce(array_agg(x.key ORDER BY r.n, x.i), '{}') AS keys
          FROM r CROSS JOIN LATERAL unnest(r.tags, r.tag_keys) WITH ORDINALITY AS x(name, key, i)
    )
    SELECT array_agg(r.id ORDER BY r.n) AS ids, array_agg(r.title ORDER BY r.n) AS titles,
           array_agg(r.title_key ORDER BY r.n) AS title_keys, array_agg(r.notes ORDER BY r.n) AS notes,
           array_agg(r.priority ORDER BY r.n) AS priorities, array_agg(r.due ORDER BY r.n) AS dues,
           array_agg(r.done ORDER BY r.n) AS done, array_agg(r.created ORDER BY r.n) AS created,
           array_agg(r.done_at ORDER BY r.n) AS done_at,
           array_agg(greatest(coalesce(cardinality(r.tags), 0), coalesce(cardinality(r.tag_keys), 0))
                     ORDER BY r.n) AS tag_counts,
           array_agg(r.repeat ORDER BY r.n) AS repeats, array_agg(coalesce(r.after_done, false) ORDER BY r.n) AS after,
           (SELECT g.names FROM tagged g) AS names, (SELECT g.keys FROM tagged g) AS keys
      INTO a
      FROM r;
    SELECT i.added, i.taken INTO added, taken
      FROM todo_api.import_rows(me, coalesce(a.ids, '{}'), coalesce(a.titles, '{}'), coalesce(a.title_keys, '{}'),
                                coalesce(a.notes, '{}'), coalesce(a.priorities, '{}'), coalesce(a.dues, '{}'),
                                coalesce(a.done, '{}'), coalesce(a.created, '{}'), coalesce(a.done_at, '{}'),
                                coalesce(a.tag_counts, '{}'), a.names, a.keys, coalesce(a.repeats, '{}'),
                                coalesce(a.after, '{}')) AS i;
END
$$;

CREATE FUNCTION public.todo_task_tags_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    most integer := (SELECT s.max_tags_per_task FROM todo_auth.settings s);
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n WHERE cardinality(n.tags) > most) THEN
        RAISE EXCEPTION 'a task can have at most % tags', most USING ERRCODE = 'TDQ05';
    END IF;
    -- As the row trigger checks each task: each name once, and a tag of the task's owner.
    IF EXISTS (SELECT 1 FROM new_rows n
                WHERE n.tags <> '{}'
                  AND (SELECT count(DISTINCT g.id) FROM public.tags g
                        WHERE g.user_id = n.user_id AND g.name = ANY(n.tags)) <> cardinality(n.tags)) THEN
        RAISE EXCEPTION 'a task names a tag twice, or one that does not exist' USING ERRCODE = 'TDV01';
    END IF;
    INSERT INTO public.task_tags AS x (task_id, tag_id, user_id, completed, due_date, priority_rank,
                                       created_at, updated_at, title_key)
    SELECT n.id, g.id, n.user_id, n.completed, n.due_date, n.priority_rank, n.created_at, n.updated_at,
           n.title_key
      FROM new_rows n
      CROSS JOIN LATERAL unnest(n.tags) AS w(tag_name)
      JOIN public.tags g ON g.user_id = n.user_id AND g.name = w.tag_name
     WHERE n.tags <> '{}'
    ON CONFLICT (task_id, tag_id) DO UPDATE
       SET completed = EXCLUDED.completed, due_date = EXCLUDED.due_date,
           priority_rank = EXCLUDED.priority_rank, created_at = EXCLUDED.created_at,
           updated_at = EXCLUDED.updated_at, title_key = EXCLUDED.title_key;
    RETURN NULL;
END
$$;
DROP TRIGGER tasks_tags_insert ON public.tasks;
CREATE TRIGGER tasks_tags_insert AFTER INSERT ON public.tasks REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.todo_task_tags_insert();
