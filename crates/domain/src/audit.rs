//! The access audit log's chain rules, without I/O: the canonical encoding of an entry, its
//! hash, and the check of a chain against its head and signed checkpoints. The store keeps the
//! entries and calls these; `tavle audit verify` reports what [`Verifier`] finds.
//!
//! Each organisation has one chain (the nil UUID is the platform's). Entry `n` carries the hash
//! of entry `n - 1` (entry 1 carries [`GENESIS`]), and its own hash is SHA-256 over its content
//! and that previous hash, so editing an entry, removing one or cutting the tail is visible.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The previous hash of a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Another person's data was shown.
    Read,
    /// Personal data was changed.
    Change,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Change => "change",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "read" => Ok(Self::Read),
            "change" => Ok(Self::Change),
            _ => Err("invalid_action"),
        }
    }
}

/// The content of one entry, as it is hashed. People appear only as audit keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryContent {
    /// The chain (the organisation whose data it is; nil for the platform).
    pub organisation: Uuid,
    pub seq: i64,
    /// Microseconds since the Unix epoch (both backends keep microseconds).
    pub at_micros: i64,
    pub actor: Uuid,
    pub action: Action,
    pub subjects: Vec<Uuid>,
    pub relation: String,
    pub fields: Vec<String>,
    pub purpose: String,
    pub acting_organisation: Option<Uuid>,
}

/// The bytes an entry's hash covers: every field in a fixed order, each string and list
/// length-prefixed, so no two different entries encode alike.
pub fn canonical(entry: &EntryContent, prev_hash: &str) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as u64).to_be_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"tavle-audit-v1\0");
    out.extend_from_slice(entry.organisation.as_bytes());
    out.extend_from_slice(&entry.seq.to_be_bytes());
    out.extend_from_slice(&entry.at_micros.to_be_bytes());
    out.extend_from_slice(entry.actor.as_bytes());
    text(&mut out, entry.action.as_str());
    out.extend_from_slice(&(entry.subjects.len() as u64).to_be_bytes());
    for s in &entry.subjects {
        out.extend_from_slice(s.as_bytes());
    }
    text(&mut out, &entry.relation);
    out.extend_from_slice(&(entry.fields.len() as u64).to_be_bytes());
    for f in &entry.fields {
        text(&mut out, f);
    }
    text(&mut out, &entry.purpose);
    match entry.acting_organisation {
        Some(o) => {
            out.push(1);
            out.extend_from_slice(o.as_bytes());
        }
        None => out.push(0),
    }
    text(&mut out, prev_hash);
    out
}

/// The entry's hash: lower-case hex SHA-256 of [`canonical`].
pub fn hash(entry: &EntryContent, prev_hash: &str) -> String {
    hex(&Sha256::digest(canonical(entry, prev_hash)))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// The message a checkpoint's signature covers.
pub fn checkpoint_message(organisation: Uuid, seq: i64, hash: &str, at_micros: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(b"tavle-audit-checkpoint-v1\0");
    out.extend_from_slice(organisation.as_bytes());
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&at_micros.to_be_bytes());
    out.extend_from_slice(hash.as_bytes());
    out
}

/// A stored entry: its content with the hashes kept beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    pub content: EntryContent,
    pub prev_hash: String,
    pub hash: String,
}

/// What is wrong with a chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The entry's content or hash no longer matches (or the entry after it was rewritten to fit).
    Edited,
    /// An entry is missing: the sequence jumps over it.
    Deleted,
    /// The chain ends before an entry its head or a checkpoint vouches for.
    Truncated,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edited => "edited",
            Self::Deleted => "deleted",
            Self::Truncated => "truncated",
        }
    }
}

/// The first bad entry of a chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure {
    pub seq: i64,
    pub problem: Problem,
}

/// A point the chain must still reach with the same hash: its head, or a signed checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

/// Checks one chain entry by entry (in `seq` order), so a long chain needs no memory.
#[derive(Debug)]
pub struct Verifier {
    anchors: Vec<Anchor>,
    last_seq: i64,
    last_hash: String,
    failure: Option<Failure>,
}

impl Verifier {
    /// A check that the chain also reaches every anchor with the anchor's hash.
    pub fn new(anchors: Vec<Anchor>) -> Self {
        Self {
            anchors,
            last_seq: 0,
            last_hash: GENESIS.to_owned(),
            failure: None,
        }
    }

