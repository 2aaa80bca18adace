-- Search at the speed of the list it searches.
--
-- The candidates' rows are read once, by the candidate function (a bitmap scan of the search
-- index visits each of them anyway), and it hands back with each id the columns a list sorts
-- and filters by: whether it is done, its dates, its priority and its title's sort key. The
-- page then sorts those in memory and reads only the rows it shows (plus the few that the
-- three-letter pieces matched but the words do not). Before, every candidate was read a
-- second time to be sorted, and the planner added a scan of the person's whole list to it.
--
-- The search role reads these columns too; still never a title or a note. (title_key is the
-- title folded for sorting; the search keys of 0008 hold the same words already.)

GRANT SELECT (completed, due_date, created_at, updated_at, priority_rank, title_key) ON public.tasks
    TO todo_search_owner;
GRANT CREATE ON SCHEMA todo_api TO todo_search_owner;  -- to own its function; revoked below
DROP FUNCTION todo_api.search_candidates(tsquery, text[], integer);

-- The signed-in person's tasks that may match (as in 0008), as parallel arrays: ids NULL when
-- there are more than p_limit, or when a part of the search cannot be answered from an index.
CREATE FUNCTION todo_api.search_candidates(
    p_words tsquery, p_grams text[], p_limit integer,
    OUT ids uuid[], OUT done boolean[], OUT due timestamptz[], OUT created timestamptz[],
    OUT updated timestamptz[], OUT ranks smallint[], OUT title_keys text[])
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
-- Its own settings: called from the list's walk, which turns bitmap scans (GIN's only kind) off.
SET plan_cache_mode = force_custom_plan SET enable_bitmapscan = on SET enable_seqscan = on SET jit = off AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
    tag text;
    words tsquery;
    grams text[];
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
    END IF;
    -- "(user_id = me) IS TRUE", not "user_id = me": an indexable owner condition lets the
    -- planner AND the search index with a bitmap of the person's whole list, which costs
    -- more than the search. The owner tag in every key already keeps the scan to this person.
    SELECT count(*), array_agg(c.id), array_agg(c.completed), array_agg(c.due_date), array_agg(c.created_at),
           array_agg(c.updated_at), array_agg(c.priority_rank), array_agg(c.title_key)
      INTO found, ids, done, due, created, updated, ranks, title_keys
      FROM (SELECT t.id, t.completed, t.due_date, t.created_at, t.updated_at, t.priority_rank, t.title_key
              FROM public.tasks t
             WHERE (t.user_id = me) IS TRUE
               AND ((words IS NOT NULL AND t.search_words @@ words)
                    OR (grams IS NOT NULL AND t.search_grams @> grams)
                    OR (grams IS NOT NULL AND t.search_grams @> ARRAY[tag || '*'])
                    -- Tasks whose keys wait (see below) may match anything: checked by the page.
                    OR (t.search_pending AND t.user_id = me))
             LIMIT p_limit + 1) c;
    IF found > p_limit THEN
        ids := NULL; done := NULL; due := NULL; created := NULL; updated := NULL; ranks := NULL; title_keys := NULL;
    ELSIF found = 0 THEN
        ids := '{}'; done := '{}'; due := '{}'; created := '{}'; updated := '{}'; ranks := '{}'; title_keys := '{}';
    END IF;
