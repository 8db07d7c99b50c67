-- Operations: jobs, e-mail outbox, single-use login tokens, API tokens and service accounts,
-- login throttling.

CREATE TABLE jobs (
    id           UUID PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ,
    last_error   TEXT,
    -- Scheduled runs carry `kind@time`, so two nodes never enqueue the same run twice.
    dedupe_key   TEXT UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ
);
CREATE INDEX jobs_due ON jobs (status, run_at);

CREATE TABLE outbox (
    id          UUID PRIMARY KEY NOT NULL,
    person_id   UUID REFERENCES people (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('invitation', 'password_reset')),
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ
);
CREATE INDEX outbox_status ON outbox (status, created_at);

-- Invitation and password-reset links: single use, expiring, stored as SHA-256 only.
CREATE TABLE login_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    person_id  UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX login_tokens_person ON login_tokens (person_id);

CREATE TABLE service_accounts (
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    id              UUID NOT NULL,
    name            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, name)
);

-- A token belongs to a person, or to a service account of one organisation.
CREATE TABLE api_tokens (
    id                 UUID PRIMARY KEY NOT NULL,
    token_hash         TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    person_id          UUID REFERENCES people (id) ON DELETE CASCADE,
    organisation_id    UUID REFERENCES organisations (id),
    service_account_id UUID,
    scopes             TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    expires_at         TIMESTAMPTZ NOT NULL,
    revoked_at         TIMESTAMPTZ,
    last_used_at       TIMESTAMPTZ,
    CHECK ((person_id IS NULL) <> (service_account_id IS NULL)),
    FOREIGN KEY (organisation_id, service_account_id) REFERENCES service_accounts (organisation_id, id)
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

-- Failed logins, keyed by a hash of the account or client address, kept only for the window.
CREATE TABLE login_failures (
    key       TEXT NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, failed_at);
