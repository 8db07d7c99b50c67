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

UPDATE memberships SET
    member_given_name = (SELECT p.given_name FROM people p WHERE p.id = memberships.person_id),
    member_family_name = (SELECT p.family_name FROM people p WHERE p.id = memberships.person_id),
    member_email = (SELECT p.email FROM people p WHERE p.id = memberships.person_id),
    unit_name = (SELECT u.name FROM org_units u
                  WHERE u.organisation_id = memberships.organisation_id AND u.id = memberships.unit_id);

CREATE TRIGGER memberships_copy_on_insert AFTER INSERT ON memberships
BEGIN
    UPDATE memberships SET
        member_given_name = (SELECT p.given_name FROM people p WHERE p.id = NEW.person_id),
        member_family_name = (SELECT p.family_name FROM people p WHERE p.id = NEW.person_id),
        member_email = (SELECT p.email FROM people p WHERE p.id = NEW.person_id),
        unit_name = (SELECT u.name FROM org_units u
                      WHERE u.organisation_id = NEW.organisation_id AND u.id = NEW.unit_id)
     WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER memberships_copy_on_move AFTER UPDATE OF person_id, unit_id ON memberships
BEGIN
    UPDATE memberships SET
        member_given_name = (SELECT p.given_name FROM people p WHERE p.id = NEW.person_id),
        member_family_name = (SELECT p.family_name FROM people p WHERE p.id = NEW.person_id),
        member_email = (SELECT p.email FROM people p WHERE p.id = NEW.person_id),
        unit_name = (SELECT u.name FROM org_units u
                      WHERE u.organisation_id = NEW.organisation_id AND u.id = NEW.unit_id)
     WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER people_copied_to_memberships AFTER UPDATE OF given_name, family_name, email ON people
BEGIN
    UPDATE memberships SET
        member_given_name = NEW.given_name,
        member_family_name = NEW.family_name,
        member_email = NEW.email
     WHERE person_id = NEW.id;
END;

CREATE TRIGGER org_units_copied_to_memberships AFTER UPDATE OF name ON org_units
BEGIN
    UPDATE memberships SET unit_name = NEW.name
     WHERE organisation_id = NEW.organisation_id AND unit_id = NEW.id;
END;
