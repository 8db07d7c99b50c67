-- The newsletter (issue 6): double opt-in subscriptions, and newsletter mail in the outbox.
--
-- A subscription is pending until its confirmation link is used (`confirm_hash`, SHA-256 of the
-- link's token), then active with the time and the `newsletter` consent text it was confirmed
-- to. Unsubscribing deletes the row; the outbox rows that name it (the confirmation e-mail and
-- every newsletter queued or sent to it) go with it (ON DELETE CASCADE), so nothing more is sent
-- and no copy of the address stays behind. Unconfirmed rows are deleted after seven days.
CREATE TABLE newsletter_subscriptions (
    id           BLOB PRIMARY KEY NOT NULL,
    person_id    BLOB REFERENCES people (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL UNIQUE,
    subjects     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'active')),
    confirm_hash TEXT UNIQUE,
    created_at   TEXT NOT NULL,
    confirmed_at TEXT,
    text_version INTEGER CHECK (text_version >= 1),
    text_hash    TEXT
);
CREATE INDEX newsletter_subscriptions_person ON newsletter_subscriptions (person_id);
CREATE INDEX newsletter_subscriptions_status ON newsletter_subscriptions (status, created_at);

-- SQLite cannot change a CHECK constraint: the outbox is rebuilt with the newsletter kinds, the
-- subscription a message belongs to and its List-Unsubscribe header.
CREATE TABLE outbox_new (
    id               BLOB PRIMARY KEY NOT NULL,
    person_id        BLOB REFERENCES people (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('invitation', 'password_reset', 'newsletter_confirmation', 'newsletter')),
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    subscription_id  BLOB REFERENCES newsletter_subscriptions (id) ON DELETE CASCADE,
    list_unsubscribe TEXT
);
INSERT INTO outbox_new (id, person_id, kind, recipient, subject, body, status, attempts, last_error, created_at, sent_at)
    SELECT id, person_id, kind, recipient, subject, body, status, attempts, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_status ON outbox (status, created_at);
CREATE INDEX outbox_subscription ON outbox (subscription_id);
