//! Policy pages: the public list of active policies (KS-1), the acceptance page the gate sends
//! people to (summaries and full texts, acknowledgement or consent wording by audience), the
//! refusal and withdrawal confirmations (which record an account-deletion request), and the
//! administrators' pages for an organisation's policies and the operator's for the platform's.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::learning::markdown;
use domain::policy::{AcceptanceKind, Audience, PolicyKind, VersionInput, VersionStatus};
use serde::Deserialize;
use store::organisations::Organisation;

use super::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::auth::{PageUser, safe_next};
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, coded_options, values_of};
use crate::i18n::Tr;
use crate::policies::{self as ops, Applicable, NewPolicyInput, Owner, PolicyVersions};

/// A version's text as a page shows it.
pub struct TextView {
    pub language: String,
    pub language_name: String,
    pub title: String,
    pub summary: String,
    pub body_html: String,
}

fn text_view(v: &store::policies::Version, tr: Tr) -> TextView {
    let (language, text) = v.texts.best(tr.lang);
    TextView {
        language: language.code().to_owned(),
        language_name: tr.get(&format!("language.{}", language.code())).to_owned(),
        title: text.title.clone(),
        summary: text.summary.clone(),
        body_html: markdown::to_html(&text.body),
    }
}

fn kind_key(kind: PolicyKind) -> String {
    format!("policy_kind.{}", kind.as_str())
}

/// One active policy on the public list or the acceptance page.
pub struct Listed {
    pub version_id: String,
    pub number: u32,
    pub kind: String,
    pub controller: String,
    pub who: String,
    pub text: TextView,
    pub consent: bool,
    pub pending: bool,
    pub accepted: bool,
    pub published: String,
}

fn listed(tr: Tr, a: &Applicable) -> Listed {
    Listed {
        version_id: a.version.id.to_string(),
        number: a.version.number,
        kind: tr.get(&kind_key(a.version.kind)).to_owned(),
        controller: a.controller.clone(),
        who: ops::who_accepts(tr, &a.version.terms),
        text: text_view(&a.version, tr),
        consent: a.kind == AcceptanceKind::Consent,
        pending: a.pending,
        accepted: a.accepted.is_some(),
        published: a
            .version
            .published_at
            .map(|t| t.date().to_string())
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "policies_list.html")]
struct ListPage {
    l: Layout,
    t: Tr,
    policies: Vec<Listed>,
}

/// The active policies with name, type and who must accept them (everyone may read it).
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let tr = ctx.0.tr;
    let found = ops::listed(&state, ctx.0.user.as_ref()).await?;
    render(&ListPage {
        l: ctx.layout("policies.list_title", None),
        t: tr,
        policies: found.iter().map(|a| listed(tr, a)).collect(),
    })
}

#[derive(Template)]
#[template(path = "policies_accept.html")]
struct AcceptPage {
    l: Layout,
    t: Tr,
    pending: Vec<Listed>,
    next: String,
    requests: Vec<RequestView>,
    error: Option<String>,
}

/// A deletion request as its person sees it.
pub struct RequestView {
    pub status: String,
    pub received: String,
    pub due: String,
    pub reason: String,
}

fn request_view(tr: Tr, r: &store::policies::DeletionRequest) -> RequestView {
    RequestView {
        status: tr
            .get(&format!("deletion_request.status_{}", r.status))
            .to_owned(),
        received: r.received_at.date().to_string(),
        due: r.due_on.to_string(),
        reason: tr
            .get(&format!("deletion_request.reason_{}", r.reason.as_str()))
            .to_owned(),
    }
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

async fn accept_page(
    state: &AppState,
    ctx: &Ctx,
    user: &crate::auth::CurrentUser,
    next: &str,
    error: Option<String>,
) -> AppResult<AcceptPage> {
    let tr = ctx.0.tr;
    let pending = ops::pending(state, &user.actor).await?;
    let requests = ops::deletion_requests(state, user.actor.person_id).await?;
    Ok(AcceptPage {
        l: ctx.layout("policies.accept_title", None),
        t: tr,
        pending: pending.iter().map(|a| listed(tr, a)).collect(),
        next: next.to_owned(),
        requests: requests
            .iter()
            .filter(|r| r.status == "received" || r.status == "in_progress")
            .map(|r| request_view(tr, r))
            .collect(),
        error,
    })
}

/// What the person must accept; with nothing left, on to where they were going.
pub async fn show_accept(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref());
    let page = accept_page(&state, &ctx, &user, &next, None).await?;
    if page.pending.is_empty() && page.requests.is_empty() {
        return Ok(Redirect::to(&next).into_response());
    }
    render(&page)
}

