-- Revision 0007: edits of several tasks with tags and repeats, and completing a repeating task.
--
-- update_tasks is revision 0006's, with three more fields (p_fields bits: 32 tags, 64 the
-- repeat rule, 128 whether it repeats after completion) and each task's next occurrence.
--
-- Completing a repeating task creates its next occurrence as a new task, here, in the same
-- transaction, exactly once. The database cannot read a rule, so the client sends, per task,
-- the occurrence's id (derived from the completed task's id and due date) and due date. It is
-- made only when this call moved the task from open to completed (its completed_at equals its
-- new version: the trigger sets it so only on that move) and the stored task repeats: a
-- replayed completion finds the task completed already ('unchanged') and makes nothing, and
-- the id is taken ON CONFLICT DO NOTHING, so neither a retry nor an id another person holds
-- makes a second one, and another person's task is neither written nor shown. It copies the
-- stored task's title, notes, priority, tags and repeat. An un-completion that names the
-- occurrence (an undo) deletes it in the same transaction, if it is the caller's.
-- Rows come back in this order: 'updated', then 'unchanged'/'stale', then per completion its
-- occurrence as stored ('next'), then the occurrences deleted ('deleted').

DROP FUNCTION todo_api.update_tasks(uuid[], timestamptz[], integer[], text[], text[], text[], text[],
                                    timestamptz[], boolean[]);
CREATE FUNCTION todo_api.update_tasks(p_ids uuid[], p_versions timestamptz[], p_fields integer[],
                                      p_titles text[], p_title_keys text[], p_descriptions text[],
                                      p_priorities text[], p_due_dates timestamptz[], p_completed boolean[],
                                      p_tag_counts integer[] DEFAULT NULL, p_tag_names text[] DEFAULT NULL,
                                      p_tag_keys text[] DEFAULT NULL, p_repeats text[] DEFAULT NULL,
                                      p_after_completion boolean[] DEFAULT NULL,
                                      p_next_ids uuid[] DEFAULT NULL, p_next_dues timestamptz[] DEFAULT NULL)
RETURNS SETOF todo_api.task_edit
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    n integer := coalesce(cardinality(p_ids), 0);
    written todo_api.task_edit[];
    others todo_api.task_edit[] := '{}';
    nexts uuid[];
    undone uuid[];
    unsaid boolean;
    tagging boolean;
