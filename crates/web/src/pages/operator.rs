//! The platform operator's pages: organisations (tenants) and their first administrators.
//! The operator sees organisations, not the people in them.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::org::OrganisationSettingsInput;
use serde::{Deserialize, Serialize};
use store::organisations::Organisation;

use super::admin::settings_fields;
use super::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::auth::{CurrentUser, PageUser};
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, values_of};
use crate::i18n::Tr;
use crate::ops;

#[derive(Template)]
#[template(path = "operator.html")]
struct OperatorPage {
    l: Layout,
    t: Tr,
    organisations: Vec<Organisation>,
    create: FormView,
    admin: FormView,
}

#[derive(Deserialize, Serialize, Default)]
pub struct NewOrganisationForm {
    #[serde(default)]
    slug: String,
    #[serde(flatten)]
    settings: OrganisationSettingsInput,
}

#[derive(Deserialize, Serialize, Default)]
pub struct GrantAdminForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    email: String,
}

enum Failed<'a> {
    None,
    Create(&'a NewOrganisationForm, &'a FieldErrors),
    Admin(&'a GrantAdminForm, &'a FieldErrors),
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    failed: Failed<'_>,
    done: Option<&str>,
) -> AppResult<OperatorPage> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    let tr = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let organisations = store::organisations::all(&mut db).await?;
    let none = FieldErrors::new();
    let (create_values, create_errors) = match &failed {
        Failed::Create(form, errors) => (values_of(form), *errors),
        _ => (
            HashMap::from([
                ("kind".into(), "public_body".into()),
                ("languages".into(), "nb,en".into()),
            ]),
            &none,
        ),
    };
    let (admin_values, admin_errors) = match &failed {
        Failed::Admin(form, errors) => (values_of(form), *errors),
        _ => (HashMap::new(), &none),
    };
    let create = FormBuilder::new(
        tr,
        "new-org",
        "/operator/organisations",
        "operator.create",
        &ctx.0.csrf,
    )
    .values(create_values)
    .errors(create_errors)
    .input("slug", "field.slug", "text", true)
    .hint("hint.slug");
    let create = settings_fields(create, tr).build();
    let org_options = organisations
        .iter()
        .map(|o| (o.slug.to_string(), o.name.clone()))
        .collect();
    let admin = FormBuilder::new(
        tr,
        "grant-admin",
        "/operator/admins",
        "operator.grant_admin",
        &ctx.0.csrf,
    )
    .values(admin_values)
    .errors(admin_errors)
    .select("slug", "field.organisation", true, org_options)
    .input("email", "field.email", "email", true)
    .hint("hint.admin_email")
    .build();
    Ok(OperatorPage {
        l: ctx.layout("operator.title", done),
        t: tr,
        organisations,
        create,
        admin,
    })
}

pub async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    render(&page(&state, &ctx, &user, Failed::None, done.done.as_deref()).await?)
}

pub async fn create_organisation(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(input): PageForm<NewOrganisationForm>,
) -> AppResult<Response> {
    match ops::create_organisation(&state, &user.actor, &input.slug, &input.settings).await {
        Ok(_) => Ok(Redirect::to("/operator?done=created").into_response()),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&page(&state, &ctx, &user, Failed::Create(&input, &errors), None).await?)
        }
        Err(e) => Err(e),
    }
}

pub async fn grant_admin(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(input): PageForm<GrantAdminForm>,
) -> AppResult<Response> {
    match ops::grant_admin_by_email(&state, &user.actor, &input.slug, &input.email).await {
        Ok(()) => Ok(Redirect::to("/operator?done=admin_granted").into_response()),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&page(&state, &ctx, &user, Failed::Admin(&input, &errors), None).await?)
        }
        Err(e) => Err(e),
    }
}
