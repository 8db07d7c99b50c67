//! The demo organisation: units, managers and people in every role, created once (idempotent).

use anyhow::Context;
use domain::access::OrgRole;
use domain::org::{Language, OrganisationKind, OrganisationSettings, Slug};
use domain::person::{
    DataSource, Email, MembershipKind, MembershipStatus, MembershipTerms, NewPerson,
};
use domain::{OrganisationId, PersonId, UnitId};
use store::Store;
use store::memberships::Placement;

/// The password of every demo account (demo data only; never use it elsewhere).
pub const DEMO_PASSWORD: &str = "tavle-demo-2026";
pub const DEMO_SLUG: &str = "demo";

struct DemoPerson {
    key: &'static str,
    given: &'static str,
    family: &'static str,
    role: &'static str,
    source: DataSource,
    kind: Option<MembershipKind>,
    unit: Option<&'static str>,
    position: Option<&'static str>,
    manager: Option<&'static str>,
    grants: &'static [OrgRole],
    operator: bool,
}

const fn person(
    key: &'static str,
    given: &'static str,
    family: &'static str,
    role: &'static str,
) -> DemoPerson {
    DemoPerson {
        key,
        given,
        family,
        role,
        source: DataSource::Admin,
        kind: Some(MembershipKind::Employee),
        unit: None,
        position: None,
        manager: None,
        grants: &[],
        operator: false,
    }
}

fn people() -> Vec<DemoPerson> {
    vec![
        DemoPerson {
            kind: None,
            source: DataSource::SelfService,
            operator: true,
            ..person(
                "operator",
                "Ola",
                "Drift",
                "platform operator (sees organisations, not people)",
            )
        },
        DemoPerson {
            unit: Some("HR"),
            position: Some("HR-rådgiver"),
            grants: &[OrgRole::OrgAdmin],
            manager: Some("direktor"),
            ..person("admin", "Anne", "Admin", "organisation admin")
        },
        DemoPerson {
            unit: Some("Administrasjon"),
            position: Some("Personvernombud"),
            grants: &[OrgRole::Dpo],
            manager: Some("direktor"),
            ..person("personvern", "Per", "Vern", "data protection officer")
        },
        DemoPerson {
            unit: Some("Administrasjon"),
            position: Some("Kommunedirektør"),
            ..person(
                "direktor",
                "Dina",
                "Direktør",
                "top manager (indirect manager of the school staff)",
            )
        },
        DemoPerson {
            unit: Some("Oppvekst"),
            position: Some("Kommunalsjef oppvekst"),
            manager: Some("direktor"),
            ..person(
                "leder",
                "Lars",
                "Leder",
                "manager (direct manager of the school staff)",
            )
        },
        DemoPerson {
            unit: Some("Solbakken skole"),
            position: Some("Lærer"),
            manager: Some("leder"),
            ..person(
                "laerer",
                "Lise",
                "Lærer",
                "teacher (course roles arrive with the learning core)",
            )
        },
        DemoPerson {
            unit: Some("Solbakken skole"),
            position: Some("Miljøarbeider"),
            manager: Some("leder"),
            source: DataSource::HrImport,
            ..person(
                "ansatt",
                "Kari",
                "Nordmann",
                "employee whose name comes from HR (read-only)",
            )
        },
        DemoPerson {
            unit: Some("Hjemmetjenesten"),
            position: Some("Sykepleier"),
            manager: Some("direktor"),
            grants: &[OrgRole::ReportViewer],
            ..person("rapport", "Rita", "Rapport", "report viewer")
        },
        DemoPerson {
            unit: Some("Solbakken skole"),
            kind: Some(MembershipKind::Student),
            ..person("elev", "Emil", "Elev", "student")
        },
        DemoPerson {
            kind: Some(MembershipKind::External),
            source: DataSource::SelfService,
            ..person(
                "ekstern",
                "Eva",
                "Ekstern",
                "external, self-registered (edits own name)",
            )
        },
    ]
}

/// Units as (name, parent name).
const UNITS: [(&str, Option<&str>); 7] = [
    ("Administrasjon", None),
    ("HR", Some("Administrasjon")),
    ("Oppvekst", None),
    ("Solbakken skole", Some("Oppvekst")),
    ("Helse og omsorg", None),
    ("Hjemmetjenesten", Some("Helse og omsorg")),
    ("Barnehager", Some("Oppvekst")),
];

fn email_of(key: &str) -> String {
    format!("{key}@demo.tavle.no")
}

/// The demo logins `describe` prints for the learning core (a few representative roles).
const LEARNING_LOGINS: [(&str, &str); 3] = [
    (
        "kursansvarlig",
        "teacher and course admin of the demo courses (grading, attendance, approvals)",
    ),
    (
        "avdelingsleder",
        "manager with direct and indirect reports (team requirement matrix)",
    ),
    (
        "deltaker",
        "learner with courses done, under way, certificates and quiz attempts",
    ),
];

/// The demo's two hand-ins: name, bytes and SHA-256 (files are kept by hash; a test checks
/// that the hashes are those of the bytes). `tavle demo` stores them with [`ensure_files`].
pub const DEMO_FILES: [(&str, &[u8], &str); 2] = [
    (
        "journalnotat.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n4 0 obj << /Length 60 >> stream\nBT /F1 14 Tf 72 760 Td (Journalnotat - demo) Tj ET\nendstream endobj\n5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        "9cb292963ed7ae40bf2aa28eb5ddb4ee2bfcbae356e0224e024a651735bf5b98",
    ),
    (
        "notat-uke-12.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n4 0 obj << /Length 60 >> stream\nBT /F1 14 Tf 72 760 Td (Notat uke 12 - demo) Tj ET\nendstream endobj\n5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        "c6cdaa833017fa1fafa7fd8473ec544ecf1baeeb4d61f5fb59f137cedc37c2ea",
    ),
];

/// Stores the bytes of the demo's uploaded files (idempotent: a file already there stays).
pub async fn ensure_files(files: &store::learning::files::FileStore) -> anyhow::Result<()> {
    for (name, bytes, hash) in DEMO_FILES {
        let stored = files.put(bytes).await?;
        anyhow::ensure!(
            stored == hash,
            "demo file {name} is not the file its row names"
        );
    }
    Ok(())
}

