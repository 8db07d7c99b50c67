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

/// The manager of person `i` (by index): team members report to their team lead, team leads
/// to their department head, department heads to their sector head, sector heads to person 0.
/// Every step goes to a smaller index, so there are no loops.
fn manager(i: usize, people: usize) -> Option<usize> {
    let (team, department, sector) = place(i, people);
    let team_lead = team * TEAM;
    let department_head = department * TEAMS_PER_DEPARTMENT * TEAM;
    let sector_head = sector * TEAMS_PER_DEPARTMENT * TEAM;
    [team_lead, department_head, sector_head, 0]
        .into_iter()
        .find(|&m| m < i)
}

pub struct Report {
    pub created: usize,
    pub total: usize,
    pub units: usize,
    pub seconds: f64,
}

/// Grows organisation `slug` (created if missing) to `people` synthetic people.
pub async fn grow(store: &Store, slug: &str, people: usize) -> anyhow::Result<Report> {
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
    Ok(Report {
        created: people.saturating_sub(start),
        total: people.max(start),
        units: created_units,
        seconds: started.elapsed().as_secs_f64(),
    })
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
