-- Search that scales: words (full-text search, ranked) and parts of words ("plum" finds
-- "plumber"), both answered from GIN indexes.
--
-- Row-level security keeps a condition that is not leakproof (@@, @>) from being an index
-- condition, so under it every search walks the person's whole list. The indexes are read
-- instead by one function, todo_api.search_candidates, owned by todo_search_owner: a NOLOGIN
-- role that may read four columns of public.tasks (id, user_id and the two search columns,
-- never a title or a note) through a policy of its own, and that returns only ids of the
-- signed-in person's tasks (it finds that person itself, from the session). Every key in both
-- indexes starts with a short tag of its owner, so a search reads only the caller's part of
-- each index: another person's tasks cost nothing and cannot be timed. The candidates are then
-- read and checked again by the page functions, under row-level security as before.

DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'todo_search_owner') THEN
        CREATE ROLE todo_search_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
    END IF;
END
$do$;
GRANT todo_search_owner TO CURRENT_USER;  -- to hand it its function below

ALTER TABLE public.tasks ADD COLUMN search_words tsvector, ADD COLUMN search_grams text[];

-- The helpers below are plain SQL with no settings of their own, so the planner inlines them
-- (a function with its own search_path costs a call per row, per key); they are called only
-- from functions and triggers that pin search_path, and no client may call them.

-- The owner tag that starts every key of a person's: the first eight hex digits of their id.
-- Two people sharing a tag only read a little more of the index; results are filtered by id.
CREATE FUNCTION public.todo_search_tag(p_user uuid) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.left(p_user::text, 8)
$$;

-- The words of a title (weight A) and its notes (weight B), each lexeme led by the owner tag.
-- Positions and weights are kept, so ranking and phrases work as on a plain tsvector. In a
-- tsvector's text every lexeme starts with a quote at the start or after a space (a lexeme
-- holds no space; a quote inside one is doubled), so the tag goes in after each such quote.
CREATE FUNCTION public.todo_search_words(p_user uuid, p_config regconfig, p_title text, p_notes text)
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.regexp_replace(
               (pg_catalog.setweight(pg_catalog.to_tsvector(p_config, coalesce(p_title, '')), 'A')
                || pg_catalog.setweight(pg_catalog.to_tsvector(p_config, coalesce(p_notes, '')), 'B'))::text,
               '(^| )''', '\1''' || public.todo_search_tag(p_user), 'g')::tsvector
$$;

-- A query's lexemes led by the same owner tag (tsquery's text quotes every lexeme).
CREATE FUNCTION public.todo_search_query(p_user uuid, p_query tsquery) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.regexp_replace(p_query::text, '''((?:[^'']|'''')*)''',
                                     '''' || public.todo_search_tag(p_user) || '\1''', 'g')::tsquery
$$;

