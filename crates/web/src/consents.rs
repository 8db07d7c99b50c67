//! Consents and the features they govern, shared by the pages and the API: giving and
//! withdrawing (one step each, the same from either door), favourites and their lists, course
//! reviews, catalogue search history, recommendations, and sharing competence (links,
//! transfers, the published list of competence databases, what an employer received).
//!
//! Every feature asks whether its consent stands before it shows or keeps anything; its writes
//! check again inside their transaction (`store::consents::hold`). A withdrawal deletes what
//! was held only for the purpose in the transaction that records it, so the request that
//! withdraws is the last that sees the data. Changes are audited in their transaction.

use domain::access::Actor;
use domain::competence::{
    Item, RecipientInput, RecipientRef, ShareLinkInput, Target, TransferInput,
};
use domain::consent::{ChangeInput, Channel, Consents, Refusal, catalogue, decide, purposes};
use domain::features::{ListInput, ReviewInput, Search, ShownReviews, shown_reviews};
use domain::org::Language;
use domain::recommend::{CoTaken, History, Known, Recommendation};
use domain::{FieldErrors, PersonId};
use store::audit::AuditEntry;
use store::competence::{RecipientEntry, To};
use store::learning::courses::{self, CatalogueEntry, CatalogueQuery};
use store::seam::sharing::{self, Received, SharedCompetence};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::learning::CourseCtx;

fn today() -> time::Date {
    store::now().date()
}

/// The purpose key as the registry holds it (`'static`, for the audit log).
fn static_purpose(purpose: &str) -> AppResult<&'static str> {
    catalogue()
        .get(purpose)
        .map(|d| d.purpose.as_str())
        .ok_or(AppError::NotFound)
}

/// Appends a change of the actor's own data to the platform's audit chain, in `db`'s
/// transaction.
async fn audited_self(
    db: &mut store::Db,
    actor: &Actor,
    fields: &[&str],
    purpose: &'static str,
) -> AppResult<()> {
    store::audit::append_change(
        db,
        AuditEntry::change(
            None,
            actor.person_id,
            "myself",
            vec![actor.person_id],
            fields,
            purpose,
        ),
    )
    .await?;
    Ok(())
}

/// The actor's consents that stand now.
pub async fn standing(state: &AppState, actor: &Actor) -> AppResult<Consents> {
    let mut db = state.store.conn().await?;
    Ok(store::consents::standing(&mut db, actor.person_id).await?)
}

/// Refuses unless the actor's consent to `purpose` stands.
fn require(consents: &Consents, purpose: &'static str) -> AppResult<()> {
    if consents.stands(purpose) {
        Ok(())
    } else {
        Err(AppError::ConsentRequired(purpose))
    }
}

// ---- consents ----

/// One consent as the person's privacy page and `GET /me/consents` show it.
#[derive(Clone, Debug)]
pub struct ConsentView {
    pub purpose: &'static str,
    pub title: String,
    pub summary: String,
    pub text: String,
    /// The version in force (the one to consent to).
    pub version: u32,
    pub text_hash: String,
    pub given: bool,
    /// The version the standing consent was given to.
    pub given_version: Option<u32>,
    /// Given to a version a later one replaced: off until given again.
    pub lapsed: bool,
    pub changed_at: Option<time::OffsetDateTime>,
}

/// Every consent Tavle asks for, with the person's state of each (off unless given).
pub async fn overview(
    state: &AppState,
    actor: &Actor,
    lang: Language,
) -> AppResult<Vec<ConsentView>> {
    let mut db = state.store.conn().await?;
    let latest = store::consents::latest(&mut db, actor.person_id).await?;
    drop(db);
    let standing = Consents::from_latest(
        catalogue(),
        latest
            .iter()
            .map(|l| (l.purpose.as_str(), l.status, l.version)),
    );
    Ok(catalogue()
        .consents
        .iter()
        // The newsletter is consented to by confirming a subscription (`crate::newsletter`).
        .filter(|d| d.purpose != domain::consent::purposes::NEWSLETTER)
        .map(|d| {
            let current = d.current();
            let last = latest.iter().find(|l| l.purpose == d.purpose);
            let given = standing.stands(&d.purpose);
            ConsentView {
                purpose: d.purpose.as_str(),
                title: current.title.get(lang).to_owned(),
                summary: current.summary.get(lang).to_owned(),
                text: current.text.get(lang).to_owned(),
                version: current.version,
                text_hash: current.hash.clone(),
                given,
                given_version: standing.version(&d.purpose),
                lapsed: !given && last.is_some_and(|l| l.status == domain::consent::Status::Given),
                changed_at: last.map(|l| l.changed_at),
            }
        })
        .collect())
}

