-- no-transaction
-- People and units are looked up by their UUID keys on almost every request (the session's
-- person, a list page's members and their units). As ordinary SQLite tables every such lookup
-- searched the key's index and then the table by rowid; WITHOUT ROWID tables are stored in
-- their primary key, so a lookup is one search. Same columns, same constraints.
--
-- Rebuilt as SQLite prescribes (https://www.sqlite.org/lang_altertable.html#otheralter):
-- foreign keys off outside the transaction, new table, copy, drop, rename, check, commit.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE people_rebuilt (
    id                 BLOB PRIMARY KEY NOT NULL,
    given_name         TEXT NOT NULL,
    family_name        TEXT NOT NULL,
    email              TEXT NOT NULL UNIQUE,
    birth_date         TEXT,
    preferred_language TEXT,
    profile_source     TEXT NOT NULL CHECK (profile_source IN ('hr_import', 'self', 'identity_provider', 'admin')),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO people_rebuilt (id, given_name, family_name, email, birth_date, preferred_language, profile_source, created_at, updated_at)
    SELECT id, given_name, family_name, email, birth_date, preferred_language, profile_source, created_at, updated_at FROM people;
DROP TABLE people;
ALTER TABLE people_rebuilt RENAME TO people;

CREATE TABLE org_units_rebuilt (
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    id              BLOB NOT NULL,
    parent_id       BLOB,
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, parent_id) REFERENCES org_units (organisation_id, id)
) WITHOUT ROWID;
INSERT INTO org_units_rebuilt (organisation_id, id, parent_id, name, created_at)
    SELECT organisation_id, id, parent_id, name, created_at FROM org_units;
DROP TABLE org_units;
ALTER TABLE org_units_rebuilt RENAME TO org_units;

COMMIT;
PRAGMA foreign_keys = ON;
