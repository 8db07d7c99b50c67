-- Foundation: organisations, units, people, login identities, memberships, roles, sessions.
-- Ids are UUIDv7 stored as 16-byte UUIDs; times are UTC RFC 3339 text; dates are YYYY-MM-DD.
-- Every organisation-owned table carries organisation_id in its primary key.

CREATE TABLE organisations (
    id              UUID PRIMARY KEY NOT NULL,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('public_body', 'private')),
    minimum_age     INTEGER CHECK (minimum_age BETWEEN 13 AND 18),
    languages       TEXT NOT NULL,
    contact_email   TEXT,
    dpo_name        TEXT,
    dpo_email       TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE org_units (
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    id              UUID NOT NULL,
    parent_id       UUID,
    name            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, parent_id) REFERENCES org_units (organisation_id, id)
);

CREATE TABLE people (
    id                 UUID PRIMARY KEY NOT NULL,
    given_name         TEXT NOT NULL,
    family_name        TEXT NOT NULL,
    email              TEXT NOT NULL UNIQUE,
    birth_date         DATE,
    preferred_language TEXT,
    profile_source     TEXT NOT NULL CHECK (profile_source IN ('hr_import', 'self', 'identity_provider', 'admin')),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE login_identities (
    id            UUID PRIMARY KEY NOT NULL,
    person_id     UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    provider      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    secret_hash   TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ,
    UNIQUE (provider, subject)
);
CREATE INDEX login_identities_person ON login_identities (person_id);

CREATE TABLE memberships (
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    id              UUID NOT NULL,
    person_id       UUID NOT NULL REFERENCES people (id),
    kind            TEXT NOT NULL CHECK (kind IN ('employee', 'student', 'external', 'self_registered')),
    unit_id         UUID,
    position        TEXT,
    employee_number TEXT,
    manager_id      UUID REFERENCES people (id),
    starts_on       DATE NOT NULL,
    ends_on         DATE,
    source          TEXT NOT NULL CHECK (source IN ('hr_import', 'self', 'identity_provider', 'admin')),
    status          TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'ended')),
    -- The member's name as a sort key (domain::person::sort_key), kept with the membership so
    -- that an organisation's people list pages through one index in name order.
    sort_key        TEXT COLLATE "C" NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, unit_id) REFERENCES org_units (organisation_id, id)
);
CREATE INDEX memberships_person ON memberships (person_id);
CREATE INDEX memberships_manager ON memberships (organisation_id, manager_id);
CREATE INDEX memberships_sorted ON memberships (organisation_id, sort_key, id);
CREATE UNIQUE INDEX memberships_employee_number ON memberships (organisation_id, employee_number)
    WHERE employee_number IS NOT NULL;

CREATE TABLE role_grants (
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    id              UUID NOT NULL,
    person_id       UUID NOT NULL REFERENCES people (id),
    role            TEXT NOT NULL CHECK (role IN ('org_admin', 'report_viewer', 'dpo')),
    granted_by      UUID REFERENCES people (id),
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, person_id, role)
);
CREATE INDEX role_grants_person ON role_grants (person_id);

CREATE TABLE platform_operators (
    person_id  UUID PRIMARY KEY NOT NULL REFERENCES people (id),
    granted_at TIMESTAMPTZ NOT NULL
);

-- A session is found by the SHA-256 of its cookie token; the token itself is never stored.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    person_id    UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
