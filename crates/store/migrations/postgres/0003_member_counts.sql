-- Each organisation keeps the number of its memberships (all statuses), so that a people
-- list shows its total without counting every membership on every request. Statement-level
-- triggers keep it (one update per statement, however many rows a bulk insert writes),
-- whichever code path writes memberships.

ALTER TABLE organisations ADD COLUMN member_count BIGINT NOT NULL DEFAULT 0;
UPDATE organisations
   SET member_count = (SELECT COUNT(*) FROM memberships m WHERE m.organisation_id = organisations.id);

CREATE FUNCTION memberships_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organisations o SET member_count = o.member_count + n.added
      FROM (SELECT organisation_id, COUNT(*) AS added FROM inserted GROUP BY organisation_id) n
     WHERE o.id = n.organisation_id;
    RETURN NULL;
END $$;

CREATE FUNCTION memberships_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organisations o SET member_count = o.member_count - d.removed
      FROM (SELECT organisation_id, COUNT(*) AS removed FROM deleted GROUP BY organisation_id) d
     WHERE o.id = d.organisation_id;
    RETURN NULL;
END $$;

CREATE TRIGGER memberships_counted_insert AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION memberships_count_inserted();
CREATE TRIGGER memberships_counted_delete AFTER DELETE ON memberships
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION memberships_count_deleted();