#[derive(Deserialize, Default)]
pub struct AcceptForm {
    #[serde(default)]
    version_id: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    next: String,
}

/// Accepts one version; back to the page until nothing is left.
pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(form): PageForm<AcceptForm>,
) -> AppResult<Response> {
    let next = safe_next(Some(&form.next));
    match ops::accept(
        &state,
        &user.actor,
        std::slice::from_ref(&form.version_id),
        Some(&form.language),
        ctx.0.tr.lang,
    )
    .await
    {
        Ok(_) => {
            let left = ops::pending(&state, &user.actor).await?;
            if left.is_empty() {
                Ok(Redirect::to(&next).into_response())
            } else {
                let query =
                    serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                Ok(Redirect::to(&format!("{}?{query}", ops::ACCEPT_PATH)).into_response())
            }
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let message = match &e {
                AppError::Invalid(errors) => errors
                    .0
                    .first()
                    .map(|f| ctx.0.tr.field_error(f))
                    .unwrap_or_default(),
                other => ctx.0.tr.error(other.code()),
            };
            let mut response =
                render(&accept_page(&state, &ctx, &user, &next, Some(message)).await?)?;
            *response.status_mut() = e.status();
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "policies_refuse.html")]
struct RefusePage {
    l: Layout,
    t: Tr,
    /// The version refused, or the acceptance withdrawn.
    action: String,
    field: &'static str,
    id: String,
    title: String,
    controller: String,
    /// Recorded: the request as it stands.
    request: Option<RequestView>,
    /// What it means, and the button that confirms it.
    explain: String,
    confirm: &'static str,
    back: &'static str,
}

#[derive(Deserialize, Default)]
pub struct RefuseForm {
    #[serde(default)]
    version_id: String,
    /// `yes` once the person confirmed on the page that explains what refusing means.
    #[serde(default)]
    confirm: String,
}

/// Refusing a mandatory consent: first what it means (no use of the service; the account is
/// to be deleted), then, confirmed, the request recorded and shown.
pub async fn refuse(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(form): PageForm<RefuseForm>,
) -> AppResult<Response> {
    let tr = ctx.0.tr;
    let pending = ops::pending(&state, &user.actor).await?;
    let found = pending
        .iter()
        .find(|a| a.version.id.to_string() == form.version_id.trim());
    if form.confirm != "yes" {
        let Some(found) = found else {
            return Err(AppError::Invalid(FieldErrors::single(
                "version_id",
                "unknown_policy_version",
            )));
        };
        if found.kind != AcceptanceKind::Consent {
            return Err(AppError::Conflict("acknowledgement_not_refused"));
        }
        return render(&RefusePage {
            l: ctx.layout("policies.refuse_title", None),
            t: tr,
            action: "/policies/refuse".into(),
            field: "version_id",
            id: found.version.id.to_string(),
            title: text_view(&found.version, tr).title,
            controller: found.controller.clone(),
            request: None,
            explain: tr.fill(
                "policies.refuse_explain",
                &[
                    ("title", &text_view(&found.version, tr).title),
                    ("org", &found.controller),
                ],
            ),
            confirm: "policies.refuse_confirm",
            back: ops::ACCEPT_PATH,
        });
    }
    let title = found
        .map(|a| text_view(&a.version, tr).title)
        .unwrap_or_default();
    let controller = found.map(|a| a.controller.clone()).unwrap_or_default();
    let (request, _) = ops::refuse(&state, &user.actor, &form.version_id).await?;
    render(&RefusePage {
        l: ctx.layout("policies.refuse_title", None),
        t: tr,
        action: String::new(),
        field: "version_id",
        id: String::new(),
        title,
        controller,
        request: Some(request_view(tr, &request)),
        explain: String::new(),
        confirm: "policies.refuse_confirm",
        back: ops::ACCEPT_PATH,
    })
}

#[derive(Deserialize, Default)]
pub struct WithdrawForm {
    #[serde(default)]
    confirm: String,
}

/// Withdrawing a consent from the privacy page: first what it means, then done (a mandatory
/// policy's consent also asks for the account to be deleted).
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<WithdrawForm>,
) -> AppResult<Response> {
    let tr = ctx.0.tr;
    let history = ops::history(&state, &user.actor).await?;
    let found = history
        .iter()
        .find(|h| h.acceptance.id.to_string() == id)
        .ok_or(AppError::NotFound)?;
    if form.confirm != "yes" {
        if found.acceptance.kind != AcceptanceKind::Consent {
            return Err(AppError::Conflict("acknowledgement_not_refused"));
        }
        if found.acceptance.withdrawn_at.is_some() {
            return Err(AppError::Conflict("consent_already_withdrawn"));
        }
        return render(&RefusePage {
            l: ctx.layout("policies.withdraw_title", None),
            t: tr,
            action: format!("/privacy/acceptances/{id}/withdraw"),
            field: "acceptance_id",
            id: id.clone(),
            title: found.text.title.clone(),
            controller: found.controller.clone(),
            request: None,
            explain: tr.fill(
                if found.mandatory {
                    "policies.withdraw_explain"
                } else {
                    "policies.withdraw_optional_explain"
                },
                &[("title", &found.text.title), ("org", &found.controller)],
            ),
            confirm: "policies.withdraw_confirm",
            back: "/privacy",
        });
    }
    match ops::withdraw(&state, &user.actor, &id).await? {
        None => Ok(Redirect::to("/privacy?done=policy_consent_withdrawn").into_response()),
        Some((request, _)) => render(&RefusePage {
            l: ctx.layout("policies.withdraw_title", None),
            t: tr,
            action: String::new(),
            field: "acceptance_id",
            id: String::new(),
            title: found.text.title.clone(),
            controller: found.controller.clone(),
            request: Some(request_view(tr, &request)),
            explain: String::new(),
            confirm: "policies.withdraw_confirm",
            back: "/privacy",
        }),
    }
}