END
$$;
ALTER FUNCTION todo_api.search_candidates(tsquery, text[], integer) OWNER TO todo_search_owner;
REVOKE ALL ON FUNCTION todo_api.search_candidates(tsquery, text[], integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION todo_api.search_candidates(tsquery, text[], integer) TO todo_api_owner;
REVOKE CREATE ON SCHEMA todo_api FROM todo_search_owner;

-- "Contains" checked per row without a function call per row: 0008's check held a subquery,
-- which kept the planner from inlining it, and a call costs more than the check (a walk of a
-- list by a common word checks thousands of rows). The words become LIKE patterns once per
-- search (todo_search_likes), and the check per row is one LIKE ALL, inlined.
CREATE FUNCTION public.todo_search_likes(p_words text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(pg_catalog.array_agg('%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                        w.word, '\', '\\'), '%', '\%'), '_', '\_') || '%'), '{}')
      FROM pg_catalog.unnest(p_words) AS w(word)
$$;
CREATE FUNCTION public.todo_search_like(p_title text, p_notes text, p_likes text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.lower(coalesce(p_title, '') || E'\n' || coalesce(p_notes, '')) LIKE ALL (p_likes)
$$;
CREATE OR REPLACE FUNCTION public.todo_search_contains(p_title text, p_notes text, p_words text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT public.todo_search_like(p_title, p_notes, public.todo_search_likes(p_words))
$$;
REVOKE ALL ON FUNCTION public.todo_search_likes(text[]), public.todo_search_like(text, text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.todo_search_likes(text[]), public.todo_search_like(text, text, text[])
    TO todo_api_owner;

-- Search keys later, for an import: making a task's keys costs more than the rest of storing
-- it, so a batch of restore_tasks this large (an import, not an undo) stores its tasks with
-- search_pending set and no keys, and todo_api.prepare_search makes them afterwards, a batch
-- at a time. Until then those tasks are candidates of every search of their owner's, and the
-- page checks them against their text, as it checks every candidate: found all the same.
ALTER TABLE public.tasks ADD COLUMN search_pending boolean NOT NULL DEFAULT false;
CREATE INDEX tasks_search_pending ON public.tasks (user_id) WHERE search_pending;
GRANT SELECT (search_pending) ON public.tasks TO todo_search_owner;
GRANT UPDATE (search_words, search_grams, search_pending) ON public.tasks TO todo_api_owner;

CREATE OR REPLACE FUNCTION public.todo_fill_search() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title
       AND NEW.description IS NOT DISTINCT FROM OLD.description AND NEW.search_words IS NOT NULL THEN
        RETURN NEW;
    END IF;
    -- Set only by restore_tasks, for the length of its insert (a person who sets it on their
    -- own session only delays the keys of their own tasks).
    IF TG_OP = 'INSERT' AND current_setting('todo.search_later', true) = 'on' THEN
        NEW.search_words := ''::tsvector;
        NEW.search_grams := '{}';
        NEW.search_pending := true;
        RETURN NEW;
    END IF;
    NEW.search_words := public.todo_search_words(NEW.user_id, 'simple', NEW.title, NEW.description);
    NEW.search_grams := public.todo_search_grams(NEW.user_id, NEW.title, NEW.description);
    NEW.search_pending := false;
    RETURN NEW;
END
$$;

-- A task's words as a search reads them: its stored keys, or made now while they wait.
CREATE FUNCTION public.todo_search_words_now(p_user uuid, p_pending boolean, p_words tsvector,
                                             p_title text, p_notes text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_pending THEN public.todo_search_words(p_user, 'simple', p_title, p_notes) ELSE p_words END
$$;
REVOKE ALL ON FUNCTION public.todo_search_words_now(uuid, boolean, tsvector, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.todo_search_words_now(uuid, boolean, tsvector, text, text) TO todo_api_owner;

-- Keys made later are no edit: the row keeps its version (updated_at), so no device sees a
-- change or a conflict where the person made none.
CREATE OR REPLACE FUNCTION public.todo_touch_row() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    keys_only public.tasks;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
        IF TG_TABLE_NAME = 'tasks' THEN
            keys_only := NEW;
            keys_only.search_words := OLD.search_words;
            keys_only.search_grams := OLD.search_grams;
            keys_only.search_pending := OLD.search_pending;
            keys_only.priority_rank := OLD.priority_rank;  -- generated: not yet computed in NEW
            IF keys_only IS NOT DISTINCT FROM OLD THEN
                RETURN NEW;
            END IF;
        END IF;
        NEW.created_at := OLD.created_at;
        NEW.updated_at := greatest(clock_timestamp(), OLD.updated_at + interval '1 microsecond');
    ELSIF NEW.created_at <> transaction_timestamp() THEN
        -- An undone delete brings its original created_at back; the row changes now.
        NEW.updated_at := greatest(clock_timestamp(), NEW.created_at);
    ELSE
        NEW.updated_at := NEW.created_at;
    END IF;
    IF TG_TABLE_NAME = 'tasks' THEN
        IF NOT NEW.completed THEN
            NEW.completed_at := NULL;
        ELSIF TG_OP = 'INSERT' THEN
            NEW.completed_at := least(coalesce(NEW.completed_at, NEW.updated_at), NEW.updated_at);
        ELSIF NOT OLD.completed THEN
            NEW.completed_at := NEW.updated_at;
        ELSE
            NEW.completed_at := OLD.completed_at;
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- Makes the keys of up to p_limit of the caller's waiting tasks; returns how many it made (fewer
-- than p_limit: none wait any more). Tasks another call holds are passed over, not waited for.
CREATE FUNCTION todo_api.prepare_search(p_limit integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    made integer;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 10000 THEN
        RAISE EXCEPTION 'batch must be 1 to 10000' USING ERRCODE = '22023';
    END IF;
    -- Picked once (a subquery under IN may run again, and pick again).
    WITH picked AS MATERIALIZED (
        SELECT p.id FROM public.tasks p WHERE p.user_id = me AND p.search_pending
         LIMIT p_limit FOR UPDATE SKIP LOCKED)
    UPDATE public.tasks t
       SET search_words = public.todo_search_words(t.user_id, 'simple', t.title, t.description),
           search_grams = public.todo_search_grams(t.user_id, t.title, t.description),
           search_pending = false
      FROM picked
     WHERE t.id = picked.id;
    GET DIAGNOSTICS made = ROW_COUNT;
    RETURN made;
END
$$;
