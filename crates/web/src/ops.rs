//! Operations shared by the HTML pages and the JSON API, so that both doors apply the same
//! rules. Each checks who may act, validates input (all field errors at once), and writes in
//! one transaction: bad input changes nothing.

use domain::access::{Actor, OrgRole};
use domain::org::{OrganisationSettingsInput, Slug};
use domain::person::{DataSource, Email, MembershipInput, NewPersonInput, ProfileInput};
use domain::{FieldErrors, MembershipId, OrganisationId, PersonId, UnitId};
use store::audit::{AuditEntry, purposes};
use store::organisations::{self, Organisation};
use store::policies::Channel;
use store::{memberships, roles};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

fn today() -> time::Date {
    store::now().date()
}

/// Appends a change of `subjects`' data to the audit log, in `db`'s transaction.
async fn audited(
    db: &mut store::Db,
    org: Option<OrganisationId>,
    actor: &Actor,
    relation: &str,
    subjects: Vec<PersonId>,
    fields: &[&str],
    purpose: &'static str,
) -> AppResult<()> {
    store::audit::append_change(
        db,
        AuditEntry::change(org, actor.person_id, relation, subjects, fields, purpose),
    )
    .await?;
    Ok(())
}

/// The organisation named `slug`: the one loaded with the session when the request's path
/// names it (no second query, and whether the user is a current member of it comes along),
/// else from the database.
async fn org_named(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
) -> AppResult<(Organisation, Option<bool>)> {
    if let Some(found) = user
        .organisation
        .as_ref()
        .filter(|o| o.organisation.slug.as_str() == slug)
    {
        return Ok((found.organisation.clone(), Some(found.is_current_member)));
    }
    let mut db = state.store.conn().await?;
    Ok((organisations::by_slug(&mut db, slug).await?, None))
}

/// The organisation, if the user administers it. Anyone else gets `NotFound`, so an
/// organisation's existence is not revealed to outsiders.
pub async fn org_for_admin(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
) -> AppResult<Organisation> {
    let (org, _) = org_named(state, user, slug).await?;
    if user.actor.is_org_admin(org.id) {
        Ok(org)
    } else {
        Err(AppError::NotFound)
    }
}

/// The organisation, if the user belongs to it, holds a role in it, or operates the platform.
pub async fn org_visible(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
) -> AppResult<Organisation> {
    let (org, member) = org_named(state, user, slug).await?;
    let actor = &user.actor;
    if actor.operator || actor.organisations_with_roles().contains(&org.id) {
        return Ok(org);
    }
    let member = match member {
        Some(known) => known,
        None => {
            let mut db = state.store.conn().await?;
            memberships::is_current_member(&mut db, org.id, actor.person_id).await?
        }
    };
    if member {
        Ok(org)
    } else {
        Err(AppError::NotFound)
    }
}

/// A page of a long list from its query parameters: the page number (from 1) and, when the
/// request came from a neighbouring page's link, the keyset cursor. A cursor that is not a
/// membership id is ignored (the page number alone finds the page).
pub fn list_page(
    number: Option<i64>,
    size: i64,
    after: Option<&str>,
    before: Option<&str>,
) -> store::seam::Page {
    use store::seam::{Cursor, Page};
    let id = |raw: Option<&str>| raw.and_then(|r| r.parse::<domain::MembershipId>().ok());
    let cursor = id(after)
        .map(Cursor::After)
        .or_else(|| id(before).map(Cursor::Before));
    Page::numbered(number.unwrap_or(1), size).from_cursor(cursor)
}

fn require_operator(actor: &Actor) -> AppResult<()> {
    if actor.operator {
        Ok(())
    } else {
        Err(AppError::Forbidden("forbidden"))
    }
}

pub async fn create_organisation(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    input: &OrganisationSettingsInput,
) -> AppResult<Organisation> {
    require_operator(actor)?;
    let mut errors = FieldErrors::new();
    let slug = errors.check("slug", Slug::parse(slug));
    let settings = errors.merge(input.validate());
    let (Some(slug), Some(settings)) = (slug, settings) else {
        return Err(errors.into());
    };
    let mut db = state.store.begin().await?;
    let org = organisations::create(&mut db, &slug, &settings).await?;
    db.commit().await?;
    tracing::info!(organisation = %org.id, "organisation created");
    Ok(org)
}

