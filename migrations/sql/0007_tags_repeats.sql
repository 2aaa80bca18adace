-- Revision 0007: tags and repeating tasks, in the tables and in todo_api.
--
-- Tags are rows of their own (public.tags), one per person and case-insensitive name, kept
-- until the person deletes them (as Things and Todoist keep theirs): renaming one renames it
-- on every task, renaming it into another merges the two. A task keeps its tags' names as an
-- array (tasks.tags, in the order given): every function returns it with the task at no cost,
-- a change of tags is a change of the task (a new version, seen by changed-since and by the
-- conflict checks), and it counts in the stored-text quota. public.task_tags holds one row per
-- task and tag, kept from tasks.tags by a trigger, with copies of the task's sort keys: a list
-- filtered by tag walks one of its indexes in the list's order, a page at a time, as an
-- unfiltered list walks one of the tasks' keyset indexes.
--
-- A tag's name_key is its case-folded form, made by the client (the quick-add language's
-- tag_key): the server's lower() depends on its collation and version, and two servers must
-- not disagree about which names are one tag. A client that sends a wrong key only muddles
-- its own tags; the names themselves are checked here.

ALTER TABLE todo_auth.settings
    ADD COLUMN max_tags_per_user INTEGER NOT NULL DEFAULT 1000 CHECK (max_tags_per_user > 0),
    ADD COLUMN max_tags_per_task INTEGER NOT NULL DEFAULT 20 CHECK (max_tags_per_task BETWEEN 1 AND 100);

-- A rule of the subset core/repeats.py reads and writes, its parts in one order; anything else
-- (COUNT, BYSETPOS, a garbage string, a megabyte) is refused by this check.
ALTER TABLE public.tasks
    ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN repeat_rule TEXT,
    ADD COLUMN repeat_after_completion BOOLEAN NOT NULL DEFAULT false,
    ADD CONSTRAINT tasks_tags_shape CHECK (cardinality(tags) <= 100 AND coalesce(array_ndims(tags), 1) = 1),
    ADD CONSTRAINT tasks_repeat_rule_shape CHECK (
        char_length(repeat_rule) <= 200
        AND repeat_rule ~ ('^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;INTERVAL=[1-9][0-9]{0,2})?'
                           '(;BYDAY=(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU)){0,6})?'
                           '(;BYMONTH=([1-9]|1[0-2]))?(;BYMONTHDAY=([1-9]|[12][0-9]|3[01]))?'
                           '(;UNTIL=(19|[2-9][0-9])[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(T[0-9]{6}Z)?)?$'));

