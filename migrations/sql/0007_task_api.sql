-- Revision 0007: the task functions with tags and repeats (tasks_page is built by the
-- revision's Python file, as revision 0005 built it).
--
-- Tags travel as flat arrays, since a batch's tasks each have a list of their own: per task
-- the number of its tags (p_tag_counts; NULL where the batch does not set them), and all the
-- names and their keys (p_tag_names, p_tag_keys) one task after another. The arrays are
-- checked before anything is read or written, as check_arrays checks a batch's.
--
-- Every argument added to an existing function comes last with a default, so a call of the
-- previous release (an app opening a newer schema read-only, a test) still resolves.

CREATE FUNCTION todo_api.check_tags(p_counts integer[], p_names text[], p_keys text[]) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    most integer := (SELECT s.max_tags_per_task FROM todo_auth.settings s);
BEGIN
    -- Each count first: ten thousand tags for one task are refused before a name is read.
    IF EXISTS (SELECT 1 FROM unnest(p_counts) AS c WHERE c > most) THEN
        RAISE EXCEPTION 'a task can have at most % tags', most USING ERRCODE = 'TDQ05';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_counts) AS c WHERE c < 0)
       OR cardinality(p_names) IS DISTINCT FROM cardinality(p_keys)
       OR coalesce(cardinality(p_names), 0) <> coalesce((SELECT sum(c) FROM unnest(p_counts) AS c), 0) THEN
        RAISE EXCEPTION 'the tag arrays of a call must hold a name and a key for each tag counted'
            USING ERRCODE = 'TDV02';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_names, p_keys) AS x(name, key) WHERE x.name IS NULL OR x.key IS NULL) THEN
        RAISE EXCEPTION 'a tag without a name or key' USING ERRCODE = 'TDV02';
    END IF;
END
$$;

-- The person's tags for these names, made where missing (the first spelling is kept). Tags
-- are kept until deleted, so a count of the person's tags is the whole quota check.
CREATE FUNCTION todo_api.save_tags(p_me uuid, p_names text[], p_keys text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    made integer;
BEGIN
    IF coalesce(cardinality(p_keys), 0) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO public.tags (user_id, name, name_key)
    SELECT DISTINCT ON (k.key) p_me, k.name, k.key
      FROM unnest(p_names, p_keys) WITH ORDINALITY AS k(name, key, n)
     ORDER BY k.key, k.n
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS made = ROW_COUNT;
    IF made > 0 AND (SELECT count(*) FROM public.tags g WHERE g.user_id = p_me)
                    > (SELECT s.max_tags_per_user FROM todo_auth.settings s) THEN
        RAISE EXCEPTION 'the tag limit of this account is reached' USING ERRCODE = 'TDQ06';
    END IF;
    -- Not made: a name this person already has under another key (a client's wrong key).
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT k FROM unnest(p_keys) AS k) d
                WHERE NOT EXISTS (SELECT 1 FROM public.tags g WHERE g.user_id = p_me AND g.name_key = d.k)) THEN
        RAISE EXCEPTION 'a tag name and its key do not agree' USING ERRCODE = 'TDV01';
    END IF;
END
$$;

-- The names of the person's tags with these keys, in the order first given, each once.
CREATE FUNCTION todo_api.canonical_tags(p_me uuid, p_keys text[]) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(g.name ORDER BY k.n), '{}')
      FROM (SELECT x.key, min(x.n) AS n FROM unnest(p_keys) WITH ORDINALITY AS x(key, n) GROUP BY x.key) k
      JOIN public.tags g ON g.user_id = p_me AND g.name_key = k.key
$$;

-- Read by id: its own statement, planned once.
CREATE OR REPLACE FUNCTION todo_api.get_tasks(p_ids uuid[]) RETURNS SETOF todo_api.task
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date, t.created_at,
           t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags, t.repeat_rule,
           t.repeat_after_completion
      FROM public.tasks t
     WHERE t.id = ANY(p_ids) AND t.user_id = todo_api.signed_in_user()
$$;

-- As revision 0005 made it, with the new fields.
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
                t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags,
                t.repeat_rule, t.repeat_after_completion
           FROM public.tasks t
          WHERE t.user_id = me AND NOT t.completed AND t.updated_at > p_since
          ORDER BY t.updated_at, t.id LIMIT p_limit)
        UNION ALL
        (SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
                t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags,
                t.repeat_rule, t.repeat_after_completion
           FROM public.tasks t
          WHERE t.user_id = me AND t.completed AND t.updated_at > p_since
          ORDER BY t.updated_at, t.id LIMIT p_limit)
    ) c ORDER BY c.updated_at, c.id LIMIT p_limit;
END
$$;

DROP FUNCTION todo_api.create_task(uuid, text, text, text, text, timestamptz, boolean);
CREATE FUNCTION todo_api.create_task(p_id uuid, p_title text, p_title_key text, p_description text,
                                     p_priority text, p_due_date timestamptz, p_completed boolean,
                                     p_tag_names text[] DEFAULT NULL, p_tag_keys text[] DEFAULT NULL,
                                     p_repeat text DEFAULT NULL, p_after_completion boolean DEFAULT NULL)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    names text[] := '{}';
