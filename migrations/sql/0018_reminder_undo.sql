-- Revision 0018: a deleted task's reminder waits for the undo that brings the task back.
--
-- A reminder goes with its task (ON DELETE CASCADE), and an undo of the delete puts the task
-- back from what the window showed, which holds no reminder: the reminder was lost. Now a
-- reminder deleted with its task is kept apart, as it was (rung or not), and restore_tasks
-- puts it back for the tasks it brings back. A reminder cleared on its own is not kept. What
-- is kept is the person's alone, for a week, and at most the newest 1,000 per person.

CREATE TABLE public.task_reminders_removed (
    user_id UUID NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    -- No reference: the task is gone. Keyed with the person, so whoever takes a freed id
    -- meets nothing of the one who deleted it, and cannot push it out.
    task_id UUID NOT NULL,
    remind_at TIMESTAMPTZ,
    before_due INTERVAL,
    fire_at TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    claim_id UUID,
    removed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, task_id)
);
CREATE INDEX ix_task_reminders_removed_age ON public.task_reminders_removed (user_id, removed_at DESC, task_id DESC);

-- Runs for each reminder deleted, after the statement that deleted it: by then a task deleted
-- with it is gone, and so is a person whose account went (nothing is kept of theirs).
CREATE FUNCTION public.todo_reminder_kept_for_undo() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.tasks t WHERE t.id = OLD.task_id)
       OR NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = OLD.user_id) THEN
        RETURN NULL;  -- cleared on its own, or its person deleted
    END IF;
    INSERT INTO public.task_reminders_removed AS k
           (user_id, task_id, remind_at, before_due, fire_at, delivered_at, claim_id)
    VALUES (OLD.user_id, OLD.task_id, OLD.remind_at, OLD.before_due, OLD.fire_at, OLD.delivered_at, OLD.claim_id)
    ON CONFLICT (user_id, task_id) DO UPDATE
       SET remind_at = EXCLUDED.remind_at, before_due = EXCLUDED.before_due, fire_at = EXCLUDED.fire_at,
           delivered_at = EXCLUDED.delivered_at, claim_id = EXCLUDED.claim_id, removed_at = EXCLUDED.removed_at;
    DELETE FROM public.task_reminders_removed k
     WHERE k.user_id = OLD.user_id
       AND (k.removed_at < now() - interval '7 days'
            OR (k.removed_at, k.task_id) < (SELECT x.removed_at, x.task_id FROM public.task_reminders_removed x
                                             WHERE x.user_id = OLD.user_id
                                             ORDER BY x.removed_at DESC, x.task_id DESC OFFSET 999 LIMIT 1));
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.todo_reminder_kept_for_undo() FROM PUBLIC;
CREATE TRIGGER task_reminders_kept_for_undo AFTER DELETE ON public.task_reminders
    FOR EACH ROW EXECUTE FUNCTION public.todo_reminder_kept_for_undo();

-- No client touches the table; restore_tasks (todo_api_owner) takes back the caller's rows.
REVOKE ALL ON public.task_reminders_removed FROM PUBLIC, todo_app;
GRANT SELECT, DELETE ON public.task_reminders_removed TO todo_api_owner;
GRANT INSERT (delivered_at, claim_id) ON public.task_reminders TO todo_api_owner;
ALTER TABLE public.task_reminders_removed ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.task_reminders_removed FORCE ROW LEVEL SECURITY;
CREATE POLICY task_reminders_removed_own_rows ON public.task_reminders_removed TO todo_api_owner
    USING (user_id = (SELECT todo_auth.current_user_id()));
-- The migrating role owns the table and the trigger above; FORCE would hide every row from it.
CREATE POLICY owner_all ON public.task_reminders_removed TO CURRENT_USER USING (true) WITH CHECK (true);
