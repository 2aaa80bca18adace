-- Revision 0036: an offset's whole days are days on the person's calendar.
--
-- Revision 0010 kept an offset as hours alone, so that a due time less the offset was the same
-- instant whatever the session's TimeZone: a day was always 24 hours, and "1 day before" a
-- task due at 09:00 rang at 08:00 or 10:00 when summer time began or ended in between. Now a
-- reminder set with an offset keeps the IANA name of the zone of the device that set it, and
-- the offset's whole days are counted on that zone's calendar, the rest as an exact duration:
--     fire_at = ((due AT TIME ZONE zone) - days) AT TIME ZONE zone - rest
-- Only the stored zone is read, never the session's TimeZone. before_due itself is unchanged
-- (still hours alone, so 24 hours and a day are one setting, as they are to the app), and a
-- reminder without a zone (every one from before, or from a device that cannot name its zone)
-- keeps the old meaning: the due time less the offset, exactly.

-- Nullable, no default: added without rewriting either table. Every row holds NULL now, so the
-- checks have nothing to validate and are added NOT VALID (no scan under the table's lock);
-- each row written from here on is checked.
ALTER TABLE public.task_reminders ADD COLUMN zone text;
ALTER TABLE public.task_reminders ADD CONSTRAINT task_reminders_zone_shape
    CHECK (zone IS NULL OR (before_due IS NOT NULL AND length(zone) <= 64
                            AND zone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9][A-Za-z0-9_+-]*)+$')) NOT VALID;
ALTER TABLE public.task_reminders_removed ADD COLUMN zone text;
GRANT INSERT (zone), UPDATE (zone) ON public.task_reminders TO todo_api_owner;

-- When an offset reminder rings for a task due at p_due. A zone the server no longer knows (a
-- database restored onto a server with an older tz database) counts days as 24 hours rather
-- than refusing the edit of a due date. A local time that does not exist (the hour skipped
-- when summer time begins) is read as the same clock time before the change: an hour later.
CREATE FUNCTION public.todo_reminder_fire_at(p_due timestamptz, p_before_due interval, p_zone text)
RETURNS timestamptz
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
SET jit = off SET client_min_messages = notice AS $$
DECLARE
    seconds numeric := extract(epoch FROM p_before_due);
    days integer := floor(seconds / 86400);
BEGIN
    IF p_zone IS NULL OR p_due IS NULL OR p_before_due IS NULL OR days = 0 THEN
        RETURN p_due - p_before_due;
    END IF;
    BEGIN
        RETURN ((p_due AT TIME ZONE p_zone) - make_interval(days => days)) AT TIME ZONE p_zone
               - make_interval(secs => (seconds - days * 86400)::double precision);
    EXCEPTION WHEN invalid_parameter_value THEN
        RETURN p_due - p_before_due;
    END;
END
$$;
REVOKE ALL ON FUNCTION public.todo_reminder_fire_at(timestamptz, interval, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.todo_reminder_fire_at(timestamptz, interval, text) TO todo_api_owner;

-- The zone is a new last argument with a default: a client of revision 0035 calling with three
-- still sets a reminder (counted exactly, as it expects), and one function answers both calls.
DROP FUNCTION todo_api.set_reminder(uuid, timestamptz, interval);

-- Sets the task's reminder; false when the caller has no such task (another person's task
-- and one that does not exist answer alike). Setting what is stored already changes nothing,
-- so a retry after a lost COMMIT does not make a reminder that rang ring again. p_zone names
-- the zone whose calendar counts the offset's days: a place's IANA name ("Europe/Berlin"),
-- never a POSIX rule ("EST5EDT,M3.2.0,M11.1.0", "UTC+3") or an abbreviation ("CET"), which
-- name no place, or whose meaning PostgreSQL takes from the session's settings. A name with a
-- slash is neither, so the shape and the server's knowing it suffice (pg_timezone_names would
-- cost 10 ms a call). It is kept with an offset only.
CREATE FUNCTION todo_api.set_reminder(p_task uuid, p_remind_at timestamptz, p_before_due interval,
                                      p_zone text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET jit = off SET client_min_messages = notice AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    due timestamptz;
    offset_hours interval;
    kept_zone text;
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
    IF p_zone IS NOT NULL THEN
        IF length(p_zone) > 64 OR p_zone !~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9][A-Za-z0-9_+-]*)+$' THEN
            RAISE EXCEPTION 'a reminder''s time zone is a place''s name, as Europe/Berlin' USING ERRCODE = 'TDR05';
        END IF;
        BEGIN
            PERFORM pg_catalog.timezone(p_zone, now());
        EXCEPTION WHEN invalid_parameter_value THEN
            RAISE EXCEPTION 'this database knows no time zone of that name' USING ERRCODE = 'TDR05';
        END;
    END IF;
    IF p_before_due IS NOT NULL THEN
        offset_hours := make_interval(secs => extract(epoch FROM p_before_due));
        kept_zone := p_zone;
    END IF;
    -- FOR SHARE: a due date changed meanwhile waits, then moves this reminder with it.
    SELECT t.due_date INTO due FROM public.tasks t WHERE t.id = p_task AND t.user_id = me FOR SHARE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO public.task_reminders AS r (task_id, user_id, remind_at, before_due, zone, fire_at)
    VALUES (p_task, me, p_remind_at, offset_hours, kept_zone,
            coalesce(p_remind_at, public.todo_reminder_fire_at(due, offset_hours, kept_zone)))
    ON CONFLICT (task_id) DO UPDATE
       SET remind_at = EXCLUDED.remind_at, before_due = EXCLUDED.before_due, zone = EXCLUDED.zone,
           fire_at = EXCLUDED.fire_at,
           -- The same setting from a device in another zone only moves the ring time: a reminder
           -- that rang rings again only if that time is still ahead.
           delivered_at = CASE WHEN (r.remind_at, r.before_due) IS DISTINCT FROM (EXCLUDED.remind_at, EXCLUDED.before_due)
                                    OR (EXCLUDED.fire_at IS DISTINCT FROM r.fire_at AND EXCLUDED.fire_at > now())
                               THEN NULL ELSE r.delivered_at END
     WHERE (r.remind_at, r.before_due, r.zone) IS DISTINCT FROM (EXCLUDED.remind_at, EXCLUDED.before_due, EXCLUDED.zone);
    RETURN true;
END
$$;
