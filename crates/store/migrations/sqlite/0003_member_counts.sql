-- Each organisation keeps the number of its memberships (all statuses), so that a people
-- list shows its total without counting every membership on every request. Triggers keep it,
-- whichever code path writes memberships.

ALTER TABLE organisations ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE organisations
   SET member_count = (SELECT COUNT(*) FROM memberships m WHERE m.organisation_id = organisations.id);

CREATE TRIGGER memberships_counted_insert AFTER INSERT ON memberships
BEGIN
    UPDATE organisations SET member_count = member_count + 1 WHERE id = NEW.organisation_id;
END;

CREATE TRIGGER memberships_counted_delete AFTER DELETE ON memberships
BEGIN
    UPDATE organisations SET member_count = member_count - 1 WHERE id = OLD.organisation_id;
END;
