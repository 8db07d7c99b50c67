-- Policies and their acceptance (issue 6): platform-wide and per-organisation policies with
-- immutable numbered versions, their texts per language, who accepted which version how,
-- requests to delete an account after refusing a consent, a year of birth for people who gave
-- only that, and a count of minimum-age refusals per organisation.
--
-- Platform policies, and acceptances and requests about them, carry the nil UUID as their
-- organisation (as the audit log's platform chain does), so every table keeps organisation_id
-- first in its primary key.

CREATE TABLE policies (
    organisation_id UUID NOT NULL,
    id              UUID NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('privacy_notice', 'terms_of_use', 'cookie_notice', 'other')),
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, id)
);
-- One privacy notice per controller: its text is the notice generated from the registry.
CREATE UNIQUE INDEX policies_one_privacy_notice ON policies (organisation_id) WHERE kind = 'privacy_notice';

-- Versions never change once written, except their status (draft -> active -> retired) and
-- the times and `requires_from` set when that changes.
CREATE TABLE policy_versions (
    organisation_id  UUID NOT NULL,
    id               UUID NOT NULL,
    policy_id        UUID NOT NULL,
    number           INTEGER NOT NULL CHECK (number >= 1),
    status           TEXT NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
    audience         TEXT NOT NULL CHECK (audience IN ('everyone', 'employees', 'students', 'external_users')),
    mandatory        BOOLEAN NOT NULL,
    minor            BOOLEAN NOT NULL,
    -- Set when published: whoever accepted a version numbered at least this need not accept
    -- again (domain::policy::requires_from).
    requires_from    INTEGER CHECK (requires_from >= 1 AND requires_from <= number),
    content_hash     TEXT NOT NULL,
    -- A privacy notice's snapshot of the registry it was generated from.
    registry_version INTEGER,
    registry_hash    TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    published_at     TIMESTAMPTZ,
    retired_at       TIMESTAMPTZ,
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, policy_id, number),
    FOREIGN KEY (organisation_id, policy_id) REFERENCES policies (organisation_id, id),
    CHECK ((status = 'draft') = (requires_from IS NULL))
);
CREATE UNIQUE INDEX policy_versions_one_active ON policy_versions (organisation_id, policy_id) WHERE status = 'active';
CREATE UNIQUE INDEX policy_versions_one_draft ON policy_versions (organisation_id, policy_id) WHERE status = 'draft';
-- The gate looks at active versions on every signed-in request.
CREATE INDEX policy_versions_active ON policy_versions (status, organisation_id) WHERE status = 'active';

CREATE TABLE policy_texts (
    organisation_id UUID NOT NULL,
    version_id      UUID NOT NULL,
    language        TEXT NOT NULL CHECK (language IN ('nb', 'nn', 'en')),
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL,
    body            TEXT NOT NULL,
    PRIMARY KEY (organisation_id, version_id, language),
    FOREIGN KEY (organisation_id, version_id) REFERENCES policy_versions (organisation_id, id)
);

-- Who accepted which version, how (acknowledgement or consent), in which language and when;
-- the content hash proves the text (GDPR Art. 7(1)). A withdrawn consent keeps its record.
CREATE TABLE policy_acceptances (
    organisation_id UUID NOT NULL,
    id              UUID NOT NULL,
    person_id       UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    policy_id       UUID NOT NULL,
    version_id      UUID NOT NULL,
    version_number  INTEGER NOT NULL,
    content_hash    TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('acknowledgement', 'consent')),
    language        TEXT NOT NULL CHECK (language IN ('nb', 'nn', 'en')),
    accepted_at     TIMESTAMPTZ NOT NULL,
    withdrawn_at    TIMESTAMPTZ,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, version_id) REFERENCES policy_versions (organisation_id, id),
    CHECK (kind = 'consent' OR withdrawn_at IS NULL)
);
-- One standing acceptance per person and version (accepting again after withdrawing adds a
-- record); the gate finds a person's standing acceptances through it.
CREATE UNIQUE INDEX policy_acceptances_standing ON policy_acceptances (person_id, organisation_id, policy_id, version_number)
    WHERE withdrawn_at IS NULL;
CREATE INDEX policy_acceptances_person ON policy_acceptances (person_id, accepted_at);

-- A person asked for their account to be deleted (refusing or withdrawing a consent, DFO-1,
-- DFO-16); the erasure issue carries it out. One open request per person and controller.
CREATE TABLE account_deletion_requests (
    organisation_id UUID NOT NULL,
    id              UUID NOT NULL,
    person_id       UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    reason          TEXT NOT NULL CHECK (reason IN ('policy_refused', 'consent_withdrawn')),
    policy_id       UUID,
    version_id      UUID,
    status          TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'completed', 'cancelled')),
    received_at     TIMESTAMPTZ NOT NULL,
    -- One calendar month after receipt (GDPR Art. 12(3)).
    due_on          DATE NOT NULL,
    PRIMARY KEY (organisation_id, id)
);
CREATE UNIQUE INDEX account_deletion_requests_open ON account_deletion_requests (person_id, organisation_id)
    WHERE status IN ('received', 'in_progress');

-- Under-age attempts to create an account, counted: the attempt itself leaves nothing behind.
CREATE TABLE minimum_age_refusals (
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    channel         TEXT NOT NULL CHECK (channel IN ('admin', 'api', 'import', 'sign_up', 'identity_provider')),
    refusals        BIGINT NOT NULL DEFAULT 0 CHECK (refusals >= 0),
    PRIMARY KEY (organisation_id, channel)
);

-- A year of birth for people who gave only that (Feide's feideYearOfBirth); a full date stays
-- in birth_date.
ALTER TABLE people ADD COLUMN birth_year INTEGER CHECK (birth_year BETWEEN 1900 AND 9999);