/// The person's acceptances for the privacy page, with the exact texts.
pub struct HistoryView {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub controller: String,
    pub number: u32,
    pub acknowledged: bool,
    pub language: String,
    pub accepted: String,
    pub withdrawn: Option<String>,
    pub hash: String,
    pub summary: String,
    pub body_html: String,
    pub current: bool,
    pub withdrawable: bool,
}

pub async fn history_views(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    tr: Tr,
) -> AppResult<(Vec<HistoryView>, Vec<RequestView>)> {
    let history = ops::history(state, &user.actor).await?;
    let requests = ops::deletion_requests(state, user.actor.person_id).await?;
    let fmt = |t: time::OffsetDateTime| {
        let mut s = t.date().to_string();
        s.push_str(&format!(" {:02}:{:02}", t.hour(), t.minute()));
        s
    };
    Ok((
        history
            .iter()
            .map(|h| HistoryView {
                id: h.acceptance.id.to_string(),
                title: h.text.title.clone(),
                kind: tr.get(&kind_key(h.kind)).to_owned(),
                controller: h.controller.clone(),
                number: h.acceptance.version_number,
                acknowledged: h.acceptance.kind == AcceptanceKind::Acknowledgement,
                language: tr
                    .get(&format!("language.{}", h.acceptance.language.code()))
                    .to_owned(),
                accepted: fmt(h.acceptance.accepted_at),
                withdrawn: h.acceptance.withdrawn_at.map(fmt),
                hash: h.acceptance.content_hash.clone(),
                summary: h.text.summary.clone(),
                body_html: markdown::to_html(&h.text.body),
                current: h.status == VersionStatus::Active,
                withdrawable: h.acceptance.kind == AcceptanceKind::Consent
                    && h.acceptance.withdrawn_at.is_none(),
            })
            .collect(),
        requests.iter().map(|r| request_view(tr, r)).collect(),
    ))
}

// ---- administration (an organisation's admins, or the operator for the platform) ----

/// One version in the administrators' view.
pub struct AdminVersion {
    pub id: String,
    pub number: u32,
    pub status: String,
    pub status_code: &'static str,
    pub who: String,
    pub minor: bool,
    pub published: String,
    pub retired: String,
    pub accepted: i64,
    pub registry_version: Option<u32>,
    pub hash: String,
    pub texts: Vec<TextView>,
}

pub struct AdminPolicy {
    pub id: String,
    pub kind: String,
    pub generated: bool,
    pub title: String,
    pub active: Option<u32>,
    pub draft: Option<u32>,
    pub outdated: bool,
    pub versions: Vec<AdminVersion>,
}

