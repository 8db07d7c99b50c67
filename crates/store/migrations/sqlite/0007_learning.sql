-- The learning core: courses and their activities, who takes them and how far they got,
-- certificates, requirements, discussion, and the files uploaded for all of it.
-- Every table is owned by the organisation in the first column of its key. Work in a course
-- (enrollments, progress, answers, submissions, certificates) belongs to the course's owner;
-- requirements belong to the organisation that sets them. Settings and answers that have a
-- shape of their own are JSON text, validated by the domain on the way in.

CREATE TABLE courses (
    organisation_id             BLOB NOT NULL REFERENCES organisations (id),
    id                          BLOB NOT NULL,
    title                       TEXT NOT NULL,
    summary                     TEXT NOT NULL,
    language                    TEXT NOT NULL CHECK (language IN ('nb', 'nn', 'en')),
    -- Comma-separated, lower case.
    tags                        TEXT NOT NULL,
    visibility                  TEXT NOT NULL CHECK (visibility IN ('organisation', 'shared', 'public')),
    status                      TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    self_enrollment             INTEGER NOT NULL CHECK (self_enrollment IN (0, 1)),
    completion_rule             TEXT NOT NULL CHECK (completion_rule IN ('all_required', 'pass_mark', 'all_required_and_pass_mark')),
    pass_mark                   INTEGER CHECK (pass_mark BETWEEN 0 AND 100),
    certificate                 INTEGER NOT NULL CHECK (certificate IN (0, 1)),
    certificate_validity_months INTEGER CHECK (certificate_validity_months BETWEEN 1 AND 600),
    refresher_course_id         BLOB,
    participant_list            INTEGER NOT NULL CHECK (participant_list IN (0, 1)),
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, refresher_course_id) REFERENCES courses (organisation_id, id)
);
-- The public catalogue spans organisations.
CREATE INDEX courses_catalogue ON courses (visibility, status);

CREATE TABLE course_staff (
    organisation_id BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    person_id       BLOB NOT NULL REFERENCES people (id),
    role            TEXT NOT NULL CHECK (role IN ('teacher', 'course_admin')),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, course_id, person_id),
    FOREIGN KEY (organisation_id, course_id) REFERENCES courses (organisation_id, id)
);
CREATE INDEX course_staff_person ON course_staff (person_id);

-- A course shared with another organisation: its people may take it.
CREATE TABLE course_shares (
    organisation_id BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    shared_with_id  BLOB NOT NULL REFERENCES organisations (id),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, course_id, shared_with_id),
    FOREIGN KEY (organisation_id, course_id) REFERENCES courses (organisation_id, id)
);
CREATE INDEX course_shares_receiver ON course_shares (shared_with_id);

CREATE TABLE course_modules (
    organisation_id BLOB NOT NULL,
    id              BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, course_id) REFERENCES courses (organisation_id, id)
);
CREATE INDEX course_modules_course ON course_modules (organisation_id, course_id, position);

CREATE TABLE activities (
    organisation_id BLOB NOT NULL,
    id              BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    module_id       BLOB NOT NULL,
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('content', 'quiz', 'assignment', 'survey', 'event', 'external_record')),
    title           TEXT NOT NULL,
    required        INTEGER NOT NULL CHECK (required IN (0, 1)),
    settings        TEXT NOT NULL,
    -- A quiz's points (for a course's pass mark), kept beside its settings.
    quiz_points     INTEGER,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, course_id) REFERENCES courses (organisation_id, id),
    FOREIGN KEY (organisation_id, module_id) REFERENCES course_modules (organisation_id, id)
);
CREATE INDEX activities_course ON activities (organisation_id, course_id, position);

-- Uploaded files; the bytes are kept once per content hash by the file store.
CREATE TABLE files (
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    id              BLOB NOT NULL,
    content_hash    TEXT NOT NULL,
    size            INTEGER NOT NULL,
    file_type       TEXT NOT NULL,
    name            TEXT NOT NULL,
    purpose         TEXT NOT NULL CHECK (purpose IN ('content_image', 'submission', 'proof')),
    course_id       BLOB,
    uploaded_by     BLOB REFERENCES people (id),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id)
);
CREATE INDEX files_hash ON files (content_hash);

