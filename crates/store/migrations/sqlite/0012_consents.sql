-- Consents and the features they govern (issue 6): the consent log and each purpose's current
-- state, favourites and their lists, course reviews, catalogue search history, share links, the
-- published list of competence databases and the record of competence sent.
--
-- A person's consents and what they give under them are the person's, platform-wide (DESIGN.md
-- §3b), so those keys start with the person. A review is about a course and is keyed like the
-- course's other rows, by its organisation first. Rows held only for one consent are deleted
-- in the transaction that withdraws it (`store::consents`); the consent log and the record of
-- competence sent stay, as proof (GDPR art. 7 (1), 5 (2)).

-- Each purpose's latest change, for the checks features make on every request.
CREATE TABLE consents (
    person_id    BLOB NOT NULL REFERENCES people (id),
    purpose      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('given', 'withdrawn')),
    text_version INTEGER NOT NULL CHECK (text_version >= 1),
    changed_at   TEXT NOT NULL,
    PRIMARY KEY (person_id, purpose)
);
-- Who is counted in others' recommendations (only those whose consent is given).
CREATE INDEX consents_given ON consents (purpose, status, person_id);

-- Every change, never updated: what was given or withdrawn, to which text, when and where.
CREATE TABLE consent_changes (
    person_id    BLOB NOT NULL REFERENCES people (id),
    id           BLOB NOT NULL,
    purpose      TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('given', 'withdrawn')),
    text_version INTEGER NOT NULL CHECK (text_version >= 1),
    text_hash    TEXT NOT NULL,
    language     TEXT NOT NULL CHECK (language IN ('nb', 'nn', 'en')),
    channel      TEXT NOT NULL CHECK (channel IN ('page', 'api')),
    changed_at   TEXT NOT NULL,
    PRIMARY KEY (person_id, id)
);

CREATE TABLE favourite_lists (
    person_id  BLOB NOT NULL REFERENCES people (id),
    id         BLOB NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_id, id),
    UNIQUE (person_id, name)
);

-- A favourite course, or an activity of a course.
CREATE TABLE favourites (
    person_id       BLOB NOT NULL REFERENCES people (id),
    id              BLOB NOT NULL,
    organisation_id BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    activity_id     BLOB,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (person_id, id),
    FOREIGN KEY (organisation_id, course_id) REFERENCES courses (organisation_id, id),
    FOREIGN KEY (organisation_id, activity_id) REFERENCES activities (organisation_id, id)
);
CREATE UNIQUE INDEX favourites_one_course ON favourites (person_id, organisation_id, course_id) WHERE activity_id IS NULL;
CREATE UNIQUE INDEX favourites_one_activity ON favourites (person_id, organisation_id, activity_id) WHERE activity_id IS NOT NULL;

CREATE TABLE favourite_list_items (
    person_id    BLOB NOT NULL,
    list_id      BLOB NOT NULL,
    favourite_id BLOB NOT NULL,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (person_id, list_id, favourite_id),
    FOREIGN KEY (person_id, list_id) REFERENCES favourite_lists (person_id, id) ON DELETE CASCADE,
    FOREIGN KEY (person_id, favourite_id) REFERENCES favourites (person_id, id) ON DELETE CASCADE
);

-- One review per person and course. The name shown is kept only while the reviewer chooses it.
CREATE TABLE course_reviews (
    organisation_id BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    person_id       BLOB NOT NULL REFERENCES people (id),
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body            TEXT NOT NULL,
    show_name       INTEGER NOT NULL CHECK (show_name IN (0, 1)),
    author_name     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, course_id, person_id),
    FOREIGN KEY (organisation_id, course_id) REFERENCES courses (organisation_id, id),
    CHECK (show_name = 1 OR author_name IS NULL)
);
CREATE INDEX course_reviews_person ON course_reviews (person_id);

CREATE TABLE catalogue_searches (
    person_id   BLOB NOT NULL REFERENCES people (id),
    id          BLOB NOT NULL,
    query       TEXT NOT NULL,
    language    TEXT NOT NULL,
    tag         TEXT NOT NULL,
    searched_at TEXT NOT NULL,
    PRIMARY KEY (person_id, id)
);

-- Only the SHA-256 of a link's token is kept (secrets are stored as hashes).
CREATE TABLE share_links (
    person_id  BLOB NOT NULL REFERENCES people (id),
    id         BLOB NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    expires_on TEXT,
    revoked_at TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_id, id)
);

-- The published list of competence databases (companies and organisations, not people).
CREATE TABLE competence_recipients (
    id          BLOB PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    service     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('non_commercial', 'commercial')),
    -- ISO 3166-1 alpha-2.
    country     TEXT NOT NULL,
    outside_eea INTEGER NOT NULL CHECK (outside_eea IN (0, 1)),
    url         TEXT,
    added_on    TEXT NOT NULL,
    ended_on    TEXT,
    created_at  TEXT NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= added_on)
);

-- What a person sent, to whom, when and under which consent version; `items` is the JSON of
-- what was sent, as it was then.
CREATE TABLE competence_transfers (
    person_id                 BLOB NOT NULL REFERENCES people (id),
    id                        BLOB NOT NULL,
    purpose                   TEXT NOT NULL,
    recipient_kind            TEXT NOT NULL CHECK (recipient_kind IN ('employer', 'database')),
    recipient_organisation_id BLOB REFERENCES organisations (id),
    recipient_id              BLOB REFERENCES competence_recipients (id),
    recipient_name            TEXT NOT NULL,
    items                     TEXT NOT NULL,
    consent_version           INTEGER NOT NULL CHECK (consent_version >= 1),
    sent_at                   TEXT NOT NULL,
    PRIMARY KEY (person_id, id),
    CHECK ((recipient_kind = 'employer') = (recipient_organisation_id IS NOT NULL)),
    CHECK ((recipient_kind = 'database') = (recipient_id IS NOT NULL))
);
CREATE INDEX competence_transfers_received ON competence_transfers (recipient_organisation_id, sent_at);