-- The name: 1 to 64 characters, no space, punctuation or control character of ASCII but - and
-- _, and not one of the Unicode spaces or format characters; it starts with neither a digit
-- nor - or _. Written as code points, so the check means the same under every locale (the
-- client's own rule, letters and digits of any script, is stricter).
CREATE TABLE public.tags (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT tags_name_shape CHECK (
        char_length(name) BETWEEN 1 AND 64
        AND name !~ '[\x01-\x2c\x2e\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\xa0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff0-\uffff]'
        AND name !~ '^[0-9_-]'),
    CONSTRAINT tags_name_key_shape CHECK (char_length(name_key) BETWEEN 1 AND 192),
    CONSTRAINT tags_user_key UNIQUE (user_id, name_key),
    -- Each task names its tags (tasks.tags); a name must stand for one tag.
    CONSTRAINT tags_user_name UNIQUE (user_id, name)
);

-- user_id is the task's (kept by the trigger below); the sort keys are copies of the task's.
CREATE TABLE public.task_tags (
    task_id UUID NOT NULL REFERENCES public.tasks(id) ON DELETE CASCADE,
    tag_id UUID NOT NULL REFERENCES public.tags(id) ON DELETE CASCADE,
    user_id UUID NOT NULL,
    completed BOOLEAN NOT NULL,
    due_date TIMESTAMPTZ,
    priority_rank SMALLINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    title_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (task_id, tag_id)
);
-- One per list order, as the tasks' ix_tasks_keyset_* (each leads with the tag instead of the
-- person, and ends with the task's id); tag_id first also serves the cascade from tags. Each
-- carries user_id, which row-level security checks on every row: with it, a page or a count
-- of a tag's open tasks reads the index alone (once vacuum has marked its pages all-visible).
CREATE INDEX ix_task_tags_due ON public.task_tags (tag_id, completed, due_date, task_id) INCLUDE (user_id);
CREATE INDEX ix_task_tags_undated ON public.task_tags (tag_id, completed, created_at, task_id) INCLUDE (user_id)
    WHERE due_date IS NULL;
CREATE INDEX ix_task_tags_priority ON public.task_tags (tag_id, completed, priority_rank, created_at, task_id)
    INCLUDE (user_id);
CREATE INDEX ix_task_tags_created ON public.task_tags (tag_id, completed, created_at, task_id) INCLUDE (user_id);
CREATE INDEX ix_task_tags_updated ON public.task_tags (tag_id, completed, updated_at, task_id) INCLUDE (user_id);
CREATE INDEX ix_task_tags_title ON public.task_tags (tag_id, completed, title_key, task_id) INCLUDE (user_id);

-- Keeps task_tags equal to tasks.tags, and its sort keys equal to the task's. Fires only for
-- a task that has or had tags. The names must be tags of the task's owner, each once, at most
-- max_tags_per_task of them (a limit the admin may change; the array's hard cap is 100).
CREATE FUNCTION public.todo_task_tags_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ids uuid[];
    most integer;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.tags = OLD.tags THEN
        IF (NEW.completed, NEW.due_date, NEW.priority_rank, NEW.created_at, NEW.updated_at, NEW.title_key)
           IS DISTINCT FROM
           (OLD.completed, OLD.due_date, OLD.priority_rank, OLD.created_at, OLD.updated_at, OLD.title_key) THEN
            UPDATE public.task_tags x
               SET completed = NEW.completed, due_date = NEW.due_date, priority_rank = NEW.priority_rank,
                   created_at = NEW.created_at, updated_at = NEW.updated_at, title_key = NEW.title_key
             WHERE x.task_id = NEW.id;
        END IF;
        RETURN NULL;
    END IF;
    SELECT s.max_tags_per_task INTO most FROM todo_auth.settings s;
    IF cardinality(NEW.tags) > most THEN
        RAISE EXCEPTION 'a task can have at most % tags', most USING ERRCODE = 'TDQ05';
    END IF;
    SELECT coalesce(array_agg(g.id), '{}') INTO ids
      FROM public.tags g WHERE g.user_id = NEW.user_id AND g.name = ANY(NEW.tags);
    IF cardinality(ids) <> cardinality(NEW.tags) THEN
        RAISE EXCEPTION 'a task names a tag twice, or one that does not exist' USING ERRCODE = 'TDV01';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM public.task_tags x WHERE x.task_id = NEW.id AND x.tag_id <> ALL(ids);
    END IF;
    INSERT INTO public.task_tags AS x (task_id, tag_id, user_id, completed, due_date, priority_rank,
                                       created_at, updated_at, title_key)
    SELECT NEW.id, i, NEW.user_id, NEW.completed, NEW.due_date, NEW.priority_rank, NEW.created_at,
           NEW.updated_at, NEW.title_key
      FROM unnest(ids) AS i
    ON CONFLICT (task_id, tag_id) DO UPDATE
       SET completed = EXCLUDED.completed, due_date = EXCLUDED.due_date,
           priority_rank = EXCLUDED.priority_rank, created_at = EXCLUDED.created_at,
           updated_at = EXCLUDED.updated_at, title_key = EXCLUDED.title_key;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.todo_task_tags_sync() FROM PUBLIC;
CREATE TRIGGER tasks_tags_insert AFTER INSERT ON public.tasks
    FOR EACH ROW WHEN (NEW.tags <> '{}') EXECUTE FUNCTION public.todo_task_tags_sync();
CREATE TRIGGER tasks_tags_update AFTER UPDATE ON public.tasks
    FOR EACH ROW WHEN (OLD.tags <> '{}' OR NEW.tags <> '{}') EXECUTE FUNCTION public.todo_task_tags_sync();

-- As revision 0005 made it, but a title whose case alone changed keeps the key its caller
-- sent (update_tasks always sends one; the same key is right, and recomputing it here failed
-- for the functions' owner, who may now also call todo_title_key for callers that send none).
CREATE OR REPLACE FUNCTION public.todo_fill_title_key() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.title_key IS NULL
       OR (TG_OP = 'UPDATE' AND NEW.title IS DISTINCT FROM OLD.title
           AND NEW.title_key IS NOT DISTINCT FROM OLD.title_key
           AND lower(NEW.title::text) IS DISTINCT FROM lower(OLD.title::text)) THEN
        NEW.title_key := public.todo_title_key(NEW.title::text);
    END IF;
    RETURN NEW;
END
$$;
GRANT EXECUTE ON FUNCTION public.todo_title_key(text) TO todo_api_owner;

-- As revision 0004 made it, with the tags' names counted as stored text.
CREATE OR REPLACE FUNCTION public.todo_task_usage_track() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    owners uuid[];
    bytes bigint[];
    added bigint[];
    offender uuid;
    what text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(d.user_id), array_agg(d.b), array_agg(d.n) INTO owners, bytes, added
          FROM (SELECT r.user_id, sum(public.todo_task_text_bytes(r)) AS b, count(*) AS n
                  FROM new_rows r GROUP BY r.user_id) d;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(d.user_id), array_agg(d.b), array_agg(0::bigint) INTO owners, bytes, added
          FROM (SELECT r.user_id, -sum(public.todo_task_text_bytes(r)) AS b
                  FROM old_rows r GROUP BY r.user_id) d;
    ELSE
        SELECT array_agg(d.user_id), array_agg(d.b), array_agg(0::bigint) INTO owners, bytes, added
          FROM (SELECT x.user_id, sum(x.b) AS b
                  FROM (SELECT r.user_id, public.todo_task_text_bytes(r) AS b FROM new_rows r
                        UNION ALL
                        SELECT r.user_id, -public.todo_task_text_bytes(r) FROM old_rows r) x
                 GROUP BY x.user_id HAVING sum(x.b) <> 0) d;
    END IF;
    IF owners IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE public.task_counts c SET text_bytes = c.text_bytes + d.b
      FROM unnest(owners, bytes) AS d(user_id, b)
     WHERE c.user_id = d.user_id AND d.b <> 0;
    SELECT c.user_id, CASE WHEN d.n > 0 AND c.open_tasks + c.completed_tasks > s.max_tasks_per_user
                           THEN 'tasks' ELSE 'text' END
      INTO offender, what
      FROM unnest(owners, bytes, added) AS d(user_id, b, n)
      JOIN public.task_counts c ON c.user_id = d.user_id
     CROSS JOIN todo_auth.settings s
     WHERE (d.n > 0 AND c.open_tasks + c.completed_tasks > s.max_tasks_per_user)
        OR (d.b > 0 AND c.text_bytes > s.max_text_bytes_per_user)
     LIMIT 1;
    IF offender IS NOT NULL AND what = 'tasks' THEN
        RAISE EXCEPTION 'the task limit of this account is reached' USING ERRCODE = 'TDQ01';
    ELSIF offender IS NOT NULL THEN
        RAISE EXCEPTION 'the text limit of this account is reached' USING ERRCODE = 'TDQ02';
    END IF;
    RETURN NULL;
END
$$;
-- The stored text of one task, as the quota counts it.
CREATE FUNCTION public.todo_task_text_bytes(r public.tasks) RETURNS bigint
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT octet_length(r.title) + coalesce(octet_length(r.description), 0)
           + coalesce(octet_length(array_to_string(r.tags, '')), 0)
$$;
REVOKE ALL ON FUNCTION public.todo_task_text_bytes(public.tasks) FROM PUBLIC;

-- No client touches these tables; the functions' owner reads them under the same policies.
REVOKE ALL ON public.tags, public.task_tags FROM PUBLIC, todo_app;
GRANT SELECT, DELETE ON public.tags TO todo_api_owner;
GRANT INSERT (user_id, name, name_key), UPDATE (name, name_key) ON public.tags TO todo_api_owner;
GRANT SELECT ON public.task_tags TO todo_api_owner;
GRANT INSERT (tags, repeat_rule, repeat_after_completion), UPDATE (tags, repeat_rule, repeat_after_completion)
    ON public.tasks TO todo_api_owner;
-- The limits only: the row also holds the pepper.
GRANT SELECT (max_tags_per_user, max_tags_per_task) ON todo_auth.settings TO todo_api_owner;

ALTER TABLE public.tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.tags FORCE ROW LEVEL SECURITY;
ALTER TABLE public.task_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.task_tags FORCE ROW LEVEL SECURITY;
CREATE POLICY tags_own_rows ON public.tags TO todo_app, todo_api_owner
    USING (user_id = (SELECT todo_auth.current_user_id()))
    WITH CHECK (user_id = (SELECT todo_auth.current_user_id()));
CREATE POLICY task_tags_own_rows ON public.task_tags TO todo_app, todo_api_owner
    USING (user_id = (SELECT todo_auth.current_user_id()))
    WITH CHECK (user_id = (SELECT todo_auth.current_user_id()));
-- The migrating role owns the tables and the trigger above; FORCE would hide every row from it.
CREATE POLICY owner_all ON public.tags TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON public.task_tags TO CURRENT_USER USING (true) WITH CHECK (true);

-- The composite types every task function returns gain the new fields; a task_edit is now a
-- task with its outcome in front, so one reader serves both.
ALTER TYPE todo_api.task
    ADD ATTRIBUTE tags TEXT[],
    ADD ATTRIBUTE repeat_rule TEXT,
    ADD ATTRIBUTE repeat_after_completion BOOLEAN;
ALTER TYPE todo_api.task_edit
    ADD ATTRIBUTE title_key TEXT,
    ADD ATTRIBUTE priority_rank SMALLINT,
    ADD ATTRIBUTE tags TEXT[],
    ADD ATTRIBUTE repeat_rule TEXT,
    ADD ATTRIBUTE repeat_after_completion BOOLEAN;
