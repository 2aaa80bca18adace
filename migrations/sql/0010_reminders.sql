-- Revision 0010: reminders, stored with the tasks so every device shows the same ones.
--
-- A task has at most one reminder: at a time of its own (remind_at), or an offset before its
-- due time (before_due). fire_at is when it rings next: remind_at, or the due time less the
-- offset (NULL while the task has no due date), or a snooze's end. delivered_at says it has
-- rung: claim_due_reminders sets it in the statement that hands the reminder out, so two
-- devices of one person never both ring. The offset is kept as a number of hours, minutes and
-- seconds (never days or months, whose length depends on the session's time zone), so a due
-- time less the offset is the same instant on every server.

CREATE TABLE public.task_reminders (
    task_id UUID PRIMARY KEY REFERENCES public.tasks(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    remind_at TIMESTAMPTZ,
    before_due INTERVAL,
    fire_at TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    claim_id UUID,  -- the claim that delivered it: a retried claim gets its reminders again
    CONSTRAINT task_reminders_one_kind CHECK ((remind_at IS NULL) <> (before_due IS NULL)),
    CONSTRAINT task_reminders_before_due_range
        CHECK (before_due >= interval '0' AND before_due <= interval '720 hours'
               AND date_part('day', before_due) = 0 AND date_part('month', before_due) = 0
               AND date_part('year', before_due) = 0),
    CONSTRAINT task_reminders_remind_at_range
        CHECK (remind_at >= '1900-01-01 00:00:00+00' AND remind_at < '9999-01-01 00:00:00+00')
);
-- What a claim and the next ring read: the person's reminders that have not rung, by time.
CREATE INDEX ix_task_reminders_pending ON public.task_reminders (user_id, fire_at, task_id)
    WHERE delivered_at IS NULL;
CREATE INDEX ix_task_reminders_claim ON public.task_reminders (claim_id) WHERE claim_id IS NOT NULL;

-- Sets the task's reminder; false when the caller has no such task (another person's task
-- and one that does not exist answer alike). Setting what is stored already changes nothing,
-- so a retry after a lost COMMIT does not make a reminder that rang ring again.
CREATE FUNCTION todo_api.set_reminder(p_task uuid, p_remind_at timestamptz, p_before_due interval)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    due timestamptz;
    offset_hours interval;
BEGIN
    -- The setting's shape, checked before anything is read (and again by the constraints).
    IF (p_remind_at IS NULL) = (p_before_due IS NULL) THEN
        RAISE EXCEPTION 'a reminder is at a time or an offset before the due time: exactly one'
            USING ERRCODE = 'TDR01';
    END IF;
    IF p_before_due IS NOT NULL
       AND (date_part('month', p_before_due) <> 0 OR date_part('year', p_before_due) <> 0
            OR p_before_due < interval '0' OR p_before_due > interval '30 days') THEN
        RAISE EXCEPTION 'a reminder is 0 to 30 days before the due time' USING ERRCODE = 'TDR02';
    END IF;
    IF p_remind_at IS NOT NULL
       AND NOT (p_remind_at >= '1900-01-01 00:00:00+00' AND p_remind_at < '9999-01-01 00:00:00+00') THEN
        RAISE EXCEPTION 'a reminder''s time is between the years 1900 and 9998' USING ERRCODE = 'TDR03';
    END IF;
    IF p_before_due IS NOT NULL THEN
        offset_hours := make_interval(secs => extract(epoch FROM p_before_due));
    END IF;
    -- FOR SHARE: a due date changed meanwhile waits, then moves this reminder with it.
    SELECT t.due_date INTO due FROM public.tasks t WHERE t.id = p_task AND t.user_id = me FOR SHARE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO public.task_reminders AS r (task_id, user_id, remind_at, before_due, fire_at)
    VALUES (p_task, me, p_remind_at, offset_hours, coalesce(p_remind_at, due - offset_hours))
    ON CONFLICT (task_id) DO UPDATE
       SET remind_at = EXCLUDED.remind_at, before_due = EXCLUDED.before_due,
           fire_at = EXCLUDED.fire_at, delivered_at = NULL
     WHERE (r.remind_at, r.before_due) IS DISTINCT FROM (EXCLUDED.remind_at, EXCLUDED.before_due);
    RETURN true;
END
$$;

-- Removes the task's reminder; false when there was none of the caller's.
CREATE FUNCTION todo_api.clear_reminder(p_task uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    DELETE FROM public.task_reminders r WHERE r.task_id = p_task AND r.user_id = me;
    RETURN FOUND;
END
$$;

-- The task's reminder, or no row (none, or not the caller's task).
CREATE FUNCTION todo_api.reminder_of(p_task uuid)
RETURNS TABLE (remind_at timestamptz, before_due interval, fire_at timestamptz, delivered_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT r.remind_at, r.before_due, r.fire_at, r.delivered_at
      FROM public.task_reminders r WHERE r.task_id = p_task AND r.user_id = todo_api.signed_in_user()
$$;

-- The caller's open tasks whose reminder has not rung yet (the list's bell marks), as one
-- array: a plain value, so the call can set its session in its own statement.
CREATE FUNCTION todo_api.reminded_task_ids() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(r.task_id ORDER BY r.task_id), '{}')
      FROM public.task_reminders r JOIN public.tasks t ON t.id = r.task_id AND t.user_id = r.user_id
     WHERE r.user_id = todo_api.signed_in_user() AND r.delivered_at IS NULL AND NOT t.completed