/// Changes settings; organisation admins and operators may.
pub async fn update_organisation(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    input: &OrganisationSettingsInput,
) -> AppResult<Organisation> {
    if !(actor.operator || actor.is_org_admin(org.id)) {
        return Err(AppError::NotFound);
    }
    let settings = input.validate()?;
    let mut db = state.store.begin().await?;
    let org = organisations::update(&mut db, org.id, &settings).await?;
    db.commit().await?;
    Ok(org)
}

pub async fn create_unit(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    parent: &str,
    name: &str,
) -> AppResult<UnitId> {
    admin_only(actor, org)?;
    let parent = match parent.trim() {
        "" => None,
        p => Some(
            p.parse::<UnitId>()
                .map_err(|_| FieldErrors::single("parent_id", "invalid_choice"))?,
        ),
    };
    let mut db = state.store.begin().await?;
    let id = store::units::create(&mut db, org.id, parent, name).await?;
    db.commit().await?;
    Ok(id)
}

/// Where a membership goes: the unit, and the manager by id or else by e-mail.
async fn placement(
    db: &mut store::Db,
    input: &MembershipInput,
) -> AppResult<memberships::Placement> {
    let manager = match (
        input.manager_id(),
        Email::parse_optional(&input.manager_email),
    ) {
        (Some(id), _) => Some(id),
        (None, Ok(Some(email))) => Some(
            store::people::id_by_email(db, &email)
                .await?
                .ok_or_else(|| FieldErrors::single("manager_email", "unknown_person"))?,
        ),
        _ => None,
    };
    Ok(memberships::Placement {
        unit: input.unit_id(),
        manager,
    })
}

