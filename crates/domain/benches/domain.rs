//! Domain hot paths: `cargo bench -p tavle-domain`.

use std::collections::{HashMap, HashSet};

use divan::{Bencher, black_box};
use tavle_domain::access::{Relation, visible_fields};
use tavle_domain::import::{Existing, parse, plan};
use tavle_domain::machine::{Area, Scopes};
use tavle_domain::person::{Email, MembershipInput};

fn main() {
    divan::main();
}

/// Every request for another person's data asks which fields its relations reveal.
#[divan::bench]
fn visible_fields_for_three_relations() -> bool {
    visible_fields(black_box(&[
        Relation::DirectManager,
        Relation::IndirectManager,
        Relation::OrgAdmin,
    ]))
    .birth_date
}

/// Every token-authenticated API request checks its scopes.
#[divan::bench]
fn token_scope_check(bencher: Bencher) {
    let scopes = Scopes::parse("me:read people:write organisations:read").unwrap_or_default();
    bencher.bench(|| {
        let area = Area::of_path(black_box("/api/v1/organisations/demo/people/0192"));
        area.is_some_and(|a| scopes.allows(a, true))
    });
}

#[divan::bench]
fn email_parse() -> bool {
    Email::parse(black_box("  Kari.Nordmann@Eksempel.NO ")).is_ok()
}

#[divan::bench]
fn membership_validation() -> bool {
    let input = MembershipInput {
        kind: "employee".into(),
        starts_on: "01.08.2024".into(),
        ends_on: "2026-07-31".into(),
        position: "Rådgiver".into(),
        ..Default::default()
    };
    input.validate(time::macros::date!(2026 - 11 - 23)).is_ok()
}

fn csv(rows: usize) -> String {
    let mut out = String::from(
        "employee_number;given_name;family_name;email;unit;manager_employee_number;start_date\n",
    );
    for i in 0..rows {
        // Team members report to their team lead; team leads to person 0.
        let manager = match i {
            0 => String::new(),
            i if i % 12 == 0 => "E0".to_owned(),
            i => format!("E{}", i / 12 * 12),
        };
        out.push_str(&format!(
            "E{i};Kari;Nordmann;k{i}@x.no;Sektor {}/Team {};{manager};01.08.2024\n",
            i % 8,
            i / 12
        ));
    }
    out
}

/// Parsing and planning an import of 10,000 rows (the CLI budget is 20 s for 100,000).
#[divan::bench(sample_count = 10)]
fn import_parse_and_plan_10k(bencher: Bencher) {
    let file = csv(10_000);
    let today = time::macros::date!(2026 - 11 - 23);
    bencher.bench(|| {
        let parsed = parse(black_box(file.as_bytes()), None, today);
        let (plan, errors) = plan(
            parsed.rows,
            &HashMap::<String, Existing<u32>>::new(),
            &HashSet::new(),
            today,
        );
        (plan.rows.len(), errors.len())
    });
}
