-- The newsletter (issue 6): double opt-in subscriptions, and newsletter mail in the outbox.
--
-- A subscription is pending until its confirmation link is used (`confirm_hash`, SHA-256 of the
-- link's token), then active with the time and the `newsletter` consent text it was confirmed
-- to. Unsubscribing deletes the row; the outbox rows that name it (the confirmation e-mail and
-- every newsletter queued or sent to it) go with it (ON DELETE CASCADE), so nothing more is sent
-- and no copy of the address stays behind. Unconfirmed rows are deleted after seven days.
CREATE TABLE newsletter_subscriptions (
    id           UUID PRIMARY KEY NOT NULL,
    person_id    UUID REFERENCES people (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL UNIQUE,
    subjects     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'active')),
    confirm_hash TEXT UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    confirmed_at TIMESTAMPTZ,
    text_version INTEGER CHECK (text_version >= 1),
    text_hash    TEXT
);
CREATE INDEX newsletter_subscriptions_person ON newsletter_subscriptions (person_id);
CREATE INDEX newsletter_subscriptions_status ON newsletter_subscriptions (status, created_at);

ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('invitation', 'password_reset', 'newsletter_confirmation', 'newsletter'));
ALTER TABLE outbox ADD COLUMN subscription_id UUID REFERENCES newsletter_subscriptions (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
CREATE INDEX outbox_subscription ON outbox (subscription_id);
