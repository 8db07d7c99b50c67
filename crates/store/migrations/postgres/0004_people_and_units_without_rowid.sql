-- The SQLite migration of the same number stores people and units in their primary keys
-- (WITHOUT ROWID). PostgreSQL keeps every table as a heap with a primary-key index, so there is
-- nothing to change here; the file keeps both backends' migrations numbered alike.
SELECT 1;