/// The person's consent history, newest first.
pub async fn history(state: &AppState, actor: &Actor) -> AppResult<Vec<store::consents::Change>> {
    let mut db = state.store.conn().await?;
    Ok(store::consents::history(&mut db, actor.person_id).await?)
}

/// What a change did.
#[derive(Clone, Debug, Default)]
pub struct Changed {
    /// Something was recorded (giving again what stands, or withdrawing what was not given,
    /// records nothing).
    pub recorded: bool,
    /// Rows deleted with a withdrawal, per table.
    pub deleted: store::consents::Deleted,
}

/// Gives or withdraws one consent of the actor, in one transaction: the change, its record,
/// the deletion of data held only for the purpose, and the audit entry. Another person's
/// consent is refused (`not_your_consent`), an unknown purpose or version is a field error;
/// either way nothing changes.
pub async fn change(
    state: &AppState,
    actor: &Actor,
    purpose: &str,
    input: &ChangeInput,
    language: Language,
    channel: Channel,
) -> AppResult<Changed> {
    let mut db = state.store.begin().await?;
    let latest = match catalogue().get(purpose) {
        Some(_) => store::consents::latest_of(&mut db, actor.person_id, purpose).await?,
        None => None,
    };
    let decision = match decide(catalogue(), actor.person_id, purpose, input, latest) {
        Ok(d) => d,
        Err(Refusal::NotYours) => return Err(AppError::Forbidden("not_your_consent")),
        Err(Refusal::Invalid(errors)) => return Err(errors.into()),
    };
    let Some(decision) = decision else {
        return Ok(Changed::default());
    };
    let deleted =
        store::consents::record(&mut db, actor.person_id, &decision, language, channel).await?;
    let mut fields = vec!["user.consent"];
    for (table, n) in &deleted {
        if *n > 0 {
            fields.push(category_of(table));
        }
    }
    fields.dedup();
    audited_self(&mut db, actor, &fields, static_purpose(purpose)?).await?;
    db.commit().await?;
    tracing::info!(
        purpose = decision.purpose,
        status = decision.status.as_str(),
        version = decision.version,
        deleted = deleted.iter().map(|(_, n)| n).sum::<u64>(),
        "consent changed"
    );
    Ok(Changed {
        recorded: true,
        deleted,
    })
}

/// The registry category of a table held for a consent, for the audit entry.
fn category_of(table: &str) -> &'static str {
    domain::registry::registry()
        .fields
        .iter()
        .find(|f| f.table() == table)
        .and_then(|f| domain::registry::Category::find(&f.category))
        .map_or("user.consent", |c| c.key)
}

// ---- favourites ----

/// Marks a course, or one of its activities, as a favourite of the actor.
pub async fn add_favourite(
    state: &AppState,
    actor: &Actor,
    ctx: &CourseCtx,
    activity: Option<&str>,
) -> AppResult<Uuid> {
    require(&standing(state, actor).await?, purposes::FAVOURITES)?;
    let activity = match activity.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => Some(crate::learning::activity_of(state, ctx, a).await?.id),
        None => None,
    };
    let mut db = state.store.begin().await?;
    let id = store::favourites::add(
        &mut db,
        actor.person_id,
        ctx.org.id,
        ctx.course.id,
        activity,
    )
    .await?;
    audited_self(
        &mut db,
        actor,
        &["user.preference.favourites"],
        purposes::FAVOURITES,
    )
    .await?;
    db.commit().await?;
    Ok(id)
}

