-- A people list shows each membership with its member's name and e-mail and its unit's name.
-- Looking those up for every row of every page was most of a list page's cost, so each
-- membership keeps a copy of them, as it already keeps the member's name sort key. Triggers
-- keep the copies equal to their sources, whichever code path writes: a new or moved
-- membership takes them, a corrected name or e-mail and a renamed unit update them. The data
-- registry declares them as copies of people.given_name, family_name, email and org_units.name.

ALTER TABLE memberships ADD COLUMN member_given_name TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN member_family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN member_email TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN unit_name TEXT;

UPDATE memberships m SET
    member_given_name = p.given_name, member_family_name = p.family_name, member_email = p.email
  FROM people p WHERE p.id = m.person_id;
UPDATE memberships m SET unit_name = u.name
  FROM org_units u WHERE u.organisation_id = m.organisation_id AND u.id = m.unit_id;

CREATE FUNCTION memberships_take_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT p.given_name, p.family_name, p.email
      INTO NEW.member_given_name, NEW.member_family_name, NEW.member_email
      FROM people p WHERE p.id = NEW.person_id;
    NEW.unit_name := (SELECT u.name FROM org_units u
                       WHERE u.organisation_id = NEW.organisation_id AND u.id = NEW.unit_id);
    RETURN NEW;
END $$;

CREATE TRIGGER memberships_copy_on_write BEFORE INSERT OR UPDATE OF person_id, unit_id ON memberships
    FOR EACH ROW EXECUTE FUNCTION memberships_take_copies();

CREATE FUNCTION people_copy_to_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE memberships SET
        member_given_name = NEW.given_name, member_family_name = NEW.family_name, member_email = NEW.email
     WHERE person_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER people_copied_to_memberships AFTER UPDATE OF given_name, family_name, email ON people
    FOR EACH ROW EXECUTE FUNCTION people_copy_to_memberships();

CREATE FUNCTION org_units_copy_to_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE memberships SET unit_name = NEW.name
     WHERE organisation_id = NEW.organisation_id AND unit_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER org_units_copied_to_memberships AFTER UPDATE OF name ON org_units
    FOR EACH ROW EXECUTE FUNCTION org_units_copy_to_memberships();
