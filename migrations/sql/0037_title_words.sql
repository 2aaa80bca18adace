-- Revision 0037: best match first from an index of the titles' words, in order.
--
-- A ranked search (revision 0014: the tier, then the newest) read every match's row to learn
-- its tier and its date: the built-in GIN indexes return row addresses, never values or an
-- order. With a thousand matches that is a thousand pages of the table, one person's among
-- everyone's. The top tier is "every typed word starts a word of the title", so the words of
-- each title are now also kept one row a word, with the task's owner and creation time, under
-- a b-tree ordered (owner, word, newest first). The words that start with what was typed are
-- then one range of that index, read without the table; a ranked page takes the newest of them
-- and reads only the rows it shows. When the top tier does not fill the page (few title
-- matches, or a filtered list), the search goes its earlier ways.
--
-- The words are those of the stored search keys (weight A, without the owner tag), kept by
-- triggers on public.tasks. Like the search keys, the table is read only by a function of
-- todo_search_owner's that returns the signed-in person's ids; no client may read it.

CREATE TABLE public.task_title_words (
    user_id uuid NOT NULL,
    word text COLLATE "C" NOT NULL,  -- byte order: the words that start with a prefix are one range
    created_at timestamptz NOT NULL,
    task_id uuid NOT NULL
);
REVOKE ALL ON public.task_title_words FROM PUBLIC;
ALTER TABLE public.task_title_words ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.task_title_words FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON public.task_title_words TO CURRENT_USER USING (true) WITH CHECK (true);
GRANT SELECT ON public.task_title_words TO todo_search_owner;
-- Every row, as the search role reads the search keys: its function picks the caller's own.
CREATE POLICY search_title_words ON public.task_title_words FOR SELECT TO todo_search_owner USING (true);

-- The title's words of a task's search keys: the lexemes of weight A, without the owner tag.
-- Only words of three letters or more, the shortest a search looks up here: a title of 255
-- characters gives at most 64 rows.
CREATE FUNCTION public.todo_title_words(p_user uuid, p_words tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT pg_catalog.substr(u.lexeme, pg_catalog.length(k.tag) + 1)
                   FROM pg_catalog.unnest(p_words) AS u
                  WHERE 'A' = ANY(u.weights) AND pg_catalog.starts_with(u.lexeme, k.tag)
                    AND pg_catalog.char_length(u.lexeme) >= pg_catalog.char_length(k.tag) + 3)
      FROM (SELECT public.todo_search_tag(p_user) AS tag) AS k
$$;

