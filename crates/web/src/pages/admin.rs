//! Organisation administration (settings, units, people, memberships, roles) and the
//! manager's team page. Every handler resolves the organisation through [`ops::org_for_admin`]
//! (or [`ops::org_visible`]), so a foreign organisation is simply not found.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::OrgRole;
use domain::org::{Language, OrganisationKind, OrganisationSettingsInput};
use domain::person::{MembershipInput, MembershipKind, MembershipStatus, NewPersonInput};
use domain::{FieldErrors, MembershipId, PersonId};
use serde::{Deserialize, Serialize};
use store::organisations::Organisation;
use store::seam::{MemberPage, MemberSummary, Page, PersonView};
use store::units::Unit;

use super::profile::{MembershipRow, membership_rows};
use super::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::auth::{CurrentUser, PageUser};
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, coded_options, values_of};
use crate::i18n::Tr;
use crate::ops;

/// Values of an organisation's settings, to fill the settings form.
pub(super) fn settings_values(org: &Organisation) -> HashMap<String, String> {
    HashMap::from([
        ("name".into(), org.name.clone()),
        ("kind".into(), org.kind.as_str().into()),
        (
            "minimum_age".into(),
            org.minimum_age
                .map(|a| a.years().to_string())
                .unwrap_or_default(),
        ),
        ("languages".into(), Language::join(&org.languages)),
        (
            "contact_email".into(),
            org.contact_email.clone().unwrap_or_default(),
        ),
        ("dpo_name".into(), org.dpo_name.clone().unwrap_or_default()),
        (
            "dpo_email".into(),
            org.dpo_email.clone().unwrap_or_default(),
        ),
    ])
}

/// The settings fields, shared by the operator's "new organisation" form and the admin's form.
pub(super) fn settings_fields(form: FormBuilder, tr: Tr) -> FormBuilder {
    form.input("name", "field.org_name", "text", true)
        .select(
            "kind",
            "field.org_kind",
            true,
            coded_options(
                tr,
                "org_kind",
                OrganisationKind::ALL.map(OrganisationKind::as_str),
            ),
        )
        .select(
            "minimum_age",
            "field.minimum_age",
            false,
            // The presets first (Munio 15, KS Læring 16), then the rest of 13–18.
            [15u8, 16, 13, 14, 17, 18]
                .into_iter()
                .map(|years| {
                    let y = years.to_string();
                    let key = if domain::org::MinimumAge::PRESETS.contains(&years) {
                        "admin.minimum_age_preset"
                    } else {
                        "admin.minimum_age_years"
                    };
                    (y.clone(), tr.fill(key, &[("years", &y)]))
                })
                .collect(),
        )
        .hint("hint.minimum_age")
        .input("languages", "field.languages", "text", true)
        .hint("hint.languages")
        .input("contact_email", "field.contact_email", "email", false)
        .input("dpo_name", "field.dpo_name", "text", false)
        .input("dpo_email", "field.dpo_email", "email", false)
}

#[derive(Template)]
#[template(path = "admin_overview.html")]
struct OverviewPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    form: FormView,
    /// How many under-age attempts were refused, by channel (counts only).
    refusals: Option<String>,
}

/// The count of minimum-age refusals, as the settings page states it (none: nothing shown).
async fn refusals_text(state: &AppState, tr: Tr, org: &Organisation) -> AppResult<Option<String>> {
    let mut db = state.store.conn().await?;
    let counts = store::policies::refusals(&mut db, org.id).await?;
    if counts.is_empty() {
        return Ok(None);
    }
    let of = |c: store::policies::Channel| {
        counts
            .iter()
            .find(|(x, _)| *x == c)
            .map_or(0, |(_, n)| *n)
            .to_string()
    };
    let total = counts.iter().map(|(_, n)| n).sum::<i64>().to_string();
    use store::policies::Channel;
    Ok(Some(tr.fill(
        "admin.age_refusals",
        &[
            ("count", &total),
            ("admin", &of(Channel::Admin)),
            ("api", &of(Channel::Api)),
            ("import", &of(Channel::Import)),
            ("sign_up", &of(Channel::SignUp)),
            ("identity_provider", &of(Channel::IdentityProvider)),
        ],
    )))
}