$$;

-- Hands out the caller's reminders due by now that have not rung, each marked delivered in
-- this same statement: a reminder comes back from one call, on one device. Rows another
-- device is claiming at this moment are skipped rather than waited for (that device shows
-- them; if its transaction fails they are still undelivered for the next claim), and a row
-- that device delivered meanwhile fails the delivered_at check when it is locked. Reminders of
-- completed tasks are marked delivered without ringing: they came due while nothing was left
-- to do, and would otherwise be read again by every claim. p_claim is the caller's random id
-- for this claim: a retry after a lost COMMIT answer, with the same id, gets back what the
-- first attempt delivered, so no reminder is lost on the way.
CREATE FUNCTION todo_api.claim_due_reminders(p_limit integer, p_claim uuid)
RETURNS TABLE (task_id uuid, title text, fire_at timestamptz, due_date timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION 'at most 1000 reminders at once' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH due AS (
        SELECT r.task_id FROM public.task_reminders r
         WHERE r.user_id = me AND r.delivered_at IS NULL AND r.fire_at <= now()
         ORDER BY r.fire_at, r.task_id LIMIT p_limit
           FOR UPDATE OF r SKIP LOCKED
    ), claimed AS (
        UPDATE public.task_reminders r SET delivered_at = now(), claim_id = p_claim
          FROM due WHERE r.task_id = due.task_id AND r.user_id = me AND r.delivered_at IS NULL
        RETURNING r.task_id, r.fire_at
    ), answered AS (
        SELECT c.task_id, c.fire_at FROM claimed c
        UNION
        SELECT r.task_id, r.fire_at FROM public.task_reminders r
         WHERE p_claim IS NOT NULL AND r.claim_id = p_claim AND r.user_id = me AND r.delivered_at IS NOT NULL
    )
    SELECT c.task_id, t.title::text, c.fire_at, t.due_date
      FROM answered c JOIN public.tasks t ON t.id = c.task_id AND t.user_id = me
     WHERE NOT t.completed
     ORDER BY c.fire_at, c.task_id;
END
$$;

-- Rings again after p_minutes (on whichever device claims it then); false: no such reminder.
CREATE FUNCTION todo_api.snooze_reminder(p_task uuid, p_minutes integer) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    IF p_minutes IS NULL OR p_minutes < 1 OR p_minutes > 1440 THEN
        RAISE EXCEPTION 'a snooze is 1 to 1440 minutes' USING ERRCODE = 'TDR04';
    END IF;
    UPDATE public.task_reminders r
       SET fire_at = now() + make_interval(mins => p_minutes), delivered_at = NULL
     WHERE r.task_id = p_task AND r.user_id = me;
    RETURN FOUND;
END
$$;

-- When the caller's next reminder rings (NULL: none), for the app's timer. Overdue ones that
-- have not rung count: they ring at the next claim.
CREATE FUNCTION todo_api.next_reminder_at() RETURNS timestamptz
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT r.fire_at
      FROM public.task_reminders r JOIN public.tasks t ON t.id = r.task_id AND t.user_id = r.user_id
     WHERE r.user_id = todo_api.signed_in_user() AND r.delivered_at IS NULL AND r.fire_at IS NOT NULL
       AND NOT t.completed
     ORDER BY r.fire_at LIMIT 1
$$;

-- An offset reminder follows its task's due time, and rings again when that moves it into the
-- future (a task put off to tomorrow reminds again tomorrow).
CREATE FUNCTION public.todo_reminder_follows_due() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE public.task_reminders r
       SET fire_at = NEW.due_date - r.before_due,
           delivered_at = CASE WHEN NEW.due_date - r.before_due > now() THEN NULL ELSE r.delivered_at END
     WHERE r.task_id = NEW.id AND r.before_due IS NOT NULL;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.todo_reminder_follows_due() FROM PUBLIC;
CREATE TRIGGER tasks_reminder_follows_due AFTER UPDATE OF due_date ON public.tasks
    FOR EACH ROW WHEN (OLD.due_date IS DISTINCT FROM NEW.due_date)
    EXECUTE FUNCTION public.todo_reminder_follows_due();

-- No client touches the table; the functions' owner reads it under the same policy.
REVOKE ALL ON public.task_reminders FROM PUBLIC, todo_app;
GRANT SELECT, DELETE ON public.task_reminders TO todo_api_owner;
GRANT INSERT (task_id, user_id, remind_at, before_due, fire_at),
      UPDATE (remind_at, before_due, fire_at, delivered_at, claim_id) ON public.task_reminders TO todo_api_owner;
ALTER TABLE public.task_reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.task_reminders FORCE ROW LEVEL SECURITY;
CREATE POLICY task_reminders_own_rows ON public.task_reminders TO todo_app, todo_api_owner
    USING (user_id = (SELECT todo_auth.current_user_id()))
    WITH CHECK (user_id = (SELECT todo_auth.current_user_id()));
-- The migrating role owns the table and the trigger above; FORCE would hide every row from it.
CREATE POLICY owner_all ON public.task_reminders TO CURRENT_USER USING (true) WITH CHECK (true);