-- One taking of a course by one person; a re-take is a new row, so history is kept.
CREATE TABLE enrollments (
    organisation_id     BLOB NOT NULL,
    id                  BLOB NOT NULL,
    course_id           BLOB NOT NULL,
    person_id           BLOB NOT NULL REFERENCES people (id),
    -- The organisation the person took it for (their employer or school), when not the owner.
    via_organisation_id BLOB REFERENCES organisations (id),
    source              TEXT NOT NULL CHECK (source IN ('self', 'manager', 'admin', 'requirement')),
    status              TEXT NOT NULL CHECK (status IN ('active', 'completed', 'withdrawn')),
    enrolled_by         BLOB REFERENCES people (id),
    enrolled_at         TEXT NOT NULL,
    completed_at        TEXT,
    -- Kept up to date with progress, for lists that must not read every activity.
    required_done       INTEGER NOT NULL DEFAULT 0,
    required_total      INTEGER NOT NULL DEFAULT 0,
    time_spent_seconds  INTEGER NOT NULL DEFAULT 0,
    last_activity_at    TEXT,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, course_id) REFERENCES courses (organisation_id, id)
);
CREATE UNIQUE INDEX enrollments_one_active ON enrollments (organisation_id, course_id, person_id) WHERE status = 'active';
CREATE INDEX enrollments_person ON enrollments (person_id, status);
CREATE INDEX enrollments_course ON enrollments (organisation_id, course_id, status);

CREATE TABLE activity_progress (
    organisation_id    BLOB NOT NULL,
    enrollment_id      BLOB NOT NULL,
    activity_id        BLOB NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done', 'failed')),
    score              INTEGER,
    max_score          INTEGER,
    attempts           INTEGER NOT NULL DEFAULT 0,
    time_spent_seconds INTEGER NOT NULL DEFAULT 0,
    completed_at       TEXT,
    updated_at         TEXT NOT NULL,
    PRIMARY KEY (organisation_id, enrollment_id, activity_id),
    FOREIGN KEY (organisation_id, enrollment_id) REFERENCES enrollments (organisation_id, id),
    FOREIGN KEY (organisation_id, activity_id) REFERENCES activities (organisation_id, id)
);

CREATE TABLE quiz_attempts (
    organisation_id BLOB NOT NULL,
    id              BLOB NOT NULL,
    enrollment_id   BLOB NOT NULL,
    activity_id     BLOB NOT NULL,
    attempt         INTEGER NOT NULL,
    answers         TEXT NOT NULL,
    points          INTEGER NOT NULL,
    max_points      INTEGER NOT NULL,
    passed          INTEGER NOT NULL CHECK (passed IN (0, 1)),
    submitted_at    TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    -- A form posted twice is refused by the second insert.
    UNIQUE (organisation_id, enrollment_id, activity_id, attempt),
    FOREIGN KEY (organisation_id, enrollment_id) REFERENCES enrollments (organisation_id, id),
    FOREIGN KEY (organisation_id, activity_id) REFERENCES activities (organisation_id, id)
);

CREATE TABLE submissions (
    organisation_id BLOB NOT NULL,
    id              BLOB NOT NULL,
    enrollment_id   BLOB NOT NULL,
    activity_id     BLOB NOT NULL,
    version         INTEGER NOT NULL,
    file_id         BLOB NOT NULL,
    submitted_at    TEXT NOT NULL,
    grade           TEXT CHECK (grade IN ('passed', 'not_passed')),
    comment         TEXT,
    graded_by       BLOB REFERENCES people (id),
    graded_at       TEXT,
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, enrollment_id, activity_id, version),
    FOREIGN KEY (organisation_id, enrollment_id) REFERENCES enrollments (organisation_id, id),
    FOREIGN KEY (organisation_id, activity_id) REFERENCES activities (organisation_id, id),
    FOREIGN KEY (organisation_id, file_id) REFERENCES files (organisation_id, id)
);
CREATE INDEX submissions_activity ON submissions (organisation_id, activity_id, submitted_at);