fn settings_form(
    ctx: &Ctx,
    org: &Organisation,
    values: HashMap<String, String>,
    errors: &FieldErrors,
) -> FormView {
    let action = format!("/org/{}/admin/settings", org.slug);
    settings_fields(
        FormBuilder::new(ctx.0.tr, "settings", action, "form.save", &ctx.0.csrf)
            .values(values)
            .errors(errors),
        ctx.0.tr,
    )
    .build()
}

pub async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let form = settings_form(&ctx, &org, settings_values(&org), &FieldErrors::new());
    let refusals = refusals_text(&state, ctx.0.tr, &org).await?;
    render(&OverviewPage {
        l: ctx.layout("admin.title", done.done.as_deref()),
        t: ctx.0.tr,
        org,
        form,
        refusals,
    })
}

pub async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    PageForm(input): PageForm<OrganisationSettingsInput>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    match ops::update_organisation(&state, &user.actor, &org, &input).await {
        Ok(org) => Ok(Redirect::to(&format!("/org/{}/admin?done=saved", org.slug)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let form = settings_form(&ctx, &org, values_of(&input), &errors);
            let refusals = refusals_text(&state, ctx.0.tr, &org).await?;
            render_invalid(&OverviewPage {
                l: ctx.layout("admin.title", None),
                t: ctx.0.tr,
                org,
                form,
                refusals,
            })
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    units: Vec<Unit>,
    form: FormView,
}

#[derive(Deserialize, Serialize, Default)]
pub struct UnitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent_id: String,
}

fn unit_options(units: &[Unit]) -> Vec<(String, String)> {
    units
        .iter()
        .map(|u| (u.id.to_string(), u.path.clone()))
        .collect()
}

async fn units_page(
    state: &AppState,
    ctx: &Ctx,
    org: Organisation,
    input: Option<&UnitForm>,
    errors: &FieldErrors,
    done: Option<&str>,
) -> AppResult<UnitsPage> {
    let mut db = state.store.conn().await?;
    let units = store::units::tree(&mut db, org.id).await?;
    let form = FormBuilder::new(
        ctx.0.tr,
        "unit",
        format!("/org/{}/admin/units", org.slug),
        "units.create",
        &ctx.0.csrf,
    )
    .values(input.map(values_of).unwrap_or_default())
    .errors(errors)
    .input("name", "field.unit_name", "text", true)
    .select(
        "parent_id",
        "field.parent_unit",
        false,
        unit_options(&units),
    )
    .build();
    Ok(UnitsPage {
        l: ctx.layout("units.title", done),
        t: ctx.0.tr,
        org,
        units,
        form,
    })
}

pub async fn units(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    render(
        &units_page(
            &state,
            &ctx,
            org,
            None,
            &FieldErrors::new(),
            done.done.as_deref(),
        )
        .await?,
    )
}

pub async fn create_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    PageForm(input): PageForm<UnitForm>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    match ops::create_unit(&state, &user.actor, &org, &input.parent_id, &input.name).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/org/{}/admin/units?done=created", org.slug)).into_response(),
        ),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&units_page(&state, &ctx, org, Some(&input), &errors, None).await?)
        }
        Err(e) => Err(e),
    }
}

/// The membership fields, shared by the create, add-existing and edit forms.
fn membership_fields(form: FormBuilder, tr: Tr, units: &[Unit]) -> FormBuilder {
    form.select(
        "kind",
        "field.kind",
        true,
        coded_options(tr, "kind", MembershipKind::ALL.map(MembershipKind::as_str)),
    )
    .select("unit_id", "field.unit", false, unit_options(units))
    .input("position", "field.position", "text", false)
    .input("employee_number", "field.employee_number", "text", false)
    .input("manager_email", "field.manager", "email", false)
    .hint("hint.manager_email")
    .input("starts_on", "field.starts_on", "date", false)
    .hint("hint.starts_on")
    .input("ends_on", "field.ends_on", "date", false)
    .select(
        "status",
        "field.status",
        true,
        coded_options(
            tr,
            "status",
            MembershipStatus::ALL.map(MembershipStatus::as_str),
        ),
    )
}

