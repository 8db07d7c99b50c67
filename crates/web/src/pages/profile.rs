//! The start page and the person's own profile.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::OrgRole;
use domain::org::Language;
use domain::person::ProfileInput;
use store::organisations::Organisation;
use store::seam::PersonView;

use super::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, coded_options, values_of};
use crate::i18n::Tr;

pub struct OrgLink {
    pub name: String,
    pub slug: String,
    pub admin: bool,
    /// The person is this organisation's data protection officer (links to its audit log).
    pub dpo: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    t: Tr,
    name: String,
    orgs: Vec<OrgLink>,
}

pub async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
) -> AppResult<Response> {
    let mut db = state.store.conn().await?;
    let me = store::seam::me(&mut db, &user.actor).await?;
    let orgs = store::seam::my_organisations(&mut db, &user.actor).await?;
    let page = HomePage {
        l: ctx.layout("home.title", None),
        t: ctx.0.tr,
        name: me.given_name.unwrap_or_default(),
        orgs: orgs
            .into_iter()
            .map(|o| OrgLink {
                admin: user.actor.is_org_admin(o.id),
                dpo: user.actor.has_role(o.id, OrgRole::Dpo),
                name: o.name,
                slug: o.slug.to_string(),
            })
            .collect(),
    };
    render(&page)
}

pub struct MembershipRow {
    pub organisation: String,
    pub kind: String,
    pub unit: String,
    pub position: String,
    pub manager: String,
    pub period: String,
    pub status: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    l: Layout,
    t: Tr,
    me: PersonView,
    name: String,
    birth_date: String,
    editable: bool,
    memberships: Vec<MembershipRow>,
    roles: Vec<(String, String)>,
    form: FormView,
    /// The person's newsletter subscription status (`pending`, `active`), if any.
    newsletter: Option<String>,
    newsletter_subjects: Vec<(&'static str, String)>,
}

pub(super) fn membership_rows(
    tr: Tr,
    view: &PersonView,
    orgs: &[Organisation],
) -> Vec<MembershipRow> {
    view.memberships
        .iter()
        .map(|m| MembershipRow {
            organisation: orgs
                .iter()
                .find(|o| o.id == m.organisation_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            kind: tr.kind(&m.kind).to_owned(),
            unit: m.unit_name.clone().unwrap_or_default(),
            position: m.position.clone().unwrap_or_default(),
            manager: m.manager_name.clone().unwrap_or_default(),
            period: tr.period(&m.starts_on, &m.ends_on),
            status: tr.status(&m.status).to_owned(),
            source: tr.get(&format!("source.{}", m.source.as_str())).to_owned(),
        })
        .collect()
}

fn role_rows(
    tr: Tr,
    roles: &[(domain::OrganisationId, OrgRole)],
    orgs: &[Organisation],
) -> Vec<(String, String)> {
    roles
        .iter()
        .map(|(org, role)| {
            let org = orgs
                .iter()
                .find(|o| o.id == *org)
                .map(|o| o.name.clone())
                .unwrap_or_default();
            (org, tr.get(&format!("role.{}", role.as_str())).to_owned())
        })
        .collect()
}

fn profile_form(
    ctx: &Ctx,
    me: &PersonView,
    editable: bool,
    input: Option<&ProfileInput>,
    errors: &domain::FieldErrors,
) -> FormView {
    let tr = ctx.0.tr;
    let values = match input {
        Some(input) => values_of(&serde_json::json!({
            "given_name": input.given_name, "family_name": input.family_name,
            "email": input.email, "preferred_language": input.preferred_language,
        })),
        None => HashMap::from([
            (
                "given_name".to_owned(),
                me.given_name.clone().unwrap_or_default(),
            ),
            (
                "family_name".to_owned(),
                me.family_name.clone().unwrap_or_default(),
            ),
            ("email".to_owned(), me.email.clone().unwrap_or_default()),
            (
                "preferred_language".to_owned(),
                me.preferred_language
                    .map(|l| l.code().to_owned())
                    .unwrap_or_default(),
            ),
        ]),
    };
    let mut form = FormBuilder::new(tr, "profile", "/profile", "profile.save", &ctx.0.csrf)
        .values(values)
        .errors(errors);
    if editable {
        form = form
            .input("given_name", "field.given_name", "text", true)
            .autocomplete("given-name")
            .input("family_name", "field.family_name", "text", true)
            .autocomplete("family-name")
            .input("email", "field.email", "email", true)
            .autocomplete("email");
    }
    form.select(
        "preferred_language",
        "field.preferred_language",
        false,
        coded_options(tr, "language", Language::ALL.map(Language::code)),
    )
    .build()
}

async fn profile_page(
    state: &AppState,
    ctx: &Ctx,
    user: &crate::auth::CurrentUser,
    done: Option<&str>,
    input: Option<&ProfileInput>,
    errors: &domain::FieldErrors,
) -> AppResult<ProfilePage> {
    let mut db = state.store.conn().await?;
    let me = store::seam::me(&mut db, &user.actor).await?;
    let orgs = store::organisations::all_of(
        &mut db,
        me.memberships
            .iter()
            .map(|m| m.organisation_id)
            .chain(me.roles.iter().map(|r| r.0)),
    )
    .await?;
    let newsletter = store::newsletter::of_person(&mut db, user.actor.person_id)
        .await?
        .map(|v| v.status);
    let tr = ctx.0.tr;
    let editable = me.profile_source.is_some_and(|s| s.person_may_edit());
    Ok(ProfilePage {
        newsletter,
        newsletter_subjects: domain::newsletter::SUBJECTS
            .iter()
            .map(|k| (*k, tr.get(&format!("newsletter.subject.{k}")).to_owned()))
            .collect(),
        l: ctx.layout("profile.title", done),
        t: tr,
        name: me.full_name().unwrap_or_default(),
        birth_date: me
            .birth_date
            .map(|d| d.to_string())
            .or_else(|| me.birth_year.map(|y| y.to_string()))
            .unwrap_or_else(|| tr.get("profile.not_given").to_owned()),
        editable,
        memberships: membership_rows(tr, &me, &orgs),
        roles: role_rows(tr, &me.roles, &orgs),
        form: profile_form(ctx, &me, editable, input, errors),
        me,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    render(
        &profile_page(
            &state,
            &ctx,
            &user,
            done.done.as_deref(),
            None,
            &Default::default(),
        )
        .await?,
    )
}

#[derive(serde::Deserialize)]
pub struct ProfileForm {
    given_name: Option<String>,
    family_name: Option<String>,
    email: Option<String>,
    preferred_language: Option<String>,
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(form): PageForm<ProfileForm>,
) -> AppResult<Response> {
    let input = ProfileInput {
        given_name: form.given_name,
        family_name: form.family_name,
        email: form.email,
        // An empty choice keeps the language as it is.
        preferred_language: form.preferred_language.filter(|l| !l.is_empty()),
    };
    match crate::ops::update_profile(&state, &user.actor, &input).await {
        Ok(()) => Ok(Redirect::to("/profile?done=saved").into_response()),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&profile_page(&state, &ctx, &user, None, Some(&input), &errors).await?)
        }
        Err(e) => Err(e),
    }
}
