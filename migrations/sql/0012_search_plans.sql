-- Revision 0012: search that plans once.
--
-- search_candidates planned its one statement at every call (plan_cache_mode =
-- force_custom_plan), so that the branches of the search it was not asked for folded away:
-- about a millisecond of planning, a third of a search. Its statement is now cached and
-- planned once per session: its conditions are exactly the index conditions of its bitmap
-- scans (a part of the search not asked for is NULL, and matches nothing), so the generic
-- plan neither checks the rows those scans find a second time nor carries a branch per kind
-- of search.
--
-- search_terms asks for fewer pieces: three letters from every third letter of each word, and
-- its last three, which still cover every letter. The candidates are the same or a few more,
-- and the page checks each row it shows against the words themselves, as before; the index
-- intersects half as many lists.

-- The signed-in person's tasks that may match, as revision 0009 returns them.
CREATE OR REPLACE FUNCTION todo_api.search_candidates(
    p_words tsquery, p_grams text[], p_limit integer,
    OUT ids uuid[], OUT done boolean[], OUT due timestamptz[], OUT created timestamptz[],
    OUT updated timestamptz[], OUT ranks smallint[], OUT title_keys text[])
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = auto SET enable_bitmapscan = on SET enable_seqscan = on SET jit = off AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
    tag text;
    words tsquery;
    grams text[];
    marked text[];
    found integer;
BEGIN
    IF me IS NULL OR (p_words IS NULL AND p_grams IS NULL) THEN
        ids := '{}'; done := '{}'; due := '{}'; created := '{}'; updated := '{}'; ranks := '{}'; title_keys := '{}';
        RETURN;
    END IF;
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100000 THEN
        RAISE EXCEPTION 'candidate limit must be 1 to 100000' USING ERRCODE = '22023';
    END IF;
    IF (p_words IS NOT NULL AND numnode(p_words) > 0 AND querytree(p_words) = 'T')
       OR (p_grams IS NOT NULL AND cardinality(p_grams) = 0) THEN
        RETURN;
    END IF;
    tag := public.todo_search_tag(me);
    IF p_words IS NOT NULL AND numnode(p_words) > 0 THEN
        words := public.todo_search_query(me, p_words);
    END IF;
    IF p_grams IS NOT NULL THEN
        grams := ARRAY(SELECT tag || g FROM unnest(p_grams) AS g);
        marked := ARRAY[tag || '*'];
    END IF;
    -- "(user_id = me) IS TRUE": not an index condition (see revision 0009). A part of the
    -- search not asked for is NULL, and its index scan finds nothing without reading.
    SELECT count(*), array_agg(c.id), array_agg(c.completed), array_agg(c.due_date), array_agg(c.created_at),
           array_agg(c.updated_at), array_agg(c.priority_rank), array_agg(c.title_key)
      INTO found, ids, done, due, created, updated, ranks, title_keys
      FROM (SELECT t.id, t.completed, t.due_date, t.created_at, t.updated_at, t.priority_rank, t.title_key
              FROM public.tasks t
             WHERE (t.user_id = me) IS TRUE
               AND (t.search_words @@ words OR t.search_grams @> grams OR t.search_grams @> marked
                    OR (t.search_pending AND t.user_id = me))
             LIMIT p_limit + 1) c;
    IF found > p_limit THEN
        ids := NULL; done := NULL; due := NULL; created := NULL; updated := NULL; ranks := NULL; title_keys := NULL;
    ELSIF found = 0 THEN
        ids := '{}'; done := '{}'; due := '{}'; created := '{}'; updated := '{}'; ranks := '{}'; title_keys := '{}';
    END IF;
END
$$;

-- As revision 0008 wrote it, with the covering pieces.
CREATE OR REPLACE FUNCTION todo_api.search_terms(p_search text, OUT words text[], OUT query tsquery, OUT grams text[])
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cleaned text := btrim(coalesce(p_search, ''), E' \t\r\n');
BEGIN
    IF cleaned = '' THEN
        RETURN;
    END IF;
    query := websearch_to_tsquery('simple', cleaned);
    IF cleaned !~* '(^|\s)-|"|(^|\s)or(\s|$)' THEN
        words := ARRAY(SELECT DISTINCT w FROM regexp_split_to_table(lower(cleaned), '\s+') AS w);
        grams := ARRAY(SELECT DISTINCT substr(w, i, 3) FROM unnest(words) AS w, generate_series(1, length(w) - 2) AS i
                        WHERE i % 3 = 1 OR i = length(w) - 2);
    END IF;
END
$$;