fn admin_policy(
    tr: Tr,
    p: &PolicyVersions,
    counts: &HashMap<domain::PolicyVersionId, i64>,
) -> AdminPolicy {
    AdminPolicy {
        id: p.id.to_string(),
        kind: tr.get(&kind_key(p.kind)).to_owned(),
        generated: p.kind.is_generated(),
        title: p
            .latest()
            .map(|v| v.texts.best(tr.lang).1.title.clone())
            .unwrap_or_default(),
        active: p.active().map(|v| v.number),
        draft: p.draft().map(|v| v.number),
        outdated: p.notice_outdated(),
        versions: p
            .versions
            .iter()
            .rev()
            .map(|v| AdminVersion {
                id: v.id.to_string(),
                number: v.number,
                status: tr
                    .get(&format!("policy_status.{}", v.status.as_str()))
                    .to_owned(),
                status_code: v.status.as_str(),
                who: ops::who_accepts(tr, &v.terms),
                minor: v.terms.minor,
                published: v
                    .published_at
                    .map(|t| t.date().to_string())
                    .unwrap_or_default(),
                retired: v
                    .retired_at
                    .map(|t| t.date().to_string())
                    .unwrap_or_default(),
                accepted: counts.get(&v.id).copied().unwrap_or(0),
                registry_version: v.registry_version,
                hash: v.content_hash.clone(),
                texts: v
                    .texts
                    .all()
                    .iter()
                    .map(|(l, t)| TextView {
                        language: l.code().to_owned(),
                        language_name: tr.get(&format!("language.{}", l.code())).to_owned(),
                        title: t.title.clone(),
                        summary: t.summary.clone(),
                        body_html: markdown::to_html(&t.body),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "admin_policies.html")]
struct AdminListPage {
    l: Layout,
    t: Tr,
    org: Option<Organisation>,
    heading: String,
    base: String,
    policies: Vec<AdminPolicy>,
    form: FormView,
}

#[derive(Template)]
#[template(path = "admin_policy.html")]
struct AdminPolicyPage {
    l: Layout,
    t: Tr,
    org: Option<Organisation>,
    heading: String,
    base: String,
    actions: String,
    policy: AdminPolicy,
    registry_version: u32,
    form: Option<FormView>,
}

fn owner_heading(tr: Tr, owner: &Owner) -> String {
    match owner {
        Owner::Platform => tr.get("policies.platform_heading").to_owned(),
        Owner::Organisation(o) => tr.fill("policies.org_heading", &[("org", &o.name)]),
    }
}

fn org_of(owner: &Owner) -> Option<Organisation> {
    match owner {
        Owner::Organisation(o) => Some(o.clone()),
        Owner::Platform => None,
    }
}

/// The fields of a version: settings, then title, summary and text per language (not for a
/// privacy notice, whose text is generated).
fn version_fields(mut f: FormBuilder, tr: Tr, generated: bool) -> FormBuilder {
    f = f
        .select(
            "audience",
            "field.policy_audience",
            true,
            coded_options(tr, "policy_audience", Audience::ALL.map(Audience::as_str)),
        )
        .hint("hint.policy_audience")
        .input("mandatory", "field.policy_mandatory", "checkbox", false)
        .hint("hint.policy_mandatory")
        .input("minor", "field.policy_minor", "checkbox", false)
        .hint(if generated {
            "hint.policy_minor_notice"
        } else {
            "hint.policy_minor"
        });
    if generated {
        return f;
    }
    for (title, summary, body, lang) in [
        ("title_nb", "summary_nb", "body_nb", "nb"),
        ("title_nn", "summary_nn", "body_nn", "nn"),
        ("title_en", "summary_en", "body_en", "en"),
    ] {
        let language = tr.get(&format!("language.{lang}")).to_owned();
        f = f
            .input(title, "field.policy_title", "text", false)
            .hint_text(tr.fill("hint.policy_language", &[("language", &language)]))
            .input(summary, "field.policy_summary", "textarea", false)
            .hint_text(tr.fill("hint.policy_language", &[("language", &language)]))
            .input(body, "field.policy_body", "textarea", false)
            .hint_text(tr.fill("hint.policy_body", &[("language", &language)]));
    }
    f
}

fn new_policy_form(
    ctx: &Ctx,
    owner: &Owner,
    values: HashMap<String, String>,
    errors: &FieldErrors,
) -> FormView {
    let tr = ctx.0.tr;
    let f = FormBuilder::new(
        tr,
        "new-policy",
        owner.pages(),
        "policies.create",
        &ctx.0.csrf,
    )
    .values(values)
    .errors(errors)
    .select(
        "kind",
        "field.policy_kind",
        true,
        coded_options(tr, "policy_kind", PolicyKind::ALL.map(PolicyKind::as_str)),
    )
    .hint("hint.policy_kind");
    version_fields(f, tr, false).build()
}

fn default_values() -> HashMap<String, String> {
    HashMap::from([
        ("audience".to_owned(), "everyone".to_owned()),
        ("mandatory".to_owned(), "on".to_owned()),
    ])
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    owner: &Owner,
    form: FormView,
    done: Option<&str>,
) -> AppResult<AdminListPage> {
    let tr = ctx.0.tr;
    let policies = ops::list(state, owner).await?;
    let counts = ops::acceptance_counts(state, owner).await?;
    Ok(AdminListPage {
        l: ctx.layout("policies.admin_title", done),
        t: tr,
        org: org_of(owner),
        heading: owner_heading(tr, owner),
        base: owner.pages(),
        policies: policies
            .iter()
            .map(|p| admin_policy(tr, p, &counts))
            .collect(),
        form,
    })
}

async fn admin_list(
    state: AppState,
    ctx: Ctx,
    user: crate::auth::CurrentUser,
    slug: Option<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    let owner = ops::owner_for(&state, &user, slug.as_deref()).await?;
    let form = new_policy_form(&ctx, &owner, default_values(), &FieldErrors::new());
    render(&list_page(&state, &ctx, &owner, form, done.done.as_deref()).await?)
}

async fn admin_create(
    state: AppState,
    ctx: Ctx,
    user: crate::auth::CurrentUser,
    slug: Option<String>,
    input: NewPolicyInput,
) -> AppResult<Response> {
    let owner = ops::owner_for(&state, &user, slug.as_deref()).await?;
    match ops::create_policy(&state, &owner, &input).await {
        Ok((policy, _)) => Ok(Redirect::to(&format!(
            "{}/{policy}?done=policy_draft_created",
            owner.pages()
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut values = values_of(&input.version);
            values.insert("kind".into(), input.kind.clone());
            let form = new_policy_form(&ctx, &owner, values, &errors);
            render_invalid(&list_page(&state, &ctx, &owner, form, None).await?)
        }
        Err(e) => Err(e),
    }
}

async fn policy_page(
    state: &AppState,
    ctx: &Ctx,
    owner: &Owner,
    policy_id: &str,
    failed: Option<(&VersionInput, &FieldErrors)>,
    done: Option<&str>,
) -> AppResult<AdminPolicyPage> {
    let tr = ctx.0.tr;
    let found = ops::policy(state, owner, policy_id).await?;
    let counts = ops::acceptance_counts(state, owner).await?;
    let form = found.draft().is_none().then(|| {
        let none = FieldErrors::new();
        let (values, errors) = match failed {
            Some((input, errors)) => (values_of(input), errors),
            None => (
                found
                    .latest()
                    .map(|v| values_of(&VersionInput::from_version(v.terms, &v.texts)))
                    .unwrap_or_else(default_values),
                &none,
            ),
        };
        let f = FormBuilder::new(
            tr,
            "new-version",
            format!("{}/{}/versions", owner.pages(), found.id),
            "policies.create_version",
            &ctx.0.csrf,
        )
        .values(values)
        .errors(errors);
        version_fields(f, tr, found.kind.is_generated()).build()
    });
    Ok(AdminPolicyPage {
        l: ctx.layout("policies.admin_title", done),
        t: tr,
        org: org_of(owner),
        heading: owner_heading(tr, owner),
        base: owner.pages(),
        actions: owner.version_pages(),
        policy: admin_policy(tr, &found, &counts),
        registry_version: domain::registry::registry().version,
        form,
    })
}

async fn admin_policy_show(
    state: AppState,
    ctx: Ctx,
    user: crate::auth::CurrentUser,
    slug: Option<String>,
    policy_id: String,
    done: DoneQuery,
) -> AppResult<Response> {
    let owner = ops::owner_for(&state, &user, slug.as_deref()).await?;
    render(&policy_page(&state, &ctx, &owner, &policy_id, None, done.done.as_deref()).await?)
}

async fn admin_new_version(
    state: AppState,
    ctx: Ctx,
    user: crate::auth::CurrentUser,
    slug: Option<String>,
    policy_id: String,
    input: VersionInput,
) -> AppResult<Response> {
    let owner = ops::owner_for(&state, &user, slug.as_deref()).await?;
    match ops::create_draft(&state, &owner, &policy_id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}/{policy_id}?done=policy_draft_created",
            owner.pages()
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => render_invalid(
            &policy_page(
                &state,
                &ctx,
                &owner,
                &policy_id,
                Some((&input, &errors)),
                None,
            )
            .await?,
        ),
        Err(e) => Err(e),
    }
}

/// What an administrator does to one version.
#[derive(Clone, Copy)]
enum Act {
    Publish,
    Retire,
    Discard,
}

async fn admin_act(
    state: AppState,
    user: crate::auth::CurrentUser,
    slug: Option<String>,
    version_id: String,
    act: Act,
) -> AppResult<Response> {
    let owner = ops::owner_for(&state, &user, slug.as_deref()).await?;
    let (policy, done) = match act {
        Act::Publish => {
            let v = ops::publish(&state, &owner, &version_id).await?;
            (Some(v.policy_id), "policy_published")
        }
        Act::Retire => {
            let mut db = state.store.conn().await?;
            let id = version_id.parse().map_err(|_| AppError::NotFound)?;
            let v = store::policies::version(&mut db, owner.id(), id).await?;
            drop(db);
            ops::retire(&state, &owner, &version_id).await?;
            (Some(v.policy_id), "policy_retired")
        }
        Act::Discard => {
            let mut db = state.store.conn().await?;
            let id = version_id.parse().map_err(|_| AppError::NotFound)?;
            let v = store::policies::version(&mut db, owner.id(), id).await?;
            drop(db);
            ops::discard(&state, &owner, &version_id).await?;
            let kept = ops::policy(&state, &owner, &v.policy_id.to_string())
                .await
                .is_ok();
            (kept.then_some(v.policy_id), "policy_discarded")
        }
    };
    Ok(match policy {
        Some(p) => Redirect::to(&format!("{}/{p}?done={done}", owner.pages())),
        None => Redirect::to(&format!("{}?done={done}", owner.pages())),
    }
    .into_response())
}

// Route handlers: an organisation's (`/org/{slug}/admin/policies…`) and the platform's
// (`/operator/policies…`) share the functions above.

pub async fn org_list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    admin_list(state, ctx, user, Some(slug), done).await
}

pub async fn platform_list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    admin_list(state, ctx, user, None, done).await
}

pub async fn org_create(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    PageForm(input): PageForm<NewPolicyInput>,
) -> AppResult<Response> {
    admin_create(state, ctx, user, Some(slug), input).await
}

pub async fn platform_create(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(input): PageForm<NewPolicyInput>,
) -> AppResult<Response> {
    admin_create(state, ctx, user, None, input).await
}

pub async fn org_policy(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, policy)): Path<(String, String)>,
    done: DoneQuery,
) -> AppResult<Response> {
    admin_policy_show(state, ctx, user, Some(slug), policy, done).await
}

pub async fn platform_policy(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(policy): Path<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    admin_policy_show(state, ctx, user, None, policy, done).await
}

pub async fn org_new_version(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, policy)): Path<(String, String)>,
    PageForm(input): PageForm<VersionInput>,
) -> AppResult<Response> {
    admin_new_version(state, ctx, user, Some(slug), policy, input).await
}

pub async fn platform_new_version(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(policy): Path<String>,
    PageForm(input): PageForm<VersionInput>,
) -> AppResult<Response> {
    admin_new_version(state, ctx, user, None, policy, input).await
}

macro_rules! act_handlers {
    ($($org:ident, $platform:ident => $act:expr;)*) => {$(
        pub async fn $org(
            State(state): State<AppState>,
            PageUser(user): PageUser,
            Path((slug, version)): Path<(String, String)>,
        ) -> AppResult<Response> {
            admin_act(state, user, Some(slug), version, $act).await
        }

        pub async fn $platform(
            State(state): State<AppState>,
            PageUser(user): PageUser,
            Path(version): Path<String>,
        ) -> AppResult<Response> {
            admin_act(state, user, None, version, $act).await
        }
    )*};
}

act_handlers! {
    org_publish, platform_publish => Act::Publish;
    org_retire, platform_retire => Act::Retire;
    org_discard, platform_discard => Act::Discard;
}