/// Creates the demo organisation and its learning data unless they exist; returns the logins
/// either way.
pub async fn ensure(store: &Store) -> anyhow::Result<Vec<(String, &'static str)>> {
    let people = people();
    let mut logins: Vec<(String, &'static str)> =
        people.iter().map(|p| (email_of(p.key), p.role)).collect();
    logins.extend(LEARNING_LOGINS.iter().map(|(k, role)| (email_of(k), *role)));
    let (base, learning) = {
        let mut db = store.conn().await?;
        (
            org_exists(&mut db, DEMO_SLUG).await?,
            org_exists(&mut db, learning::PARTNER_SLUG).await?,
        )
    };
    if base && learning {
        return Ok(logins);
    }
    // One argon2 hash for every demo account.
    let hash = web::auth::hash_password(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if !base {
        create_base(store, &people, &hash).await?;
    }
    if !learning {
        learning::create(store, &hash).await?;
    }
    Ok(logins)
}

async fn org_exists(db: &mut store::Db, slug: &str) -> anyhow::Result<bool> {
    match store::organisations::by_slug(db, slug).await {
        Ok(_) => Ok(true),
        Err(store::StoreError::NotFound) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The demo organisation, its units and the first demo people.
async fn create_base(store: &Store, people: &[DemoPerson], hash: &str) -> anyhow::Result<()> {
    let mut db = store.begin().await?;
    let settings = OrganisationSettings {
        name: "Demo kommune".into(),
        kind: OrganisationKind::PublicBody,
        minimum_age: None,
        languages: vec![Language::Nb, Language::Nn, Language::En],
        contact_email: Email::parse("post@demo.tavle.no").ok(),
        dpo_name: Some("Per Vern".into()),
        dpo_email: Email::parse("personvern@demo.tavle.no").ok(),
    };
    let slug = Slug::parse(DEMO_SLUG).map_err(anyhow::Error::msg)?;
    let org = store::organisations::create(&mut db, &slug, &settings).await?;
    let mut units: Vec<(&str, UnitId)> = Vec::new();
    for (name, parent) in UNITS {
        let parent = parent.and_then(|p| units.iter().find(|(n, _)| *n == p).map(|(_, id)| *id));
        let id = store::units::create(&mut db, org.id, parent, name).await?;
        units.push((name, id));
    }
    // People first, then memberships in manager order, so each manager is a member already.
    let mut ids: Vec<(&str, PersonId)> = Vec::new();
    for p in people {
        let new = NewPerson {
            given_name: p.given.into(),
            family_name: p.family.into(),
            email: Email::parse(&email_of(p.key)).map_err(anyhow::Error::msg)?,
            birth: None,
        };
        let id = store::people::create(&mut db, &new, p.source, None).await?;
        store::identities::set_password(&mut db, id, hash).await?;
        if p.operator {
            store::roles::grant_operator(&mut db, id).await?;
        }
        ids.push((p.key, id));
    }
    let id_of = |key: &str| ids.iter().find(|(k, _)| *k == key).map(|(_, id)| *id);
    let mut pending: Vec<&DemoPerson> = people.iter().filter(|p| p.kind.is_some()).collect();
    let mut placed: Vec<&str> = Vec::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for p in pending {
            if p.manager.is_some_and(|m| !placed.contains(&m)) {
                rest.push(p);
                continue;
            }
            add_membership(
                &mut db,
                org.id,
                p,
                id_of(p.key),
                p.manager.and_then(id_of),
                &units,
            )
            .await?;
            placed.push(p.key);
        }
        anyhow::ensure!(rest.len() < before, "demo managers form a cycle");
        pending = rest;
    }
    for p in people {
        for role in p.grants {
            let id = id_of(p.key).context("demo person missing")?;
            store::roles::grant(&mut db, org.id, id, *role, None).await?;
        }
    }
    // The operator's sub-processor register, as the privacy notice links to it.
    store::sub_processors::add(
        &mut db,
        &domain::registry::notice::SubProcessor {
            name: "Demo Drift AS".into(),
            service: "Drift, lagring og sikkerhetskopi".into(),
            country: "NO".into(),
            outside_eea: false,
            safeguards: None,
            added_on: time::macros::date!(2026 - 01 - 01),
            ended_on: None,
        },
    )
    .await?;
    db.commit().await?;
    Ok(())
}

async fn add_membership(
    db: &mut store::Db,
    org: OrganisationId,
    p: &DemoPerson,
    id: Option<PersonId>,
    manager: Option<PersonId>,
    units: &[(&str, UnitId)],
) -> anyhow::Result<()> {
    let (Some(kind), Some(id)) = (p.kind, id) else {
        return Ok(());
    };
    let terms = MembershipTerms {
        kind,
        position: p.position.map(Into::into),
        employee_number: None,
        starts_on: time::macros::date!(2024 - 08 - 01),
        ends_on: None,
        status: MembershipStatus::Active,
    };
    let unit = p
        .unit
        .and_then(|u| units.iter().find(|(n, _)| *n == u).map(|(_, id)| *id));
    let source = if p.source == DataSource::HrImport {
        DataSource::HrImport
    } else {
        DataSource::Admin
    };
    store::memberships::create(db, org, id, &terms, Placement { unit, manager }, source).await?;
    Ok(())
}

/// The text `tavle demo` prints: every login with what it shows.
pub fn describe(logins: &[(String, &'static str)]) -> String {
    let mut out = format!(
        "Demo organisation '{DEMO_SLUG}' is ready. Every demo login uses the password: {DEMO_PASSWORD}\n"
    );
    for (email, role) in logins {
        out.push_str(&format!("  {email:<32} {role}\n"));
    }
    out
}

/// The learning core's demo: more people in every role, courses with every kind of activity,
/// requirements whose matrix shows every status, a partner organisation sharing a course, and
/// progress (completions with certificates, work under way, attempts, a graded submission, a
/// pending external record, discussion). Written through the store's own functions, in one
/// transaction; the partner organisation marks it done.
mod learning {
    use std::collections::HashMap;

    use super::DEMO_FILES;

    use anyhow::Context;
    use domain::access::OrgRole;
    use domain::learning::activity::{
        ActivityDraft, ActivitySettings, AnswerOption, Approval, Assignment, Event, ExternalRecord,
        Grade, Question, Quiz, QuizAnswers, RecordedTraining, RegistrationField, Survey,
        SurveyAnswer, SurveyQuestion, SurveyQuestionKind,
    };
    use domain::learning::course::{
        CertificatePolicy, CompletionRule, CourseSettings, CourseStatus, StaffRole, Visibility,
    };
    use domain::learning::files::FileType;
    use domain::learning::progress::{EnrollmentSource, ProgressStatus, certificate_expiry};
    use domain::learning::requirement::{Audience, RequirementRule};
    use domain::org::{Language, OrganisationKind, OrganisationSettings, Slug};
    use domain::person::{
        DataSource, Email, MembershipKind, MembershipStatus, MembershipTerms, NewPerson,
    };
    use domain::{ActivityId, CourseId, EnrollmentId, OrganisationId, PersonId, UnitId};
    use store::learning::courses::Course;
    use store::learning::enrollments::ProgressUpdate;
    use store::learning::work::QuizAttempt;
    use store::memberships::Placement;
    use store::{Db, Store};
    use time::{Date, Duration, OffsetDateTime};

    use super::{DEMO_SLUG, email_of};

    /// The partner organisation that shares a course with the demo organisation.
    pub const PARTNER_SLUG: &str = "kompetansesenter";

    /// New units as (name, parent name).
    const UNITS: [(&str, Option<&str>); 5] = [
        ("Solvang sykehjem", Some("Helse og omsorg")),
        ("Teknisk drift", None),
        ("Vei og park", Some("Teknisk drift")),
        ("Kulturskolen", Some("Oppvekst")),
        ("Lønn og regnskap", Some("Administrasjon")),
    ];

    /// A new demo person: login key, names, unit, position, manager (a key), kind, grants and
    /// how many days ago they started (`None`: 2022-08-01).
    struct New {
        key: String,
        given: &'static str,
        family: &'static str,
        unit: Option<&'static str>,
        position: Option<&'static str>,
        manager: Option<String>,
        kind: MembershipKind,
        started_days_ago: Option<i64>,
    }

    fn ascii(s: &str) -> String {
        s.to_lowercase()
            .replace('æ', "ae")
            .replace('ø', "o")
            .replace('å', "a")
            .replace(' ', "")
    }

    fn new(
        key: Option<&str>,
        given: &'static str,
        family: &'static str,
        unit: Option<&'static str>,
        position: Option<&'static str>,
        manager: Option<&str>,
    ) -> New {
        New {
            key: key
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{}.{}", ascii(given), ascii(family))),
            given,
            family,
            unit,
            position,
            manager: manager.map(str::to_owned),
            kind: MembershipKind::Employee,
            started_days_ago: None,
        }
    }

    /// About fifty people, in manager order (every manager comes before their people). The new
    /// heads of sectors report to nobody, so that the first demo people's teams stay as they
    /// were; `admin` stays the only organisation admin.
    fn people() -> Vec<New> {
        let mut v = vec![
            new(
                None,
                "Ingrid",
                "Isaksen",
                Some("HR"),
                Some("HR-leder"),
                None,
            ),
            new(
                Some("avdelingsleder"),
                "Helga",
                "Haugen",
                Some("Helse og omsorg"),
                Some("Kommunalsjef helse og omsorg"),
                None,
            ),
            new(
                None,
                "Sindre",
                "Solberg",
                Some("Solvang sykehjem"),
                Some("Avdelingsleder"),
                Some("avdelingsleder"),
            ),
            new(
                None,
                "Hilde",
                "Hovland",
                Some("Hjemmetjenesten"),
                Some("Leder hjemmetjenesten"),
                Some("avdelingsleder"),
            ),
            new(
                Some("deltaker"),
                "Silje",
                "Strand",
                Some("Solvang sykehjem"),
                Some("Helsefagarbeider"),
                Some("sindre.solberg"),
            ),
            new(
                None,
                "Trond",
                "Tangen",
                Some("Teknisk drift"),
                Some("Kommunalsjef teknisk"),
                None,
            ),
            new(
                None,
                "Kristin",
                "Kvam",
                Some("Kulturskolen"),
                Some("Rektor"),
                None,
            ),
            new(
                Some("kursansvarlig"),
                "Marte",
                "Moen",
                Some("Kulturskolen"),
                Some("Lærer"),
                Some("kristin.kvam"),
            ),
        ];
        let solvang: [(&str, &str, &str); 11] = [
            ("Jonas", "Berg", "Sykepleier"),
            ("Sofie", "Dahl", "Sykepleier"),
            ("Magnus", "Eide", "Helsefagarbeider"),
            ("Thea", "Fjeld", "Helsefagarbeider"),
            ("Henrik", "Gundersen", "Sykepleier"),
            ("Maja", "Holm", "Helsefagarbeider"),
            ("Tobias", "Iversen", "Helsefagarbeider"),
            ("Hanna", "Jakobsen", "Sykepleier"),
            ("Elias", "Knutsen", "Helsefagarbeider"),
            ("Live", "Lie", "Sykepleier"),
            ("Aksel", "Moe", "Helsefagarbeider"),
        ];
        for (n, (given, family, position)) in solvang.into_iter().enumerate() {
            v.push(New {
                // The last two are newcomers: their requirements are due, not overdue.
                started_days_ago: (n >= 9).then_some(12),
                ..new(
                    None,
                    given,
                    family,
                    Some("Solvang sykehjem"),
                    Some(position),
                    Some("sindre.solberg"),
                )
            });
        }
        let home: [(&str, &str, &str); 7] = [
            ("Ida", "Nygaard", "Sykepleier"),
            ("Sander", "Olsen", "Helsefagarbeider"),
            ("Sara", "Pettersen", "Sykepleier"),
            ("Mathias", "Rønning", "Helsefagarbeider"),
            ("Emma", "Sund", "Helsefagarbeider"),
            ("Jakob", "Tveit", "Sykepleier"),
            ("Ingeborg", "Ulvestad", "Helsefagarbeider"),
        ];
        for (given, family, position) in home {
            v.push(new(
                None,
                given,
                family,
                Some("Hjemmetjenesten"),
                Some(position),
                Some("hilde.hovland"),
            ));
        }
        let roads: [(&str, &str, &str); 6] = [
            ("Vegard", "Vik", "Fagarbeider"),
            ("Stian", "Wold", "Fagarbeider"),
            ("Geir", "Brekke", "Maskinfører"),
            ("Rune", "Dale", "Fagarbeider"),
            ("Knut", "Evensen", "Maskinfører"),
            ("Bjørn", "Fossum", "Fagarbeider"),
        ];
        for (given, family, position) in roads {
            v.push(new(
                None,
                given,
                family,
                Some("Vei og park"),
                Some(position),
                Some("trond.tangen"),
            ));
        }
        for (given, family) in [("Petter", "Grønli"), ("Camilla", "Hagen")] {
            v.push(new(
                None,
                given,
                family,
                Some("Kulturskolen"),
                Some("Lærer"),
                Some("kristin.kvam"),
            ));
        }
        for (given, family) in [
            ("Oda", "Bakke"),
            ("Filip", "Carlsen"),
            ("Tiril", "Engen"),
            ("Noah", "Foss"),
            ("Frida", "Gran"),
            ("Isak", "Hauge"),
        ] {
            v.push(New {
                kind: MembershipKind::Student,
                ..new(None, given, family, Some("Kulturskolen"), None, None)
            });
        }
        for (given, family) in [("Eirik", "Lund"), ("Marit", "Myhre"), ("Håkon", "Nilsen")] {
            v.push(new(
                None,
                given,
                family,
                Some("Lønn og regnskap"),
                Some("Konsulent"),
                Some("ingrid.isaksen"),
            ));
        }
        for (given, family) in [
            ("Linn", "Bjerke"),
            ("Ahmed", "Karimi"),
            ("Julie", "Sandvik"),
        ] {
            v.push(New {
                kind: MembershipKind::External,
                ..new(None, given, family, None, None, None)
            });
        }
        v
    }

    fn md(text: &str) -> String {
        text.to_owned()
    }

    fn option(text: &str, correct: bool) -> AnswerOption {
        AnswerOption {
            text: text.into(),
            correct,
        }
    }

    fn settings(title: &str, summary: &str) -> CourseSettings {
        CourseSettings {
            title: title.into(),
            summary: summary.into(),
            language: Language::Nb,
            tags: Vec::new(),
            visibility: Visibility::Organisation,
            status: CourseStatus::Open,
            self_enrollment: true,
            completion_rule: CompletionRule::AllRequired,
            pass_mark: None,
            certificate: None,
            refresher_course: None,
            participant_list: false,
        }
    }

    /// A course as the demo writes to it: the course, and its activities by key.
    struct Built {
        course: Course,
        activities: HashMap<&'static str, (ActivityId, ActivitySettings)>,
    }

    impl Built {
        fn id(&self) -> CourseId {
            self.course.id
        }

        fn activity(&self, key: &str) -> anyhow::Result<(ActivityId, &ActivitySettings)> {
            self.activities
                .get(key)
                .map(|(id, s)| (*id, s))
                .with_context(|| format!("demo activity {key}"))
        }

        fn quiz(&self, key: &str) -> anyhow::Result<(ActivityId, Quiz)> {
            match self.activity(key)? {
                (id, ActivitySettings::Quiz(q)) => Ok((id, q.clone())),
                _ => anyhow::bail!("demo activity {key} is no quiz"),
            }
        }
    }

    type Module = (
        &'static str,
        Vec<(&'static str, &'static str, bool, ActivitySettings)>,
    );

    async fn build(
        db: &mut Db,
        org: OrganisationId,
        settings: &CourseSettings,
        modules: Vec<Module>,
    ) -> anyhow::Result<Built> {
        let id = store::learning::courses::create(db, org, settings).await?;
        let mut activities = HashMap::new();
        for (title, items) in modules {
            let module = store::learning::courses::create_module(db, org, id, title).await?;
            for (key, title, required, settings) in items {
                let draft = ActivityDraft {
                    title: title.into(),
                    required,
                    settings: settings.clone(),
                };
                let a =
                    store::learning::courses::create_activity(db, org, id, module, &draft).await?;
                activities.insert(key, (a, settings));
            }
        }
        Ok(Built {
            course: store::learning::courses::get(db, org, id).await?,
            activities,
        })
    }

    /// Writes progress for the demo: who did what.
    struct Writer<'a> {
        db: &'a mut Db,
        today: Date,
        enrolled: HashMap<(CourseId, PersonId), EnrollmentId>,
    }

    impl Writer<'_> {
        async fn enroll(
            &mut self,
            c: &Built,
            person: PersonId,
            via: Option<OrganisationId>,
        ) -> anyhow::Result<EnrollmentId> {
            let source = if via.is_some() {
                EnrollmentSource::Requirement
            } else {
                EnrollmentSource::Admin
            };
            let e =
                store::learning::enrollments::enroll(self.db, &c.course, person, via, source, None)
                    .await?;
            self.enrolled.insert((c.id(), person), e);
            Ok(e)
        }

        async fn content(
            &mut self,
            c: &Built,
            e: EnrollmentId,
            key: &str,
            done: bool,
            seconds: u32,
        ) -> anyhow::Result<()> {
            let (activity, _) = c.activity(key)?;
            let update = ProgressUpdate {
                organisation_id: c.course.organisation_id,
                enrollment_id: e,
                activity_id: activity,
                status: if done {
                    ProgressStatus::Done
                } else {
                    ProgressStatus::InProgress
                },
                score: None,
                attempt: false,
                seconds,
            };
            store::learning::enrollments::record(self.db, &c.course, &update).await?;
            Ok(())
        }

        /// Attempts the quiz with each answer set in turn.
        async fn quiz(
            &mut self,
            c: &Built,
            e: EnrollmentId,
            key: &str,
            attempts: &[QuizAnswers],
        ) -> anyhow::Result<()> {
            let (activity, quiz) = c.quiz(key)?;
            for (n, answers) in attempts.iter().enumerate() {
                let graded = domain::learning::activity::grade(&quiz, answers)
                    .map_err(|e| anyhow::anyhow!("demo quiz answers: {e:?}"))?;
                let attempt = QuizAttempt {
                    number: n as u32 + 1,
                    answers,
                    graded: &graded,
                };
                store::learning::work::submit_quiz(
                    self.db, &c.course, e, activity, &quiz, &attempt,
                )
                .await?;
            }
            Ok(())
        }

        /// Moves a completion `days` into the past, with its certificate's dates.
        async fn completed_days_ago(
            &mut self,
            c: &Built,
            e: EnrollmentId,
            days: i64,
        ) -> anyhow::Result<()> {
            let at = store::now() - Duration::days(days);
            let expires = c
                .course
                .settings
                .certificate
                .and_then(|p| certificate_expiry(at.date(), p.validity_months));
            store::learning::bulk::backdate_completion(
                self.db,
                c.course.organisation_id,
                e,
                at,
                expires,
            )
            .await?;
            Ok(())
        }
    }

    fn date_days_ago(today: Date, days: i64) -> Date {
        today - Duration::days(days)
    }

    pub async fn create(store: &Store, hash: &str) -> anyhow::Result<()> {
        let mut db = store.begin().await?;
        let demo = store::organisations::by_slug(&mut db, DEMO_SLUG).await?;
        let org = demo.id;
        let now: OffsetDateTime = store::now();
        let today = now.date();
        // Units.
        let mut units: HashMap<String, UnitId> = store::units::tree(&mut db, org)
            .await?
            .into_iter()
            .map(|u| (u.name, u.id))
            .collect();
        for (name, parent) in UNITS {
            if units.contains_key(name) {
                continue;
            }
            let parent = parent.and_then(|p| units.get(p).copied());
            let id = store::units::create(&mut db, org, parent, name).await?;
            units.insert(name.to_owned(), id);
        }
        // People, each placed under a manager placed before them.
        let mut ids: HashMap<String, PersonId> = HashMap::new();
        for key in ["direktor", "admin", "laerer", "leder"] {
            let email = Email::parse(&email_of(key)).map_err(anyhow::Error::msg)?;
            if let Some(id) = store::people::id_by_email(&mut db, &email).await? {
                ids.insert(key.to_owned(), id);
            }
        }
        let people = people();
        for p in &people {
            let email = Email::parse(&email_of(&p.key)).map_err(anyhow::Error::msg)?;
            if let Some(id) = store::people::id_by_email(&mut db, &email).await? {
                ids.insert(p.key.clone(), id);
                continue;
            }
            let external = p.kind == MembershipKind::External;
            let source = if external {
                DataSource::SelfService
            } else {
                DataSource::Admin
            };
            let new = NewPerson {
                given_name: p.given.into(),
                family_name: p.family.into(),
                email,
                birth: None,
            };
            let id = store::people::create(&mut db, &new, source, None).await?;
            store::identities::set_password(&mut db, id, hash).await?;
            let terms = MembershipTerms {
                kind: p.kind,
                position: p.position.map(Into::into),
                employee_number: None,
                starts_on: p
                    .started_days_ago
                    .map(|d| date_days_ago(today, d))
                    .unwrap_or(time::macros::date!(2022 - 08 - 01)),
                ends_on: None,
                status: MembershipStatus::Active,
            };
            let placement = Placement {
                unit: p.unit.and_then(|u| units.get(u).copied()),
                manager: p.manager.as_ref().and_then(|m| ids.get(m).copied()),
            };
            store::memberships::create(&mut db, org, id, &terms, placement, DataSource::Admin)
                .await?;
            ids.insert(p.key.clone(), id);
        }
        let id = |key: &str| {
            ids.get(key)
                .copied()
                .with_context(|| format!("demo person {key}"))
        };
        let admin = id("admin")?;
        let teacher = id("kursansvarlig")?;

        // ---- courses ----
        let gdpr_quiz = Quiz {
            questions: vec![
                Question {
                    prompt: "Hva er en personopplysning?".into(),
                    multiple: false,
                    options: vec![
                        option("Enhver opplysning som kan knyttes til en person", true),
                        option("Bare navn og fødselsnummer", false),
                        option("Bare opplysninger om helse", false),
                    ],
                    points: 2,
                    explanation: Some(
                        "Alt som kan knyttes til en identifiserbar person er en personopplysning."
                            .into(),
                    ),
                },
                Question {
                    prompt: "Hvilke av disse er særlige kategorier (art. 9)?".into(),
                    multiple: true,
                    options: vec![
                        option("Helseopplysninger", true),
                        option("Fagforeningsmedlemskap", true),
                        option("Postadresse", false),
                    ],
                    points: 2,
                    explanation: None,
                },
                Question {
                    prompt: "Hvor raskt skal et avvik meldes til Datatilsynet?".into(),
                    multiple: false,
                    options: vec![
                        option("Innen 72 timer", true),
                        option("Innen 30 dager", false),
                    ],
                    points: 1,
                    explanation: Some("Art. 33: uten ugrunnet opphold og innen 72 timer.".into()),
                },
            ],
            pass_mark: 80,
            attempts_limit: Some(3),
            feedback: true,
        };
        let gdpr_right: QuizAnswers = vec![vec![0], vec![0, 1], vec![0]];
        let gdpr_wrong: QuizAnswers = vec![vec![1], vec![0], vec![0]];
        let gdpr = build(
            &mut db,
            org,
            &CourseSettings {
                tags: vec!["personvern".into(), "gdpr".into(), "obligatorisk".into()],
                completion_rule: CompletionRule::AllRequiredAndPassMark,
                pass_mark: Some(70),
                certificate: Some(CertificatePolicy {
                    validity_months: Some(12),
                }),
                participant_list: true,
                ..settings(
                    "Personvern i hverdagen",
                    "Grunnleggende personvern for alle ansatte: hva personopplysninger er, hvordan vi behandler dem, og hva du gjør ved avvik.",
                )
            },
            vec![
                (
                    "Grunnlag",
                    vec![
                        ("intro", "Hva er personvern?", true, ActivitySettings::Content {
                            body: md("## Hva er personvern?\n\nPersonvern handler om retten til et **privatliv** og til å bestemme over opplysninger om seg selv.\n\n- Behandle bare det du trenger (*dataminimering*)\n- Ha et **behandlingsgrunnlag**\n- Slett når formålet er nådd\n\n> Spør personvernombudet når du er i tvil.\n\nLes mer hos [Datatilsynet](https://www.datatilsynet.no/)."),
                        }),
                        ("avvik", "Avvik og melding", true, ActivitySettings::Content {
                            body: md("## Avvik\n\nEt avvik er når personopplysninger kommer på avveie, endres eller blir utilgjengelige.\n\n1. Stans avviket om du kan\n2. Meld det i avvikssystemet samme dag\n3. Personvernombudet vurderer melding til Datatilsynet (72 timer)"),
                        }),
                    ],
                ),
                (
                    "Test og evaluering",
                    vec![
                        ("quiz", "Test: personvern", true, ActivitySettings::Quiz(gdpr_quiz)),
                        ("evaluering", "Kursevaluering (anonym)", false, ActivitySettings::Survey(Survey {
                            anonymous: true,
                            questions: vec![
                                SurveyQuestion { prompt: "Hvor nyttig var kurset?".into(), kind: SurveyQuestionKind::Scale },
                                SurveyQuestion { prompt: "Hva kan bli bedre?".into(), kind: SurveyQuestionKind::Text },
                            ],
                        })),
                    ],
                ),
            ],
        )
        .await?;
        let first_aid_quiz = Quiz {
            questions: vec![
                Question {
                    prompt: "Hva gjør du først ved hjertestans?".into(),
                    multiple: false,
                    options: vec![
                        option("Ringer 113 og starter hjerte-lunge-redning", true),
                        option("Venter på ambulansen", false),
                    ],
                    points: 1,
                    explanation: None,
                },
                Question {
                    prompt: "Hva er riktig forhold mellom kompresjoner og innblåsninger?".into(),
                    multiple: false,
                    options: vec![
                        option("30:2", true),
                        option("15:1", false),
                        option("5:5", false),
                    ],
                    points: 1,
                    explanation: Some("30 kompresjoner, 2 innblåsninger.".into()),
                },
            ],
            pass_mark: 100,
            attempts_limit: None,
            feedback: true,
        };
        let first_aid_right: QuizAnswers = vec![vec![0], vec![0]];
        let refresher = build(
            &mut db,
            org,
            &CourseSettings {
                tags: vec!["førstehjelp".into(), "oppfriskning".into()],
                ..settings(
                    "Førstehjelp – oppfriskning",
                    "Kort oppfriskning som fornyer sertifikatet for førstehjelp.",
                )
            },
            vec![(
                "Oppfriskning",
                vec![
                    ("repetisjon", "Repetisjon av HLR", true, ActivitySettings::Content {
                        body: md("## HLR på 5 minutter\n\n**Ring 113**, start HLR: 30 kompresjoner og 2 innblåsninger. Bruk hjertestarter så snart den er der."),
                    }),
                    ("quiz", "Kontrollspørsmål", true, ActivitySettings::Quiz(first_aid_quiz.clone())),
                ],
            )],
        )
        .await?;
        let event_day = today + Duration::days(21);
        let event = Event {
            starts_at: time::PrimitiveDateTime::new(event_day, time::macros::time!(09:00)),
            ends_at: time::PrimitiveDateTime::new(event_day, time::macros::time!(12:00)),
            place: Some("Solvang sykehjem, kantina".into()),
            online_link: None,
            capacity: Some(6),
            fields: vec![
                RegistrationField::Name,
                RegistrationField::Email,
                RegistrationField::Position,
                RegistrationField::WorkPhone,
            ],
            evaluation_closed_on: None,
        };
        let first_aid = build(
            &mut db,
            org,
            &CourseSettings {
                tags: vec!["førstehjelp".into(), "hms".into()],
                certificate: Some(CertificatePolicy {
                    validity_months: Some(60),
                }),
                refresher_course: Some(refresher.id()),
                ..settings(
                    "Førstehjelp",
                    "Livreddende førstehjelp med teori, test og praktisk øvelse. Sertifikatet gjelder i fem år og fornyes med oppfriskningskurset.",
                )
            },
            vec![
                (
                    "Teori",
                    vec![
                        ("teori", "Livreddende førstehjelp", true, ActivitySettings::Content {
                            body: md("## Livreddende førstehjelp\n\n1. **Sikre** skadestedet\n2. **Varsle** 113\n3. **Hjelpe**: frie luftveier, HLR, stoppe blødninger\n\n| Tilstand | Tiltak |\n|---|---|\n| Bevisstløs, puster | Stabilt sideleie |\n| Puster ikke | HLR 30:2 |"),
                        }),
                        ("quiz", "Test: førstehjelp", true, ActivitySettings::Quiz(first_aid_quiz)),
                    ],
                ),
                (
                    "Praksis",
                    vec![("ovelse", "Praktisk øvelse med dukke", false, ActivitySettings::Event(event.clone()))],
                ),
            ],
        )
        .await?;
        let journal = build(
            &mut db,
            org,
            &CourseSettings {
                tags: vec!["journal".into(), "helse".into()],
                ..settings(
                    "Journalføring og dokumentasjon",
                    "God dokumentasjon i pasientjournalen: hva, når og hvordan. Med innlevering som vurderes av kursansvarlig.",
                )
            },
            vec![(
                "Dokumentasjon",
                vec![
                    ("les", "Hva skal dokumenteres?", true, ActivitySettings::Content {
                        body: md("## Hva skal dokumenteres?\n\nDokumenter *observasjoner*, *tiltak* og *effekt*. Skriv **saklig**, kort og samme dag."),
                    }),
                    ("innlevering", "Innlevering: en journalnotat-øvelse", true, ActivitySettings::Assignment(Assignment {
                        instructions: md("Skriv et journalnotat fra en tenkt vakt (uten ekte pasientopplysninger) og last det opp som PDF."),
                        max_bytes: 5 * 1024 * 1024,
                        allowed: vec![FileType::Pdf, FileType::Docx],
                        resubmission: true,
                    })),
                    ("tilbakemelding", "Tilbakemelding (med navn)", true, ActivitySettings::Survey(Survey {
                        anonymous: false,
                        questions: vec![
                            SurveyQuestion { prompt: "Hvor trygg er du på journalføring nå?".into(), kind: SurveyQuestionKind::Scale },
                            SurveyQuestion {
                                prompt: "Hvilken vakt jobber du mest?".into(),
                                kind: SurveyQuestionKind::Choice(vec!["Dag".into(), "Kveld".into(), "Natt".into()]),
                            },
                        ],
                    })),
                ],
            )],
        )
        .await?;
        let hot_work = build(
            &mut db,
            org,
            &CourseSettings {
                tags: vec!["hms".into(), "teknisk".into()],
                ..settings(
                    "Varme arbeider",
                    "Sertifikat for varme arbeider tas hos ekstern kursleverandør; registrer kurset her for godkjenning.",
                )
            },
            vec![(
                "Sertifikat",
                vec![
                    ("rutiner", "Kommunens rutiner for varme arbeider", true, ActivitySettings::Content {
                        body: md("## Rutiner\n\nVarme arbeider krever **gyldig sertifikat**, brannvakt og tillatelse fra driftsleder."),
                    }),
                    ("ekstern", "Registrer sertifikat for varme arbeider", true, ActivitySettings::ExternalRecord(ExternalRecord {
                        instructions: md("Registrer kurset du tok hos **Norsk brannvernforening**, med dato og timer. Kursbevis kan lastes opp."),
                        proof_required: false,
                    })),
                ],
            )],
        )
        .await?;
        for c in [&gdpr, &first_aid, &refresher, &journal, &hot_work] {
            store::learning::courses::set_staff(
                &mut db,
                org,
                c.id(),
                teacher,
                StaffRole::CourseAdmin,
            )
            .await?;
        }
        for c in [&first_aid, &journal] {
            store::learning::courses::set_staff(
                &mut db,
                org,
                c.id(),
                id("petter.gronli")?,
                StaffRole::Teacher,
            )
            .await?;
        }
        // A draft course that only its staff see.
        build(
            &mut db,
            org,
            &CourseSettings {
                status: CourseStatus::Draft,
                ..settings("Klarspråk (utkast)", "Skriv så mottakeren forstår. Under arbeid.")
            },
            vec![("Innledning", vec![("intro", "Hvorfor klarspråk?", true, ActivitySettings::Content {
                body: md("## Hvorfor klarspråk?\n\nFordi *alle* skal forstå hva kommunen skriver."),
            })])],
        )
        .await?;

        // ---- the partner organisation and its shared course ----
        let partner_slug = Slug::parse(PARTNER_SLUG).map_err(anyhow::Error::msg)?;
        let partner = store::organisations::create(
            &mut db,
            &partner_slug,
            &OrganisationSettings {
                name: "Vestland kompetansesenter".into(),
                kind: OrganisationKind::Private,
                minimum_age: None,
                languages: vec![Language::Nb, Language::En],
                contact_email: Email::parse("post@kompetansesenter.tavle.no").ok(),
                dpo_name: None,
                dpo_email: None,
            },
        )
        .await?;
        let partner_teacher = store::people::create(
            &mut db,
            &NewPerson {
                given_name: "Kåre".into(),
                family_name: "Kursholder".into(),
                email: Email::parse("kursholder@kompetansesenter.tavle.no")
                    .map_err(anyhow::Error::msg)?,
                birth: None,
            },
            DataSource::Admin,
            None,
        )
        .await?;
        store::identities::set_password(&mut db, partner_teacher, hash).await?;
        store::memberships::create(
            &mut db,
            partner.id,
            partner_teacher,
            &MembershipTerms {
                kind: MembershipKind::Employee,
                position: Some("Kursholder".into()),
                employee_number: None,
                starts_on: time::macros::date!(2020 - 01 - 01),
                ends_on: None,
                status: MembershipStatus::Active,
            },
            Placement {
                unit: None,
                manager: None,
            },
            DataSource::Admin,
        )
        .await?;
        store::roles::grant(
            &mut db,
            partner.id,
            partner_teacher,
            OrgRole::OrgAdmin,
            None,
        )
        .await?;
        let infection_quiz = Quiz {
            questions: vec![Question {
                prompt: "Når skal du utføre håndhygiene?".into(),
                multiple: true,
                options: vec![
                    option("Før kontakt med pasient", true),
                    option("Etter kontakt med pasient", true),
                    option("Bare når hendene er synlig skitne", false),
                ],
                points: 3,
                explanation: Some("De fem øyeblikkene for håndhygiene.".into()),
            }],
            pass_mark: 100,
            attempts_limit: Some(5),
            feedback: true,
        };
        let infection_right: QuizAnswers = vec![vec![0, 1]];
        let shared = build(
            &mut db,
            partner.id,
            &CourseSettings {
                tags: vec!["smittevern".into(), "helse".into()],
                visibility: Visibility::Shared,
                certificate: Some(CertificatePolicy {
                    validity_months: Some(24),
                }),
                ..settings(
                    "Smittevern i helse og omsorg",
                    "Basale smittevernrutiner. Tilbys av Vestland kompetansesenter til kommunene i regionen.",
                )
            },
            vec![(
                "Basale rutiner",
                vec![
                    ("hygiene", "Håndhygiene", true, ActivitySettings::Content {
                        body: md("## Håndhygiene\n\nDe **fem øyeblikkene**: før pasientkontakt, før rene prosedyrer, etter eksponering for kroppsvæsker, etter pasientkontakt og etter kontakt med pasientens omgivelser."),
                    }),
                    ("quiz", "Test: smittevern", true, ActivitySettings::Quiz(infection_quiz)),
                ],
            )],
        )
        .await?;
        store::learning::courses::set_staff(
            &mut db,
            partner.id,
            shared.id(),
            partner_teacher,
            StaffRole::CourseAdmin,
        )
        .await?;
        store::learning::courses::share(&mut db, partner.id, shared.id(), org).await?;

        // ---- requirements ----
        let require =
            |course: CourseId, audience: Audience, due_days: u16, renewal: Option<u16>| {
                RequirementRule {
                    course,
                    audience,
                    due_days,
                    renewal_months: renewal,
                }
            };
        let rules = [
            require(gdpr.id(), Audience::Everyone, 30, None),
            require(
                first_aid.id(),
                Audience::Unit {
                    unit: *units.get("Helse og omsorg").context("unit")?,
                },
                60,
                None,
            ),
            require(
                journal.id(),
                Audience::Position {
                    position: "Helsefagarbeider".into(),
                },
                45,
                Some(24),
            ),
            require(
                hot_work.id(),
                Audience::Unit {
                    unit: *units.get("Teknisk drift").context("unit")?,
                },
                30,
                None,
            ),
            require(
                shared.id(),
                Audience::Unit {
                    unit: *units.get("Solvang sykehjem").context("unit")?,
                },
                60,
                None,
            ),
        ];
        for rule in &rules {
            let r = store::learning::requirements::create(&mut db, org, rule, admin).await?;
            // Set half a year ago, so that those who never took the course are overdue.
            store::learning::bulk::backdate_requirement(&mut db, org, r, now - Duration::days(180))
                .await?;
        }

        // ---- progress ----
        let mut w = Writer {
            db: &mut db,
            today,
            enrolled: HashMap::new(),
        };
        let learner = id("deltaker")?;
        // The learner: privacy done (second attempt passed), journal done (graded), first aid
        // under way, the shared course under way.
        let e = w.enroll(&gdpr, learner, None).await?;
        w.content(&gdpr, e, "intro", true, 420).await?;
        w.content(&gdpr, e, "avvik", true, 300).await?;
        w.quiz(&gdpr, e, "quiz", &[gdpr_wrong.clone(), gdpr_right.clone()])
            .await?;
        w.completed_days_ago(&gdpr, e, 20).await?;
        let e = w.enroll(&journal, learner, None).await?;
        w.content(&journal, e, "les", true, 600).await?;
        let file = store::learning::files::insert(
            w.db,
            org,
            DEMO_FILES[0].2,
            DEMO_FILES[0].1.len() as u64,
            FileType::Pdf,
            DEMO_FILES[0].0,
            store::learning::files::Purpose::Submission,
            Some(journal.id()),
            Some(learner),
        )
        .await?;
        let (assignment, _) = journal.activity("innlevering")?;
        let submission =
            store::learning::work::submit_assignment(w.db, &journal.course, e, assignment, file)
                .await?;
        store::learning::work::grade(
            w.db,
            &journal.course,
            submission,
            Grade::Passed,
            Some("Godt og saklig notat. Husk klokkeslett ved hver observasjon."),
            teacher,
        )
        .await?;
        let (survey, _) = journal.activity("tilbakemelding")?;
        store::learning::work::answer_survey(
            w.db,
            &journal.course,
            e,
            survey,
            false,
            &[SurveyAnswer::Scale(4), SurveyAnswer::Choice(0)],
            w.today,
        )
        .await?;
        let e = w.enroll(&first_aid, learner, None).await?;
        w.content(&first_aid, e, "teori", true, 900).await?;
        let e = w.enroll(&shared, learner, Some(org)).await?;
        w.content(&shared, e, "hygiene", false, 240).await?;

        // Solvang: privacy certificates met, expiring soon and expired; first aid with a
        // certificate about to expire, one expired and renewed by the refresher.
        let solvang = [
            "jonas.berg",
            "sofie.dahl",
            "magnus.eide",
            "thea.fjeld",
            "henrik.gundersen",
            "maja.holm",
            "tobias.iversen",
            "hanna.jakobsen",
            "elias.knutsen",
        ];
        for (n, key) in solvang.iter().enumerate() {
            let person = id(key)?;
            match n {
                // Privacy: done 3 months ago, 11.5 months ago (expiring soon), 14 months ago
                // (expired), 2 months ago; one under way, one failed a first attempt.
                0..=3 => {
                    let e = w.enroll(&gdpr, person, None).await?;
                    w.content(&gdpr, e, "intro", true, 300).await?;
                    w.content(&gdpr, e, "avvik", true, 240).await?;
                    w.quiz(&gdpr, e, "quiz", std::slice::from_ref(&gdpr_right))
                        .await?;
                    let days = [90, 350, 425, 60][n];
                    w.completed_days_ago(&gdpr, e, days).await?;
                }
                4 => {
                    let e = w.enroll(&gdpr, person, None).await?;
                    w.content(&gdpr, e, "intro", true, 200).await?;
                }
                5 => {
                    let e = w.enroll(&gdpr, person, None).await?;
                    w.content(&gdpr, e, "intro", true, 200).await?;
                    w.content(&gdpr, e, "avvik", true, 200).await?;
                    w.quiz(&gdpr, e, "quiz", std::slice::from_ref(&gdpr_wrong))
                        .await?;
                }
                _ => {}
            }
            // First aid: most have it; one from 59.5 months ago (expiring soon), one from 62
            // months ago who has since taken the refresher.
            if n < 6 {
                let e = w.enroll(&first_aid, person, None).await?;
                w.content(&first_aid, e, "teori", true, 600).await?;
                w.quiz(
                    &first_aid,
                    e,
                    "quiz",
                    std::slice::from_ref(&first_aid_right),
                )
                .await?;
                let days = [400, 1800, 1890, 700, 30, 200][n];
                w.completed_days_ago(&first_aid, e, days).await?;
                if n == 2 {
                    let e = w.enroll(&refresher, person, None).await?;
                    w.content(&refresher, e, "repetisjon", true, 300).await?;
                    w.quiz(
                        &refresher,
                        e,
                        "quiz",
                        std::slice::from_ref(&first_aid_right),
                    )
                    .await?;
                }
            }
            // The shared course: three done, two under way.
            if n < 5 {
                let e = w.enroll(&shared, person, Some(org)).await?;
                w.content(&shared, e, "hygiene", true, 300).await?;
                if n < 3 {
                    w.quiz(&shared, e, "quiz", std::slice::from_ref(&infection_right))
                        .await?;
                    w.completed_days_ago(&shared, e, [100, 300, 710][n]).await?;
                }
            }
        }
        // Home care: privacy done by some, first aid by some, journal work waiting for grading.
        for (n, key) in [
            "ida.nygaard",
            "sander.olsen",
            "sara.pettersen",
            "mathias.ronning",
        ]
        .iter()
        .enumerate()
        {
            let person = id(key)?;
            let e = w.enroll(&gdpr, person, None).await?;
            w.content(&gdpr, e, "intro", true, 300).await?;
            if n < 3 {
                w.content(&gdpr, e, "avvik", true, 200).await?;
                w.quiz(&gdpr, e, "quiz", std::slice::from_ref(&gdpr_right))
                    .await?;
                w.completed_days_ago(&gdpr, e, [15, 200, 500][n]).await?;
            }
            if n % 2 == 0 {
                let e = w.enroll(&first_aid, person, None).await?;
                w.content(&first_aid, e, "teori", true, 600).await?;
                w.quiz(
                    &first_aid,
                    e,
                    "quiz",
                    std::slice::from_ref(&first_aid_right),
                )
                .await?;
                w.completed_days_ago(&first_aid, e, 800).await?;
            }
        }
        let waiting = id("sander.olsen")?;
        let e = w.enroll(&journal, waiting, None).await?;
        w.content(&journal, e, "les", true, 400).await?;
        let file = store::learning::files::insert(
            w.db,
            org,
            DEMO_FILES[1].2,
            DEMO_FILES[1].1.len() as u64,
            FileType::Pdf,
            DEMO_FILES[1].0,
            store::learning::files::Purpose::Submission,
            Some(journal.id()),
            Some(waiting),
        )
        .await?;
        store::learning::work::submit_assignment(w.db, &journal.course, e, assignment, file)
            .await?;
        // The first-aid exercise: six places, eight registered (two on the waiting list).
        let (exercise, _) = first_aid.activity("ovelse")?;
        for key in [
            "deltaker",
            "hilde.hovland",
            "sindre.solberg",
            "maja.holm",
            "tobias.iversen",
            "hanna.jakobsen",
            "elias.knutsen",
            "aksel.moe",
        ] {
            let person = id(key)?;
            let e = match w.enrolled.get(&(first_aid.id(), person)) {
                Some(e) => *e,
                None => w.enroll(&first_aid, person, None).await?,
            };
            store::learning::work::register(
                w.db,
                &first_aid.course,
                e,
                exercise,
                &event,
                person,
                &[
                    (RegistrationField::Name, key.replace('.', " ")),
                    (RegistrationField::Email, email_of(key)),
                    (RegistrationField::Position, "Helsefagarbeider".into()),
                    (RegistrationField::WorkPhone, "55 00 00 00".into()),
                ],
            )
            .await?;
        }
        // Roads: hot-work certificates, one approved, one waiting for approval.
        let (external, _) = hot_work.activity("ekstern")?;
        for (n, key) in ["vegard.vik", "stian.wold", "geir.brekke"]
            .iter()
            .enumerate()
        {
            let person = id(key)?;
            let e = w.enroll(&hot_work, person, None).await?;
            w.content(&hot_work, e, "rutiner", true, 180).await?;
            if n < 2 {
                store::learning::work::record_external(
                    w.db,
                    &hot_work.course,
                    e,
                    external,
                    &RecordedTraining {
                        provider: "Norsk brannvernforening".into(),
                        completed_on: date_days_ago(w.today, 40 + 30 * n as i64),
                        tenths_of_hours: 75,
                    },
                    None,
                )
                .await?;
            }
            if n == 0 {
                let record = store::learning::bulk::pending_record(w.db, org, e, external)
                    .await?
                    .context("demo record")?;
                store::learning::work::decide_record(
                    w.db,
                    &hot_work.course,
                    record,
                    Approval::Approved,
                    Some("Kursbevis kontrollert."),
                    teacher,
                )
                .await?;
            }
        }
        // Students and externals take the privacy course too (one anonymous evaluation each).
        let (evaluation, _) = gdpr.activity("evaluering")?;
        for (n, key) in [
            "oda.bakke",
            "filip.carlsen",
            "tiril.engen",
            "linn.bjerke",
            "ahmed.karimi",
        ]
        .iter()
        .enumerate()
        {
            let person = id(key)?;
            let e = w.enroll(&gdpr, person, None).await?;
            w.content(&gdpr, e, "intro", true, 250).await?;
            w.content(&gdpr, e, "avvik", n % 2 == 0, 120).await?;
            store::learning::work::answer_survey(
                w.db,
                &gdpr.course,
                e,
                evaluation,
                true,
                &[
                    SurveyAnswer::Scale(3 + (n % 3) as u8),
                    SurveyAnswer::Text("Gode eksempler.".into()),
                ],
                w.today,
            )
            .await?;
        }

        // ---- discussion ----
        let thread = store::learning::discussion::create_thread(
            w.db,
            org,
            gdpr.id(),
            learner,
            "Kan vi bruke gruppechat om beboere?",
            "På avdelingen bruker noen en gruppechat på mobilen for å gi beskjeder om beboere. Er det lov?",
        )
        .await?;
        store::learning::discussion::reply(
            w.db,
            org,
            gdpr.id(),
            thread,
            teacher,
            "Nei, opplysninger om beboere hører hjemme i journalsystemet. Bruk de godkjente kanalene, og si fra til lederen din.",
        )
        .await?;
        store::learning::discussion::reply(
            w.db,
            org,
            gdpr.id(),
            thread,
            id("jonas.berg")?,
            "Vi hadde samme diskusjon hos oss. Vi flyttet alt over i meldingsfunksjonen i journalen.",
        )
        .await?;
        let thread = store::learning::discussion::create_thread(
            w.db,
            org,
            first_aid.id(),
            id("maja.holm")?,
            "Hvor henger hjertestarterne?",
            "Finnes det en oversikt over hjertestartere på Solvang?",
        )
        .await?;
        store::learning::discussion::reply(
            w.db,
            org,
            first_aid.id(),
            thread,
            id("petter.gronli")?,
            "Ved resepsjonen og på avdeling 2. Se også [113.no](https://www.113.no/).",
        )
        .await?;
        db.commit().await?;
        Ok(())
    }
}
