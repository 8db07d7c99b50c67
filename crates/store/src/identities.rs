//! Login identities: several per person (a password now, OpenID Connect providers later).

use domain::PersonId;
use domain::person::Email;
use uuid::Uuid;

use crate::{Db, Result, now, with_conn};

const PASSWORD: &str = "password";

/// Sets (or replaces) the person's password identity. `hash` is a PHC string (argon2id).
pub async fn set_password(db: &mut Db, person: PersonId, hash: &str) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO login_identities (id, person_id, provider, subject, secret_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (provider, subject) DO UPDATE SET secret_hash = excluded.secret_hash"
    )
    .bind(Uuid::now_v7())
    .bind(person.0)
    .bind(PASSWORD)
    .bind(person.0.to_string())
    .bind(hash)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The person and password hash for a login by e-mail, if that person has a password.
pub async fn password_for_login(db: &mut Db, email: &Email) -> Result<Option<(PersonId, String)>> {
    let row: Option<(Uuid, Option<String>)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT p.id, i.secret_hash FROM people p \
         JOIN login_identities i ON i.person_id = p.id AND i.provider = $2 \
         WHERE p.email = $1"
    )
    .bind(email.as_str())
    .bind(PASSWORD)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(row.and_then(|(id, hash)| hash.map(|h| (PersonId(id), h))))
}

pub async fn record_login(db: &mut Db, person: PersonId) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "UPDATE login_identities SET last_login_at = $3 WHERE person_id = $1 AND provider = $2"
    )
    .bind(person.0)
    .bind(PASSWORD)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