BEGIN
    p_tag_counts := coalesce(p_tag_counts, array_fill(NULL::integer, ARRAY[n]));
    p_repeats := coalesce(p_repeats, array_fill(NULL::text, ARRAY[n]));
    p_after_completion := coalesce(p_after_completion, array_fill(NULL::boolean, ARRAY[n]));
    p_next_ids := coalesce(p_next_ids, array_fill(NULL::uuid, ARRAY[n]));
    p_next_dues := coalesce(p_next_dues, array_fill(NULL::timestamptz, ARRAY[n]));
    PERFORM todo_api.check_arrays(p_ids, cardinality(p_versions), cardinality(p_fields),
                                  cardinality(p_titles), cardinality(p_title_keys),
                                  cardinality(p_descriptions), cardinality(p_priorities),
                                  cardinality(p_due_dates), cardinality(p_completed),
                                  cardinality(p_tag_counts), cardinality(p_repeats),
                                  cardinality(p_after_completion), cardinality(p_next_ids),
                                  cardinality(p_next_dues));
    SELECT bool_or(x.f IS NULL), coalesce(bool_or(x.f & 32 <> 0), false) OR bool_or(x.c IS NOT NULL)
      INTO unsaid, tagging
      FROM unnest(p_fields, p_tag_counts) AS x(f, c);
    IF unsaid THEN
        RAISE EXCEPTION 'a batch must say which fields each task sets' USING ERRCODE = '22004';
    END IF;
    -- A batch that sets no tags (most of them) skips their checks: no name may come with it.
    IF tagging OR cardinality(p_tag_names) > 0 OR cardinality(p_tag_keys) > 0 THEN
        IF EXISTS (SELECT 1 FROM unnest(p_fields, p_tag_counts) AS x(f, c) WHERE x.f & 32 <> 0 AND x.c IS NULL) THEN
            RAISE EXCEPTION 'a task whose tags a batch sets needs its count of tags' USING ERRCODE = 'TDV02';
        END IF;
        PERFORM todo_api.check_tags(p_tag_counts, coalesce(p_tag_names, '{}'), coalesce(p_tag_keys, '{}'));
        PERFORM todo_api.save_tags(me, p_tag_names, p_tag_keys);
    END IF;
    -- As in revision 0006: each task still at its version is written, unless it holds every
    -- value asked for already; rows are locked as the statement reaches them, in id order.
    WITH w AS (
        SELECT u.*, CASE WHEN u.fields & 32 <> 0 THEN
                   todo_api.canonical_tags(me, p_tag_keys[u.tag_start + 1 : u.tag_start + u.tag_count]) END AS tags
          FROM (SELECT v.*, coalesce(sum(v.tag_count) OVER (ORDER BY v.n ROWS BETWEEN UNBOUNDED PRECEDING
                                                                    AND 1 PRECEDING), 0) AS tag_start
                  FROM unnest(p_ids, p_versions, p_fields, p_titles, p_title_keys, p_descriptions, p_priorities,
                              p_due_dates, p_completed, p_tag_counts, p_repeats, p_after_completion)
                       WITH ORDINALITY AS v(id, expected, fields, title, title_key, description, priority,
                                            due_date, completed, tag_count, repeat_rule, after_completion, n)) u
    ), changed AS (
        UPDATE public.tasks t
           SET title = CASE WHEN w.fields & 1 <> 0 THEN w.title ELSE t.title END,
               title_key = CASE WHEN w.fields & 1 <> 0 THEN w.title_key ELSE t.title_key END,
               description = CASE WHEN w.fields & 2 <> 0 THEN w.description ELSE t.description END,
               priority = CASE WHEN w.fields & 4 <> 0 THEN w.priority ELSE t.priority END,
               due_date = CASE WHEN w.fields & 8 <> 0 THEN w.due_date ELSE t.due_date END,
               completed = CASE WHEN w.fields & 16 <> 0 THEN w.completed ELSE t.completed END,
               tags = CASE WHEN w.fields & 32 <> 0 THEN w.tags ELSE t.tags END,
               repeat_rule = CASE WHEN w.fields & 64 <> 0 THEN w.repeat_rule ELSE t.repeat_rule END,
               repeat_after_completion = CASE WHEN w.fields & 128 <> 0 THEN w.after_completion
                                              ELSE t.repeat_after_completion END
          FROM w
         WHERE t.id = w.id AND t.id = ANY(p_ids) AND t.user_id = me
           AND (w.expected IS NULL OR t.updated_at = w.expected)
           AND NOT ((w.fields & 1 = 0 OR t.title::text IS NOT DISTINCT FROM w.title)
                    AND (w.fields & 2 = 0 OR t.description IS NOT DISTINCT FROM w.description)
                    AND (w.fields & 4 = 0 OR t.priority::text IS NOT DISTINCT FROM w.priority)
                    AND (w.fields & 8 = 0 OR t.due_date IS NOT DISTINCT FROM w.due_date)
                    AND (w.fields & 16 = 0 OR t.completed IS NOT DISTINCT FROM w.completed)
                    AND (w.fields & 32 = 0 OR t.tags IS NOT DISTINCT FROM w.tags)
                    AND (w.fields & 64 = 0 OR t.repeat_rule IS NOT DISTINCT FROM w.repeat_rule)
                    AND (w.fields & 128 = 0 OR t.repeat_after_completion IS NOT DISTINCT FROM w.after_completion))
        RETURNING 'updated'::text, t.id, t.title::text, t.description, t.completed, t.priority::text,
                  t.due_date, t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank,
                  t.tags, t.repeat_rule, t.repeat_after_completion
    )
    SELECT coalesce(array_agg(c::todo_api.task_edit), '{}') INTO written FROM changed c;
    RETURN QUERY SELECT * FROM unnest(written);
    IF cardinality(written) < n THEN
        -- The others, as stored now: 'unchanged' if they hold every value asked for, else 'stale'.
        WITH w AS (
            SELECT u.*, CASE WHEN u.fields & 32 <> 0 THEN
                       todo_api.canonical_tags(me, p_tag_keys[u.tag_start + 1 : u.tag_start + u.tag_count]) END AS tags
              FROM (SELECT v.*, coalesce(sum(v.tag_count) OVER (ORDER BY v.n ROWS BETWEEN UNBOUNDED PRECEDING
                                                                        AND 1 PRECEDING), 0) AS tag_start
                      FROM unnest(p_ids, p_fields, p_titles, p_descriptions, p_priorities, p_due_dates,
                                  p_completed, p_tag_counts, p_repeats, p_after_completion)
                           WITH ORDINALITY AS v(id, fields, title, description, priority, due_date, completed,
                                                tag_count, repeat_rule, after_completion, n)) u
        )
        SELECT coalesce(array_agg(ROW(
                   CASE WHEN (w.fields & 1 = 0 OR t.title::text IS NOT DISTINCT FROM w.title)
                         AND (w.fields & 2 = 0 OR t.description IS NOT DISTINCT FROM w.description)
                         AND (w.fields & 4 = 0 OR t.priority::text IS NOT DISTINCT FROM w.priority)
                         AND (w.fields & 8 = 0 OR t.due_date IS NOT DISTINCT FROM w.due_date)
                         AND (w.fields & 16 = 0 OR t.completed IS NOT DISTINCT FROM w.completed)
                         AND (w.fields & 32 = 0 OR t.tags IS NOT DISTINCT FROM w.tags)
                         AND (w.fields & 64 = 0 OR t.repeat_rule IS NOT DISTINCT FROM w.repeat_rule)
                         AND (w.fields & 128 = 0
                              OR t.repeat_after_completion IS NOT DISTINCT FROM w.after_completion)
                        THEN 'unchanged' ELSE 'stale' END,
                   t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
                   t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags,
                   t.repeat_rule, t.repeat_after_completion)::todo_api.task_edit), '{}')
          INTO others
          FROM w JOIN public.tasks t ON t.id = w.id AND t.user_id = me
         WHERE t.id = ANY(p_ids) AND t.id <> ALL (SELECT x.id FROM unnest(written) AS x);
        RETURN QUERY SELECT * FROM unnest(others);
    END IF;
    IF cardinality(array_remove(p_next_ids, NULL)) = 0 THEN
        RETURN;  -- no completion of a repeating task, nor its undo
    END IF;
    -- Completions this call made, of tasks that (as stored) repeat: their next occurrence.
    INSERT INTO public.tasks (id, user_id, title, title_key, description, priority, due_date, tags,
                              repeat_rule, repeat_after_completion)
    SELECT x.next_id, me, c.title, c.title_key, c.description, c.priority, x.next_due, c.tags,
           c.repeat_rule, c.repeat_after_completion
      FROM unnest(written) AS c
      JOIN unnest(p_ids, p_next_ids, p_next_dues) AS x(id, next_id, next_due) ON x.id = c.id
     WHERE c.completed AND c.completed_at = c.updated_at AND c.repeat_rule IS NOT NULL
       AND x.next_id IS NOT NULL AND x.next_due IS NOT NULL AND x.next_id <> ALL(p_ids)
     ORDER BY x.next_id
    ON CONFLICT (id) DO NOTHING;
    -- Which occurrences the person's edits name: made (or made before) by a completion, or
    -- to take back with an un-completion; never for a task left alone as stale.
    SELECT array_agg(x.next_id) FILTER (WHERE x.completed),
           array_agg(x.next_id) FILTER (WHERE NOT x.completed)
      INTO nexts, undone
      FROM unnest(p_ids, p_fields, p_completed, p_next_ids) AS x(id, fields, completed, next_id)
      JOIN unnest(written || others) AS c ON c.id = x.id AND c.outcome <> 'stale'
     WHERE x.next_id IS NOT NULL AND x.fields & 16 <> 0 AND x.next_id <> ALL(p_ids);
    RETURN QUERY
    SELECT 'next'::text, t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
           t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags, t.repeat_rule,
           t.repeat_after_completion
      FROM public.tasks t WHERE t.id = ANY(nexts) AND t.user_id = me;
    RETURN QUERY
    DELETE FROM public.tasks t WHERE t.id = ANY(undone) AND t.user_id = me
    RETURNING 'deleted'::text, t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
              t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags, t.repeat_rule,
              t.repeat_after_completion;