-- Longer than this, a task's text is not cut into three-letter pieces (a very long note would
-- cost its writer thousands of keys); it carries the key "<tag>*" instead, which makes it a
-- candidate for every search of its owner's, checked against its text like any other.
CREATE FUNCTION public.todo_search_grams(p_user uuid, p_title text, p_notes text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN pg_catalog.length(coalesce(p_title, '')) + pg_catalog.length(coalesce(p_notes, '')) > 4000
            THEN ARRAY[k.tag || '*']
        ELSE ARRAY(SELECT k.tag || pg_catalog.substr(s.t, i, 3)
                     FROM (VALUES (pg_catalog.lower(coalesce(p_title, ''))),
                                  (pg_catalog.lower(coalesce(p_notes, '')))) AS s(t),
                          pg_catalog.generate_series(1, pg_catalog.length(s.t) - 2) AS i)
    END
      FROM (SELECT public.todo_search_tag(p_user) AS tag) AS k
$$;

-- "Contains" as the app means it: every word typed appears in the title or the notes, in any
-- case. The index answers with supersets; this is the check that decides.
CREATE FUNCTION public.todo_search_contains(p_title text, p_notes text, p_words text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT NOT EXISTS (
        SELECT 1 FROM pg_catalog.unnest(p_words) AS w(word)
         WHERE pg_catalog.strpos(pg_catalog.lower(coalesce(p_title, '') || E'\n' || coalesce(p_notes, '')),
                                 w.word) = 0)
$$;

-- Words are read with the 'simple' configuration: no stemming, so every language is read
-- alike and "contains" covers what stemming would add for one language.
CREATE FUNCTION public.todo_fill_search() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title
       AND NEW.description IS NOT DISTINCT FROM OLD.description AND NEW.search_words IS NOT NULL THEN
        RETURN NEW;
    END IF;
    NEW.search_words := public.todo_search_words(NEW.user_id, 'simple', NEW.title, NEW.description);
    NEW.search_grams := public.todo_search_grams(NEW.user_id, NEW.title, NEW.description);
    RETURN NEW;
END
$$;

-- Filling the new columns is no change to the tasks: their times, counts and tags stay.
ALTER TABLE public.tasks DISABLE TRIGGER USER;
UPDATE public.tasks t
   SET search_words = public.todo_search_words(t.user_id, 'simple', t.title, t.description),
       search_grams = public.todo_search_grams(t.user_id, t.title, t.description);
ALTER TABLE public.tasks ENABLE TRIGGER USER;
ALTER TABLE public.tasks ALTER COLUMN search_words SET NOT NULL, ALTER COLUMN search_grams SET NOT NULL;
CREATE TRIGGER tasks_search BEFORE INSERT OR UPDATE OF title, description ON public.tasks
    FOR EACH ROW EXECUTE FUNCTION public.todo_fill_search();
-- A short pending list: new keys are appended and merged into the index in bulk (writing
-- each of a task's ~50 keys into place costs an import more than the rest of the task),
-- while a search reads at most 256 kB of keys not merged yet (4 MB by default: more than
-- the search itself).
CREATE INDEX tasks_search_words ON public.tasks USING gin (search_words)
    WITH (fastupdate = on, gin_pending_list_limit = 256);
CREATE INDEX tasks_search_grams ON public.tasks USING gin (search_grams)
    WITH (fastupdate = on, gin_pending_list_limit = 256);

REVOKE ALL ON FUNCTION public.todo_search_tag(uuid), public.todo_search_words(uuid, regconfig, text, text),
    public.todo_search_query(uuid, tsquery), public.todo_search_grams(uuid, text, text),
    public.todo_search_contains(text, text, text[]), public.todo_fill_search() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.todo_search_tag(uuid), public.todo_search_words(uuid, regconfig, text, text),
    public.todo_search_query(uuid, tsquery), public.todo_search_grams(uuid, text, text),
    public.todo_search_contains(text, text, text[]), public.todo_fill_search() TO todo_api_owner;
GRANT EXECUTE ON FUNCTION public.todo_search_tag(uuid), public.todo_search_query(uuid, tsquery)
    TO todo_search_owner;

-- The search role: four columns, every row, read only by the function below.
GRANT USAGE ON SCHEMA todo_auth TO todo_search_owner;
GRANT EXECUTE ON FUNCTION todo_auth.current_user_id() TO todo_search_owner;
GRANT USAGE ON SCHEMA todo_api TO todo_search_owner;
GRANT CREATE ON SCHEMA todo_api TO todo_search_owner;  -- to own its function; revoked below
GRANT SELECT (id, user_id, search_words, search_grams) ON public.tasks TO todo_search_owner;
CREATE POLICY search_candidates ON public.tasks FOR SELECT TO todo_search_owner USING (true);

-- The ids of the signed-in person's tasks that may match: those whose words match p_words
-- (when given) and those holding every piece in p_grams (when given), at most p_limit of
-- them. NULL when there are more, or when a part of the search cannot be answered from an
-- index (a query of only "-word", or only words shorter than three letters): the caller
-- then walks the list instead, which is quick exactly when matches are many.
CREATE FUNCTION todo_api.search_candidates(p_words tsquery, p_grams text[], p_limit integer)
RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
-- Its own settings: called from the list's walk, which turns bitmap scans (GIN's only kind) off.
SET plan_cache_mode = force_custom_plan SET enable_bitmapscan = on SET enable_seqscan = on SET jit = off AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
    tag text;
    words tsquery;
    grams text[];
    found uuid[];
BEGIN
    IF me IS NULL OR (p_words IS NULL AND p_grams IS NULL) THEN
        RETURN '{}';
    END IF;
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100000 THEN
        RAISE EXCEPTION 'candidate limit must be 1 to 100000' USING ERRCODE = '22023';
    END IF;
    IF (p_words IS NOT NULL AND numnode(p_words) > 0 AND querytree(p_words) = 'T')
       OR (p_grams IS NOT NULL AND cardinality(p_grams) = 0) THEN
        RETURN NULL;
    END IF;
    tag := public.todo_search_tag(me);
    IF p_words IS NOT NULL AND numnode(p_words) > 0 THEN
        words := public.todo_search_query(me, p_words);
    END IF;
    IF p_grams IS NOT NULL THEN
        grams := ARRAY(SELECT tag || g FROM unnest(p_grams) AS g);
    END IF;
    SELECT array_agg(c.id) INTO found
      FROM (SELECT t.id FROM public.tasks t
             WHERE t.user_id = me
               AND ((words IS NOT NULL AND t.search_words @@ words)
                    OR (grams IS NOT NULL AND t.search_grams @> grams)
                    OR (grams IS NOT NULL AND t.search_grams @> ARRAY[tag || '*']))
             LIMIT p_limit + 1) c;
    IF cardinality(found) > p_limit THEN
        RETURN NULL;
    END IF;
    RETURN coalesce(found, '{}');
END
$$;
ALTER FUNCTION todo_api.search_candidates(tsquery, text[], integer) OWNER TO todo_search_owner;
REVOKE ALL ON FUNCTION todo_api.search_candidates(tsquery, text[], integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION todo_api.search_candidates(tsquery, text[], integer) TO todo_api_owner;
REVOKE CREATE ON SCHEMA todo_api FROM todo_search_owner;

-- One search as the page functions use it: the words typed, lower-cased (for "contains"),
-- or NULL when the text uses the word syntax ("phrase", -word, or); the query of words;
-- and the three-letter pieces of the words long enough to have any.
CREATE FUNCTION todo_api.search_terms(p_search text, OUT words text[], OUT query tsquery, OUT grams text[])
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
        grams := ARRAY(SELECT DISTINCT substr(w, i, 3) FROM unnest(words) AS w, generate_series(1, length(w) - 2) AS i);
    END IF;
END
$$;
