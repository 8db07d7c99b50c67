//! The newsletter: the subjects one can subscribe to, what a subscription takes, how long an
//! unconfirmed one waits, and the signed single-purpose unsubscribe token. Pure: the key comes
//! from the caller (the store keeps it in `newsletter.key`), the clock too.
//!
//! A subscription is double opt-in: subscribing stores it *pending* and sends a confirmation
//! link; only confirming (which records the time and the version of the `newsletter` consent
//! text) makes it *active*. Unconfirmed subscriptions are deleted after [`PENDING_DAYS`].
//! Unsubscribing deletes the subscription (registry rule `unsubscribed_0d`).
//!
//! The unsubscribe token is `<subscription id, 32 hex>.<HMAC-SHA256, 64 hex>` where the HMAC
//! covers the purpose string [`UNSUBSCRIBE_PURPOSE`] and the id: it cannot be made for another
//! subscription without the key, and a token made for another purpose with the same key does
//! not verify.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::person::Email;
use crate::validation::FieldErrors;

/// The subjects a subscriber chooses from (catalogue keys `newsletter.subject.<key>`).
pub const SUBJECTS: &[&str] = &["new_courses", "product_news", "events"];

/// Days a pending subscription waits for confirmation before it is deleted.
pub const PENDING_DAYS: i64 = 7;

/// What the unsubscribe token's signature is for; no other token verifies as one.
pub const UNSUBSCRIBE_PURPOSE: &str = "newsletter-unsubscribe";

/// What one subscription asks for, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub name: String,
    pub email: Email,
    /// A subset of [`SUBJECTS`], in their order, at least one.
    pub subjects: Vec<&'static str>,
}

/// Checks a subscription form: a name (at most 200 characters), a valid e-mail address and at
/// least one known subject. Every problem is reported at once.
pub fn parse(name: &str, email: &str, subjects: &[String]) -> Result<Subscription, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = name.trim();
    if name.is_empty() {
        errors.add("name", "required");
    } else if name.chars().count() > 200 {
        errors.add("name", "too_long");
    }
    let email = errors.check("email", Email::parse(email));
    if subjects.iter().any(|s| !SUBJECTS.contains(&s.as_str())) {
        errors.add("subjects", "invalid_choice");
    } else if subjects.is_empty() {
        errors.add("subjects", "required");
    }
    let chosen: Vec<&'static str> = SUBJECTS
        .iter()
        .copied()
        .filter(|s| subjects.iter().any(|x| x == s))
        .collect();
    match email {
        Some(email) if errors.is_empty() => Ok(Subscription {
            name: name.to_owned(),
            email,
            subjects: chosen,
        }),
        _ => Err(errors),
    }
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    mac(key, message).finalize().into_bytes().into()
}

fn mac(key: &[u8], message: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn signed_message(subscription: Uuid) -> Vec<u8> {
    let mut m = Vec::with_capacity(UNSUBSCRIBE_PURPOSE.len() + 17);
    m.extend_from_slice(UNSUBSCRIBE_PURPOSE.as_bytes());
    m.push(0);
    m.extend_from_slice(subscription.as_bytes());
    m
}

/// The unsubscribe token of one subscription.
pub fn unsubscribe_token(key: &[u8], subscription: Uuid) -> String {
    format!(
        "{}.{}",
        subscription.simple(),
        hex(&hmac_sha256(key, &signed_message(subscription)))
    )
}

/// The subscription a token names, if its signature is right (compared in constant time).
pub fn verify_unsubscribe(key: &[u8], token: &str) -> Option<Uuid> {
    let (id, mac) = token.trim().split_once('.')?;
    if id.len() != 32 || mac.len() != 64 {
        return None;
    }
    let id = Uuid::try_parse(id).ok()?;
    let given = decode_hex(mac)?;
    // `verify_slice` compares in constant time.
    mac_of(key, id).verify_slice(&given).ok().map(|()| id)
}

fn mac_of(key: &[u8], subscription: Uuid) -> Hmac<Sha256> {
    mac(key, &signed_message(subscription))
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_token_verifies_only_with_its_key_and_unaltered() {
        let key = [7u8; 32];
        let id = Uuid::now_v7();
        let token = unsubscribe_token(&key, id);
        assert_eq!(verify_unsubscribe(&key, &token), Some(id));
        assert_eq!(verify_unsubscribe(&[8u8; 32], &token), None);
        // Another subscription's id with this signature.
        let other = Uuid::now_v7();
        let forged = format!("{}{}", other.simple(), &token[32..]);
        assert_eq!(verify_unsubscribe(&key, &forged), None);
        // One changed character of the signature.
        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            verify_unsubscribe(&key, std::str::from_utf8(&altered).expect("utf-8")),
            None
        );
        for bad in ["", ".", "abc", &token[..40]] {
            assert_eq!(verify_unsubscribe(&key, bad), None);
        }
    }

    #[test]
    fn a_subscription_needs_a_name_an_address_and_known_subjects() {
        let s = parse(
            " Kari ",
            "Kari@Example.no",
            &["events".into(), "new_courses".into()],
        )
        .expect("valid");
        assert_eq!(s.name, "Kari");
        assert_eq!(s.email.as_str(), "kari@example.no");
        assert_eq!(s.subjects, vec!["new_courses", "events"]);
        let e = parse("", "nope", &[]).expect_err("invalid");
        assert_eq!(e.for_field("name"), Some("required"));
        assert_eq!(e.for_field("email"), Some("invalid_email"));
        assert_eq!(e.for_field("subjects"), Some("required"));
        let e = parse("K", "k@example.no", &["spam".into()]).expect_err("unknown subject");
        assert_eq!(e.for_field("subjects"), Some("invalid_choice"));
    }
}