BEGIN
    IF p_tag_names IS NOT NULL OR p_tag_keys IS NOT NULL THEN
        PERFORM todo_api.check_tags(ARRAY[coalesce(cardinality(p_tag_names), 0)], p_tag_names, p_tag_keys);
        PERFORM todo_api.save_tags(me, p_tag_names, p_tag_keys);
        names := todo_api.canonical_tags(me, p_tag_keys);
    END IF;
    RETURN QUERY
    INSERT INTO public.tasks AS t (id, user_id, title, title_key, description, priority, due_date, completed,
                                   tags, repeat_rule, repeat_after_completion)
    VALUES (p_id, me, p_title, p_title_key, p_description, coalesce(p_priority, 'medium'), p_due_date,
            coalesce(p_completed, false), names, p_repeat, coalesce(p_after_completion, false))
    ON CONFLICT (id) DO NOTHING
    RETURNING t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date, t.created_at,
              t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags, t.repeat_rule,
              t.repeat_after_completion;
    IF NOT FOUND THEN  -- a retry after a lost COMMIT finds its own row; someone else's: no row
        RETURN QUERY SELECT * FROM todo_api.get_tasks(ARRAY[p_id]);
    END IF;
END
$$;

-- Deletes the tasks still at their version, as revision 0006 made it, with the new fields.
CREATE OR REPLACE FUNCTION todo_api.delete_tasks(p_ids uuid[], p_versions timestamptz[])
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
                  t.due_date, t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank,
                  t.tags, t.repeat_rule, t.repeat_after_completion
    )
    SELECT coalesce(array_agg(d::todo_api.task_edit), '{}') INTO removed FROM deleted d;
    RETURN QUERY SELECT * FROM unnest(removed);
    IF cardinality(removed) = cardinality(p_ids)
       OR NOT EXISTS (SELECT 1 FROM unnest(p_versions) AS v WHERE v IS NOT NULL) THEN
        RETURN;  -- nothing left that could be stale
    END IF;
    RETURN QUERY
    SELECT 'stale'::text, t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
           t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags, t.repeat_rule,
           t.repeat_after_completion
      FROM unnest(p_ids, p_versions) AS w(id, expected)
      JOIN public.tasks t ON t.id = w.id AND t.user_id = me
     WHERE t.id = ANY(p_ids) AND w.expected IS NOT NULL;
END
$$;

-- Undo of a delete, as revision 0006 made it, with each task's tags and repeat back too.
DROP FUNCTION todo_api.restore_tasks(uuid[], text[], text[], text[], text[], timestamptz[], boolean[],
                                     timestamptz[], timestamptz[]);
CREATE FUNCTION todo_api.restore_tasks(p_ids uuid[], p_titles text[], p_title_keys text[],
                                       p_descriptions text[], p_priorities text[],
                                       p_due_dates timestamptz[], p_completed boolean[],
                                       p_created timestamptz[], p_completed_at timestamptz[],
                                       p_tag_counts integer[] DEFAULT NULL, p_tag_names text[] DEFAULT NULL,
                                       p_tag_keys text[] DEFAULT NULL, p_repeats text[] DEFAULT NULL,
                                       p_after_completion boolean[] DEFAULT NULL)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    n integer := cardinality(p_ids);
BEGIN
    p_tag_counts := coalesce(p_tag_counts, array_fill(0, ARRAY[coalesce(n, 0)]));
    p_repeats := coalesce(p_repeats, array_fill(NULL::text, ARRAY[coalesce(n, 0)]));
    p_after_completion := coalesce(p_after_completion, array_fill(false, ARRAY[coalesce(n, 0)]));
    PERFORM todo_api.check_arrays(p_ids, cardinality(p_titles), cardinality(p_title_keys),
                                  cardinality(p_descriptions), cardinality(p_priorities),
                                  cardinality(p_due_dates), cardinality(p_completed),
                                  cardinality(p_created), cardinality(p_completed_at),
                                  cardinality(p_tag_counts), cardinality(p_repeats),
                                  cardinality(p_after_completion));
    PERFORM todo_api.check_tags(p_tag_counts, coalesce(p_tag_names, '{}'), coalesce(p_tag_keys, '{}'));
    PERFORM todo_api.save_tags(me, p_tag_names, p_tag_keys);
    INSERT INTO public.tasks (id, user_id, title, title_key, description, priority, due_date, completed,
                              created_at, completed_at, tags, repeat_rule, repeat_after_completion)
    SELECT r.id, me, r.title, r.title_key, r.description, r.priority, r.due_date, r.completed,
           least(r.created_at, now()), least(r.completed_at, now()),
           todo_api.canonical_tags(me, p_tag_keys[r.tag_start + 1 : r.tag_start + r.tag_count]),
           r.repeat_rule, coalesce(r.after_completion, false)
      FROM (SELECT u.*, coalesce(sum(u.tag_count) OVER (ORDER BY u.n ROWS BETWEEN UNBOUNDED PRECEDING
                                                                        AND 1 PRECEDING), 0) AS tag_start
              FROM unnest(p_ids, p_titles, p_title_keys, p_descriptions, p_priorities, p_due_dates,
                          p_completed, p_created, p_completed_at, p_tag_counts, p_repeats, p_after_completion)
                   WITH ORDINALITY AS u(id, title, title_key, description, priority, due_date, completed,
                                        created_at, completed_at, tag_count, repeat_rule, after_completion, n)) r
    ON CONFLICT (id) DO NOTHING;
    RETURN QUERY SELECT * FROM todo_api.get_tasks(p_ids);