pub async fn remove_favourite(state: &AppState, actor: &Actor, id: &str) -> AppResult<()> {
    let id = parse(id)?;
    let mut db = state.store.begin().await?;
    store::favourites::remove(&mut db, actor.person_id, id).await?;
    audited_self(
        &mut db,
        actor,
        &["user.preference.favourites"],
        purposes::FAVOURITES,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

fn parse(id: &str) -> AppResult<Uuid> {
    id.trim().parse().map_err(|_| AppError::NotFound)
}

/// The actor's favourites and lists (empty while the consent does not stand: there are none).
pub async fn favourites(
    state: &AppState,
    actor: &Actor,
) -> AppResult<(
    Vec<store::favourites::Favourite>,
    Vec<store::favourites::List>,
)> {
    let mut db = state.store.conn().await?;
    Ok((
        store::favourites::all(&mut db, actor.person_id).await?,
        store::favourites::lists(&mut db, actor.person_id).await?,
    ))
}

/// The favourite marking this course (or activity) for the actor, if any.
pub async fn favourite_of(
    state: &AppState,
    actor: &Actor,
    ctx: &CourseCtx,
    activity: Option<domain::ActivityId>,
) -> AppResult<Option<Uuid>> {
    let mut db = state.store.conn().await?;
    Ok(store::favourites::find(
        &mut db,
        actor.person_id,
        ctx.org.id,
        ctx.course.id,
        activity,
    )
    .await?)
}

/// What a change of lists does.
pub enum ListChange<'a> {
    Create(&'a ListInput),
    Rename(&'a str, &'a ListInput),
    Delete(&'a str),
    Add { list: &'a str, favourite: &'a str },
    Remove { list: &'a str, favourite: &'a str },
}

/// Creates, renames or deletes a list, or puts a favourite in or out of one; answers the
/// list's id.
pub async fn change_list(
    state: &AppState,
    actor: &Actor,
    change: ListChange<'_>,
) -> AppResult<Uuid> {
    let person = actor.person_id;
    let needs_consent = matches!(
        change,
        ListChange::Create(_) | ListChange::Rename(..) | ListChange::Add { .. }
    );
    if needs_consent {
        require(&standing(state, actor).await?, purposes::FAVOURITES)?;
    }
    let mut db = state.store.begin().await?;
    let id = match change {
        ListChange::Create(input) => {
            let name = input.validate()?;
            store::favourites::create_list(&mut db, person, &name).await?
        }
        ListChange::Rename(id, input) => {
            let id = parse(id)?;
            let name = input.validate()?;
            store::favourites::rename_list(&mut db, person, id, &name).await?;
            id
        }
        ListChange::Delete(id) => {
            let id = parse(id)?;
            store::favourites::delete_list(&mut db, person, id).await?;
            id
        }
        ListChange::Add { list, favourite } => {
            let id = parse(list)?;
            store::favourites::add_to_list(&mut db, person, id, parse(favourite)?).await?;
            id
        }
        ListChange::Remove { list, favourite } => {
            let id = parse(list)?;
            store::favourites::remove_from_list(&mut db, person, id, parse(favourite)?).await?;
            id
        }
    };
    audited_self(
        &mut db,
        actor,
        &["user.preference.favourites"],
        purposes::FAVOURITES,
    )
    .await?;
    db.commit().await?;
    Ok(id)
}

// ---- reviews ----

/// A course's reviews as the actor sees them, and the actor's own.
pub struct CourseReviews {
    pub shown: ShownReviews,
    pub mine: Option<store::reviews::MyReview>,
    /// The actor may write one: they take or took the course and the consent stands.
    pub can_review: bool,
    /// They take or took the course (the consent is what is missing, if anything).
    pub reviewable: bool,
}

pub async fn course_reviews(
    state: &AppState,
    actor: &Actor,
    ctx: &CourseCtx,
    consents: &Consents,
) -> AppResult<CourseReviews> {
    let mut db = state.store.conn().await?;
    let all = sharing::published_reviews(&mut db, ctx.org.id, ctx.course.id).await?;
    let mine = store::reviews::mine(&mut db, actor.person_id, ctx.org.id, ctx.course.id).await?;
    Ok(CourseReviews {
        shown: shown_reviews(all),
        mine,
        reviewable: ctx.access.enrolled,
        can_review: ctx.access.enrolled && consents.stands(purposes::COURSE_REVIEWS),
    })
}

/// Writes or replaces the actor's review of a course they take or took.
pub async fn save_review(
    state: &AppState,
    actor: &Actor,
    ctx: &CourseCtx,
    input: &ReviewInput,
) -> AppResult<()> {
    require(&standing(state, actor).await?, purposes::COURSE_REVIEWS)?;
    if !ctx.access.enrolled {
        return Err(AppError::Forbidden("not_reviewable"));
    }
    let review = input.validate()?;
    let mut db = state.store.begin().await?;
    let name = if review.show_name {
        store::seam::me(&mut db, actor).await?.full_name()
    } else {
        None
    };
    store::reviews::save(
        &mut db,
        actor.person_id,
        ctx.org.id,
        ctx.course.id,
        &review,
        name.as_deref(),
    )
    .await?;
    audited_self(
        &mut db,
        actor,
        &["user.content.review"],
        purposes::COURSE_REVIEWS,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

pub async fn delete_review(state: &AppState, actor: &Actor, ctx: &CourseCtx) -> AppResult<()> {
    let mut db = state.store.begin().await?;
    store::reviews::delete(&mut db, actor.person_id, ctx.org.id, ctx.course.id).await?;
    audited_self(
        &mut db,
        actor,
        &["user.content.review"],
        purposes::COURSE_REVIEWS,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

// ---- search history ----

/// Remembers a catalogue search, only if the search-history consent stands (otherwise nothing
/// is written). Searches are recorded by the system, like progress, and not audited one by one.
pub async fn remember_search(
    state: &AppState,
    actor: &Actor,
    consents: &Consents,
    query: &str,
    language: &str,
    tag: &str,
) -> AppResult<bool> {
    let Some(search) = Search::of(query, language, tag) else {
        return Ok(false);
    };
    if !consents.stands(purposes::SEARCH_HISTORY) {
        return Ok(false);
    }
    let mut db = state.store.begin().await?;
    let kept = store::searches::record(&mut db, actor.person_id, &search).await?;
    db.commit().await?;
    Ok(kept)
}

/// The actor's recent searches (none unless the consent stands).
pub async fn recent_searches(
    state: &AppState,
    actor: &Actor,
    consents: &Consents,
) -> AppResult<Vec<store::searches::Stored>> {
    if !consents.stands(purposes::SEARCH_HISTORY) {
        return Ok(Vec::new());
    }
    let mut db = state.store.conn().await?;
    Ok(store::searches::recent(&mut db, actor.person_id, 10).await?)
}

/// Forgets one search, or all of them.
pub async fn forget_searches(state: &AppState, actor: &Actor, id: Option<&str>) -> AppResult<u64> {
    let id = id.map(parse).transpose()?;
    let mut db = state.store.begin().await?;
    let n = store::searches::delete(&mut db, actor.person_id, id).await?;
    audited_self(
        &mut db,
        actor,
        &["user.behavior.search_history"],
        purposes::SEARCH_HISTORY,
    )
    .await?;
    db.commit().await?;
    Ok(n)
}

// ---- recommendations ----

/// A recommendation with where its course is.
#[derive(Clone, Debug)]
pub struct Recommended {
    pub recommendation: Recommendation,
    pub owner_slug: String,
    pub owner_name: String,
    pub summary: String,
}

/// Courses for the actor, worked out now from their own history and anonymous aggregates of
/// others (`domain::recommend`); `None` while the recommendations consent does not stand.
pub async fn recommendations(
    state: &AppState,
    actor: &Actor,
    consents: &Consents,
) -> AppResult<Option<Vec<Recommended>>> {
    if !consents.stands(purposes::RECOMMENDATIONS) {
        return Ok(None);
    }
    let mut db = state.store.conn().await?;
    let catalogue_entries =
        courses::catalogue(&mut db, actor, &CatalogueQuery::default(), 500).await?;
    let mine = store::seam::learning::my_enrollments(&mut db, actor).await?;
    let favourite_courses = if consents.stands(purposes::FAVOURITES) {
        store::favourites::courses(&mut db, actor.person_id).await?
    } else {
        Vec::new()
    };
    let searches = if consents.stands(purposes::SEARCH_HISTORY) {
        store::searches::recent(&mut db, actor.person_id, 10)
            .await?
            .into_iter()
            .map(|s| s.search.query)
            .collect()
    } else {
        Vec::new()
    };
    let aggregates: Vec<CoTaken> = store::recommend::co_taken(&mut db, actor.person_id).await?;
    drop(db);
    let tags_of = |id: domain::CourseId| -> Vec<String> {
        catalogue_entries
            .iter()
            .find(|e| e.course.id == id)
            .map(|e| e.course.settings.tags.clone())
            .unwrap_or_default()
    };
    let history = History {
        taken: mine
            .iter()
            .map(|e| Known {
                id: e.enrollment.course_id,
                title: e.course_title.clone(),
                tags: tags_of(e.enrollment.course_id),
            })
            .collect(),
        favourites: favourite_courses
            .iter()
            .filter_map(|(_, id)| {
                catalogue_entries
                    .iter()
                    .find(|e| e.course.id == *id)
                    .map(|e| Known {
                        id: *id,
                        title: e.course.settings.title.clone(),
                        tags: e.course.settings.tags.clone(),
                    })
            })
            .collect(),
        searches,
    };
    let open: Vec<&CatalogueEntry> = catalogue_entries
        .iter()
        .filter(|e| e.course.settings.status == domain::learning::course::CourseStatus::Open)
        .collect();
    let candidates: Vec<domain::recommend::Candidate> = open
        .iter()
        .map(|e| {
            let s = &e.course.settings;
            domain::recommend::Candidate {
                id: e.course.id,
                title: s.title.clone(),
                tags: s.tags.clone(),
                text: format!("{} {} {}", s.title, s.summary, s.tags.join(" ")),
            }
        })
        .collect();
    let found =
        domain::recommend::recommend(&history, &candidates, &aggregates, domain::recommend::LIMIT);
    Ok(Some(
        found
            .into_iter()
            .filter_map(|r| {
                let e = open.iter().find(|e| e.course.id == r.course)?;
                Some(Recommended {
                    owner_slug: e.owner_slug.clone(),
                    owner_name: e.owner_name.clone(),
                    summary: e.course.settings.summary.clone(),
                    recommendation: r,
                })
            })
            .collect(),
    ))
}

// ---- sharing competence ----

/// The actor's competence: completions and certificates.
pub async fn competence(state: &AppState, actor: &Actor) -> AppResult<Vec<Item>> {
    let mut db = state.store.conn().await?;
    Ok(sharing::my_competence(&mut db, actor).await?)
}

/// Makes a share link; answers its id and the token (shown once, never stored).
pub async fn create_share_link(
    state: &AppState,
    actor: &Actor,
    input: &ShareLinkInput,
) -> AppResult<(Uuid, String)> {
    require(
        &standing(state, actor).await?,
        purposes::COMPETENCE_TO_OTHERS,
    )?;
    let (label, expires_on) = input.validate(today())?;
    let token = crate::auth::new_token();
    let mut db = state.store.begin().await?;
    let id = store::competence::create_link(
        &mut db,
        actor.person_id,
        &crate::auth::token_hash(&token),
        &label,
        expires_on,
    )
    .await?;
    audited_self(
        &mut db,
        actor,
        &["user.authorization.credentials"],
        purposes::COMPETENCE_TO_OTHERS,
    )
    .await?;
    db.commit().await?;
    Ok((id, token))
}

pub async fn revoke_share_link(state: &AppState, actor: &Actor, id: &str) -> AppResult<()> {
    let id = parse(id)?;
    let mut db = state.store.begin().await?;
    store::competence::revoke_link(&mut db, actor.person_id, id).await?;
    audited_self(
        &mut db,
        actor,
        &["user.authorization.credentials"],
        purposes::COMPETENCE_TO_OTHERS,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

/// The competence a share link shows, for whoever holds it (no sign-in). Each view is audited
/// as a read by the link's holder, so the person sees it among who has seen their data.
pub async fn shared(state: &AppState, token: &str) -> AppResult<SharedCompetence> {
    if token.len() > 100 {
        return Err(AppError::NotFound);
    }
    let mut db = state.store.conn().await?;
    let found = sharing::shared(&mut db, &crate::auth::token_hash(token), today()).await?;
    drop(db);
    state
        .audit
        .record(AuditEntry {
            organisation: None,
            actor: PersonId(Uuid::nil()),
            relation: "link_holder".into(),
            subjects: vec![found.person],
            fields: vec!["user.name".into(), "user.education.qualification".into()],
            purpose: purposes::COMPETENCE_TO_OTHERS,
            action: domain::audit::Action::Read,
            acting_organisation: None,
        })
        .await;
    Ok(found)
}

/// Where the actor may send competence: the organisations they are a current member of, and
/// the current competence databases. Each with the consent it needs.
pub struct Recipients {
    pub employers: Vec<store::organisations::Organisation>,
    pub databases: Vec<RecipientEntry>,
}

pub async fn recipients_for(state: &AppState, actor: &Actor) -> AppResult<Recipients> {
    let mut db = state.store.conn().await?;
    let employers = sharing::my_employers(&mut db, actor).await?;
    let today = today();
    let databases = store::competence::recipients(&mut db)
        .await?
        .into_iter()
        .filter(|r| r.added_on <= today && r.ended_on.is_none_or(|e| e > today))
        .collect();
    Ok(Recipients {
        employers,
        databases,
    })
}

/// Sends the chosen competence to a recipient and records the transfer (what, to whom, when,
/// under which consent version). The consent matching the recipient must stand.
pub async fn send_competence(
    state: &AppState,
    actor: &Actor,
    input: &TransferInput,
) -> AppResult<Uuid> {
    let available = competence(state, actor).await?;
    let (recipient, items) = input.validate(&available)?;
    let (target, to, name) = match recipient {
        RecipientRef::Employer(slug) => {
            let mut db = state.store.conn().await?;
            let org = sharing::my_employers(&mut db, actor)
                .await?
                .into_iter()
                .find(|o| o.slug.as_str() == slug)
                .ok_or_else(|| FieldErrors::single("recipient", "invalid_choice"))?;
            (Target::Employer(org.id), To::Employer(org.id), org.name)
        }
        RecipientRef::Database(id) => {
            let mut db = state.store.conn().await?;
            let entry = match store::competence::current_recipient(&mut db, id, today()).await {
                Ok(e) => e,
                Err(store::StoreError::NotFound) => {
                    return Err(FieldErrors::single("recipient", "invalid_choice").into());
                }
                Err(e) => return Err(e.into()),
            };
            (
                Target::Database(id, entry.recipient.kind),
                To::Database(id),
                entry.recipient.name,
            )
        }
    };
    let purpose = target.purpose();
    require(&standing(state, actor).await?, purpose)?;
    let mut db = state.store.begin().await?;
    let id =
        store::competence::record_transfer(&mut db, actor.person_id, purpose, &to, &name, &items)
            .await?;
    audited_self(&mut db, actor, &["user.education.qualification"], purpose).await?;
    db.commit().await?;
    tracing::info!(transfer = %id, purpose, items = items.len(), "competence sent");
    Ok(id)
}

pub async fn transfers(
    state: &AppState,
    actor: &Actor,
) -> AppResult<Vec<store::competence::Transfer>> {
    let mut db = state.store.conn().await?;
    Ok(store::competence::transfers(&mut db, actor.person_id).await?)
}

/// What the organisation's members sent it (its administrators), audited as a read.
pub async fn received(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
) -> AppResult<(store::organisations::Organisation, Vec<Received>)> {
    let org = crate::ops::org_for_admin(state, user, slug).await?;
    let mut db = state.store.conn().await?;
    let list = sharing::received(&mut db, &user.actor, org.id).await?;
    drop(db);
    crate::audit::read(
        state,
        org.id,
        &user.actor,
        "org_admin",
        list.iter().map(|r| r.person),
        &["user.name", "user.education.qualification"],
        purposes::COMPETENCE_TO_EMPLOYER,
    )
    .await;
    Ok((org, list))
}

/// The published list of competence databases, current and past.
pub async fn recipient_list(state: &AppState) -> AppResult<Vec<RecipientEntry>> {
    let mut db = state.store.conn().await?;
    Ok(store::competence::recipients(&mut db).await?)
}

/// Adds a competence database to the list (platform operators), in use from today.
pub async fn add_recipient(
    state: &AppState,
    user: &CurrentUser,
    input: &RecipientInput,
) -> AppResult<Uuid> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    let entry = input.validate()?;
    let mut db = state.store.begin().await?;
    let id = store::competence::add_recipient(&mut db, &entry, today()).await?;
    db.commit().await?;
    Ok(id)
}

/// Ends a competence database's entry today (platform operators); it stays among past ones.
pub async fn end_recipient(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<()> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    let id = parse(id)?;
    let mut db = state.store.begin().await?;
    store::competence::end_recipient(&mut db, id, today()).await?;
    db.commit().await?;
    Ok(())
}
