-- Revision 0034, taken back: polls ask for changes after a time again (as revisions 0007 and 0019
-- made them, with the settings of revisions 0021 and 0030).

DROP FUNCTION todo_api.changed_since(bigint, bigint, uuid, integer);
DROP FUNCTION todo_api.removed_since(bigint, bigint, uuid, integer);
DROP FUNCTION todo_api.change_range(bigint, bigint, uuid, integer);
DROP FUNCTION todo_api.change_cursor();
DROP INDEX public.ix_task_removals_changes;
DROP INDEX public.ix_tasks_changes;
ALTER TABLE public.task_removals DROP COLUMN removed_xid;
ALTER TABLE public.tasks DROP COLUMN change_xid;
ALTER TABLE todo_auth.settings DROP COLUMN change_lag_xids;

CREATE FUNCTION todo_api.changed_since(p_since timestamp with time zone, p_limit integer)
 RETURNS SETOF todo_api.task
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_sort TO 'off'
 SET enable_bitmapscan TO 'off'
 SET enable_seqscan TO 'off'
 SET jit TO 'off'
 SET client_min_messages TO 'notice'
AS $function$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION 'at most 1000 changes at once' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    SELECT c.* FROM (
        (SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
                t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags,
                t.repeat_rule, t.repeat_after_completion
           FROM public.tasks t
          WHERE t.user_id = me AND NOT t.completed AND t.updated_at > p_since
          ORDER BY t.updated_at, t.id LIMIT p_limit)
        UNION ALL
        (SELECT t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date,
                t.created_at, t.updated_at, t.completed_at, t.title_key, t.priority_rank, t.tags,
                t.repeat_rule, t.repeat_after_completion
           FROM public.tasks t
          WHERE t.user_id = me AND t.completed AND t.updated_at > p_since
          ORDER BY t.updated_at, t.id LIMIT p_limit)
    ) c ORDER BY c.updated_at, c.id LIMIT p_limit;
END
$function$;

CREATE FUNCTION todo_api.removed_since(p_since timestamp with time zone, p_limit integer)
 RETURNS TABLE(task_id uuid, removed_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
 SET enable_bitmapscan TO 'off'
 SET jit TO 'off'
 SET client_min_messages TO 'notice'
AS $function$
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
$function$;
