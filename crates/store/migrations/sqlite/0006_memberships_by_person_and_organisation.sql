-- "Is this person a member here?" (every request that names an organisation asks it) and the
-- manager chain filter memberships on both person and organisation. With an index on the
-- person alone, SQLite without statistics (a new database) chose the organisation's indexes and
-- read every membership of the organisation instead. An index on both makes the one lookup
-- the obvious plan, with or without statistics; it also serves "all of a person's memberships".
DROP INDEX memberships_person;
CREATE INDEX memberships_person ON memberships (person_id, organisation_id);
