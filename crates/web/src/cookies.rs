//! Cookies: whether the banner asks, and remembering the answer. Only strictly necessary
//! cookies (`domain::cookies::ALL`) are set without consent. A signed-in person's answer is the
//! `analytics_cookies` consent in the consent log (given, or withdrawn when they decline, so a
//! refusal is remembered too); a visitor's is the strictly necessary `tavle_cookie_choice`
//! cookie holding only the answer and the text version.

use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use domain::access::Actor;
use domain::consent::{Channel, Decision, Status, catalogue, decide, purposes};
use domain::cookies::{CHOICE_COOKIE, CHOICE_DAYS, Choice};
use domain::org::Language;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};

fn definition() -> AppResult<&'static domain::consent::Definition> {
    catalogue()
        .get(purposes::ANALYTICS_COOKIES)
        .ok_or_else(|| AppError::internal("no analytics_cookies consent text"))
}

/// The visitor's remembered answer, if it still holds for the text in force.
pub fn visitor_choice(headers: &HeaderMap) -> Option<Choice> {
    let jar = CookieJar::from_headers(headers);
    let choice = Choice::decode(jar.get(CHOICE_COOKIE)?.value())?;
    let d = catalogue().get(purposes::ANALYTICS_COOKIES)?;
    choice.holds(|v| d.stands(v)).then_some(choice)
}

/// The signed-in person's answer: their latest `analytics_cookies` change, if it still holds.
pub async fn person_choice(state: &AppState, actor: &Actor) -> AppResult<Option<Choice>> {
    let d = definition()?;
    let mut db = state.store.conn().await?;
    let latest =
        store::consents::latest_unlocked(&mut db, actor.person_id, purposes::ANALYTICS_COOKIES)
            .await?;
    Ok(latest
        .map(|(status, version)| Choice {
            version,
            analytics: status == Status::Given,
        })
        .filter(|c| c.holds(|v| d.stands(v))))
}

/// Whether the page's banner asks: nobody has answered for this browser or person yet, or the
/// answer was to a text that has since changed materially. A signed-in person's last answer
/// comes with their session (no query of its own on every page).
pub fn banner_needed(user: Option<&CurrentUser>, headers: &HeaderMap) -> bool {
    match user {
        Some(u) => !u
            .cookie_answer
            // Without the consent texts (never at run time: checked at start) ask again.
            .is_some_and(|v| definition().is_ok_and(|d| d.stands(v))),
        None => visitor_choice(headers).is_none(),
    }
}

/// Records an answer. Signed in: the consent is given, or withdrawn (a refusal before any
/// consent is recorded as a withdrawal to the text in force, so it is remembered); returns no
/// cookie. Signed out: returns the choice cookie to set.
pub async fn record(
    state: &AppState,
    actor: Option<&Actor>,
    analytics: bool,
    language: Language,
    channel: Channel,
) -> AppResult<Option<Cookie<'static>>> {
    let d = definition()?;
    let current = d.current();
    let Some(actor) = actor else {
        let mut c = Cookie::new(
            CHOICE_COOKIE,
            Choice {
                version: current.version,
                analytics,
            }
            .encode(),
        );
        c.set_http_only(true);
        c.set_same_site(SameSite::Lax);
        c.set_path("/");
        c.set_secure(state.config.secure_cookies);
        c.set_max_age(time::Duration::days(CHOICE_DAYS));
        return Ok(Some(c));
    };
    let input = domain::consent::ChangeInput {
        given: analytics,
        version: Some(current.version),
        person_id: None,
    };
    let mut db = state.store.begin().await?;
    let latest =
        store::consents::latest_of(&mut db, actor.person_id, purposes::ANALYTICS_COOKIES).await?;
    let decision = match decide(
        catalogue(),
        actor.person_id,
        d.purpose.as_str(),
        &input,
        latest,
    ) {
        Ok(Some(decision)) => Some(decision),
        // Declining what was never given, or declining again after a new version.
        Ok(None) if !analytics && latest != Some((Status::Withdrawn, current.version)) => {
            Some(Decision {
                purpose: d.purpose.clone(),
                status: Status::Withdrawn,
                version: current.version,
                text_hash: current.hash.clone(),
                withdraws: false,
            })
        }
        Ok(None) => None,
        Err(_) => return Err(AppError::internal("cookie consent refused")),
    };
    if let Some(decision) = decision {
        store::consents::record(&mut db, actor.person_id, &decision, language, channel).await?;
        store::audit::append_change(
            &mut db,
            store::audit::AuditEntry::change(
                None,
                actor.person_id,
                "myself",
                vec![actor.person_id],
                &["user.consent"],
                purposes::ANALYTICS_COOKIES,
            ),
        )
        .await?;
    }
    db.commit().await?;
    Ok(None)
}