#[derive(Deserialize, Serialize, Default)]
pub struct CreatePersonForm {
    #[serde(flatten)]
    person: NewPersonInput,
    #[serde(flatten)]
    membership: MembershipInput,
}

#[derive(Deserialize, Serialize, Default)]
pub struct ExistingPersonForm {
    #[serde(default)]
    email: String,
    #[serde(flatten)]
    membership: MembershipInput,
}

#[derive(Template)]
#[template(path = "admin_people.html")]
struct PeoplePage {
    l: Layout,
    t: Tr,
    org: Organisation,
    members: Vec<MemberSummary>,
    pager: Pager,
}

/// The forms for adding people, on a page of their own (the list stays light however many
/// units the organisation has).
#[derive(Template)]
#[template(path = "admin_people_new.html")]
struct NewPersonPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    create: FormView,
    existing: FormView,
}

/// Links between the pages of a long list.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// Rows per page in people lists.
pub const PAGE_SIZE: i64 = 50;

impl Pager {
    /// Links to the neighbours of `listed`, page `page` of a list at `base`. The links carry
    /// the first and last membership of this page, so the next request reads its page from the
    /// index by keyset instead of skipping every row before it.
    fn new(base: &str, page: i64, listed: &MemberPage<MemberSummary>) -> Self {
        let pages = ((listed.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let page = page.clamp(1, pages);
        let first = listed.members.first().map(|m| m.membership_id);
        let last = listed.members.last().map(|m| m.membership_id);
        Self {
            page,
            pages,
            total: listed.total,
            prev: (page > 1).then(|| match first {
                Some(id) => format!("{base}?page={}&before={id}", page - 1),
                None => format!("{base}?page={}", page - 1),
            }),
            next: (page < pages).then(|| match last {
                Some(id) => format!("{base}?page={}&after={id}", page + 1),
                None => format!("{base}?page={}", page + 1),
            }),
        }
    }
}

enum PeopleInput<'a> {
    Blank,
    Create(&'a CreatePersonForm, &'a FieldErrors),
    Existing(&'a ExistingPersonForm, &'a FieldErrors),
}

async fn people_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    org: Organisation,
    done: Option<&str>,
    page: Page,
) -> AppResult<PeoplePage> {
    let tr = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let listed = store::seam::member_summaries(&mut db, &user.actor, &org, page).await?;
    let (relation, purpose) = crate::audit::list_relation(&user.actor, org.id);
    crate::audit::read(
        state,
        org.id,
        &user.actor,
        relation,
        listed.members.iter().map(|m| m.person_id),
        &["user.name", "user.contact.email", "user.employment"],
        purpose,
    )
    .await;
    let pager = Pager::new(
        &format!("/org/{}/admin/people", org.slug),
        page.number,
        &listed,
    );
    Ok(PeoplePage {
        l: ctx.layout("people.title", done),
        t: tr,
        members: listed.members,
        pager,
        org,
    })
}

