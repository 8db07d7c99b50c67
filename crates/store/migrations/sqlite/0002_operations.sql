-- Operations: jobs, e-mail outbox, single-use login tokens, API tokens and service accounts,
-- login throttling.

CREATE TABLE jobs (
    id           BLOB PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       TEXT NOT NULL,
    locked_until TEXT,
    last_error   TEXT,
    -- Scheduled runs carry `kind@time`, so two nodes never enqueue the same run twice.
    dedupe_key   TEXT UNIQUE,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);
CREATE INDEX jobs_due ON jobs (status, run_at);

CREATE TABLE outbox (
    id          BLOB PRIMARY KEY NOT NULL,
    person_id   BLOB REFERENCES people (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('invitation', 'password_reset')),
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_status ON outbox (status, created_at);

-- Invitation and password-reset links: single use, expiring, stored as SHA-256 only.
CREATE TABLE login_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    person_id  BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX login_tokens_person ON login_tokens (person_id);

CREATE TABLE service_accounts (
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    id              BLOB NOT NULL,
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, name)
);

-- A token belongs to a person, or to a service account of one organisation.
CREATE TABLE api_tokens (
    id                 BLOB PRIMARY KEY NOT NULL,
    token_hash         TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    person_id          BLOB REFERENCES people (id) ON DELETE CASCADE,
    organisation_id    BLOB REFERENCES organisations (id),
    service_account_id BLOB,
    scopes             TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    revoked_at         TEXT,
    last_used_at       TEXT,
    CHECK ((person_id IS NULL) <> (service_account_id IS NULL)),
    FOREIGN KEY (organisation_id, service_account_id) REFERENCES service_accounts (organisation_id, id)
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

-- Failed logins, keyed by a hash of the account or client address, kept only for the window.
CREATE TABLE login_failures (
    key       TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, failed_at);