END
$$;

-- One task's edit (TaskRepository.update): revision 0005's update_task, with tags and repeat.
-- A batch of one through update_tasks costs half a millisecond more in checks made for many
-- tasks (and an edit of one task cannot name a next occurrence), so one task keeps its own
-- static statements. 'updated', 'unchanged' and 'stale' mean what they mean there.
DROP FUNCTION todo_api.update_task(uuid, timestamptz, text[], text, text, text, text, timestamptz, boolean);
CREATE FUNCTION todo_api.update_task(p_id uuid, p_expected timestamptz, p_columns text[], p_title text,
                                     p_title_key text, p_description text, p_priority text,
                                     p_due_date timestamptz, p_completed boolean,
                                     p_tag_names text[] DEFAULT NULL, p_tag_keys text[] DEFAULT NULL,
                                     p_repeat text DEFAULT NULL, p_after_completion boolean DEFAULT NULL)
RETURNS SETOF todo_api.task_edit
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    r todo_api.task_edit;
    new_tags text[];
BEGIN
    IF 'tags' = ANY(p_columns) THEN
        PERFORM todo_api.check_tags(ARRAY[coalesce(cardinality(p_tag_names), 0)], coalesce(p_tag_names, '{}'),
                                    coalesce(p_tag_keys, '{}'));
        PERFORM todo_api.save_tags(me, p_tag_names, p_tag_keys);
        new_tags := todo_api.canonical_tags(me, p_tag_keys);
    END IF;
    UPDATE public.tasks t
       SET title = CASE WHEN 'title' = ANY(p_columns) THEN p_title ELSE t.title END,
           title_key = CASE WHEN 'title' = ANY(p_columns) THEN p_title_key ELSE t.title_key END,
           description = CASE WHEN 'description' = ANY(p_columns) THEN p_description ELSE t.description END,
           priority = CASE WHEN 'priority' = ANY(p_columns) THEN p_priority ELSE t.priority END,
           due_date = CASE WHEN 'due_date' = ANY(p_columns) THEN p_due_date ELSE t.due_date END,
           completed = CASE WHEN 'completed' = ANY(p_columns) THEN p_completed ELSE t.completed END,
           tags = CASE WHEN 'tags' = ANY(p_columns) THEN new_tags ELSE t.tags END,
           repeat_rule = CASE WHEN 'repeat' = ANY(p_columns) THEN p_repeat ELSE t.repeat_rule END,
           repeat_after_completion = CASE WHEN 'repeat_after_completion' = ANY(p_columns)
                                          THEN p_after_completion ELSE t.repeat_after_completion END
     WHERE t.id = p_id AND t.user_id = me AND (p_expected IS NULL OR t.updated_at = p_expected)
    RETURNING 'updated', t.id, t.title, t.description, t.completed, t.priority, t.due_date, t.created_at,
              t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags, t.repeat_rule,
              t.repeat_after_completion INTO r;
    IF NOT FOUND THEN
        SELECT 'stale', t.id, t.title, t.description, t.completed, t.priority, t.due_date, t.created_at,
               t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags, t.repeat_rule,
               t.repeat_after_completion INTO r
          FROM public.tasks t WHERE t.id = p_id AND t.user_id = me;
        IF NOT FOUND THEN
            RETURN;
        END IF;
        IF (NOT 'title' = ANY(p_columns) OR r.title IS NOT DISTINCT FROM p_title)
           AND (NOT 'description' = ANY(p_columns) OR r.description IS NOT DISTINCT FROM p_description)
           AND (NOT 'priority' = ANY(p_columns) OR r.priority IS NOT DISTINCT FROM p_priority)
           AND (NOT 'due_date' = ANY(p_columns) OR r.due_date IS NOT DISTINCT FROM p_due_date)
           AND (NOT 'completed' = ANY(p_columns) OR r.completed IS NOT DISTINCT FROM p_completed)
           AND (NOT 'tags' = ANY(p_columns) OR r.tags IS NOT DISTINCT FROM new_tags)
           AND (NOT 'repeat' = ANY(p_columns) OR r.repeat_rule IS NOT DISTINCT FROM p_repeat)
           AND (NOT 'repeat_after_completion' = ANY(p_columns)
                OR r.repeat_after_completion IS NOT DISTINCT FROM p_after_completion) THEN
            r.outcome := 'unchanged';
        END IF;
    END IF;
    RETURN NEXT r;