async fn new_person_page(
    state: &AppState,
    ctx: &Ctx,
    org: Organisation,
    input: PeopleInput<'_>,
) -> AppResult<NewPersonPage> {
    let tr = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let units = store::units::tree(&mut db, org.id).await?;
    let defaults = || {
        HashMap::from([
            ("kind".to_owned(), "employee".to_owned()),
            ("status".to_owned(), "active".to_owned()),
        ])
    };
    let none = FieldErrors::new();
    let (create_values, create_errors) = match &input {
        PeopleInput::Create(form, errors) => (values_of(form), *errors),
        _ => (defaults(), &none),
    };
    let (existing_values, existing_errors) = match &input {
        PeopleInput::Existing(form, errors) => (values_of(form), *errors),
        _ => (defaults(), &none),
    };
    let create = FormBuilder::new(
        tr,
        "create",
        format!("/org/{}/admin/people", org.slug),
        "people.create",
        &ctx.0.csrf,
    )
    .values(create_values)
    .errors(create_errors)
    .input("given_name", "field.given_name", "text", true)
    .input("family_name", "field.family_name", "text", true)
    .input("email", "field.email", "email", true)
    // Text, not a date picker: a year alone is accepted too.
    .input(
        "birth_date",
        "field.birth_date",
        "text",
        org.minimum_age.is_some(),
    )
    .autocomplete("bday")
    .hint(if org.minimum_age.is_some() {
        "hint.birth_date_required"
    } else {
        "hint.birth_date"
    });
    let create = membership_fields(create, tr, &units).build();
    let existing = FormBuilder::new(
        tr,
        "existing",
        format!("/org/{}/admin/people/existing", org.slug),
        "people.add_existing",
        &ctx.0.csrf,
    )
    .values(existing_values)
    .errors(existing_errors)
    .input("email", "field.email", "email", true);
    let existing = membership_fields(existing, tr, &units).build();
    Ok(NewPersonPage {
        l: ctx.layout("people.create", None),
        t: tr,
        org,
        create,
        existing,
    })
}

pub async fn new_person(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    render(&new_person_page(&state, &ctx, org, PeopleInput::Blank).await?)
}

pub async fn people(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    render(
        &people_page(
            &state,
            &ctx,
            &user,
            org,
            done.done.as_deref(),
            done.list_page(PAGE_SIZE),
        )
        .await?,
    )
}

pub async fn create_person(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    PageForm(input): PageForm<CreatePersonForm>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    match ops::create_person(
        &state,
        &user.actor,
        &org,
        &input.person,
        &input.membership,
        store::policies::Channel::Admin,
    )
    .await
    {
        Ok(id) => Ok(
            Redirect::to(&format!("/org/{}/admin/people/{id}?done=created", org.slug))
                .into_response(),
        ),
        Err(AppError::Invalid(errors)) => render_invalid(
            &new_person_page(&state, &ctx, org, PeopleInput::Create(&input, &errors)).await?,
        ),
        Err(e) => Err(e),
    }
}

pub async fn add_existing(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    PageForm(input): PageForm<ExistingPersonForm>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    match ops::add_membership(&state, &user.actor, &org, &input.email, &input.membership).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/org/{}/admin/people?done=added", org.slug)).into_response())
        }
        Err(AppError::Invalid(errors)) => render_invalid(
            &new_person_page(&state, &ctx, org, PeopleInput::Existing(&input, &errors)).await?,
        ),
        Err(e) => Err(e),
    }
}

pub struct MembershipEditor {
    pub row: MembershipRow,
    pub form: FormView,
}

pub struct RoleToggle {
    pub role: &'static str,
    pub label: String,
    pub granted: bool,
}

#[derive(Template)]
#[template(path = "admin_person.html")]
struct PersonPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    person: PersonView,
    name: String,
    memberships: Vec<MembershipEditor>,
    roles: Vec<RoleToggle>,
}