fn admin_only(actor: &Actor, org: &Organisation) -> AppResult<()> {
    if actor.is_org_admin(org.id) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Counts `n` under-age refusals of `org` through `channel`, in a transaction of its own (the
/// refused attempt's writes, if any, are rolled back: nothing about the person is kept).
pub async fn count_age_refusals(
    state: &AppState,
    org: &Organisation,
    channel: Channel,
    n: usize,
) -> AppResult<()> {
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    if n == 0 {
        return Ok(());
    }
    let mut db = state.store.begin().await?;
    store::policies::count_refusals(&mut db, org.id, channel, n).await?;
    db.commit().await?;
    tracing::info!(organisation = %org.id, channel = channel.as_str(), n, "under-age account refused");
    Ok(())
}

/// The minimum-age check every way of creating an account in `org` goes through: the admin
/// form and the API ([`create_person`]), people imports ([`import_people`]), and self sign-up
/// and identity providers (which pass the birth date or year the person or the provider gave,
/// e.g. Feide's `feideYearOfBirth`; never a national identity number). Where the organisation
/// sets a minimum age, a birth date or year is required and an under-age person is refused
/// (`birth_date`: `under_minimum_age`, or `birth_date_needed` when a year alone leaves it
/// open); the refusal is counted and nothing about the person is stored.
pub async fn admit(
    state: &AppState,
    org: &Organisation,
    birth: Option<domain::person::Birth>,
    channel: Channel,
) -> AppResult<()> {
    match domain::person::check_minimum_age(org.minimum_age, birth, today()) {
        Ok(()) => Ok(()),
        Err(code) => {
            let errors = FieldErrors::single("birth_date", code);
            if domain::person::refused_for_age(&errors) {
                count_age_refusals(state, org, channel, 1).await?;
            }
            Err(errors.into())
        }
    }
}

/// Creates a person with a membership in `org`, checking the organisation's minimum age
/// ([`admit`]). An under-age or otherwise invalid person leaves nothing behind (the refusal
/// is counted for `channel`).
pub async fn create_person(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    person: &NewPersonInput,
    membership: &MembershipInput,
    channel: Channel,
) -> AppResult<PersonId> {
    admin_only(actor, org)?;
    let today = today();
    let mut errors = FieldErrors::new();
    // Every field at once; the birth date (when it parses) is checked against the minimum age
    // by `admit`, whatever else is wrong.
    let new_person = errors.merge(person.validate(None, today));
    let terms = errors.merge(membership.validate(today));
    if let Ok(birth) = domain::person::parse_birth(&person.birth_date)
        && let Err(e) = admit(state, org, birth, channel).await
    {
        match e {
            AppError::Invalid(age) => errors.0.extend(age.0),
            other => return Err(other),
        }
    }
    let (Some(new_person), Some(terms)) = (new_person, terms) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut db = state.store.begin().await?;
    let id = store::people::create(&mut db, &new_person, DataSource::Admin, None).await?;
    let placement = placement(&mut db, membership).await?;
    memberships::create(&mut db, org.id, id, &terms, placement, DataSource::Admin).await?;
    audited(
        &mut db,
        Some(org.id),
        actor,
        "org_admin",
        vec![id],
        &[
            "user.name",
            "user.contact.email",
            "user.demographic.date_of_birth",
            "user.employment",
        ],
        purposes::ADMINISTRATION,
    )
    .await?;
    db.commit().await?;
    tracing::info!(organisation = %org.id, person = %id, "person created");
    Ok(id)
}

/// Adds a membership in `org` for a person who already has an account, found by e-mail.
pub async fn add_membership(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    email: &str,
    membership: &MembershipInput,
) -> AppResult<MembershipId> {
    admin_only(actor, org)?;
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse(email));
    let terms = errors.merge(membership.validate(today()));
    let (Some(email), Some(terms)) = (email, terms) else {
        return Err(errors.into());
    };
    let mut db = state.store.begin().await?;
    let person = store::people::id_by_email(&mut db, &email)
        .await?
        .ok_or_else(|| FieldErrors::single("email", "unknown_person"))?;
    let placement = placement(&mut db, membership).await?;
    let id = memberships::create(
        &mut db,
        org.id,
        person,
        &terms,
        placement,
        DataSource::Admin,
    )
    .await?;
    audited(
        &mut db,
        Some(org.id),
        actor,
        "org_admin",
        vec![person],
        &["user.employment"],
        purposes::ADMINISTRATION,
    )
    .await?;
    db.commit().await?;
    Ok(id)
}

pub async fn update_membership(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    id: MembershipId,
    input: &MembershipInput,
) -> AppResult<()> {
    admin_only(actor, org)?;
    let terms = input.validate(today())?;
    let mut db = state.store.begin().await?;
    let placement = placement(&mut db, input).await?;
    let person = memberships::update(&mut db, org.id, id, &terms, placement).await?;
    audited(
        &mut db,
        Some(org.id),
        actor,
        "org_admin",
        vec![person],
        &["user.employment"],
        purposes::ADMINISTRATION,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

/// Grants or revokes a role for a member of `org`. The last organisation admin cannot be removed.
pub async fn set_role(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    person: PersonId,
    role: OrgRole,
    granted: bool,
) -> AppResult<()> {
    admin_only(actor, org)?;
    let mut db = state.store.begin().await?;
    if store::seam::relations(&mut db, actor, org.id, person)
        .await?
        .is_empty()
    {
        return Err(AppError::NotFound);
    }
    if granted {
        roles::grant(&mut db, org.id, person, role, Some(actor.person_id)).await?;
    } else {
        if role == OrgRole::OrgAdmin && roles::count(&mut db, org.id, OrgRole::OrgAdmin).await? <= 1
        {
            return Err(AppError::Conflict("last_admin"));
        }
        roles::revoke(&mut db, org.id, person, role).await?;
    }
    audited(
        &mut db,
        Some(org.id),
        actor,
        "org_admin",
        vec![person],
        &["user.role"],
        purposes::ADMINISTRATION,
    )
    .await?;
    db.commit().await?;
    tracing::info!(organisation = %org.id, person = %person, role = role.as_str(), granted, "role changed");
    Ok(())
}

/// An operator makes an existing person (found by e-mail) administrator of an organisation:
/// how a new organisation gets its first admin. The operator sees no other personal data.
pub async fn grant_admin_by_email(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    email: &str,
) -> AppResult<()> {
    require_operator(actor)?;
    let email = Email::parse(email).map_err(|code| FieldErrors::single("email", code))?;
    let mut db = state.store.begin().await?;
    let org = organisations::by_slug(&mut db, slug).await?;
    let person = store::people::id_by_email(&mut db, &email)
        .await?
        .ok_or_else(|| FieldErrors::single("email", "unknown_person"))?;
    roles::grant(
        &mut db,
        org.id,
        person,
        OrgRole::OrgAdmin,
        Some(actor.person_id),
    )
    .await?;
    audited(
        &mut db,
        Some(org.id),
        actor,
        "operator",
        vec![person],
        &["user.role"],
        purposes::ADMINISTRATION,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

/// The person changes their own profile; fields their organisation controls are refused.
pub async fn update_profile(
    state: &AppState,
    actor: &Actor,
    input: &ProfileInput,
) -> AppResult<()> {
    let mut db = state.store.begin().await?;
    let source = store::seam::my_profile_source(&mut db, actor).await?;
    let change = input.validate(source)?;
    store::people::update_profile(&mut db, actor.person_id, &change).await?;
    audited(
        &mut db,
        None,
        actor,
        "myself",
        vec![actor.person_id],
        &[
            "user.name",
            "user.contact.email",
            "user.preference.language",
        ],
        purposes::SELF_SERVICE,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

/// How long an invitation link lives.
pub const INVITATION_DAYS: i64 = 7;
/// How long a password-reset link lives.
pub const RESET_MINUTES: i64 = 60;

/// Queues an e-mail and a run of the outbox job to deliver it.
async fn queue_email(
    db: &mut store::Db,
    person: PersonId,
    kind: &str,
    to: &str,
    subject: &str,
    body: &str,
) -> AppResult<()> {
    store::outbox::enqueue(db, Some(person), kind, to, subject, body).await?;
    store::jobs::enqueue(db, store::outbox::JOB_KIND, "{}", store::now(), 3, None).await?;
    Ok(())
}

/// Sends a person of `org` a link to set their password (for people created by an admin or
/// an import, who have no password yet). Returns nothing about the person beyond success.
pub async fn invite(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    person: PersonId,
    tr: Tr,
) -> AppResult<()> {
    admin_only(actor, org)?;
    let mut db = state.store.begin().await?;
    let view = store::seam::person_in_org(&mut db, actor, org.id, person).await?;
    let email = view.email.ok_or(AppError::NotFound)?;
    let token = crate::auth::new_token();
    let expires = store::now() + time::Duration::days(INVITATION_DAYS);
    store::login_tokens::create(
        &mut db,
        &crate::auth::token_hash(&token),
        person,
        "invitation",
        expires,
    )
    .await?;
    let link = format!(
        "{}/password/set?token={token}",
        state.config.public_url.trim_end_matches('/')
    );
    let subject = tr.fill("email.invitation.subject", &[("org", &org.name)]);
    let days = INVITATION_DAYS.to_string();
    let body = tr.fill(
        "email.invitation.body",
        &[("org", &org.name), ("link", &link), ("days", &days)],
    );
    queue_email(&mut db, person, "invitation", &email, &subject, &body).await?;
    // A link that sets the person's password is a credential made for them.
    audited(
        &mut db,
        Some(org.id),
        actor,
        "org_admin",
        vec![person],
        &["user.authorization.credentials"],
        purposes::ADMINISTRATION,
    )
    .await?;
    db.commit().await?;
    tracing::info!(organisation = %org.id, person = %person, "invitation queued");
    Ok(())
}

/// Sends a password-reset link if an account has this e-mail. Says nothing either way, so the
/// form cannot be used to find out who has an account.
pub async fn request_password_reset(state: &AppState, email: &str, tr: Tr) -> AppResult<()> {
    let Ok(email) = Email::parse(email) else {
        return Err(FieldErrors::single("email", "invalid_email").into());
    };
    let mut db = state.store.begin().await?;
    if let Some(person) = store::people::id_by_email(&mut db, &email).await? {
        let token = crate::auth::new_token();
        let expires = store::now() + time::Duration::minutes(RESET_MINUTES);
        store::login_tokens::create(
            &mut db,
            &crate::auth::token_hash(&token),
            person,
            "password_reset",
            expires,
        )
        .await?;
        let link = format!(
            "{}/password/set?token={token}",
            state.config.public_url.trim_end_matches('/')
        );
        let minutes = RESET_MINUTES.to_string();
        let body = tr.fill(
            "email.reset.body",
            &[("link", &link), ("minutes", &minutes)],
        );
        queue_email(
            &mut db,
            person,
            "password_reset",
            email.as_str(),
            tr.get("email.reset.subject"),
            &body,
        )
        .await?;
    }
    db.commit().await?;
    Ok(())
}

/// Whether a set-password link is still usable (for showing the form).
pub async fn link_is_valid(state: &AppState, token: &str) -> AppResult<bool> {
    let mut db = state.store.conn().await?;
    Ok(
        store::login_tokens::peek(&mut db, &crate::auth::token_hash(token))
            .await?
            .is_some(),
    )
}

/// Sets a password through a single-use link, and ends every session of the person.
pub async fn set_password_with_link(
    state: &AppState,
    token: &str,
    password: &str,
    repeated: &str,
) -> AppResult<PersonId> {
    let mut errors = FieldErrors::new();
    let password = errors.check("password", domain::person::NewPassword::parse(password));
    if password.is_some() && repeated != password.as_ref().map(|p| p.expose()).unwrap_or_default() {
        errors.add("password_repeat", "passwords_differ");
    }
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let hash = crate::auth::hash_password(password.expose().to_owned()).await?;
    let mut db = state.store.begin().await?;
    let person = store::login_tokens::consume(&mut db, &crate::auth::token_hash(token))
        .await?
        .ok_or_else(|| FieldErrors::single("token", "invalid_link"))?;
    store::identities::set_password(&mut db, person, &hash).await?;
    store::sessions::delete_for_person(&mut db, person).await?;
    // Whoever holds the link acts as the person (it was mailed to them).
    store::audit::append_change(
        &mut db,
        AuditEntry::change(
            None,
            person,
            "myself",
            vec![person],
            &["user.authorization.credentials"],
            purposes::SELF_SERVICE,
        ),
    )
    .await?;
    db.commit().await?;
    tracing::info!(person = %person, "password set through a link");
    Ok(person)
}

/// Longest life of an API token.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// Whom a new token is for.
pub enum TokenHolder<'a> {
    Person(PersonId),
    /// A service account of the organisation, by name (created if new).
    ServiceAccount(OrganisationId, &'a str),
}

/// Issues an API token; the secret is returned once and never stored. Input is validated before
/// anything is written, and a new service account and its token are written together.
pub async fn issue_token(
    state: &AppState,
    holder: TokenHolder<'_>,
    name: &str,
    scopes: &str,
    days: &str,
) -> AppResult<String> {
    let mut errors = FieldErrors::new();
    let (name_field, name) = match holder {
        TokenHolder::Person(_) => ("name", name),
        TokenHolder::ServiceAccount(_, account) => ("account", account),
    };
    let name = errors.check(name_field, domain::person::non_empty(name, 100));
    let scopes = errors.check("scopes", domain::machine::Scopes::parse(scopes));
    let days = match days.trim() {
        "" => Some(90),
        d => errors.check(
            "days",
            d.parse::<i64>()
                .ok()
                .filter(|d| (1..=MAX_TOKEN_DAYS).contains(d))
                .ok_or("invalid_days"),
        ),
    };
    let (Some(name), Some(scopes), Some(days)) = (name, scopes, days) else {
        return Err(errors.into());
    };
    let (token, hash) = crate::auth::new_api_token();
    let mut db = state.store.begin().await?;
    let owner = match holder {
        TokenHolder::Person(person) => store::api_tokens::Owner::Person(person),
        TokenHolder::ServiceAccount(organisation, _) => {
            let account = store::api_tokens::service_account(&mut db, organisation, &name).await?;
            store::api_tokens::Owner::ServiceAccount {
                organisation,
                id: account.id,
            }
        }
    };
    store::api_tokens::create(
        &mut db,
        &hash,
        &name,
        owner,
        &scopes.as_string(),
        store::now() + time::Duration::days(days),
    )
    .await?;
    db.commit().await?;
    Ok(token)
}

/// Issues a token for a service account of `org`; organisation admins only.
pub async fn issue_service_token(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    account: &str,
    scopes: &str,
    days: &str,
) -> AppResult<String> {
    admin_only(actor, org)?;
    issue_token(
        state,
        TokenHolder::ServiceAccount(org.id, account),
        account,
        scopes,
        days,
    )
    .await
}

/// What an import did, or would do.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// Problems by line; nothing was written when there are any and `applied` is false.
    pub errors: Vec<domain::import::RowError>,
    pub rows: Vec<domain::import::Planned>,
    pub new_units: usize,
    pub applied: bool,
}

impl ImportReport {
    pub fn count(&self, action: domain::import::Action) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }
}

/// Imports people from an HR export into `org` (see `domain::import` for the format). The
/// caller has checked that the actor may administer `org`. With errors nothing is written,
/// unless `skip_invalid`, which imports the valid rows and reports the rest. The change is
/// audited as `by`'s (`None`: the command line, named by the nil id).
pub async fn import_people(
    state: &AppState,
    by: Option<&Actor>,
    org: &Organisation,
    bytes: &[u8],
    dry_run: bool,
    skip_invalid: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> AppResult<ImportReport> {
    let today = today();
    let parsed = domain::import::parse(bytes, org.minimum_age, today);
    if !dry_run {
        // Rows refused for the minimum age are attempts to create an account: counted, and
        // nothing of them is stored (the rows never reach the plan).
        let under_age = parsed
            .errors
            .iter()
            .filter(|e| {
                e.column == "birth_date"
                    && matches!(e.code, "under_minimum_age" | "birth_date_needed")
            })
            .count();
        count_age_refusals(state, org, Channel::Import, under_age).await?;
    }
    let mut db = state.store.begin().await?;
    let mut current = store::import::current(&mut db, org.id).await?;
    let (plan, plan_errors) =
        domain::import::plan(parsed.rows, &current.members, &current.unit_paths(), today);
    let mut report = ImportReport {
        errors: parsed.errors,
        new_units: plan.new_units.len(),
        ..Default::default()
    };
    report.errors.extend(plan_errors);
    report.errors.sort_by_key(|e| e.line);
    let refused = !report.errors.is_empty() && !skip_invalid;
    if refused || dry_run {
        // The rows shown of people the organisation holds say which of their stored fields
        // differ from the file: a read of them, one entry for the page.
        if let Some(actor) = by {
            let shown = plan
                .rows
                .iter()
                .filter(|r| r.action != domain::import::Action::Create)
                .filter_map(|r| current.members.get(&r.row.employee_number))
                .map(|e| e.person.person);
            crate::audit::read(
                state,
                org.id,
                actor,
                "org_admin",
                shown,
                &[
                    "user.name",
                    "user.contact.email",
                    "user.demographic.date_of_birth",
                    "user.employment",
                ],
                purposes::ADMINISTRATION,
            )
            .await;
        }
        report.rows = plan.rows;
        return Ok(report);
    }
    let (conflicts, touched) =
        store::import::apply(&mut db, org.id, &plan, &mut current, today, progress).await?;
    report.rows = plan.rows;
    if !conflicts.is_empty() {
        report.errors.extend(conflicts);
        report.errors.sort_by_key(|e| e.line);
        return Ok(report);
    }
    let (actor, relation) = match by {
        Some(actor) => (actor.person_id, "org_admin"),
        None => (PersonId(uuid::Uuid::nil()), "operator"),
    };
    store::audit::append_change(
        &mut db,
        AuditEntry::change(
            Some(org.id),
            actor,
            relation,
            touched,
            &[
                "user.name",
                "user.contact.email",
                "user.demographic.date_of_birth",
                "user.employment",
            ],
            purposes::ADMINISTRATION,
        ),
    )
    .await?;
    db.commit().await?;
    report.applied = true;
    tracing::info!(
        organisation = %org.id,
        created = report.count(domain::import::Action::Create),
        updated = report.count(domain::import::Action::Update),
        ended = report.count(domain::import::Action::End),
        skipped = report.errors.len(),
        "people imported"
    );
    Ok(report)
}
