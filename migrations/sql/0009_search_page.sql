-- Revision 0008's page built per call, with the candidates' own columns (see
-- 0009_search_speed.sql): p_done, p_due, p_created, p_updated, p_ranks and p_title_keys run
-- alongside p_candidates. A list of candidates is sorted on those, and only the rows shown
-- are read (each checked again, under row-level security, against every condition of the
-- list and the search's own check); a ranked one reads each candidate to score it.
CREATE FUNCTION todo_api.tasks_page_built(
    p_sort text, p_completed boolean, p_priorities text[], p_due_after timestamptz,
    p_due_before timestamptz, p_overdue_at timestamptz, p_pattern text, p_due_part text,
    p_after_id uuid, p_after_time timestamptz, p_after_rank smallint, p_after_text text,
    p_limit integer, p_tag uuid, p_candidates uuid[] DEFAULT NULL, p_words text[] DEFAULT NULL,
    p_query tsquery DEFAULT NULL, p_offset integer DEFAULT NULL, p_done boolean[] DEFAULT NULL,
    p_due timestamptz[] DEFAULT NULL, p_created timestamptz[] DEFAULT NULL, p_updated timestamptz[] DEFAULT NULL,
    p_ranks smallint[] DEFAULT NULL, p_title_keys text[] DEFAULT NULL)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = auto SET enable_sort = on SET enable_bitmapscan = on SET enable_seqscan = on
-- Never compiled: JIT takes longer to compile a statement than this one takes to run.
SET jit = off AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    w text[] := ARRAY['user_id = $1'];
    kw text[] := ARRAY['true'];  -- what the candidates' own columns decide, before any row is read
    columns text := 'id, title::text, description, completed, priority::text, due_date, created_at, '
                    'updated_at, completed_at, title_key, priority_rank, tags, repeat_rule, repeat_after_completion';
    order_by text;
    statement text;
    keys text[];
    cursor_values text[];
    descending boolean;
    sort_setting text;
    ranked boolean := p_sort = 'relevance';
    score text := '(ts_rank(public.todo_search_words_now(user_id, search_pending, search_words, title, description), coalesce($17, ''''::tsquery))'
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
        kw := kw || CASE WHEN p_completed THEN 'completed' ELSE 'NOT completed' END;
        w := w || kw[cardinality(kw)];
    END IF;
    IF p_priorities IS NOT NULL THEN w := w || 'priority = ANY($3)'::text; END IF;
    IF p_due_after IS NOT NULL THEN kw := kw || 'due_date >= $4'::text; w := w || kw[cardinality(kw)]; END IF;
    IF p_due_before IS NOT NULL THEN kw := kw || 'due_date < $5'::text; w := w || kw[cardinality(kw)]; END IF;
    IF p_overdue_at IS NOT NULL THEN kw := kw || 'due_date < $6'::text; w := w || kw[cardinality(kw)]; END IF;
    IF p_pattern IS NOT NULL THEN
        w := w || $f$(title ILIKE $7 ESCAPE '\' OR description ILIKE $7 ESCAPE '\')$f$::text;
    END IF;
    IF p_tag IS NOT NULL THEN
        w := w || 'id IN (SELECT x.task_id FROM public.task_tags x WHERE x.tag_id = $14)'::text;
    END IF;
    IF p_words IS NOT NULL OR p_query IS NOT NULL THEN
        w := w || CASE WHEN p_words IS NOT NULL THEN 'public.todo_search_contains(title, description, $16)'
                       ELSE 'public.todo_search_words_now(user_id, search_pending, search_words, title, description) @@ $17' END;
    END IF;
    IF p_due_part = 'undated' THEN
        kw := kw || 'due_date IS NULL'::text;
        w := w || kw[cardinality(kw)];
        keys := ARRAY['created_at'];
    ELSIF p_due_part = 'dated' THEN
        kw := kw || 'due_date IS NOT NULL'::text;
        w := w || kw[cardinality(kw)];
    ELSIF p_due_part = 'both' AND NOT ranked THEN  -- the dated run, then the undated by creation
        IF p_after_id IS NOT NULL OR p_sort IS DISTINCT FROM 'due' THEN
            RAISE EXCEPTION 'both runs are read only by due date, from the start' USING ERRCODE = '22023';
        END IF;
        keys := ARRAY['(due_date IS NULL)', 'due_date', '(CASE WHEN due_date IS NULL THEN created_at END)'];
    END IF;
    IF p_after_id IS NOT NULL AND NOT ranked THEN
        kw := kw || format('(%s) %s (%s)',
                           array_to_string(keys[1:cardinality(cursor_values)] || 'id'::text, ', '),
                           CASE WHEN descending THEN '<' ELSE '>' END,
                           array_to_string(cursor_values || '$9'::text, ', '));
        IF p_candidates IS NULL THEN
            w := w || kw[cardinality(kw)];
        END IF;
    END IF;
    -- Without candidates a filtered list is walked in order: a sort would read every match.
    IF p_pattern IS NOT NULL OR (p_candidates IS NULL AND p_words IS NOT NULL AND NOT ranked) THEN
        sort_setting := current_setting('enable_sort');
        PERFORM set_config('enable_sort', 'off', true);
    END IF;
    order_by := (SELECT string_agg(k || CASE WHEN descending THEN ' DESC' ELSE '' END, ', ')
                   FROM unnest(keys || 'id'::text) k);
    IF p_candidates IS NULL THEN
        statement := format('SELECT %s FROM public.tasks WHERE %s ORDER BY %s LIMIT $13 OFFSET coalesce($18, 0)',
                            columns, array_to_string(w, ' AND '), order_by);
    ELSIF ranked THEN
        -- Every candidate is read to be scored (at most the ranked limit of them).
        statement := format(
            'SELECT r.* FROM unnest($15) AS k(id) CROSS JOIN LATERAL '
            '(SELECT %s, %s AS score FROM public.tasks WHERE id = k.id AND %s) AS r '
            'ORDER BY r.score DESC, r.created_at DESC, r.id DESC LIMIT $13 OFFSET coalesce($18, 0)',
            columns, score, array_to_string(w, ' AND '));
        statement := format('SELECT %s FROM (%s) AS s', columns, statement);
    ELSE
        -- Sorted on the candidates' own columns; a row is read only when its turn comes, so
        -- a page reads its own rows and the few false matches among them. (A subquery with
        -- ORDER BY is kept whole, and a nested loop keeps its outer side's order.)
        statement := format(
            'SELECT r.* FROM (SELECT k.id, %s FROM unnest($15, $19, $20, $21, $22, $23, $24) '
            'AS k(id, completed, due_date, created_at, updated_at, priority_rank, title_key) WHERE %s ORDER BY %s) AS k '
            'CROSS JOIN LATERAL (SELECT %s FROM public.tasks WHERE id = k.id AND %s) AS r '
            'ORDER BY %s LIMIT $13 OFFSET coalesce($18, 0)',
            (SELECT string_agg(format('%s AS s%s', e, n), ', ') FROM unnest(keys) WITH ORDINALITY AS x(e, n)),
            array_to_string(kw, ' AND '), order_by, columns, array_to_string(w, ' AND '),
            (SELECT string_agg(format('k.s%s', n) || CASE WHEN descending THEN ' DESC' ELSE '' END, ', ')
               FROM generate_series(1, cardinality(keys)) AS n)
                || ', k.id' || CASE WHEN descending THEN ' DESC' ELSE '' END);
    END IF;
    RETURN QUERY EXECUTE statement
    USING me, p_completed, p_priorities, p_due_after, p_due_before, p_overdue_at, p_pattern,
          p_due_part, p_after_id, p_after_time, p_after_rank, p_after_text, p_limit, p_tag,
          p_candidates, p_words, p_query, p_offset, p_done, p_due, p_created, p_updated, p_ranks,
          p_title_keys;
    IF sort_setting IS NOT NULL THEN
        PERFORM set_config('enable_sort', sort_setting, true);
    END IF;
END
$$;