fn membership_values(m: &store::memberships::Membership) -> HashMap<String, String> {
    HashMap::from([
        ("kind".into(), m.kind.as_str().into()),
        (
            "unit_id".into(),
            m.unit_id.map(|u| u.to_string()).unwrap_or_default(),
        ),
        ("position".into(), m.position.clone().unwrap_or_default()),
        (
            "employee_number".into(),
            m.employee_number.clone().unwrap_or_default(),
        ),
        (
            "manager_email".into(),
            m.manager_email.clone().unwrap_or_default(),
        ),
        ("starts_on".into(), m.starts_on.to_string()),
        (
            "ends_on".into(),
            m.ends_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("status".into(), m.status.as_str().into()),
    ])
}

async fn person_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    org: Organisation,
    person_id: PersonId,
    failed: Option<(MembershipId, &MembershipInput, &FieldErrors)>,
    done: Option<&str>,
) -> AppResult<PersonPage> {
    let tr = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let person = store::seam::person_in_org(&mut db, &user.actor, org.id, person_id).await?;
    crate::audit::person_viewed(state, org.id, &user.actor, &person).await;
    let units = store::units::tree(&mut db, org.id).await?;
    let rows = membership_rows(tr, &person, std::slice::from_ref(&org));
    let memberships = person
        .memberships
        .iter()
        .zip(rows)
        .enumerate()
        .map(|(i, (m, row))| {
            let (values, errors) = match failed {
                Some((id, input, errors)) if id == m.id => (values_of(input), errors.clone()),
                _ => (membership_values(m), FieldErrors::new()),
            };
            let form = FormBuilder::new(
                tr,
                format!("membership-{}", i + 1),
                format!("/org/{}/admin/memberships/{}", org.slug, m.id),
                "form.save",
                &ctx.0.csrf,
            )
            .values(values)
            .errors(&errors);
            MembershipEditor {
                row,
                form: membership_fields(form, tr, &units).build(),
            }
        })
        .collect();
    let roles = OrgRole::ALL
        .into_iter()
        .map(|role| RoleToggle {
            role: role.as_str(),
            label: tr.get(&format!("role.{}", role.as_str())).to_owned(),
            granted: person.roles.iter().any(|(o, r)| *o == org.id && *r == role),
        })
        .collect();
    Ok(PersonPage {
        l: ctx.layout("person.title", done),
        t: tr,
        name: person.full_name().unwrap_or_default(),
        org,
        person,
        memberships,
        roles,
    })
}

fn person_id(raw: &str) -> AppResult<PersonId> {
    raw.parse().map_err(|_| AppError::NotFound)
}

pub async fn person(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    done: DoneQuery,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    render(
        &person_page(
            &state,
            &ctx,
            &user,
            org,
            person_id(&id)?,
            None,
            done.done.as_deref(),
        )
        .await?,
    )
}

pub async fn save_membership(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    PageForm(input): PageForm<MembershipInput>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let id: MembershipId = id.parse().map_err(|_| AppError::NotFound)?;
    let membership = {
        let mut db = state.store.conn().await?;
        store::seam::membership(&mut db, &user.actor, org.id, id).await?
    };
    match ops::update_membership(&state, &user.actor, &org, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/org/{}/admin/people/{}?done=saved",
            org.slug, membership.person_id
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => render_invalid(
            &person_page(
                &state,
                &ctx,
                &user,
                org,
                membership.person_id,
                Some((id, &input, &errors)),
                None,
            )
            .await?,
        ),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
    granted: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    PageForm(input): PageForm<RoleForm>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let person = person_id(&id)?;
    let role = OrgRole::parse(&input.role).map_err(|code| FieldErrors::single("role", code))?;
    ops::set_role(
        &state,
        &user.actor,
        &org,
        person,
        role,
        input.granted == "true",
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/org/{}/admin/people/{person}?done=saved",
        org.slug
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    members: Vec<MemberSummary>,
    pager: Pager,
}

/// A manager's people (direct and indirect); an organisation admin sees everyone.
pub async fn team(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    query: DoneQuery,
) -> AppResult<Response> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let mut db = state.store.conn().await?;
    let page = query.list_page(PAGE_SIZE);
    let listed = store::seam::member_summaries(&mut db, &user.actor, &org, page).await?;
    let (relation, purpose) = crate::audit::list_relation(&user.actor, org.id);
    crate::audit::read(
        &state,
        org.id,
        &user.actor,
        relation,
        listed.members.iter().map(|m| m.person_id),
        &["user.name", "user.contact.email", "user.employment"],
        purpose,
    )
    .await;
    let pager = Pager::new(&format!("/org/{}/team", org.slug), page.number, &listed);
    render(&TeamPage {
        l: ctx.layout("team.title", None),
        t: ctx.0.tr,
        members: listed.members,
        pager,
        org,
    })
}

pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let person = person_id(&id)?;
    ops::invite(&state, &user.actor, &org, person, ctx.0.tr).await?;
    Ok(Redirect::to(&format!(
        "/org/{}/admin/people/{person}?done=invited",
        org.slug
    ))
    .into_response())
}