END
$$;

-- The tags a person has, with how many open tasks carry each, by name (case-insensitively);
-- at most p_limit of them. Each count reads the open run of one task_tags index.
CREATE FUNCTION todo_api.tags(p_limit integer) RETURNS TABLE (name text, open_count bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 10000 THEN
        RAISE EXCEPTION 'at most 10000 tags at once' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    SELECT g.name, (SELECT count(*) FROM public.task_tags x WHERE x.tag_id = g.id AND NOT x.completed)
      FROM public.tags g WHERE g.user_id = me ORDER BY g.name_key LIMIT p_limit;
END
$$;

-- Renames the tag with key p_old_key on every task that has it; into a tag the person already
-- has (another key), the two merge. Returns how many tasks it changed; 0 when there is no such
-- tag of the caller's (another person's name or a made-up one looks the same).
CREATE FUNCTION todo_api.rename_tag(p_old_key text, p_new_name text, p_new_key text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    renamed public.tags;
    into_name text;
    n integer;
BEGIN
    SELECT * INTO renamed FROM public.tags g WHERE g.user_id = me AND g.name_key = p_old_key FOR UPDATE;
    IF NOT FOUND OR (renamed.name = p_new_name AND renamed.name_key = p_new_key) THEN
        RETURN 0;
    END IF;
    IF p_new_key IS DISTINCT FROM renamed.name_key THEN
        SELECT g.name INTO into_name FROM public.tags g
         WHERE g.user_id = me AND g.name_key = p_new_key FOR UPDATE;
    END IF;
    IF into_name IS NULL THEN
        -- The tag itself takes the new name first, so each task's new array names a tag.
        UPDATE public.tags g SET name = p_new_name, name_key = p_new_key WHERE g.id = renamed.id;
    END IF;
    UPDATE public.tasks t
       SET tags = todo_api.each_once(array_replace(t.tags, renamed.name, coalesce(into_name, p_new_name)))
     WHERE t.id IN (SELECT x.task_id FROM public.task_tags x WHERE x.tag_id = renamed.id) AND t.user_id = me;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF into_name IS NOT NULL THEN
        DELETE FROM public.tags g WHERE g.id = renamed.id;  -- merged: no task names it any more
    END IF;
    RETURN n;
END
$$;

-- The array's elements in order, each once (its first place).
CREATE FUNCTION todo_api.each_once(p_names text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(d.name ORDER BY d.n), '{}')
      FROM (SELECT x.name, min(x.n) AS n FROM unnest(p_names) WITH ORDINALITY AS x(name, n) GROUP BY x.name) d
$$;

-- Deletes the tag with key p_key from every task and from the person's tags; returns its name
-- and the tasks it was on (for an undo), or no row when the caller has no such tag.
CREATE FUNCTION todo_api.delete_tag(p_key text) RETURNS TABLE (name text, task_ids uuid[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    gone public.tags;
    ids uuid[];
BEGIN
    SELECT * INTO gone FROM public.tags g WHERE g.user_id = me AND g.name_key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    WITH changed AS (
        UPDATE public.tasks t SET tags = array_remove(t.tags, gone.name)
         WHERE t.id IN (SELECT x.task_id FROM public.task_tags x WHERE x.tag_id = gone.id) AND t.user_id = me
        RETURNING t.id
    )
    SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') INTO ids FROM changed c;
    DELETE FROM public.tags g WHERE g.id = gone.id;
    RETURN QUERY SELECT gone.name, ids;
END
$$;

-- Undo of delete_tag: the tag again (as first spelled, if it was made again meanwhile), on
-- those of p_ids that are the caller's tasks and lack it, at the end of their tags. Returns
-- how many tasks got it back.
CREATE FUNCTION todo_api.restore_tag(p_name text, p_key text, p_ids uuid[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    kept text;
    n integer;
BEGIN
    PERFORM todo_api.check_batch(cardinality(p_ids));
    PERFORM todo_api.check_tags(ARRAY[1], ARRAY[p_name], ARRAY[p_key]);
    PERFORM todo_api.save_tags(me, ARRAY[p_name], ARRAY[p_key]);
    kept := (todo_api.canonical_tags(me, ARRAY[p_key]))[1];
    UPDATE public.tasks t SET tags = t.tags || kept
     WHERE t.id = ANY(p_ids) AND t.user_id = me AND kept <> ALL(t.tags);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
