-- Entries name their subjects through a subject list stored once: the audit keys of the people an
-- entry names, in the order it names them, content-addressed (the id is the first 16 bytes of
-- SHA-256 over the keys, `store::audit::set_id`). A list page shown again names the same list, so
-- it adds one small entry row, and finding a person's entries costs one member row per distinct
-- list, not one row per subject per entry. The entry's hash covers the keys, so editing a stored
-- list shows as edited entries in `tavle audit verify`.
--
-- Entries written before keep their own `subjects` (JSON) and get a list of their own with a
-- random id and no `keys`, which only serves the look-up by person.

CREATE TABLE audit_subject_sets (
    set_id BLOB PRIMARY KEY NOT NULL,
    -- The keys, 16 bytes each, in order; NULL for the lists made here for earlier entries.
    keys   BLOB
) WITHOUT ROWID;

-- Keyed by the subject first: a person's "who has seen my data" spans every organisation's chain.
CREATE TABLE audit_set_members (
    subject_key BLOB NOT NULL,
    set_id      BLOB NOT NULL,
    PRIMARY KEY (subject_key, set_id)
) WITHOUT ROWID;

-- `subjects` becomes optional (new entries keep their subjects in their list), which SQLite
-- can only do by rebuilding the table.
CREATE TABLE audit_entries_v2 (
    organisation_id        BLOB NOT NULL,
    seq                    INTEGER NOT NULL CHECK (seq >= 1),
    at                     TEXT NOT NULL,
    actor_key              BLOB NOT NULL,
    action                 TEXT NOT NULL CHECK (action IN ('read', 'change')),
    -- JSON array of the subjects' audit keys, for entries written before subject lists.
    subjects               TEXT,
    subject_set            BLOB NOT NULL,
    relation               TEXT NOT NULL,
    fields                 TEXT NOT NULL,
    purpose                TEXT NOT NULL,
    acting_organisation_id BLOB,
    prev_hash              TEXT NOT NULL,
    hash                   TEXT NOT NULL,
    PRIMARY KEY (organisation_id, seq)
) WITHOUT ROWID;

INSERT INTO audit_entries_v2 (organisation_id, seq, at, actor_key, action, subjects, subject_set,
    relation, fields, purpose, acting_organisation_id, prev_hash, hash)
SELECT organisation_id, seq, at, actor_key, action, subjects, randomblob(16),
    relation, fields, purpose, acting_organisation_id, prev_hash, hash
FROM audit_entries;

INSERT INTO audit_subject_sets (set_id, keys) SELECT subject_set, NULL FROM audit_entries_v2;

INSERT INTO audit_set_members (subject_key, set_id)
SELECT DISTINCT s.subject_key, e.subject_set
FROM audit_entries_v2 e
JOIN audit_subjects s ON s.organisation_id = e.organisation_id AND s.seq = e.seq;

DROP TABLE audit_subjects;
DROP TABLE audit_entries;
ALTER TABLE audit_entries_v2 RENAME TO audit_entries;
CREATE INDEX audit_entries_by_actor ON audit_entries (actor_key, organisation_id, seq);
CREATE INDEX audit_entries_by_subject_set ON audit_entries (subject_set, organisation_id, seq);
