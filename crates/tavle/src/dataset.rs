//! `tavle dataset`: a synthetic organisation for benchmarks and demos, with a realistic unit
//! tree (sectors, departments, teams of about twelve), managers at every level and one
//! membership per person. Runs again to grow the organisation to a larger size.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::Context;
use domain::access::OrgRole;
use domain::org::{Language, OrganisationKind, OrganisationSettings, Slug};
use domain::{MembershipId, PersonId, UnitId};
use store::Store;
use store::bulk::{MembershipRow, PersonRow};

/// Every synthetic person's password (synthetic data only).
pub const DATASET_PASSWORD: &str = "dataset-password";
const TEAM: usize = 12;
const TEAMS_PER_DEPARTMENT: usize = 6;
const SECTORS: [&str; 8] = [
    "Oppvekst",
    "Helse og omsorg",
    "Teknisk",
    "Kultur",
    "Administrasjon",
    "Velferd",
    "Miljø",
    "Næring",
];
const GIVEN: [&str; 24] = [
    "Kari", "Ola", "Ingrid", "Lars", "Anne", "Per", "Sofie", "Jonas", "Nora", "Emil", "Maja",
    "Henrik", "Ida", "Magnus", "Thea", "Sander", "Eva", "Mathias", "Sara", "Aksel", "Hanna",
    "Tobias", "Live", "Elias",
];
const FAMILY: [&str; 20] = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
];

fn number(i: usize) -> String {
    format!("D{i:07}")
}

/// Where person `i` sits: their team, department and sector.
fn place(i: usize, people: usize) -> (usize, usize, usize) {
    let teams = people.div_ceil(TEAM);
    let team = i / TEAM;
    let department = team / TEAMS_PER_DEPARTMENT;
    let departments = teams.div_ceil(TEAMS_PER_DEPARTMENT);
    (
        team,
        department,
        department % departments.clamp(1, SECTORS.len()),
    )
}

/// Departments per area: a sector's departments are grouped in sevens (about 500 people),
/// each area led by the head of its first department.
const DEPARTMENTS_PER_AREA: usize = 7;

/// The manager of person `i` (by index): team members report to their team lead, team leads
/// to their department head, department heads to their area head, area heads to their sector
/// head, sector heads to person 0. Every step goes to a smaller index, so there are no loops.
fn manager(i: usize, people: usize) -> Option<usize> {
    let (team, department, sector) = place(i, people);
    let departments = people.div_ceil(TEAM).div_ceil(TEAMS_PER_DEPARTMENT);
    let sectors = departments.clamp(1, SECTORS.len());
    let head = |department: usize| department * TEAMS_PER_DEPARTMENT * TEAM;
    // A sector's departments are `sector`, `sector + sectors`, …
    let in_sector = department / sectors;
    let area_first = in_sector / DEPARTMENTS_PER_AREA * DEPARTMENTS_PER_AREA * sectors + sector;
    [
        team * TEAM,
        head(department),
        head(area_first),
        head(sector),
        0,
    ]
    .into_iter()
    .find(|&m| m < i)
}

/// How many people each person leads, directly or through others.
fn led_counts(people: usize) -> Vec<usize> {
    let mut led = vec![0; people];
    for i in 0..people {
        let mut at = i;
        while let Some(m) = manager(at, people) {
            led[m] += 1;
            at = m;
        }
    }
    led
}

/// The manager whose people (direct and indirect) number closest to `wanted`: (index, count).
pub fn manager_of_about(people: usize, wanted: usize) -> Option<(usize, usize)> {
    led_counts(people)
        .into_iter()
        .enumerate()
        .filter(|&(_, n)| n > 0)
        .min_by_key(|&(i, n)| (n.abs_diff(wanted), i))
}

pub struct Report {
    pub created: usize,
    pub total: usize,
    pub units: usize,
    pub seconds: f64,
    pub learning: LearningReport,
    /// The login of the manager with about 500 people (direct and indirect), and their count.
    pub big_manager: Option<(String, usize)>,
}

/// How much learning data to make (`None`: scaled to the number of people).
#[derive(Clone, Copy, Debug, Default)]
pub struct LearningSize {
    /// Courses the organisation should have (default: one per 50 people, 1 to 200).
    pub courses: Option<usize>,
    /// Activity-progress rows to write for the people who get enrollments (default: 200 per
    /// person, at most 2,000,000: 2,000,000 for 10,000 people).
    pub progress: Option<usize>,
}

