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
    set_id UUID PRIMARY KEY NOT NULL,
    -- The keys, 16 bytes each, in order; NULL for the lists made here for earlier entries.
    keys   BYTEA
);

-- Keyed by the subject first: a person's "who has seen my data" spans every organisation's chain.
CREATE TABLE audit_set_members (
    subject_key UUID NOT NULL,
    set_id      UUID NOT NULL,
    PRIMARY KEY (subject_key, set_id)
);

-- New entries keep their subjects in their list.
ALTER TABLE audit_entries ALTER COLUMN subjects DROP NOT NULL;
ALTER TABLE audit_entries ADD COLUMN subject_set UUID;
UPDATE audit_entries SET subject_set = gen_random_uuid();
ALTER TABLE audit_entries ALTER COLUMN subject_set SET NOT NULL;

INSERT INTO audit_subject_sets (set_id, keys) SELECT subject_set, NULL FROM audit_entries;

INSERT INTO audit_set_members (subject_key, set_id)
SELECT DISTINCT s.subject_key, e.subject_set
FROM audit_entries e
JOIN audit_subjects s ON s.organisation_id = e.organisation_id AND s.seq = e.seq;

DROP TABLE audit_subjects;

CREATE INDEX audit_entries_by_subject_set ON audit_entries (subject_set, organisation_id, seq);
