-- Revision 0007's page built per call, searching: p_candidates (when given) are the only rows
-- read, and sorted; p_words (typed words, each found anywhere) or else p_query (the word
-- syntax, by whole words) is the search's own check (see tasks_page). The
-- order 'relevance' ranks by the words' weights (title above notes) with every typed word
-- found in the title counting most, and pages by offset (a ranked list is read whole anyway).
-- Called only by tasks_page, as todo_api_owner; sorts allowed.
CREATE FUNCTION todo_api.tasks_page_built(
    p_sort text, p_completed boolean, p_priorities text[], p_due_after timestamptz,
    p_due_before timestamptz, p_overdue_at timestamptz, p_pattern text, p_due_part text,
    p_after_id uuid, p_after_time timestamptz, p_after_rank smallint, p_after_text text,
    p_limit integer, p_tag uuid, p_candidates uuid[] DEFAULT NULL, p_words text[] DEFAULT NULL,
    p_query tsquery DEFAULT NULL, p_offset integer DEFAULT NULL)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = auto SET enable_sort = on SET enable_bitmapscan = on SET enable_seqscan = on
-- Never compiled: JIT takes longer to compile a statement than this one takes to run.
SET jit = off AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    w text[] := ARRAY['user_id = $1'];
    keys text[];
    cursor_values text[];
    descending boolean;
    sort_setting text;
    ranked boolean := p_sort = 'relevance';
    score text := '(ts_rank(search_words, coalesce($17, ''''::tsquery))'
                  ' + CASE WHEN $16 IS NOT NULL AND public.todo_search_contains(title, NULL, $16)'
                  ' THEN 1 ELSE 0 END)::real';
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1001 THEN
        RAISE EXCEPTION 'page size must be 1 to 1001' USING ERRCODE = '22023';
    END IF;
    IF p_offset IS NOT NULL AND (p_offset < 0 OR p_offset > 100000) THEN
        RAISE EXCEPTION 'offset must be 0 to 100000' USING ERRCODE = '22023';
    END IF;
    CASE p_sort
        WHEN 'due' THEN keys := ARRAY['due_date']; cursor_values := ARRAY['$10']; descending := false;
        WHEN 'priority' THEN
            keys := ARRAY['priority_rank', 'created_at']; cursor_values := ARRAY['$11', '$10'];
            descending := true;
        WHEN 'created' THEN keys := ARRAY['created_at']; cursor_values := ARRAY['$10']; descending := true;
        WHEN 'updated' THEN keys := ARRAY['updated_at']; cursor_values := ARRAY['$10']; descending := true;
        WHEN 'title' THEN keys := ARRAY['title_key']; cursor_values := ARRAY['$12']; descending := false;
        WHEN 'relevance' THEN
            IF p_words IS NULL AND p_query IS NULL THEN
                RAISE EXCEPTION 'the relevance order needs a search' USING ERRCODE = '22023';
            END IF;
            keys := ARRAY[score, 'created_at']; cursor_values := ARRAY[]::text[]; descending := true;
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
    IF p_candidates IS NOT NULL THEN
        w := w || 'id = ANY($15)'::text;
    END IF;
    IF p_words IS NOT NULL OR p_query IS NOT NULL THEN
        w := w || CASE WHEN p_words IS NOT NULL THEN 'public.todo_search_contains(title, description, $16)'
                       ELSE 'search_words @@ $17' END;
    END IF;
    IF p_due_part = 'undated' THEN
        w := w || 'due_date IS NULL'::text;
        keys := ARRAY['created_at'];
    ELSIF p_due_part = 'dated' THEN
        w := w || 'due_date IS NOT NULL'::text;
    ELSIF p_due_part = 'both' AND NOT ranked THEN  -- the dated run, then the undated by creation
        IF p_after_id IS NOT NULL OR p_sort IS DISTINCT FROM 'due' THEN
            RAISE EXCEPTION 'both runs are read only by due date, from the start' USING ERRCODE = '22023';
        END IF;
        keys := ARRAY['(due_date IS NULL)', 'due_date', '(CASE WHEN due_date IS NULL THEN created_at END)'];
    END IF;
    IF p_after_id IS NOT NULL AND NOT ranked THEN
        w := w || format('(%s) %s (%s)',
                         array_to_string(keys[1:cardinality(cursor_values)] || 'id'::text, ', '),
                         CASE WHEN descending THEN '<' ELSE '>' END,
                         array_to_string(cursor_values || '$9'::text, ', '));
    END IF;
    -- Without candidates a filtered list is walked in order: a sort would read every match.
    IF p_pattern IS NOT NULL OR (p_candidates IS NULL AND p_words IS NOT NULL AND NOT ranked) THEN
        sort_setting := current_setting('enable_sort');
        PERFORM set_config('enable_sort', 'off', true);
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT id, title::text, description, completed, priority::text, due_date, created_at, '
        'updated_at, completed_at, title_key, priority_rank, tags, repeat_rule, repeat_after_completion '
        'FROM public.tasks WHERE %s ORDER BY %s LIMIT $13 OFFSET coalesce($18, 0)',
        array_to_string(w, ' AND '),
        (SELECT string_agg(k || CASE WHEN descending THEN ' DESC' ELSE '' END, ', ')
           FROM unnest(keys || 'id'::text) k))
    USING me, p_completed, p_priorities, p_due_after, p_due_before, p_overdue_at, p_pattern,
          p_due_part, p_after_id, p_after_time, p_after_rank, p_after_text, p_limit, p_tag,
          p_candidates, p_words, p_query, p_offset;
    IF sort_setting IS NOT NULL THEN
        PERFORM set_config('enable_sort', sort_setting, true);
    END IF;
END
$$;
