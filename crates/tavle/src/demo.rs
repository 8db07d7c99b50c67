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

/// Creates the demo organisation unless it exists; returns the logins either way.
pub async fn ensure(store: &Store) -> anyhow::Result<Vec<(String, &'static str)>> {
    let people = people();
    let logins = people.iter().map(|p| (email_of(p.key), p.role)).collect();
    let exists = {
        let mut db = store.conn().await?;
        match store::organisations::by_slug(&mut db, DEMO_SLUG).await {
            Ok(_) => true,
            Err(store::StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        }
    };
    if exists {
        return Ok(logins);
    }
    let hash = web::auth::hash_password(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
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
    for p in &people {
        let new = NewPerson {
            given_name: p.given.into(),
            family_name: p.family.into(),
            email: Email::parse(&email_of(p.key)).map_err(anyhow::Error::msg)?,
            birth_date: None,
        };
        let id = store::people::create(&mut db, &new, p.source, None).await?;
        store::identities::set_password(&mut db, id, &hash).await?;
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
    for p in &people {
        for role in p.grants {
            let id = id_of(p.key).context("demo person missing")?;
            store::roles::grant(&mut db, org.id, id, *role, None).await?;
        }
    }
    db.commit().await?;
    Ok(logins)
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
