-- Per-person quotas on tasks and stored text (revision 0004). One account must not be
-- able to fill a database that others share.

ALTER TABLE public.task_counts ADD COLUMN text_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE public.task_counts c SET text_bytes = s.bytes
  FROM (SELECT user_id, sum(octet_length(title) + coalesce(octet_length(description), 0)) AS bytes
          FROM public.tasks GROUP BY user_id) s
 WHERE c.user_id = s.user_id;

-- Keeps text_bytes and refuses a statement that takes its author over a limit. Only growth
-- is refused: someone over a limit (lowered by an admin) can still delete and shorten.
-- Runs after the counters' own triggers (names fire in order), so the task count is new.
CREATE FUNCTION public.todo_task_usage_track() RETURNS trigger
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
          FROM (SELECT r.user_id, sum(octet_length(r.title) + coalesce(octet_length(r.description), 0)) AS b,
                       count(*) AS n
                  FROM new_rows r GROUP BY r.user_id) d;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(d.user_id), array_agg(d.b), array_agg(0::bigint) INTO owners, bytes, added
          FROM (SELECT r.user_id, -sum(octet_length(r.title) + coalesce(octet_length(r.description), 0)) AS b
                  FROM old_rows r GROUP BY r.user_id) d;
    ELSE
        SELECT array_agg(d.user_id), array_agg(d.b), array_agg(0::bigint) INTO owners, bytes, added
          FROM (SELECT x.user_id, sum(x.b) AS b
                  FROM (SELECT r.user_id, octet_length(r.title) + coalesce(octet_length(r.description), 0) AS b
                          FROM new_rows r
                        UNION ALL
                        SELECT r.user_id, -(octet_length(r.title) + coalesce(octet_length(r.description), 0))
                          FROM old_rows r) x
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
REVOKE ALL ON FUNCTION public.todo_task_usage_track() FROM PUBLIC;

CREATE TRIGGER tasks_usage_insert AFTER INSERT ON public.tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.todo_task_usage_track();
CREATE TRIGGER tasks_usage_update AFTER UPDATE ON public.tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.todo_task_usage_track();
CREATE TRIGGER tasks_usage_delete AFTER DELETE ON public.tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.todo_task_usage_track();
