-- The access audit log (DESIGN.md §3b). People are named by a pseudonymous key: erasing a
-- person deletes their row in audit_keys, and the entries (and the hash chain) stay valid
-- without identifying anyone. One hash chain per organisation; the nil UUID is the platform's
-- chain for access outside any organisation. Entries are only ever inserted.

CREATE TABLE audit_keys (
    person_id  UUID PRIMARY KEY NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    audit_key  UUID NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit_entries (
    -- The chain: the organisation whose data was accessed (nil UUID: the platform).
    organisation_id        UUID NOT NULL,
    seq                    BIGINT NOT NULL CHECK (seq >= 1),
    at                     TIMESTAMPTZ NOT NULL,
    actor_key              UUID NOT NULL,
    action                 TEXT NOT NULL CHECK (action IN ('read', 'change')),
    -- JSON array of the subjects' audit keys.
    subjects               TEXT NOT NULL,
    -- How the actor relates to the subjects: org_admin, direct_manager, teacher, dpo, …
    relation               TEXT NOT NULL,
    -- JSON array of registry field or category keys.
    fields                 TEXT NOT NULL,
    purpose                TEXT NOT NULL,
    -- The organisation the actor acted for, when it is not the chain's.
    acting_organisation_id UUID,
    prev_hash              TEXT NOT NULL,
    hash                   TEXT NOT NULL,
    PRIMARY KEY (organisation_id, seq)
);
CREATE INDEX audit_entries_by_actor ON audit_entries (actor_key, organisation_id, seq);

-- "Entries naming subject X", one row per subject of an entry. Keyed by the subject first, not
-- the organisation: a person's "who has seen my data" spans every organisation's chain.
CREATE TABLE audit_subjects (
    subject_key     UUID NOT NULL,
    organisation_id UUID NOT NULL,
    seq             BIGINT NOT NULL,
    PRIMARY KEY (subject_key, organisation_id, seq)
);

-- The last entry of each chain; appends to one chain take this row's lock, so chains do not
-- wait for each other.
CREATE TABLE audit_heads (
    organisation_id UUID PRIMARY KEY NOT NULL,
    seq             BIGINT NOT NULL,
    hash            TEXT NOT NULL
);

-- Signed checkpoints (also printed by `tavle audit checkpoint`, to be kept elsewhere).
CREATE TABLE audit_checkpoints (
    organisation_id UUID NOT NULL,
    seq             BIGINT NOT NULL,
    hash            TEXT NOT NULL,
    at              TIMESTAMPTZ NOT NULL,
    -- Base64 Ed25519 signature over `domain::audit::checkpoint_message`.
    signature       TEXT NOT NULL,
    PRIMARY KEY (organisation_id, seq)
);