-- The first text after every text that starts with p_prefix, in byte order: the prefix with
-- its last character made the next one (UTF-16 surrogates are no characters). NULL when there
-- is none (the last character is the last one there is).
CREATE FUNCTION public.todo_prefix_end(p_prefix text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN c < 1114111
                THEN pg_catalog.left(p_prefix, -1) || pg_catalog.chr(CASE WHEN c = 55295 THEN 57344 ELSE c + 1 END)
           END
      FROM (SELECT pg_catalog.ascii(pg_catalog.right(p_prefix, 1)) AS c) AS l
$$;

-- A task's rows follow its title's words: an edit takes out only the words it removed and puts
-- in only those it added (most edits of a title change a word or none), each row found by its
-- whole key, so a change costs a few index lookups whatever the person's list holds.
CREATE FUNCTION public.todo_title_words_track() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off SET jit = off
SET client_min_messages = notice AS $$
DECLARE
    gone text[] := '{}';
    added text[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        gone := public.todo_title_words(OLD.user_id, OLD.search_words);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        added := public.todo_title_words(NEW.user_id, NEW.search_words);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.user_id = OLD.user_id AND NEW.created_at = OLD.created_at THEN
        SELECT ARRAY(SELECT unnest(gone) EXCEPT SELECT unnest(added)),
               ARRAY(SELECT unnest(added) EXCEPT SELECT unnest(gone))
          INTO gone, added;
    END IF;
    IF cardinality(gone) > 0 THEN
        DELETE FROM public.task_title_words w
         WHERE w.user_id = OLD.user_id AND w.word = ANY(gone) AND w.created_at = OLD.created_at AND w.task_id = OLD.id;
    END IF;
    IF cardinality(added) > 0 THEN
        INSERT INTO public.task_title_words (user_id, word, created_at, task_id)
        SELECT NEW.user_id, w.word, NEW.created_at, NEW.id FROM unnest(added) AS w(word);
    END IF;
    RETURN NULL;
END
$$;

-- The words of the tasks whose keys an update has just made (an import's, made afterwards in
-- batches of thousands): one statement for the batch, where a row trigger would run for each.
-- Those tasks had no words yet.
CREATE FUNCTION public.todo_title_words_made() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
SET client_min_messages = notice AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o WHERE o.search_pending) THEN
        INSERT INTO public.task_title_words (user_id, word, created_at, task_id)
        SELECT n.user_id, w.word, n.created_at, n.id
          FROM old_rows o JOIN new_rows n ON n.id = o.id,
               unnest(public.todo_title_words(n.user_id, n.search_words)) AS w(word)
         WHERE o.search_pending AND NOT n.search_pending;
    END IF;
    RETURN NULL;
END
$$;

-- A task whose keys wait (an import, an undo) has no words until its keys are made.
CREATE TRIGGER tasks_title_words_insert AFTER INSERT ON public.tasks
    FOR EACH ROW WHEN (NOT NEW.search_pending) EXECUTE FUNCTION public.todo_title_words_track();
CREATE TRIGGER tasks_title_words_update AFTER UPDATE ON public.tasks
    FOR EACH ROW WHEN (NOT OLD.search_pending
                       AND (OLD.search_words IS DISTINCT FROM NEW.search_words OR OLD.user_id IS DISTINCT FROM NEW.user_id
                            OR OLD.created_at IS DISTINCT FROM NEW.created_at))
    EXECUTE FUNCTION public.todo_title_words_track();
CREATE TRIGGER tasks_title_words_made AFTER UPDATE ON public.tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.todo_title_words_made();
CREATE TRIGGER tasks_title_words_delete AFTER DELETE ON public.tasks
    FOR EACH ROW EXECUTE FUNCTION public.todo_title_words_track();

-- Every task's rows made again from its keys: here to start, and by bulk loads that bypass
-- triggers.
CREATE FUNCTION public.todo_title_words_refill() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
SET client_min_messages = notice AS $$
    DELETE FROM public.task_title_words;
    INSERT INTO public.task_title_words (user_id, word, created_at, task_id)
    SELECT t.user_id, w.word, t.created_at, t.id
      FROM public.tasks t, pg_catalog.unnest(public.todo_title_words(t.user_id, t.search_words)) AS w(word);
$$;
SELECT public.todo_title_words_refill();
-- Made after the rows: one sorted build is quicker and smaller than a million inserts.
CREATE INDEX task_title_words_find ON public.task_title_words (user_id, word, created_at DESC, task_id DESC);

REVOKE ALL ON FUNCTION public.todo_title_words(uuid, tsvector), public.todo_prefix_end(text),
    public.todo_title_words_track(), public.todo_title_words_made(), public.todo_title_words_refill() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.todo_prefix_end(text) TO todo_search_owner;

-- The first p_count of the signed-in person's tasks whose title has, for every word typed, a
-- word that starts with it, newest first. NULL when the index cannot answer: no words, a word
-- shorter than three letters (its range would be much of the person's words; the other ways
-- walk for it), or several words of which one starts more than 2,000 title words.
CREATE FUNCTION todo_api.search_title_top(p_words text[], p_count integer) RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_bitmapscan = off SET enable_seqscan = off
SET enable_sort = on SET jit = off SET client_min_messages = notice AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
    typed text[];
    ids uuid[];
BEGIN
    IF p_count IS NULL OR p_count < 1 OR p_count > 100000 THEN
        RAISE EXCEPTION 'candidate count must be 1 to 100000' USING ERRCODE = '22023';
    END IF;
    -- The typed words as the ranking reads them (todo_search_starts): the simple lexemes.
    typed := ARRAY(SELECT DISTINCT l FROM unnest(tsvector_to_array(to_tsvector('pg_catalog.simple'::regconfig,
                       coalesce(array_to_string(p_words, ' '), '')))) AS l);
    IF me IS NULL OR cardinality(typed) = 0
       OR EXISTS (SELECT 1 FROM unnest(typed) AS l WHERE char_length(l) < 3 OR public.todo_prefix_end(l) IS NULL) THEN
        RETURN NULL;
    END IF;
    IF cardinality(typed) = 1 THEN
        -- One word: each title word that starts with it (found one index probe at a time),
        -- then that word's newest p_count tasks in the index's own order. Every task of the
        -- overall first p_count is among the first p_count of one of its words.
        WITH RECURSIVE found(word) AS (
            (SELECT x.word FROM public.task_title_words x
              WHERE x.user_id = me AND x.word >= typed[1] AND x.word < public.todo_prefix_end(typed[1])
              ORDER BY x.word LIMIT 1)
            UNION ALL
            SELECT (SELECT x.word FROM public.task_title_words x
                     WHERE x.user_id = me AND x.word > f.word AND x.word < public.todo_prefix_end(typed[1])
                     ORDER BY x.word LIMIT 1)
              FROM found f WHERE f.word IS NOT NULL
        )
        SELECT array_agg(c.task_id ORDER BY c.created_at DESC, c.task_id DESC) INTO ids
          FROM (SELECT m.task_id, max(m.created_at) AS created_at
                  FROM found f
                  CROSS JOIN LATERAL (SELECT x.task_id, x.created_at FROM public.task_title_words x
                                       WHERE x.user_id = me AND x.word = f.word
                                       ORDER BY x.created_at DESC, x.task_id DESC LIMIT p_count) AS m
                 WHERE f.word IS NOT NULL
                 GROUP BY m.task_id
                 ORDER BY 2 DESC, 1 DESC LIMIT p_count) AS c;
        RETURN coalesce(ids, '{}');
    END IF;
    -- Several words: every title word that starts with one of them, a task counting when all
    -- found one. Bounded: a word that starts many title words leaves it to the other ways.
    IF EXISTS (SELECT 1 FROM unnest(typed) AS l
                WHERE (SELECT count(*) FROM (SELECT 1 FROM public.task_title_words x
                                              WHERE x.user_id = me AND x.word >= l
                                                AND x.word < public.todo_prefix_end(l) LIMIT 2001) AS s) > 2000) THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(c.task_id ORDER BY c.created_at DESC, c.task_id DESC) INTO ids
      FROM (SELECT w.task_id, w.created_at
              FROM unnest(typed) WITH ORDINALITY AS l(word, n)
              CROSS JOIN LATERAL (SELECT x.task_id, x.created_at FROM public.task_title_words x
                                   WHERE x.user_id = me AND x.word >= l.word
                                     AND x.word < public.todo_prefix_end(l.word)) AS w
             GROUP BY w.task_id, w.created_at
            HAVING count(DISTINCT l.n) = cardinality(typed)
             ORDER BY w.created_at DESC, w.task_id DESC LIMIT p_count) AS c;
    RETURN coalesce(ids, '{}');
END
$$;
