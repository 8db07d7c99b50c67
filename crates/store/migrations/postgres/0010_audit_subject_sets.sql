-- Entries name their subjects through a subject set: a list page shown again names the same set,
-- so "entries naming person X" costs one member row per distinct group of people, not one row
-- per subject per entry. An entry's `subjects` column stays the list its hash covers; the sets
-- are the index for finding entries by person. A set's id is the first 16 bytes of SHA-256 over
-- its sorted audit keys (store::audit::set_id); sets made here for earlier entries have random
-- ids, one per entry.

CREATE TABLE audit_subject_sets (
    set_id UUID PRIMARY KEY NOT NULL,
    size   INTEGER NOT NULL CHECK (size >= 1)
);

-- Keyed by the subject first: a person's "who has seen my data" spans every organisation's chain.
CREATE TABLE audit_set_members (
    subject_key UUID NOT NULL,
    set_id      UUID NOT NULL,
    PRIMARY KEY (subject_key, set_id)
);

ALTER TABLE audit_entries ADD COLUMN subject_set UUID;

UPDATE audit_entries SET subject_set = gen_random_uuid();

INSERT INTO audit_subject_sets (set_id, size)
SELECT e.subject_set, COUNT(*)
FROM audit_entries e
JOIN audit_subjects s ON s.organisation_id = e.organisation_id AND s.seq = e.seq
GROUP BY e.subject_set;

INSERT INTO audit_set_members (subject_key, set_id)
SELECT DISTINCT s.subject_key, e.subject_set
FROM audit_entries e
JOIN audit_subjects s ON s.organisation_id = e.organisation_id AND s.seq = e.seq;

DROP TABLE audit_subjects;

CREATE INDEX audit_entries_by_subject_set ON audit_entries (subject_set, organisation_id, seq);
