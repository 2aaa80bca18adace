-- Revision 0014: relevance in tiers, known from the candidates themselves.
--
-- The relevance order scored every match with ts_rank over its words and the title's text,
-- so a ranked page read every match (143 ms for a word in 5% of 100,000 tasks). It is now
-- three tiers, then the newest first: every word starts a word of the title (2), every word
-- starts a word of the title or the notes (1), the words are only inside other words (0).
-- For the word syntax: it matches the title alone (2), or title and notes together (1).
-- That keeps what ts_rank's weights said (title over notes, whole words over pieces) and
-- drops only its count of repeats, which in a task's few words told little. A tier is known
-- from the stored words alone: the candidate function returns it with each candidate, so a
-- ranked page reads only its own rows; and a walk by date can fill a page with the top tier.
--
-- A task whose search keys wait (an import) has no stored words yet: tier 0 until they are
-- made, in every way a search goes.

-- Each typed word as the start of a word, of the title only when p_title_only: the queries
-- that rank plain words. NULL when the words hold no word at all.
CREATE FUNCTION public.todo_search_starts(p_words text[], p_title_only boolean) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nullif(pg_catalog.array_to_string(ARRAY(
               SELECT '''' || pg_catalog.replace(pg_catalog.replace(l, '\', '\\'), '''', '''''') || ''':*'
                      || CASE WHEN p_title_only THEN 'A' ELSE '' END
                 FROM pg_catalog.unnest(pg_catalog.tsvector_to_array(pg_catalog.to_tsvector(
                          'pg_catalog.simple'::regconfig, pg_catalog.array_to_string(p_words, ' ')))) AS l),
               ' & '), '')::tsquery
$$;

-- The word syntax's query, matched against the title's words alone.
CREATE FUNCTION public.todo_search_in_title(p_query tsquery) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.regexp_replace(p_query::text, '(''(?:[^'']|'''')*'')', '\1:A', 'g')::tsquery
$$;

-- A task's tier, from its stored words and the two ranking queries (tagged as its words are).
CREATE FUNCTION public.todo_search_tier(p_words tsvector, p_title tsquery, p_any tsquery) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (coalesce(p_words @@ p_title, false)::integer + coalesce(p_words @@ p_any, false)::integer)::smallint
$$;

REVOKE ALL ON FUNCTION public.todo_search_starts(text[], boolean), public.todo_search_in_title(tsquery),
    public.todo_search_tier(tsvector, tsquery, tsquery) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.todo_search_starts(text[], boolean), public.todo_search_in_title(tsquery),
    public.todo_search_tier(tsvector, tsquery, tsquery) TO todo_api_owner, todo_search_owner;

-- Revision 0012's candidates, with each one's tier when the ranking queries are given (NULL
-- otherwise: a list's search does not pay for it). The function tags the queries itself, so
-- they reach only the caller's words.
DROP FUNCTION todo_api.search_candidates(tsquery, text[], integer);
GRANT CREATE ON SCHEMA todo_api TO todo_search_owner;
CREATE FUNCTION todo_api.search_candidates(
    p_words tsquery, p_grams text[], p_limit integer, p_title tsquery DEFAULT NULL, p_any tsquery DEFAULT NULL,
    OUT ids uuid[], OUT done boolean[], OUT due timestamptz[], OUT created timestamptz[],
    OUT updated timestamptz[], OUT ranks smallint[], OUT title_keys text[], OUT tiers smallint[])
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = auto SET enable_bitmapscan = on SET enable_seqscan = on SET jit = off AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
    tag text;
    words tsquery;
    grams text[];
    marked text[];
    in_title tsquery;
    anywhere tsquery;
    found integer;
BEGIN
    IF me IS NULL OR (p_words IS NULL AND p_grams IS NULL) THEN
        ids := '{}'; done := '{}'; due := '{}'; created := '{}'; updated := '{}'; ranks := '{}'; title_keys := '{}';
        tiers := '{}';
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
    in_title := public.todo_search_query(me, p_title);
    anywhere := public.todo_search_query(me, p_any);
    SELECT count(*), array_agg(c.id), array_agg(c.completed), array_agg(c.due_date), array_agg(c.created_at),
           array_agg(c.updated_at), array_agg(c.priority_rank), array_agg(c.title_key), array_agg(c.tier)
      INTO found, ids, done, due, created, updated, ranks, title_keys, tiers
      FROM (SELECT t.id, t.completed, t.due_date, t.created_at, t.updated_at, t.priority_rank, t.title_key,
                   CASE WHEN in_title IS NOT NULL OR anywhere IS NOT NULL
                        THEN public.todo_search_tier(t.search_words, in_title, anywhere) END AS tier
              FROM public.tasks t
             WHERE (t.user_id = me) IS TRUE
               AND (t.search_words @@ words OR t.search_grams @> grams OR t.search_grams @> marked
                    OR (t.search_pending AND t.user_id = me))
             LIMIT p_limit + 1) c;
    IF found > p_limit THEN
        ids := NULL; done := NULL; due := NULL; created := NULL; updated := NULL; ranks := NULL; title_keys := NULL;
        tiers := NULL;
    ELSIF found = 0 THEN
        ids := '{}'; done := '{}'; due := '{}'; created := '{}'; updated := '{}'; ranks := '{}'; title_keys := '{}';
        tiers := '{}';
    END IF;
END
$$;
ALTER FUNCTION todo_api.search_candidates(tsquery, text[], integer, tsquery, tsquery) OWNER TO todo_search_owner;
REVOKE ALL ON FUNCTION todo_api.search_candidates(tsquery, text[], integer, tsquery, tsquery) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION todo_api.search_candidates(tsquery, text[], integer, tsquery, tsquery) TO todo_api_owner;
REVOKE CREATE ON SCHEMA todo_api FROM todo_search_owner;