    /// Takes the next entry; after the first failure the rest are ignored.
    pub fn push(&mut self, entry: &StoredEntry) {
        if self.failure.is_some() {
            return;
        }
        let expected = self.last_seq + 1;
        let seq = entry.content.seq;
        let failure = if seq != expected {
            Some(Failure {
                seq: expected,
                problem: Problem::Deleted,
            })
        } else if hash(&entry.content, &entry.prev_hash) != entry.hash {
            Some(Failure {
                seq,
                problem: Problem::Edited,
            })
        } else if entry.prev_hash != self.last_hash {
            // This entry is intact but does not follow the one before: that one was rewritten.
            Some(Failure {
                seq: self.last_seq.max(1),
                problem: Problem::Edited,
            })
        } else {
            // The chain was rebuilt from here: it no longer reaches a signed anchor.
            self.anchors
                .iter()
                .find(|a| a.seq == seq && a.hash != entry.hash)
                .map(|a| Failure {
                    seq: a.seq,
                    problem: Problem::Edited,
                })
        };
        if failure.is_some() {
            self.failure = failure;
            return;
        }
        self.last_seq = seq;
        self.last_hash.clone_from(&entry.hash);
    }

    /// The number of entries, or the first bad one.
    pub fn finish(self) -> Result<i64, Failure> {
        if let Some(f) = self.failure {
            return Err(f);
        }
        if self.anchors.iter().any(|a| a.seq > self.last_seq) {
            return Err(Failure {
                seq: self.last_seq + 1,
                problem: Problem::Truncated,
            });
        }
        Ok(self.last_seq)
    }
}

/// Checks a whole chain held in memory (see [`Verifier`]).
pub fn verify(entries: &[StoredEntry], anchors: Vec<Anchor>) -> Result<i64, Failure> {
    let mut v = Verifier::new(anchors);
    for e in entries {
        v.push(e);
    }
    v.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredEntry> {
        let org = Uuid::from_u128(7);
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let content = EntryContent {
                    organisation: org,
                    seq,
                    at_micros: 1_700_000_000_000_000 + seq,
                    actor: Uuid::from_u128(1),
                    action: if seq % 2 == 0 {
                        Action::Change
                    } else {
                        Action::Read
                    },
                    subjects: vec![Uuid::from_u128(2), Uuid::from_u128(3)],
                    relation: "org_admin".into(),
                    fields: vec!["people.email".into()],
                    purpose: "administration".into(),
                    acting_organisation: None,
                };
                let h = hash(&content, &prev);
                let e = StoredEntry {
                    content,
                    prev_hash: prev.clone(),
                    hash: h.clone(),
                };
                prev = h;
                e
            })
            .collect()
    }

    fn anchor(e: &StoredEntry) -> Anchor {
        Anchor {
            seq: e.content.seq,
            hash: e.hash.clone(),
        }
    }

    #[test]
    fn an_intact_chain_verifies_against_its_head() {
        let c = chain(5);
        assert_eq!(verify(&c, vec![anchor(&c[4])]), Ok(5));
        assert_eq!(verify(&[], Vec::new()), Ok(0));
        assert_eq!(c[0].prev_hash, GENESIS);
        assert_eq!(c[0].hash.len(), 64);
    }

    #[test]
    fn the_encoding_separates_every_field() {
        let c = chain(1);
        let mut other = c[0].content.clone();
        other.fields = vec!["people".into(), ".email".into()];
        assert_ne!(
            hash(&other, GENESIS),
            hash(&c[0].content, GENESIS),
            "split field"
        );
        let mut acting = c[0].content.clone();
        acting.acting_organisation = Some(Uuid::nil());
        assert_ne!(hash(&acting, GENESIS), c[0].hash);
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut c = chain(5);
        c[2].content.purpose = "curiosity".into();
        assert_eq!(
            verify(&c, Vec::new()),
            Err(Failure {
                seq: 3,
                problem: Problem::Edited
            })
        );
        // Rewriting its hash too breaks the link from the next entry.
        let mut c = chain(5);
        c[2].content.purpose = "curiosity".into();
        c[2].hash = hash(&c[2].content, &c[2].prev_hash);
        assert_eq!(
            verify(&c, Vec::new()),
            Err(Failure {
                seq: 3,
                problem: Problem::Edited
            })
        );
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c, Vec::new()),
            Err(Failure {
                seq: 2,
                problem: Problem::Deleted
            })
        );
    }

    #[test]
    fn a_truncated_tail_is_found_from_a_checkpoint() {
        let c = chain(5);
        let checkpoint = anchor(&c[3]);
        assert_eq!(
            verify(&c[..2], vec![checkpoint.clone()]),
            Err(Failure {
                seq: 3,
                problem: Problem::Truncated
            })
        );
        // Without the checkpoint a shorter chain looks whole.
        assert_eq!(verify(&c[..2], Vec::new()), Ok(2));
        // A chain rebuilt past the checkpoint with other content does not match it.
        let mut rebuilt = chain(5);
        rebuilt[3].content.purpose = "x".into();
        let mut prev = rebuilt[2].hash.clone();
        for e in &mut rebuilt[3..] {
            e.prev_hash = prev.clone();
            e.hash = hash(&e.content, &prev);
            prev = e.hash.clone();
        }
        assert_eq!(
            verify(&rebuilt, vec![checkpoint]),
            Err(Failure {
                seq: 4,
                problem: Problem::Edited
            })
        );
    }
}
