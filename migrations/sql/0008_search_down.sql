-- Undoes 0008_search.sql (the page functions are put back by the revision itself).
DROP FUNCTION todo_api.search_terms(text);
DROP FUNCTION todo_api.search_candidates(tsquery, text[], integer);
DROP POLICY search_candidates ON public.tasks;
REVOKE ALL ON public.tasks FROM todo_search_owner;
REVOKE ALL ON SCHEMA todo_api FROM todo_search_owner;
REVOKE ALL ON FUNCTION todo_auth.current_user_id() FROM todo_search_owner;
REVOKE ALL ON SCHEMA todo_auth FROM todo_search_owner;
DROP TRIGGER tasks_search ON public.tasks;
DROP FUNCTION public.todo_fill_search();
DROP FUNCTION public.todo_search_contains(text, text, text[]);
DROP FUNCTION public.todo_search_grams(uuid, text, text);
DROP FUNCTION public.todo_search_query(uuid, tsquery);
DROP FUNCTION public.todo_search_words(uuid, regconfig, text, text);
DROP FUNCTION public.todo_search_tag(uuid);
ALTER TABLE public.tasks DROP COLUMN search_words, DROP COLUMN search_grams;
-- The role stays: other databases of this server may use it, as todo_api_owner.