impl LearningSize {
    fn courses(&self, people: usize) -> usize {
        self.courses.unwrap_or((people / 50).clamp(1, 200))
    }

    fn progress(&self, people: usize) -> usize {
        self.progress.unwrap_or((people * 200).min(2_000_000))
    }
}

#[derive(Debug, Default)]
pub struct LearningReport {
    pub courses: usize,
    pub new_courses: usize,
    pub activities: usize,
    pub enrollments: usize,
    pub completed: usize,
    pub progress: usize,
    pub quiz_attempts: usize,
    pub certificates: usize,
    pub requirements: usize,
}

/// Grows organisation `slug` (created if missing) to `people` synthetic people, with learning
/// data scaled to them.
pub async fn grow(store: &Store, slug: &str, people: usize) -> anyhow::Result<Report> {
    grow_with(store, slug, people, LearningSize::default()).await
}

/// [`grow`] with the amount of learning data chosen.
pub async fn grow_with(
    store: &Store,
    slug: &str,
    people: usize,
    size: LearningSize,
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let slug = Slug::parse(slug).map_err(|code| anyhow::anyhow!("--org: {code}"))?;
    let mut db = store.begin().await?;
    let org = match store::organisations::by_slug(&mut db, slug.as_str()).await {
        Ok(org) => org,
        Err(store::StoreError::NotFound) => {
            let settings = OrganisationSettings {
                name: format!("Datasett {slug}"),
                kind: OrganisationKind::PublicBody,
                minimum_age: None,
                languages: vec![Language::Nb, Language::En],
                contact_email: None,
                dpo_name: None,
                dpo_email: None,
            };
            store::organisations::create(&mut db, &slug, &settings).await?
        }
        Err(e) => return Err(e.into()),
    };
    let existing: HashMap<String, PersonId> =
        store::bulk::people_by_employee_number(&mut db, org.id, "D")
            .await?
            .into_iter()
            .collect();
    let start = existing.len();
    // Units: sectors, departments and teams for the target size.
    let mut units: HashMap<String, UnitId> = store::units::tree(&mut db, org.id)
        .await?
        .into_iter()
        .map(|u| (u.path, u.id))
        .collect();
    let mut created_units = 0;
    let mut team_unit = Vec::new();
    let teams = people.div_ceil(TEAM);
    for team in 0..teams {
        let (_, department, sector) = place(team * TEAM, people);
        let sector_path = SECTORS[sector].to_owned();
        let department_path = format!("{sector_path}/Avdeling {}", department + 1);
        let team_path = format!("{department_path}/Team {}", team + 1);
        for (path, parent) in [
            (&sector_path, None),
            (&department_path, Some(&sector_path)),
            (&team_path, Some(&department_path)),
        ] {
            if !units.contains_key(path) {
                let parent = parent.and_then(|p| units.get(p).copied());
                let name = path.rsplit('/').next().unwrap_or_default();
                let id = store::units::create(&mut db, org.id, parent, name).await?;
                units.insert(path.clone(), id);
                created_units += 1;
            }
        }
        team_unit.push(units.get(&team_path).copied());
    }
    // People: ids first, so that managers can be set in the same insert.
    let mut ids: Vec<PersonId> = (0..people)
        .map(|i| existing.get(&number(i)).copied().unwrap_or_default())
        .collect();
    for id in ids.iter_mut().skip(start) {
        *id = PersonId::new();
    }
    let hash = web::auth::hash_password(DATASET_PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let at = store::now();
    let new_people: Vec<PersonRow> = (start..people)
        .map(|i| PersonRow {
            id: ids[i],
            given_name: GIVEN[i % GIVEN.len()].to_owned(),
            family_name: FAMILY[(i / GIVEN.len()) % FAMILY.len()].to_owned(),
            email: format!("p{i}@{slug}.example"),
            birth_date: time::Date::from_ordinal_date(1960 + (i % 45) as i32, 1 + (i % 365) as u16)
                .ok(),
            birth_year: None,
        })
        .collect();
    store::bulk::people(
        &mut db,
        &new_people,
        domain::person::DataSource::Admin,
        Some(&hash),
        at,
    )
    .await?;
    let positions = [
        "Rådgiver",
        "Konsulent",
        "Sykepleier",
        "Lærer",
        "Ingeniør",
        "Saksbehandler",
        "Fagarbeider",
    ];
    let memberships: Vec<MembershipRow> = (start..people)
        .map(|i| MembershipRow {
            id: MembershipId::new(),
            status: "active",
            source: domain::person::DataSource::Admin,
            ends_on: None,
            person: ids[i],
            unit: team_unit.get(i / TEAM).copied().flatten(),
            position: Some(if i % TEAM == 0 {
                "Leder".to_owned()
            } else {
                positions[i % positions.len()].to_owned()
            }),
            employee_number: number(i),
            manager: manager(i, people).map(|m| ids[m]),
            sort_key: domain::person::sort_key(
                &new_people[i - start].family_name,
                &new_people[i - start].given_name,
            ),
            starts_on: time::Date::from_ordinal_date(2010 + (i % 15) as i32, 1 + (i % 300) as u16)
                .unwrap_or(at.date()),
        })
        .collect();
    store::bulk::memberships(&mut db, org.id, &memberships, at).await?;
    if start == 0 && people > 0 {
        store::roles::grant(&mut db, org.id, ids[0], OrgRole::OrgAdmin, None).await?;
    }
    db.commit().await.context("commit")?;
    // Learning data in a transaction of its own (people stay if it fails; a re-run adds it).
    let mut db = store.begin().await?;
    let learning = learning::grow(&mut db, org.id, &ids, start, &units, size).await?;
    db.commit().await.context("commit learning data")?;
    store::learning::bulk::analyze(&mut store.conn().await?).await?;
    let big_manager = manager_of_about(people, 500)
        .filter(|&(_, n)| n >= 100)
        .map(|(i, n)| (format!("p{i}@{slug}.example"), n));
    Ok(Report {
        created: people.saturating_sub(start),
        total: people.max(start),
        units: created_units,
        seconds: started.elapsed().as_secs_f64(),
        learning,
        big_manager,
    })
}

/// Courses, enrollments, progress, completions, certificates and requirements.
mod learning {
    use std::collections::HashMap;

    use domain::learning::activity::{
        ActivitySettings, AnswerOption, Assignment, Event, ExternalRecord, Question, Quiz,
        RegistrationField, Survey, SurveyQuestion, SurveyQuestionKind,
    };
    use domain::learning::files::FileType;
    use domain::learning::progress::add_months;
    use domain::{ActivityId, CertificateId, CourseId, EnrollmentId, ModuleId, OrganisationId};
    use domain::{PersonId, RequirementId, UnitId};
    use store::Db;
    use store::learning::bulk::{
        ActivityRow, AttemptRow, CertificateRow, CourseRow, EnrollmentRow, ModuleRow, ProgressRow,
        RequirementRow,
    };
    use time::{Duration, OffsetDateTime};

    use super::{LearningReport, LearningSize, SECTORS, TEAM, place};

    const MODULES: usize = 4;
    /// Required activities per module: three content pages and a quiz.
    const PER_MODULE: usize = 4;
    /// Points of every generated quiz (two questions of five).
    const QUIZ_POINTS: i32 = 10;
    /// Progress rows an enrollment gets on average (30 % complete: 16, 55 % under way: 8),
    /// rounded down so that the target is reached.
    const ROWS_PER_ENROLLMENT: usize = 9;
    const TOPICS: [&str; 10] = [
        "Personvern i praksis",
        "Informasjonssikkerhet",
        "Førstehjelp",
        "Brannvern",
        "Smittevern",
        "Arbeidsmiljø",
        "Klarspråk",
        "Anskaffelser",
        "Beredskap",
        "Etikk i offentlig sektor",
    ];
    /// The positions that `super::grow` gives (index `i % 7`), and the team leads' one.
    const POSITIONS: [&str; 7] = [
        "Rådgiver",
        "Konsulent",
        "Sykepleier",
        "Lærer",
        "Ingeniør",
        "Saksbehandler",
        "Fagarbeider",
    ];

    /// A course as generation needs it.
    struct Course {
        id: CourseId,
        /// The required activities in order, and whether each is a quiz.
        required: Vec<(ActivityId, bool)>,
        /// Certificate validity in months, `Some(None)` for good, `None` for no certificate.
        certificate: Option<Option<u16>>,
    }

    fn title(k: usize) -> String {
        format!("Kurs {:03}: {}", k + 1, TOPICS[k % TOPICS.len()])
    }

    /// Course `k`'s certificate: every fourth course has one (every eighth valid 24 months,
    /// the first two courses 12 and 36 months).
    fn certificate_of(k: usize) -> Option<Option<u16>> {
        match k {
            0 => Some(Some(12)),
            1 => Some(Some(36)),
            _ if k.is_multiple_of(8) => Some(Some(24)),
            _ if k.is_multiple_of(4) => Some(None),
            _ => None,
        }
    }

    fn quiz(k: usize, m: usize) -> Quiz {
        Quiz {
            questions: vec![
                Question {
                    prompt: format!("Spørsmål 1 i modul {} av kurs {}", m + 1, k + 1),
                    multiple: false,
                    options: vec![
                        AnswerOption {
                            text: "Riktig".into(),
                            correct: true,
                        },
                        AnswerOption {
                            text: "Galt".into(),
                            correct: false,
                        },
                    ],
                    points: 5,
                    explanation: None,
                },
                Question {
                    prompt: "Velg alle som stemmer".into(),
                    multiple: true,
                    options: vec![
                        AnswerOption {
                            text: "A".into(),
                            correct: true,
                        },
                        AnswerOption {
                            text: "B".into(),
                            correct: true,
                        },
                        AnswerOption {
                            text: "C".into(),
                            correct: false,
                        },
                    ],
                    points: 5,
                    explanation: Some("A og B stemmer.".into()),
                },
            ],
            pass_mark: 80,
            attempts_limit: Some(3),
            feedback: true,
        }
    }

    fn json(settings: &ActivitySettings) -> anyhow::Result<String> {
        Ok(serde_json::to_string(settings)?)
    }

    /// Course `k` and its rows: four modules of three content pages and a quiz (all
    /// required), and one optional survey, assignment and event or external record.
    fn course_rows(
        k: usize,
        at: OffsetDateTime,
    ) -> anyhow::Result<(CourseRow, Vec<ModuleRow>, Vec<ActivityRow>, Course)> {
        let id = CourseId::new();
        let certificate = certificate_of(k);
        let row = CourseRow {
            id,
            title: title(k),
            summary: format!(
                "Syntetisk kurs {} om {} (tavle dataset).",
                k + 1,
                TOPICS[k % TOPICS.len()].to_lowercase()
            ),
            tags: format!("dataset,tema{}", k % TOPICS.len()),
            visibility: "organisation",
            certificate: certificate.is_some(),
            certificate_validity_months: certificate.flatten().map(i32::from),
        };
        let mut modules = Vec::new();
        let mut activities = Vec::new();
        let mut required = Vec::new();
        let event_day = at.date() + Duration::days(30 + (k % 60) as i64);
        for m in 0..MODULES {
            let module = ModuleId::new();
            modules.push(ModuleRow {
                id: module,
                course: id,
                position: m as i32 + 1,
                title: format!("Modul {}", m + 1),
            });
            let mut position = 0;
            let mut push = |title: String, required_: bool, settings: ActivitySettings| {
                position += 1;
                let activity = ActivityId::new();
                let row = ActivityRow {
                    id: activity,
                    course: id,
                    module,
                    position,
                    kind: settings.kind().as_str(),
                    title,
                    required: required_,
                    quiz_points: settings.quiz_points().map(i64::from),
                    settings: json(&settings)?,
                };
                activities.push(row);
                anyhow::Ok(activity)
            };
            for p in 0..PER_MODULE - 1 {
                let a = push(
                    format!("Leksjon {}.{}", m + 1, p + 1),
                    true,
                    ActivitySettings::Content {
                        body: format!(
                            "## Leksjon {}.{}\n\nDette er **innhold** i kurs {}.\n\n- punkt én\n- punkt to\n",
                            m + 1,
                            p + 1,
                            k + 1
                        ),
                    },
                )?;
                required.push((a, false));
            }
            let a = push(
                format!("Test {}", m + 1),
                true,
                ActivitySettings::Quiz(quiz(k, m)),
            )?;
            required.push((a, true));
            let extra = match m {
                0 => Some((
                    "Evaluering".to_owned(),
                    ActivitySettings::Survey(Survey {
                        anonymous: true,
                        questions: vec![SurveyQuestion {
                            prompt: "Hvor nyttig var kurset?".into(),
                            kind: SurveyQuestionKind::Scale,
                        }],
                    }),
                )),
                1 => Some((
                    "Innlevering".to_owned(),
                    ActivitySettings::Assignment(Assignment {
                        instructions: "Lever en kort refleksjon (PDF).".into(),
                        max_bytes: 10 * 1024 * 1024,
                        allowed: vec![FileType::Pdf],
                        resubmission: true,
                    }),
                )),
                2 if k.is_multiple_of(2) => Some((
                    "Samling".to_owned(),
                    ActivitySettings::Event(Event {
                        starts_at: time::PrimitiveDateTime::new(
                            event_day,
                            time::macros::time!(09:00),
                        ),
                        ends_at: time::PrimitiveDateTime::new(
                            event_day,
                            time::macros::time!(15:00),
                        ),
                        place: Some("Rådhuset, møterom 1".into()),
                        online_link: None,
                        capacity: Some(30),
                        fields: vec![RegistrationField::Name, RegistrationField::Email],
                        evaluation_closed_on: None,
                    }),
                )),
                2 => Some((
                    "Kurs hos ekstern leverandør".to_owned(),
                    ActivitySettings::ExternalRecord(ExternalRecord {
                        instructions: "Last opp kursbevis.".into(),
                        proof_required: false,
                    }),
                )),
                _ => None,
            };
            if let Some((title, settings)) = extra {
                push(title, false, settings)?;
            }
        }
        Ok((
            row,
            modules,
            activities,
            Course {
                id,
                required,
                certificate,
            },
        ))
    }

    /// A course already there, read back (a grown dataset).
    async fn read_course(db: &mut Db, org: OrganisationId, id: CourseId) -> anyhow::Result<Course> {
        let course = store::learning::courses::get(db, org, id).await?;
        let required = store::learning::courses::activities(db, org, id)
            .await?
            .into_iter()
            .filter(|a| a.required)
            .map(|a| (a.id, matches!(a.settings, ActivitySettings::Quiz(_))))
            .collect();
        Ok(Course {
            id,
            required,
            certificate: course.settings.certificate.map(|c| c.validity_months),
        })
    }

    /// A small, well-mixed hash of two numbers (the same data every run).
    fn mix(a: usize, b: usize) -> u64 {
        let mut x =
            (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (b as u64).wrapping_add(0x632B_E59B);
        x ^= x >> 33;
        x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        x ^= x >> 33;
        x
    }

    /// The requirements: (course index, audience, unit sector, position, due days, age in days).
    type Rule = (
        usize,
        &'static str,
        Option<usize>,
        Option<&'static str>,
        i32,
        i64,
    );
    const RULES: [Rule; 5] = [
        (0, "everyone", None, None, 90, 400),
        (1, "unit", Some(1), None, 60, 400),
        (2, "position", None, Some("Sykepleier"), 90, 200),
        (3, "position", None, Some("Lærer"), 90, 30),
        (4, "unit", Some(0), None, 120, 30),
    ];

    /// Whether rule `r` applies to person `i` of `people`.
    fn applies(rule: &Rule, i: usize, people: usize) -> bool {
        let position = if i.is_multiple_of(TEAM) {
            "Leder"
        } else {
            POSITIONS[i % POSITIONS.len()]
        };
        match rule {
            (_, "everyone", ..) => true,
            (_, "unit", Some(sector), ..) => place(i, people).2 == *sector,
            (_, "position", _, Some(p), ..) => *p == position,
            _ => false,
        }
    }

    pub(super) async fn grow(
        db: &mut Db,
        org: OrganisationId,
        ids: &[PersonId],
        start: usize,
        units: &HashMap<String, UnitId>,
        size: LearningSize,
    ) -> anyhow::Result<LearningReport> {
        let people = ids.len();
        let mut report = LearningReport::default();
        if people == 0 {
            return Ok(report);
        }
        let at = store::now();
        let wanted = size.courses(people);
        // Courses: the ones there, then new ones up to the wanted number.
        let existing = store::learning::bulk::courses_by_title(db, org, "Kurs ").await?;
        let mut courses: Vec<Option<Course>> =
            (0..wanted.max(existing.len())).map(|_| None).collect();
        for (t, id) in &existing {
            let k = t
                .strip_prefix("Kurs ")
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| n.checked_sub(1));
            if let Some(k) = k.filter(|&k| k < courses.len()) {
                courses[k] = Some(read_course(db, org, *id).await?);
            }
        }
        let (mut new_courses, mut module_rows, mut activity_rows) =
            (Vec::new(), Vec::new(), Vec::new());
        for (k, slot) in courses.iter_mut().enumerate() {
            if slot.is_none() {
                let (c, m, a, course) = course_rows(k, at)?;
                new_courses.push(c);
                module_rows.extend(m);
                activity_rows.extend(a);
                *slot = Some(course);
            }
        }
        report.new_courses = new_courses.len();
        report.activities = activity_rows.len();
        store::learning::bulk::courses(db, org, &new_courses, at).await?;
        store::learning::bulk::modules(db, org, &module_rows).await?;
        store::learning::bulk::activities(db, org, &activity_rows, at).await?;
        let courses: Vec<Course> = courses.into_iter().flatten().collect();
        report.courses = courses.len();
        // Requirements, on a first run only.
        let first_run = store::learning::bulk::enrollment_count(db, org).await? == 0;
        let rules: Vec<&Rule> = RULES.iter().filter(|r| r.0 < courses.len()).collect();
        if first_run {
            let rows: Vec<RequirementRow> = rules
                .iter()
                .map(
                    |&&(k, audience, sector, position, due_days, age)| RequirementRow {
                        id: RequirementId::new(),
                        course: courses[k].id,
                        audience,
                        unit: sector.and_then(|s| units.get(SECTORS[s]).copied()),
                        position: position.map(str::to_owned),
                        due_days,
                        renewal_months: None,
                        created_at: at - Duration::days(age),
                    },
                )
                .filter(|r| r.audience != "unit" || r.unit.is_some())
                .collect();
            report.requirements = rows.len();
            store::learning::bulk::requirements(db, org, &rows).await?;
        }
        // Enrollments for the people who have none yet: everyone on a first run, else the new.
        let from = if first_run { 0 } else { start };
        let learners = people - from;
        if learners == 0 {
            return Ok(report);
        }
        let per_person = size
            .progress(learners)
            .div_ceil(learners * ROWS_PER_ENROLLMENT)
            .clamp(1, courses.len());
        let free: Vec<usize> = (0..courses.len())
            .filter(|k| !rules.iter().any(|r| r.0 == *k))
            .collect();
        let mut block = Block::default();
        for (i, &person) in ids.iter().enumerate().skip(from) {
            let mut taken: Vec<usize> = rules
                .iter()
                .filter(|r| applies(r, i, people))
                .map(|r| r.0)
                .collect();
            let offset = i.wrapping_mul(37);
            let mut j = 0;
            while taken.len() < per_person && j < free.len() {
                taken.push(free[(offset + j) % free.len()]);
                j += 1;
            }
            for k in taken {
                block.enroll(
                    &courses[k],
                    person,
                    mix(i, k),
                    at,
                    rules.iter().any(|r| r.0 == k),
                );
            }
            if block.enrollments.len() >= 10_000 {
                block.flush(db, org, at, &mut report).await?;
            }
        }
        block.flush(db, org, at, &mut report).await?;
        Ok(report)
    }

    /// Rows waiting to be inserted.
    #[derive(Default)]
    struct Block {
        enrollments: Vec<EnrollmentRow>,
        progress: Vec<ProgressRow>,
        attempts: Vec<AttemptRow>,
        certificates: Vec<CertificateRow>,
    }

    impl Block {
        /// One enrollment of `person` in `course`, its progress consistent with its status.
        fn enroll(
            &mut self,
            course: &Course,
            person: PersonId,
            h: u64,
            now: OffsetDateTime,
            required: bool,
        ) {
            let id = EnrollmentId::new();
            let r = h % 100;
            let complete_share = if required { 55 } else { 30 };
            let total = course.required.len();
            let touched = if r < complete_share {
                total
            } else if r < 85 {
                1 + (h / 100) as usize % total.saturating_sub(1).max(1)
            } else {
                0
            };
            let complete = touched == total && total > 0;
            // Completed up to three years ago; under way within the last 90 days.
            let end = if complete {
                now - Duration::days(((h / 7) % 1100) as i64)
                    - Duration::hours(((h / 11) % 9) as i64)
            } else {
                now - Duration::days(((h / 7) % 90) as i64)
            };
            let enrolled_at = end - Duration::days(7 + ((h / 13) % 60) as i64);
            let mut spent = 0i64;
            let mut done = 0;
            for (n, &(activity, is_quiz)) in course.required.iter().take(touched).enumerate() {
                let finished = complete || n + 1 < touched;
                let updated_at =
                    enrolled_at + (end - enrolled_at) * ((n + 1) as f64 / touched as f64);
                let seconds = if is_quiz { 120 } else { 300 };
                spent += seconds;
                let (status, score) = match (finished, is_quiz) {
                    (true, true) => ("done", Some(QUIZ_POINTS)),
                    (false, true) => ("in_progress", Some(QUIZ_POINTS / 2)),
                    (true, false) => ("done", None),
                    (false, false) => ("in_progress", None),
                };
                if finished {
                    done += 1;
                }
                if is_quiz {
                    self.attempts.push(AttemptRow {
                        enrollment: id,
                        activity,
                        attempt: 1,
                        answers: if finished { "[[0],[0,1]]" } else { "[[0],[2]]" },
                        points: score.unwrap_or(0),
                        max_points: QUIZ_POINTS,
                        passed: finished,
                        submitted_at: updated_at,
                    });
                }
                self.progress.push(ProgressRow {
                    enrollment: id,
                    activity,
                    status,
                    score,
                    max_score: is_quiz.then_some(QUIZ_POINTS),
                    attempts: i32::from(is_quiz),
                    time_spent_seconds: seconds,
                    completed_at: finished.then_some(updated_at),
                    updated_at,
                });
            }
            if let (true, Some(validity)) = (complete, course.certificate) {
                let issued_on = end.date();
                self.certificates.push(CertificateRow {
                    id: CertificateId::new(),
                    course: course.id,
                    enrollment: id,
                    person,
                    issued_on,
                    expires_on: validity.map(|m| add_months(issued_on, u32::from(m))),
                });
            }
            self.enrollments.push(EnrollmentRow {
                id,
                course: course.id,
                person,
                status: if complete { "completed" } else { "active" },
                enrolled_at,
                completed_at: complete.then_some(end),
                required_done: done,
                required_total: total as i32,
                time_spent_seconds: spent,
                last_activity_at: (touched > 0).then_some(end),
            });
        }

        async fn flush(
            &mut self,
            db: &mut Db,
            org: OrganisationId,
            at: OffsetDateTime,
            report: &mut LearningReport,
        ) -> anyhow::Result<()> {
            store::learning::bulk::enrollments(db, org, &self.enrollments).await?;
            store::learning::bulk::progress(db, org, &self.progress).await?;
            store::learning::bulk::quiz_attempts(db, org, &self.attempts).await?;
            store::learning::bulk::certificates(db, org, &self.certificates, at).await?;
            report.enrollments += self.enrollments.len();
            report.completed += self
                .enrollments
                .iter()
                .filter(|e| e.status == "completed")
                .count();
            report.progress += self.progress.len();
            report.quiz_attempts += self.attempts.len();
            report.certificates += self.certificates.len();
            *self = Self::default();
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_manager_chain_ends_at_person_zero_without_loops() {
        for people in [1, 13, 100, 1000, 5000] {
            for i in 0..people {
                let mut seen = 0;
                let mut at = i;
                while let Some(m) = manager(at, people) {
                    assert!(m < people && m != at, "{people}: {at} -> {m}");
                    at = m;
                    seen += 1;
                    assert!(seen < 10, "{people}: loop from {i}");
                }
                assert_eq!(at, 0, "{people}: chain of {i} ends at {at}");
            }
        }
    }

    #[test]
    fn team_members_report_to_their_team_lead() {
        assert_eq!(manager(13, 1000), Some(12));
        assert_eq!(
            manager(12, 1000),
            Some(0),
            "the lead of team 1 reports to the department head (person 0)"
        );
        assert_eq!(
            manager(72 * 9, 10_000),
            Some(72),
            "department 9 is in sector 1, headed by person 72"
        );
        assert_eq!(manager(72, 10_000), Some(0));
        assert_eq!(manager(0, 1000), None);
    }
}
