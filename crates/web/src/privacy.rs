//! The generated privacy documents, shared by pages, API and CLI: the notice per organisation
//! (or the platform's, with the operator as controller), the record of processing for the DPO
//! and the organisation's administrators, and the operator's sub-processor register.

use domain::FieldErrors;
use domain::access::OrgRole;
use domain::org::Language;
use domain::registry::notice::{Controller, Notice, SubProcessorInput};
use domain::registry::registry;
use domain::registry::ropa::{Gap, Ropa};
use store::organisations::Organisation;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

fn today() -> time::Date {
    store::now().date()
}

/// The organisation as the controller of its members' data.
pub fn controller_of(org: &Organisation) -> Controller {
    Controller {
        name: org.name.clone(),
        kind: org.kind,
        contact_email: org.contact_email.clone(),
        dpo_name: org.dpo_name.clone(),
        dpo_email: org.dpo_email.clone(),
    }
}

/// Fixed wording from the catalogue, for the domain's generators.
pub fn wording(tr: Tr) -> impl Fn(&str) -> String {
    move |key: &str| tr.get(key).to_owned()
}

/// The notice for `controller` in `language`, with the sub-processors current today.
pub async fn notice(
    state: &AppState,
    controller: &Controller,
    language: Language,
) -> AppResult<Notice> {
    let mut db = state.store.conn().await?;
    let register = store::sub_processors::register(&mut db).await?;
    let tr = Tr::new(language);
    Ok(Notice::generate(
        registry(),
        controller,
        &register,
        language,
        today(),
        &wording(tr),
    ))
}

/// The gaps of an incomplete record as field errors naming each (`record_incomplete`).
pub fn gap_errors(gaps: &[Gap]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for g in gaps {
        errors.add_with(&g.entry, "record_incomplete", &[("gap", &g.to_string())]);
    }
    errors
}

/// The organisation named `slug`, if the user is its DPO or administrator; anyone else gets
/// `NotFound` (the record of processing and the registry page are theirs).
pub async fn org_for_dpo(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
) -> AppResult<Organisation> {
    let org = crate::ops::org_visible(state, user, slug).await?;
    if user.actor.has_role(org.id, OrgRole::Dpo) || user.actor.is_org_admin(org.id) {
        Ok(org)
    } else {
        Err(AppError::NotFound)
    }
}

/// The record of processing of `org`, or every gap.
pub async fn ropa(
    state: &AppState,
    org: &Organisation,
    language: Language,
) -> AppResult<Result<Ropa, Vec<Gap>>> {
    let mut db = state.store.conn().await?;
    let register = store::sub_processors::register(&mut db).await?;
    Ok(Ropa::generate(
        registry(),
        &controller_of(org),
        &register,
        language,
        today(),
        &wording(Tr::new(language)),
    ))
}

/// The record as CSV, its fixed wording in `tr`'s language.
pub fn ropa_csv(ropa: &Ropa, tr: Tr) -> AppResult<String> {
    ropa.to_csv(&wording(tr)).map_err(AppError::internal)
}

/// Adds a sub-processor (platform operators only).
pub async fn add_sub_processor(
    state: &AppState,
    user: &CurrentUser,
    input: &SubProcessorInput,
) -> AppResult<uuid::Uuid> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    let entry = input.validate()?;
    let mut db = state.store.begin().await?;
    let id = store::sub_processors::add(&mut db, &entry).await?;
    db.commit().await?;
    Ok(id)
}

/// Ends a current sub-processor on `on` (today if empty; platform operators only).
pub async fn end_sub_processor(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    on: &str,
) -> AppResult<()> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    let id: uuid::Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let on = errors
        .check("ended_on", domain::person::parse_optional_date(on))
        .map(|d| d.unwrap_or_else(today));
    let Some(on) = on else {
        return Err(errors.into());
    };
    let mut db = state.store.begin().await?;
    store::sub_processors::end(&mut db, id, on).await?;
    db.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::org::OrganisationKind;
    use domain::registry::notice::SubProcessor;

    /// Every catalogue key the generators ask for exists, in both languages.
    #[test]
    fn the_generators_fixed_wording_is_in_the_catalogue() {
        let controller = Controller {
            name: "X".into(),
            kind: OrganisationKind::Private,
            contact_email: Some("x@example.no".into()),
            dpo_name: Some("Y".into()),
            dpo_email: Some("y@example.no".into()),
        };
        let subs = [SubProcessor {
            name: "S".into(),
            service: "hosting".into(),
            country: "NO".into(),
            outside_eea: false,
            safeguards: None,
            added_on: time::macros::date!(2026 - 01 - 01),
            ended_on: None,
        }];
        let today = time::macros::date!(2026 - 12 - 01);
        for lang in [Language::Nb, Language::En] {
            let asked = std::cell::RefCell::new(Vec::new());
            let tr = Tr::new(lang);
            let look = |key: &str| {
                asked.borrow_mut().push(key.to_owned());
                tr.get(key).to_owned()
            };
            let _ = Notice::generate(registry(), &controller, &subs, lang, today, &look);
            assert!(Ropa::generate(registry(), &controller, &subs, lang, today, &look).is_ok());
            let missing: Vec<String> = asked
                .borrow()
                .iter()
                .filter(|k| tr.get(k) == k.as_str())
                .cloned()
                .collect();
            assert!(missing.is_empty(), "{lang:?}: {missing:?}");
            assert!(asked.borrow().len() > 20);
        }
    }
}
