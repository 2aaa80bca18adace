-- Filled in by its part of revision 0008.
SELECT 1;
