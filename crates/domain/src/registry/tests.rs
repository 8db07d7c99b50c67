use super::*;

fn shipped() -> Registry {
    match Registry::parse(EMBEDDED) {
        Ok(r) => r,
        Err(problems) => panic!(
            "the shipped registry is invalid:\n{}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The shipped file with one edit, and the problems it then has.
fn problems_after(from: &str, to: &str) -> Vec<String> {
    assert!(
        EMBEDDED.contains(from),
        "the test's anchor `{from}` is gone"
    );
    let text = EMBEDDED.replacen(from, to, 1);
    match Registry::parse(&text) {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_shipped_registry_is_valid_and_its_version_follows_its_material_content() {
    let r = shipped();
    assert_eq!(r.material_hash(), r.material_hash);
    assert!(r.fields.len() > 50);
}

#[test]
fn an_unknown_category_is_refused_naming_the_field() {
    let p = problems_after(
        "category = \"user.demographic.date_of_birth\"",
        "category = \"user.shoe_size\"",
    );
    assert!(
        p.iter()
            .any(|p| p == "field people.birth_date: unknown category `user.shoe_size`"),
        "{p:?}"
    );
}

#[test]
fn a_purpose_without_a_basis_is_refused() {
    let p = problems_after(
        "public_body = { basis = \"c\", law = \"personvernforordningen art. 32\" }",
        "",
    );
    assert!(
        p.iter()
            .any(|p| p.contains("registry.toml") && p.contains("public_body")),
        "{p:?}"
    );
}

#[test]
fn legitimate_interests_on_a_public_body_is_refused() {
    let p = problems_after(
        "key = \"reporting\"\nname = { nb = \"Rapporter om gjennomført opplæring\", en = \"Reports on completed training\" }\ndescription = { nb = \"Rapporter til virksomheten om hvem som har gjennomført hva.\", en = \"Reports to the organisation on who has completed what.\" }\ndpv = \"dpv:RecordManagement\"\npublic_body = { basis = \"e\", law = \"arbeidsmiljøloven § 3-2 første ledd bokstav a\" }",
        "key = \"reporting\"\nname = { nb = \"Rapporter\", en = \"Reports\" }\ndescription = { nb = \"R\", en = \"R\" }\ndpv = \"dpv:RecordManagement\"\npublic_body = { basis = \"f\" }",
    );
    assert!(
        p.iter().any(|p| p
            == "purpose reporting: legitimate interests (6(1)(f)) cannot be the basis of a public body's own tasks"),
        "{p:?}"
    );
}

#[test]
fn a_public_task_without_its_supplementing_law_is_refused() {
    let p = problems_after(
        "public_body = { basis = \"e\", law = \"arbeidsmiljøloven § 3-2 første ledd bokstav a\" }\nprivate = { basis = \"f\" }",
        "public_body = { basis = \"e\" }\nprivate = { basis = \"f\" }",
    );
    assert!(
        p.iter().any(|p| p
            .ends_with("public_body: basis GDPR art. 6 (1) e needs the supplementing law (`law`)")),
        "{p:?}"
    );
}

#[test]
fn a_consent_purpose_without_a_consent_record_type_is_refused() {
    let p = problems_after("consent_record = \"newsletter\"\n", "");
    assert!(
        p.iter().any(|p| p
            == "purpose newsletter: a consent purpose needs a consent record type (`consent_record`)"),
        "{p:?}"
    );
}

#[test]
fn a_field_without_retention_or_with_an_unknown_rule_is_refused() {
    let p = problems_after("retention = \"throttle_1d\"", "retention = \"\"");
    assert!(
        p.iter()
            .any(|p| p == "field login_failures.key: no retention rule"),
        "{p:?}"
    );
    let p = problems_after("retention = \"throttle_1d\"", "retention = \"forever\"");
    assert!(
        p.iter()
            .any(|p| p == "field login_failures.key: unknown retention rule `forever`"),
        "{p:?}"
    );
}

#[test]
fn special_category_data_may_not_reach_managers() {
    let p = problems_after(
        "category = \"user.demographic.date_of_birth\"",
        "category = \"user.health\"",
    );
    assert!(
        p.iter().all(|p| p.contains("material change")),
        "admins and the DPO may see it (only the version must follow): {p:?}"
    );
    let p = problems_after(
        "key = \"people.birth_date\"\nlabel = { nb = \"Fødselsdato (der virksomheten har en aldersgrense)\", en = \"Date of birth (where the organisation has a minimum age)\" }\ncategory = \"user.demographic.date_of_birth\"\nsubjects = [\"employee\", \"student\", \"external_user\"]\npurposes = [\"account\", \"administration\", \"accountability\"]\nsource = \"self\"\ncorrected_by = \"admin\"\nvisible = [\n",
        "key = \"people.birth_date\"\nlabel = { nb = \"F\", en = \"F\" }\ncategory = \"user.criminal_history\"\nsubjects = [\"employee\", \"student\", \"external_user\"]\npurposes = [\"account\", \"administration\", \"accountability\"]\nsource = \"self\"\ncorrected_by = \"admin\"\nvisible = [\n    { to = \"direct_manager\", for = \"administration\" },\n",
    );
    assert!(
        p.iter().any(|p| p
            == "field people.birth_date: special-category or criminal-record data may not be visible to direct_manager"),
        "{p:?}"
    );
}

#[test]
fn a_material_change_without_a_new_version_is_refused_but_wording_is_not_material() {
    let p = problems_after(
        "retention = \"throttle_1d\"",
        "retention = \"login_history_12m\"",
    );
    assert!(
        p.iter().any(
            |p| p.starts_with("registry: material change since version ")
                && p.contains(": raise `version` to ")
        ),
        "{p:?}"
    );
    let p = problems_after(
        "Fødselsdato (der virksomheten har en aldersgrense)",
        "Fødselsdato",
    );
    assert!(p.is_empty(), "{p:?}");
}

#[test]
fn the_person_sees_their_own_data_and_others_only_by_a_grant_whose_setting_is_on() {
    let r = shipped();
    let email = r.index("people.email").expect("declared");
    let answers = r.index("quiz_attempts.answers").expect("declared");
    let own = Viewer::new(&[Relation::Myself]);
    assert_eq!(r.allows(answers, &own), Some(Sight::Own));
    let manager = Viewer::new(&[Relation::DirectManager]);
    assert!(
        matches!(r.allows(email, &manager), Some(Sight::For(p)) if p.key == "training_follow_up")
    );
    assert_eq!(
        r.allows(answers, &manager),
        None,
        "R15: no quiz answers by default"
    );
    let detail = manager.with(Condition::ManagerDetail, true);
    assert!(r.allows(answers, &detail).is_some());
    let nobody = Viewer::new(&[]);
    assert_eq!(r.allows(email, &nobody), None);
    let co = Viewer::new(&[Relation::CoParticipant]);
    assert_eq!(r.allows(email, &co), None, "participant list off");
    assert!(
        r.allows(email, &co.with(Condition::ParticipantList, true))
            .is_some()
    );
}

#[test]
fn every_table_column_pair_is_declared_at_most_once() {
    let r = shipped();
    let mut seen = BTreeSet::new();
    for f in &r.fields {
        assert!(seen.insert(f.key.clone()), "{}", f.key);
    }
    for n in &r.not_personal {
        for c in &n.columns {
            assert!(seen.insert(format!("{}.{c}", n.table)), "{}.{c}", n.table);
        }
    }
}

#[test]
fn a_column_is_declared_only_as_a_field_or_as_not_personal() {
    let r = shipped();
    assert!(r.declares("people", "email"), "a field");
    assert!(
        r.declares("org_units", "name"),
        "a whole table not personal"
    );
    assert!(r.declares("organisations", "slug"), "a listed column");
    assert!(!r.declares("people", "shoe_size"));
    assert!(!r.declares("unknown_table", "id"));
}

#[test]
fn every_key_the_code_reads_is_declared() {
    let r = shipped();
    for key in keys::ALL {
        assert!(
            r.field(key.name()).is_some(),
            "{key:?} is not in registry.toml"
        );
    }
}
