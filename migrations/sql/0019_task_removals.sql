-- Revision 0019: deletions, as other devices learn of them.
--
-- A deleted task leaves no row, so a window polling for changes never learned of a deletion
-- made on another device until it read its whole list again. Each deletion now leaves a note
-- (the task's id and when), which todo_api.removed_since hands to the person's other devices.
-- A note says only that an id went, and is the person's alone; notes older than a day go (a
-- device away longer reads its lists afresh anyway).

CREATE TABLE public.task_removals (
    user_id UUID NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    task_id UUID NOT NULL,
    removed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, task_id)
);
CREATE INDEX ix_task_removals_since ON public.task_removals (user_id, removed_at, task_id);

-- Once per statement: a person deleting 10,000 tasks writes 10,000 notes in one go. Nothing
-- is noted for a person whose account went in the same statement.
CREATE FUNCTION public.todo_task_removals_note() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO public.task_removals AS n (user_id, task_id, removed_at)
    SELECT o.user_id, o.id, clock_timestamp() FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM public.users u WHERE u.id = o.user_id)
     ORDER BY o.user_id, o.id
    ON CONFLICT (user_id, task_id) DO UPDATE SET removed_at = EXCLUDED.removed_at;
    DELETE FROM public.task_removals n
     USING (SELECT DISTINCT o.user_id FROM old_rows o) AS p
     WHERE n.user_id = p.user_id AND n.removed_at < now() - interval '1 day';
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.todo_task_removals_note() FROM PUBLIC;
CREATE TRIGGER tasks_removals_note AFTER DELETE ON public.tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.todo_task_removals_note();

-- The ids of the caller's tasks deleted after p_since, oldest first, with when; at most
-- p_limit. A task deleted and then restored is in both this and changed_since: the later of
-- the two times says which holds.
CREATE FUNCTION todo_api.removed_since(p_since timestamptz, p_limit integer)
RETURNS TABLE (task_id uuid, removed_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION 'at most 1000 changes at once' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    SELECT n.task_id, n.removed_at FROM public.task_removals n
     WHERE n.user_id = me AND n.removed_at > p_since
     ORDER BY n.removed_at, n.task_id LIMIT p_limit;
END
$$;

-- No client touches the table; the functions' owner reads the caller's notes.
REVOKE ALL ON public.task_removals FROM PUBLIC, todo_app;
GRANT SELECT ON public.task_removals TO todo_api_owner;
ALTER TABLE public.task_removals ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.task_removals FORCE ROW LEVEL SECURITY;
CREATE POLICY task_removals_own_rows ON public.task_removals TO todo_api_owner
    USING (user_id = (SELECT todo_auth.current_user_id()));
-- The migrating role owns the table and the trigger above; FORCE would hide every row from it.
CREATE POLICY owner_all ON public.task_removals TO CURRENT_USER USING (true) WITH CHECK (true);
