-- Revision 0034: other devices' changes read in commit order.
--
-- A poll used to ask for the tasks changed after a time (a version seen, less a few seconds).
-- A version is stamped while its transaction runs, so one that commits later than that (an
-- import of 100,000 tasks takes seconds) was behind every later poll and never read. Now each
-- change and each deletion note keeps the id of the transaction that wrote it, and a poll asks
-- for the rows of every transaction not known to have committed before the previous poll
-- began: the previous poll's cursor is the oldest transaction still running when it began
-- (pg_snapshot_xmin), so one that was running then is read after it commits, however long.
-- Rows written before this revision have no id and count as old.

-- Nullable, no default: the column is added without rewriting the table.
ALTER TABLE public.tasks ADD COLUMN change_xid xid8;
ALTER TABLE public.task_removals ADD COLUMN removed_xid xid8;
-- Each poll reads one person's range of ids, in order; the rows from before are left out.
CREATE INDEX ix_tasks_changes ON public.tasks (user_id, change_xid, id) WHERE change_xid IS NOT NULL;
CREATE INDEX ix_task_removals_changes ON public.task_removals (user_id, removed_xid, task_id)
    WHERE removed_xid IS NOT NULL;

DROP FUNCTION todo_api.changed_since(timestamptz, integer);
DROP FUNCTION todo_api.removed_since(timestamptz, integer);

-- How far back a cursor may reach, in transactions. Any client may open a transaction, take a
-- transaction id and keep it; without a bound every person's poll would read again all their
-- changes since it began, at every poll, for as long as it is held. A transaction of this app
-- that runs past a million others (hours on a busy database) is read at the next full reload.
ALTER TABLE todo_auth.settings ADD COLUMN change_lag_xids bigint NOT NULL DEFAULT 1000000
    CONSTRAINT settings_change_lag_xids_check CHECK (change_lag_xids > 0);
GRANT SELECT (change_lag_xids) ON todo_auth.settings TO todo_api_owner;

-- Where the next poll starts: the oldest transaction running now (or the next one to begin),
-- as a number, but no further back than change_lag_xids. Taken before a poll reads, so
-- whatever that read cannot see yet is at or past it.
CREATE FUNCTION todo_api.change_cursor() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET jit = off SET client_min_messages = notice AS $$
DECLARE
    now_at pg_snapshot := pg_current_snapshot();
BEGIN
    PERFORM todo_api.signed_in_user();
    RETURN greatest(pg_snapshot_xmin(now_at)::text::bigint,
                    pg_snapshot_xmax(now_at)::text::bigint - (SELECT s.change_lag_xids FROM todo_auth.settings s));
END
$$;

-- Checks a cursor a caller sends (runs with the rights of the API function that calls it) (any number may come): it must be one the database could
-- have given, at or before where it stands now. The upper end: rows stamped past it (a
-- database restored into another server) count as old rather than coming back at every poll.
CREATE FUNCTION todo_api.change_range(p_cursor bigint, p_after bigint, p_after_id uuid, p_limit integer)
RETURNS xid8[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off SET client_min_messages = notice AS $$
DECLARE
    upto xid8 := pg_snapshot_xmax(pg_current_snapshot());
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION 'at most 1000 changes at once' USING ERRCODE = '22023';
    END IF;
    IF p_cursor IS NULL OR p_cursor < 0
       OR (p_after IS NULL) <> (p_after_id IS NULL) OR p_after < p_cursor THEN
        RAISE EXCEPTION 'that change cursor is not one this database gave' USING ERRCODE = '22023';
    END IF;
    -- Past where the database stands: given before it went back to an earlier point (restored
    -- from a backup, or a branch reset). Its own code: the window reads its list afresh.
    IF p_cursor::text::xid8 > upto OR p_after::text::xid8 >= upto THEN
        RAISE EXCEPTION 'that change cursor is past where this database stands; it was restored to an earlier point'
            USING ERRCODE = 'TDQ08';
    END IF;
    RETURN ARRAY[p_cursor::text::xid8, upto, p_after::text::xid8];
END
$$;

-- The caller's tasks changed by transactions from p_cursor on (a cursor change_cursor gave),
-- in the order of those ids, then of task ids; at most p_limit, after (p_after, p_after_id)
-- when that names the last row of the page before. Each row carries its transaction's id.
CREATE FUNCTION todo_api.changed_since(p_cursor bigint, p_after bigint, p_after_id uuid, p_limit integer)
RETURNS TABLE (id uuid, title text, description text, completed boolean, priority text,
               due_date timestamptz, created_at timestamptz, updated_at timestamptz,
               completed_at timestamptz, title_key text, priority_rank smallint, tags text[],
               repeat_rule text, repeat_after_completion boolean, change bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_sort = off SET enable_bitmapscan = off
SET enable_seqscan = off SET jit = off SET client_min_messages = notice AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    bounds xid8[] := todo_api.change_range(p_cursor, p_after, p_after_id, p_limit);
BEGIN
    IF p_after IS NULL THEN
        RETURN QUERY
        SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
               t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags,
               t.repeat_rule, t.repeat_after_completion, t.change_xid::text::bigint
          FROM public.tasks t
         WHERE t.user_id = me AND t.change_xid >= bounds[1] AND t.change_xid < bounds[2]
         ORDER BY t.change_xid, t.id LIMIT p_limit;
    ELSE
        RETURN QUERY
        SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
               t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags,
               t.repeat_rule, t.repeat_after_completion, t.change_xid::text::bigint
          FROM public.tasks t
         WHERE t.user_id = me AND (t.change_xid, t.id) > (bounds[3], p_after_id)
           AND t.change_xid < bounds[2]
         ORDER BY t.change_xid, t.id LIMIT p_limit;
    END IF;
END
$$;

-- As changed_since, for the caller's deletion notes: each deleted task's id, when it went,
-- and its transaction's id. A task deleted and then restored is in both: the later of its two
-- times says which holds.
CREATE FUNCTION todo_api.removed_since(p_cursor bigint, p_after bigint, p_after_id uuid, p_limit integer)
RETURNS TABLE (task_id uuid, removed_at timestamptz, change bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_sort = off SET enable_bitmapscan = off
SET enable_seqscan = off SET jit = off SET client_min_messages = notice AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    bounds xid8[] := todo_api.change_range(p_cursor, p_after, p_after_id, p_limit);
BEGIN
    IF p_after IS NULL THEN
        RETURN QUERY
        SELECT n.task_id, n.removed_at, n.removed_xid::text::bigint FROM public.task_removals n
         WHERE n.user_id = me AND n.removed_xid >= bounds[1] AND n.removed_xid < bounds[2]
         ORDER BY n.removed_xid, n.task_id LIMIT p_limit;
    ELSE
        RETURN QUERY
        SELECT n.task_id, n.removed_at, n.removed_xid::text::bigint FROM public.task_removals n
         WHERE n.user_id = me AND (n.removed_xid, n.task_id) > (bounds[3], p_after_id)
           AND n.removed_xid < bounds[2]
         ORDER BY n.removed_xid, n.task_id LIMIT p_limit;
    END IF;
END
$$;