END
$$;

-- Revision 0005's page built per call (for open and completed tasks together, or a due order
-- not split into its runs), with the new fields and a tag (p_tag, the tag's id: NULL for all).
-- Called only by tasks_page, as todo_api_owner; sorts allowed.
DROP FUNCTION todo_api.tasks_page_built(text, boolean, text[], timestamptz, timestamptz, timestamptz, text,
                                        text, uuid, timestamptz, smallint, text, integer);
CREATE FUNCTION todo_api.tasks_page_built(
    p_sort text, p_completed boolean, p_priorities text[], p_due_after timestamptz,
    p_due_before timestamptz, p_overdue_at timestamptz, p_pattern text, p_due_part text,
    p_after_id uuid, p_after_time timestamptz, p_after_rank smallint, p_after_text text,
    p_limit integer, p_tag uuid)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = auto SET enable_sort = on SET enable_bitmapscan = on SET enable_seqscan = on AS $$
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
        WHEN 'title' THEN keys := ARRAY['title_key']; cursor_values := ARRAY['$12']; descending := false;
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
    IF p_tag IS NOT NULL THEN
        w := w || 'id IN (SELECT x.task_id FROM public.task_tags x WHERE x.tag_id = $14)'::text;
    END IF;
    IF p_due_part = 'undated' THEN
        w := w || 'due_date IS NULL'::text;
        keys := ARRAY['created_at'];
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
        sort_setting := current_setting('enable_sort');
        PERFORM set_config('enable_sort', 'off', true);
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT id, title::text, description, completed, priority::text, due_date, created_at, '
        'updated_at, completed_at, title_key, priority_rank, tags, repeat_rule, repeat_after_completion '
        'FROM public.tasks WHERE %s ORDER BY %s LIMIT $13',
        array_to_string(w, ' AND '),
        (SELECT string_agg(k || CASE WHEN descending THEN ' DESC' ELSE '' END, ', ')
           FROM unnest(keys || 'id'::text) k))
    USING me, p_completed, p_priorities, p_due_after, p_due_before, p_overdue_at, p_pattern,
          p_due_part, p_after_id, p_after_time, p_after_rank, p_after_text, p_limit, p_tag;
    IF sort_setting IS NOT NULL THEN
        PERFORM set_config('enable_sort', sort_setting, true);
    END IF;
END
$$;