-- Survey responses. An anonymous survey's rows hold no enrollment, a random (not
-- time-ordered) id and the day only, so nothing ties an answer to who gave it.
CREATE TABLE survey_responses (
    organisation_id BLOB NOT NULL,
    id              BLOB NOT NULL,
    activity_id     BLOB NOT NULL,
    enrollment_id   BLOB,
    answers         TEXT NOT NULL,
    submitted_on    TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, activity_id) REFERENCES activities (organisation_id, id),
    FOREIGN KEY (organisation_id, enrollment_id) REFERENCES enrollments (organisation_id, id)
);
CREATE INDEX survey_responses_activity ON survey_responses (organisation_id, activity_id);

CREATE TABLE event_registrations (
    organisation_id BLOB NOT NULL,
    id              BLOB NOT NULL,
    activity_id     BLOB NOT NULL,
    enrollment_id   BLOB NOT NULL,
    person_id       BLOB NOT NULL REFERENCES people (id),
    status          TEXT NOT NULL CHECK (status IN ('registered', 'waitlisted', 'cancelled')),
    -- The registration form's fields, as the organiser chose them.
    answers         TEXT NOT NULL,
    attended        INTEGER CHECK (attended IN (0, 1)),
    registered_at   TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, activity_id, person_id),
    FOREIGN KEY (organisation_id, activity_id) REFERENCES activities (organisation_id, id),
    FOREIGN KEY (organisation_id, enrollment_id) REFERENCES enrollments (organisation_id, id)
);
CREATE INDEX event_registrations_queue ON event_registrations (organisation_id, activity_id, status, registered_at);

-- Training done elsewhere, recorded by the learner and approved by a course or organisation
-- administrator.
CREATE TABLE external_records (
    organisation_id  BLOB NOT NULL,
    id               BLOB NOT NULL,
    enrollment_id    BLOB NOT NULL,
    activity_id      BLOB NOT NULL,
    provider         TEXT NOT NULL,
    completed_on     TEXT NOT NULL,
    tenths_of_hours  INTEGER NOT NULL,
    proof_file_id    BLOB,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    comment          TEXT,
    decided_by       BLOB REFERENCES people (id),
    decided_at       TEXT,
    submitted_at     TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, enrollment_id) REFERENCES enrollments (organisation_id, id),
    FOREIGN KEY (organisation_id, activity_id) REFERENCES activities (organisation_id, id),
    FOREIGN KEY (organisation_id, proof_file_id) REFERENCES files (organisation_id, id)
);
CREATE INDEX external_records_status ON external_records (organisation_id, status, submitted_at);

CREATE TABLE certificates (
    organisation_id BLOB NOT NULL,
    id              BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    enrollment_id   BLOB NOT NULL,
    person_id       BLOB NOT NULL REFERENCES people (id),
    issued_on       TEXT NOT NULL,
    expires_on      TEXT,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, course_id) REFERENCES courses (organisation_id, id),
    FOREIGN KEY (organisation_id, enrollment_id) REFERENCES enrollments (organisation_id, id)
);
CREATE INDEX certificates_person ON certificates (person_id, course_id, issued_on);

-- What an organisation requires of its people. The course may be another organisation's
-- (shared or public), so it is named with its owner.
CREATE TABLE requirements (
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    id              BLOB NOT NULL,
    course_owner_id BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    audience        TEXT NOT NULL CHECK (audience IN ('everyone', 'unit', 'position')),
    unit_id         BLOB,
    position        TEXT,
    due_days        INTEGER NOT NULL,
    renewal_months  INTEGER,
    created_by      BLOB REFERENCES people (id),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, unit_id) REFERENCES org_units (organisation_id, id),
    FOREIGN KEY (course_owner_id, course_id) REFERENCES courses (organisation_id, id)
);

CREATE TABLE discussion_posts (
    organisation_id BLOB NOT NULL,
    id              BLOB NOT NULL,
    course_id       BLOB NOT NULL,
    -- The thread's first post; NULL for that post itself.
    thread_id       BLOB,
    author_id       BLOB REFERENCES people (id),
    title           TEXT,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    edited_at       TEXT,
    -- A deleted post that has replies keeps its place, without its text or author.
    deleted_at      TEXT,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, course_id) REFERENCES courses (organisation_id, id),
    FOREIGN KEY (organisation_id, thread_id) REFERENCES discussion_posts (organisation_id, id)
);
CREATE INDEX discussion_posts_course ON discussion_posts (organisation_id, course_id, thread_id, created_at);
