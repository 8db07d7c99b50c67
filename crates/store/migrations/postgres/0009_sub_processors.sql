-- The operator's sub-processor register (GDPR Art. 28(2), (4)): who processes data for the
-- operator, where, under which safeguards, and from when to when. Shown to every person.
-- Companies, not people: the registry lists the table as not personal data.

CREATE TABLE sub_processors (
    id          UUID PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    service     TEXT NOT NULL,
    -- ISO 3166-1 alpha-2.
    country     TEXT NOT NULL,
    outside_eea BOOLEAN NOT NULL DEFAULT FALSE,
    safeguards  TEXT,
    added_on    DATE NOT NULL,
    ended_on    DATE,
    created_at  TIMESTAMPTZ NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= added_on)
);
CREATE INDEX sub_processors_by_date ON sub_processors (added_on, name);
