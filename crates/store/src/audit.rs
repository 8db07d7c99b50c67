//! The access audit log: who saw or changed whose personal data, which fields, for what purpose
//! and when. People are named by pseudonymous audit keys (erasure deletes the key, the entries
//! stay); entries form one hash chain per organisation (`domain::audit`), anchored by
//! Ed25519-signed checkpoints.
//!
//! Changes are appended by [`append_change`] in the caller's transaction. Reads go to the
//! [`AuditSink`], a task that appends everything waiting in one transaction per batch, at
//! least every [`FLUSH_INTERVAL`], and on [`AuditSink::flush`].
//!
//! An entry names its subjects through a subject list (their keys in order, content-addressed,
//! stored once with a member row per key for finding entries by person), so a page of fifty
//! people shown again adds one small row, not fifty. The entry's hash covers the keys. The sink
//! remembers the keys and lists it has stored and asks the database only about new ones.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use domain::audit::{Action, Anchor, EntryContent, Failure, GENESIS, StoredEntry, Verifier};
use domain::{OrganisationId, PersonId};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::{Db, Result, Store, StoreError, now, with_conn, with_dialect};

/// Purpose keys of audit entries. The data registry will declare purposes; these are the keys
/// the code uses now, kept in one place so that they can be aligned with it.
/// Purpose keys: each is a purpose of the data registry (a test proves it).
pub mod purposes {
    /// Administering people and memberships of an organisation.
    pub const ADMINISTRATION: &str = "administration";
    /// A manager following up their team's training.
    pub const TRAINING_FOLLOW_UP: &str = "training_follow_up";
    /// Teaching a course: participants, grading, attendance.
    pub const TEACHING: &str = "teaching";
    /// Completion and requirement reports.
    pub const REPORTING: &str = "reporting";
    /// A providing organisation's view of a course it shares.
    pub const SHARED_COURSE: &str = "shared_course";
    /// The person changing their own data.
    pub const SELF_SERVICE: &str = "account";
    /// The data protection officer reviewing the audit log.
    pub const AUDIT: &str = "accountability";
    /// A request to exercise a right (an account-deletion request).
    pub const RIGHTS_REQUESTS: &str = "rights_requests";
    /// A course's participants seeing each other on its participant list.
    pub const PARTICIPANT_LIST: &str = "participant_list";

    pub const ALL: &[&str] = &[
        ADMINISTRATION,
        TRAINING_FOLLOW_UP,
        TEACHING,
        REPORTING,
        SHARED_COURSE,
        SELF_SERVICE,
        AUDIT,
        RIGHTS_REQUESTS,
        PARTICIPANT_LIST,
    ];
}

/// The chain of access outside any organisation.
pub const PLATFORM_CHAIN: Uuid = Uuid::nil();

/// Reads wait at most this long before they are appended.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(250);

/// At most this many entries share a transaction.
const BATCH: usize = 2048;

/// One access to append.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AuditEntry {
    /// The organisation whose data it is (its chain); `None` for the platform's chain.
    pub organisation: Option<OrganisationId>,
    pub actor: PersonId,
    /// How the actor relates to the subjects (`org_admin`, `direct_manager`, `teacher`, …).
    pub relation: String,
    pub subjects: Vec<PersonId>,
    /// Registry field or category keys (`people.email`, `learning.progress`).
    pub fields: Vec<String>,
    pub purpose: &'static str,
    pub action: Action,
    /// The organisation the actor acted for, when it is not the chain's.
    pub acting_organisation: Option<OrganisationId>,
}

impl AuditEntry {
    /// A read of `subjects`' data in `org`.
    pub fn read(
        org: OrganisationId,
        actor: PersonId,
        relation: &str,
        subjects: Vec<PersonId>,
        fields: &[&str],
        purpose: &'static str,
    ) -> Self {
        debug_assert!(
            fields
                .iter()
                .all(|f| *f == "audit.entries" || domain::registry::Category::find(f).is_some()),
            "audit fields must be registry categories: {fields:?}"
        );
        Self {
            organisation: Some(org),
            actor,
            relation: relation.to_owned(),
            subjects,
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            purpose,
            action: Action::Read,
            acting_organisation: None,
        }
    }

    /// A change of `subjects`' data in `org` (`None`: the platform's chain).
    pub fn change(
        org: Option<OrganisationId>,
        actor: PersonId,
        relation: &str,
        subjects: Vec<PersonId>,
        fields: &[&str],
        purpose: &'static str,
    ) -> Self {
        Self {
            action: Action::Change,
            organisation: org,
            ..Self::read(
                OrganisationId(PLATFORM_CHAIN),
                actor,
                relation,
                subjects,
                fields,
                purpose,
            )
        }
    }

    /// The same access, done by someone acting for another organisation.
    pub fn acting_for(mut self, org: OrganisationId) -> Self {
        if self.organisation != Some(org) {
            self.acting_organisation = Some(org);
        }
        self
    }

    fn chain(&self) -> Uuid {
        self.organisation.map_or(PLATFORM_CHAIN, |o| o.0)
    }
}

/// Appends a change inside the caller's transaction, so it commits (or not) with the change.
/// A change naming nobody (an import that changed no row) leaves no entry.
pub async fn append_change(db: &mut Db, entry: AuditEntry) -> Result<()> {
    if entry.subjects.is_empty() {
        return Ok(());
    }
    append_all(db, std::slice::from_ref(&entry), &Known::default())
        .await
        .map(drop)
}

/// Audit keys and subject sets known to be stored, so that a batch asks the database only
/// about people and sets it has not met before. Keys never change once made (erasure deletes a
/// key, and an entry queued before that keeps naming the deleted key, which identifies no one);
/// sets are content-addressed. What a transaction found or made joins only after it commits.
#[derive(Debug, Default)]
struct Known {
    keys: FxHashMap<Uuid, Uuid>,
    sets: FxHashSet<Uuid>,
    /// The people of a page seen before → their keys and their stored list's id.
    lists: FxHashMap<Vec<PersonId>, (Vec<Uuid>, Uuid)>,
}

impl Known {
    /// Beyond this many keys or sets the cache starts again (a few tens of MB at most).
    const LIMIT: usize = 200_000;

    /// Beyond this many lists of people (each up to a page) that cache starts again.
    const LISTS: usize = 10_000;

    fn absorb(&mut self, new: Known) {
        if self.keys.len() + new.keys.len() > Self::LIMIT {
            self.keys.clear();
        }
        if self.sets.len() + new.sets.len() > Self::LIMIT {
            self.sets.clear();
        }
        if self.lists.len() + new.lists.len() > Self::LISTS {
            self.lists.clear();
        }
        self.keys.extend(new.keys);
        self.sets.extend(new.sets);
        self.lists.extend(new.lists);
    }
}

/// The id of a subject list: the first 16 bytes of SHA-256 over its keys in order (a page
/// shows its people in the same order each time).
fn set_id(keys: &[u8]) -> Uuid {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(b"tavle-audit-subject-set-v1\0");
    hasher.update(keys);
    let digest = hasher.finalize();
    let mut id = [0_u8; 16];
    id.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(id)
}

/// The audit keys of `people` not in `known`, created on first use. An actor who is not a
/// person (a service account acting through an API token) is named by its own id: it has no
/// privacy to keep.
async fn keys_of(db: &mut Db, unknown: &[Uuid]) -> Result<FxHashMap<Uuid, Uuid>> {
    let mut out = FxHashMap::default();
    let at = now();
    for chunk in unknown.chunks(300) {
        let persons: Vec<Uuid> = with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new("SELECT id FROM people WHERE id IN (");
            let mut list = q.separated(", ");
            for p in chunk {
                list.push_bind(*p);
            }
            q.push(")");
            q.build_query_scalar().fetch_all(&mut *c).await
        })?;
        for id in chunk.iter().filter(|id| !persons.contains(id)) {
            out.insert(*id, *id);
        }
        if persons.is_empty() {
            continue;
        }
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO audit_keys (person_id, audit_key, created_at) ",
            );
            q.push_values(&persons, |mut b, p| {
                b.push_bind(*p).push_bind(Uuid::new_v4()).push_bind(at);
            });
            q.push(" ON CONFLICT (person_id) DO NOTHING");
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        let rows: Vec<(Uuid, Uuid)> = with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT person_id, audit_key FROM audit_keys WHERE person_id IN (",
            );
            let mut list = q.separated(", ");
            for p in &persons {
                list.push_bind(*p);
            }
            q.push(")");
            q.build_query_as().fetch_all(&mut *c).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// Stores the subject lists of `sets` (id → keys, 16 bytes each) that are neither in `known`
/// nor in the database, with a member row per key; returns the ids now known to be stored. A
/// list another transaction is storing at the same moment is left to it (`ON CONFLICT DO
/// NOTHING` waits for that one on PostgreSQL).
async fn store_sets(
    db: &mut Db,
    sets: &BTreeMap<Uuid, Vec<u8>>,
    known: &Known,
) -> Result<FxHashSet<Uuid>> {
    let unknown: Vec<(Uuid, &[u8])> = sets
        .iter()
        .filter(|(id, _)| !known.sets.contains(id))
        .map(|(id, keys)| (*id, keys.as_slice()))
        .collect();
    for chunk in unknown.chunks(200) {
        let new: FxHashSet<Uuid> = with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO audit_subject_sets (set_id, keys) ");
            q.push_values(chunk, |mut b, (id, keys)| {
                b.push_bind(*id).push_bind(*keys);
            });
            q.push(" ON CONFLICT (set_id) DO NOTHING RETURNING set_id");
            q.build_query_scalar::<Uuid>().fetch_all(&mut *c).await
        })?
        .into_iter()
        .collect();
        let members: Vec<(Uuid, Uuid)> = chunk
            .iter()
            .filter(|(id, _)| new.contains(id))
            .flat_map(|(id, keys)| keys.chunks_exact(16).map(move |k| (key_from(k), *id)))
            .collect();
        // Two bound values a row, well under both backends' limits (an import names thousands).
        for rows in members.chunks(2000) {
            with_conn!(db, |c| {
                let mut q =
                    sqlx::QueryBuilder::new("INSERT INTO audit_set_members (subject_key, set_id) ");
                q.push_values(rows, |mut b, (key, id)| {
                    b.push_bind(*key).push_bind(*id);
                });
                q.push(" ON CONFLICT DO NOTHING");
                q.build().execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
    }
    Ok(unknown.into_iter().map(|(id, _)| id).collect())
}

fn key_from(bytes: &[u8]) -> Uuid {
    Uuid::from_slice(bytes).unwrap_or_default()
}

/// The keys of a stored subject list.
fn keys_from(bytes: &[u8]) -> Vec<Uuid> {
    bytes.chunks_exact(16).map(key_from).collect()
}

/// A person's audit key, if they have one (nothing about them was logged otherwise).
async fn key_of(db: &mut Db, person: PersonId) -> Result<Option<Uuid>> {
    Ok(with_conn!(db, |c| sqlx::query_scalar(
        "SELECT audit_key FROM audit_keys WHERE person_id = $1"
    )
    .bind(person.0)
    .fetch_optional(&mut *c)
    .await)?)
}

fn micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

/// One entry ready to insert.
struct Row {
    content: EntryContent,
    set: Uuid,
    prev: String,
    hash: String,
}

/// Appends entries (to one or more chains) in `db`'s transaction, asking the database only
/// about keys and sets not in `known`; returns what it found or made, for the caller to add to
/// `known` once the transaction has committed. Keys are resolved first and each chain's head
/// is then locked in chain order, so appends never deadlock each other.
async fn append_all(db: &mut Db, entries: &[AuditEntry], known: &Known) -> Result<Known> {
    let mut found = Known::default();
    if entries.is_empty() {
        return Ok(found);
    }
    let listed = |e: &AuditEntry| known.lists.get(&e.subjects);
    let mut unknown: Vec<Uuid> = entries
        .iter()
        .flat_map(|e| {
            let subjects = if listed(e).is_some() {
                &[][..]
            } else {
                &e.subjects[..]
            };
            std::iter::once(e.actor.0).chain(subjects.iter().map(|s| s.0))
        })
        .filter(|p| !known.keys.contains_key(p))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    found.keys = keys_of(db, &unknown).await?;
    let key = |p: &PersonId| {
        found
            .keys
            .get(&p.0)
            .or_else(|| known.keys.get(&p.0))
            .copied()
            .ok_or(StoreError::NotFound)
    };
    // Each entry's subjects in the order given (what its hash covers) and their list.
    let mut sets: BTreeMap<Uuid, Vec<u8>> = BTreeMap::new();
    let mut named: Vec<(Vec<Uuid>, Uuid)> = Vec::with_capacity(entries.len());
    for e in entries {
        if let Some((subjects, id)) = listed(e) {
            named.push((subjects.clone(), *id));
            continue;
        }
        let mut subjects = Vec::with_capacity(e.subjects.len());
        let mut bytes = Vec::with_capacity(16 * e.subjects.len());
        let mut seen = FxHashSet::default();
        for s in &e.subjects {
            let k = key(s)?;
            if seen.insert(k) {
                subjects.push(k);
                bytes.extend_from_slice(k.as_bytes());
            }
        }
        let id = set_id(&bytes);
        sets.entry(id).or_insert(bytes);
        found
            .lists
            .insert(e.subjects.clone(), (subjects.clone(), id));
        named.push((subjects, id));
    }
    let actors: Vec<Uuid> = entries
        .iter()
        .map(|e| key(&e.actor))
        .collect::<Result<_>>()?;
    found.sets = store_sets(db, &sets, known).await?;
    let mut chains: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        chains.entry(e.chain()).or_default().push(i);
    }
    let at = now();
    for (chain, list) in chains {
        let (mut seq, mut prev) = lock_head(db, chain).await?;
        let mut rows = Vec::with_capacity(list.len());
        for i in list {
            let e = &entries[i];
            let (subjects, set) = std::mem::take(&mut named[i]);
            seq += 1;
            let content = EntryContent {
                organisation: chain,
                seq,
                at_micros: micros(at),
                actor: actors[i],
                action: e.action,
                subjects,
                relation: e.relation.clone(),
                fields: e.fields.clone(),
                purpose: e.purpose.to_owned(),
                acting_organisation: e.acting_organisation.map(|o| o.0),
            };
            let hash = domain::audit::hash(&content, &prev);
            rows.push(Row {
                content,
                set,
                prev: std::mem::replace(&mut prev, hash.clone()),
                hash,
            });
        }
        insert(db, &rows, at).await?;
        with_conn!(db, |c| sqlx::query(
            "UPDATE audit_heads SET seq = $2, hash = $3 WHERE organisation_id = $1"
        )
        .bind(chain)
        .bind(seq)
        .bind(&prev)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(found)
}

/// The chain's last seq and hash, with its head row locked until the transaction ends
/// (`FOR UPDATE` on PostgreSQL; a SQLite transaction is exclusive already).
async fn lock_head(db: &mut Db, chain: Uuid) -> Result<(i64, String)> {
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO audit_heads (organisation_id, seq, hash) VALUES ($1, 0, $2) \
         ON CONFLICT (organisation_id) DO NOTHING"
    )
    .bind(chain)
    .bind(GENESIS)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let head: (i64, String) = with_dialect!(db,
        sqlite: "SELECT seq, hash FROM audit_heads WHERE organisation_id = $1",
        postgres: "SELECT seq, hash FROM audit_heads WHERE organisation_id = $1 FOR UPDATE",
        |c, sql| sqlx::query_as(sql).bind(chain).fetch_one(&mut *c).await)?;
    Ok(head)
}

/// Inserts one chain's new entries, many to a statement. Their subjects are in their lists.
async fn insert(db: &mut Db, rows: &[Row], at: OffsetDateTime) -> Result<()> {
    let mut encoded = Vec::with_capacity(rows.len());
    for r in rows {
        let fields =
            serde_json::to_string(&r.content.fields).map_err(|_| StoreError::Corrupt("audit"))?;
        encoded.push((r, fields));
    }
    // Twelve bound values a row, well under both backends' limits.
    for chunk in encoded.chunks(100) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO audit_entries (organisation_id, seq, at, actor_key, action, \
                 subject_set, relation, fields, purpose, acting_organisation_id, prev_hash, hash) ",
            );
            q.push_values(chunk, |mut b, (r, fields)| {
                let e = &r.content;
                b.push_bind(e.organisation)
                    .push_bind(e.seq)
                    .push_bind(at)
                    .push_bind(e.actor)
                    .push_bind(e.action.as_str())
                    .push_bind(r.set)
                    .push_bind(e.relation.as_str())
                    .push_bind(fields.as_str())
                    .push_bind(e.purpose.as_str())
                    .push_bind(e.acting_organisation)
                    .push_bind(r.prev.as_str())
                    .push_bind(r.hash.as_str());
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

enum Message {
    Entry(AuditEntry),
    Flush(oneshot::Sender<()>),
}

/// The handle to the task that appends reads in batches (cheap to clone).
#[derive(Clone, Debug)]
pub struct AuditSink {
    tx: mpsc::Sender<Message>,
}

impl AuditSink {
    /// Starts the task on the current runtime.
    pub fn spawn(store: Store) -> Self {
        let (tx, rx) = mpsc::channel(4 * BATCH);
        tokio::spawn(run(store, rx));
        Self { tx }
    }

    /// Queues a read; it is appended within [`FLUSH_INTERVAL`] (and a batch's time). Waits only
    /// when the queue is full, so reads never outrun their audit.
    pub async fn record(&self, entry: AuditEntry) {
        if entry.subjects.is_empty() {
            return;
        }
        if self.tx.send(Message::Entry(entry)).await.is_err() {
            tracing::error!("the audit writer has stopped; a read was not audited");
        }
    }

    /// Returns once everything recorded before has been appended (at shutdown, in tests).
    pub async fn flush(&self) {
        let (reply, done) = oneshot::channel();
        if self.tx.send(Message::Flush(reply)).await.is_ok() {
            let _ = done.await;
        }
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Message>) {
    let mut known = Known::default();
    let mut batch: Vec<AuditEntry> = Vec::with_capacity(BATCH);
    while let Some(first) = rx.recv().await {
        let mut waiting = Vec::new();
        match first {
            Message::Entry(e) => batch.push(e),
            Message::Flush(reply) => waiting.push(reply),
        }
        let deadline = tokio::time::Instant::now() + FLUSH_INTERVAL;
        while waiting.is_empty() && batch.len() < BATCH {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(Message::Entry(e))) => batch.push(e),
                Ok(Some(Message::Flush(reply))) => waiting.push(reply),
                Ok(None) | Err(_) => break,
            }
        }
        let entries = coalesced(std::mem::take(&mut batch));
        write(&store, &entries, &mut known).await;
        for reply in waiting {
            let _ = reply.send(());
        }
    }
}

/// The batch with repeats of the same read left out: the same actor seeing the same people's
/// same fields for the same purpose within one flush interval is one access (a page reloaded,
/// or opened in several tabs), and the log records it once, at the first time.
fn coalesced(batch: Vec<AuditEntry>) -> Vec<AuditEntry> {
    let mut keep = vec![true; batch.len()];
    let mut seen = FxHashSet::default();
    for (i, e) in batch.iter().enumerate() {
        keep[i] = seen.insert(e);
    }
    drop(seen);
    batch
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

async fn write(store: &Store, entries: &[AuditEntry], known: &mut Known) {
    if entries.is_empty() {
        return;
    }
    match append_batch(store, entries, known).await {
        Ok(found) => known.absorb(found),
        Err(e) => {
            tracing::warn!(error = %e, entries = entries.len(), "audit batch failed; appending one by one");
            for entry in entries {
                match append_batch(store, std::slice::from_ref(entry), known).await {
                    Ok(found) => known.absorb(found),
                    Err(e) => tracing::error!(error = %e, "an audit entry could not be appended"),
                }
            }
        }
    }
}

async fn append_batch(store: &Store, entries: &[AuditEntry], known: &Known) -> Result<Known> {
    let mut db = store.begin().await?;
    let found = append_all(&mut db, entries, known).await?;
    db.commit().await?;
    Ok(found)
}

/// The platform's signing key (DESIGN.md §3b).
#[derive(Clone)]
pub struct Signer(SigningKey);

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Signer").field(&self.public_key()).finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or write the signing key {0}: {1}")]
    Io(String, std::io::Error),
    #[error("the signing key {0} is not 32 bytes")]
    Invalid(String),
}

impl Signer {
    /// Loads the key at `path` (32 raw bytes), creating it with mode 0600 if it is missing.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => {
                let bytes: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| KeyError::Invalid(name))?;
                Ok(Self(SigningKey::from_bytes(&bytes)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let secret: [u8; 32] = rand::random();
                write_secret(path, &secret).map_err(|e| KeyError::Io(name, e))?;
                Ok(Self(SigningKey::from_bytes(&secret)))
            }
            Err(e) => Err(KeyError::Io(name, e)),
        }
    }

    /// The public key, base64.
    pub fn public_key(&self) -> String {
        BASE64.encode(self.0.verifying_key().as_bytes())
    }

    fn sign(&self, message: &[u8]) -> String {
        BASE64.encode(self.0.sign(message).to_bytes())
    }
}

pub(crate) fn write_secret(path: &Path, secret: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(secret)?;
    file.sync_all()
}

/// A signed statement that a chain had reached `seq` with `hash` at `at`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub organisation: Uuid,
    pub seq: i64,
    pub hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub public_key: String,
    pub signature: String,
}

impl Checkpoint {
    /// Whether the signature is the holder of `public_key`'s over this checkpoint.
    pub fn signature_is_valid(&self) -> bool {
        let decode = |s: &str| BASE64.decode(s).ok();
        let (Some(key), Some(sig)) = (decode(&self.public_key), decode(&self.signature)) else {
            return false;
        };
        let (Ok(key), Ok(sig)) = (<[u8; 32]>::try_from(key), <[u8; 64]>::try_from(sig)) else {
            return false;
        };
        let Ok(key) = VerifyingKey::from_bytes(&key) else {
            return false;
        };
        let message = domain::audit::checkpoint_message(
            self.organisation,
            self.seq,
            &self.hash,
            micros(self.at),
        );
        key.verify(&message, &Signature::from_bytes(&sig)).is_ok()
    }
}

/// The chains that have entries (organisation ids; the nil UUID is the platform's).
pub async fn chains(db: &mut Db) -> Result<Vec<Uuid>> {
    Ok(with_conn!(db, |c| sqlx::query_scalar(
        "SELECT organisation_id FROM audit_heads ORDER BY organisation_id"
    )
    .fetch_all(&mut *c)
    .await)?)
}

/// Signs and stores a checkpoint at the chain's head.
pub async fn checkpoint(db: &mut Db, chain: Uuid, signer: &Signer) -> Result<Checkpoint> {
    let head: Option<(i64, String)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT seq, hash FROM audit_heads WHERE organisation_id = $1"
    )
    .bind(chain)
    .fetch_optional(&mut *c)
    .await)?;
    let (seq, hash) = head.unwrap_or((0, GENESIS.to_owned()));
    let at = now().replace_microsecond(0).unwrap_or_else(|_| now());
    let signature = signer.sign(&domain::audit::checkpoint_message(
        chain,
        seq,
        &hash,
        micros(at),
    ));
    if seq > 0 {
        with_conn!(db, |c| sqlx::query(
            "INSERT INTO audit_checkpoints (organisation_id, seq, hash, at, signature) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organisation_id, seq) DO NOTHING"
        )
        .bind(chain)
        .bind(seq)
        .bind(&hash)
        .bind(at)
        .bind(&signature)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(Checkpoint {
        organisation: chain,
        seq,
        hash,
        at,
        public_key: signer.public_key(),
        signature,
    })
}

/// What `verify` found in one chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyReport {
    /// The chain is whole: this many entries.
    Ok(i64),
    /// The first bad entry.
    Bad(Failure),
    /// The checkpoint given is not signed by its key, or by another key than the platform's.
    BadCheckpoint,
}

type EntryRow = (
    i64,
    OffsetDateTime,
    Uuid,
    String,
    Option<String>,
    Option<Vec<u8>>,
    String,
    String,
    String,
    Option<Uuid>,
    String,
    String,
);

/// Checks one chain from its first entry: every hash, every link, no gap, and that it still
/// reaches its head, every stored checkpoint and `checkpoint` (from elsewhere) if given.
/// `public_key` is the platform's: a checkpoint signed by another key is refused.
pub async fn verify(
    db: &mut Db,
    chain: Uuid,
    checkpoint: Option<&Checkpoint>,
    public_key: Option<&str>,
) -> Result<VerifyReport> {
    let mut anchors: Vec<Anchor> = Vec::new();
    if let Some(cp) = checkpoint {
        let foreign = public_key.is_some_and(|k| k != cp.public_key);
        if cp.organisation != chain || foreign || !cp.signature_is_valid() {
            return Ok(VerifyReport::BadCheckpoint);
        }
        if cp.seq > 0 {
            anchors.push(Anchor {
                seq: cp.seq,
                hash: cp.hash.clone(),
            });
        }
    }
    let stored: Vec<(i64, String)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT seq, hash FROM audit_heads WHERE organisation_id = $1 AND seq > 0 \
         UNION ALL SELECT seq, hash FROM audit_checkpoints WHERE organisation_id = $1"
    )
    .bind(chain)
    .fetch_all(&mut *c)
    .await)?;
    anchors.extend(stored.into_iter().map(|(seq, hash)| Anchor { seq, hash }));
    let mut verifier = Verifier::new(anchors);
    let mut after = 0_i64;
    loop {
        let rows: Vec<EntryRow> = with_conn!(db, |c| {
            sqlx::query_as(
            "SELECT e.seq, e.at, e.actor_key, e.action, e.subjects, s.keys, e.relation, e.fields, \
             e.purpose, e.acting_organisation_id, e.prev_hash, e.hash FROM audit_entries e \
             LEFT JOIN audit_subject_sets s ON s.set_id = e.subject_set \
             WHERE e.organisation_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT 1000"
        )
        .bind(chain)
        .bind(after)
        .fetch_all(&mut *c)
        .await
        })?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (seq, at, actor, action, own, listed, relation, fields, purpose, acting, prev, hash) in
            rows
        {
            // A value that no longer parses was edited: it cannot hash as before.
            let content = EntryContent {
                organisation: chain,
                seq,
                at_micros: micros(at),
                actor,
                action: Action::parse(&action).unwrap_or(Action::Read),
                subjects: subjects_of(own.as_deref(), listed.as_deref()).unwrap_or_default(),
                relation,
                fields: serde_json::from_str(&fields).unwrap_or_else(|_| vec![fields]),
                purpose,
                acting_organisation: acting,
            };
            verifier.push(&StoredEntry {
                content,
                prev_hash: prev,
                hash,
            });
        }
    }
    Ok(match verifier.finish() {
        Ok(n) => VerifyReport::Ok(n),
        Err(f) => VerifyReport::Bad(f),
    })
}

/// One entry as the person it names sees it: never the other subjects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenEntry {
    pub at: OffsetDateTime,
    pub action: Action,
    pub relation: String,
    /// The organisation whose chain it is (`None`: the platform).
    pub organisation: Option<String>,
    pub fields: Vec<String>,
    pub purpose: String,
}

type SeenRow = (
    OffsetDateTime,
    String,
    String,
    Option<String>,
    String,
    String,
);

/// "Who has seen my data": entries naming the person where someone else acted, newest first.
pub async fn seen_by_others(
    db: &mut Db,
    person: PersonId,
    limit: i64,
    offset: i64,
) -> Result<Vec<SeenEntry>> {
    let Some(key) = key_of(db, person).await? else {
        return Ok(Vec::new());
    };
    let rows: Vec<SeenRow> = with_conn!(db, |c| sqlx::query_as(
        "SELECT e.at, e.action, e.relation, o.name, e.fields, e.purpose \
         FROM audit_set_members m \
         JOIN audit_entries e ON e.subject_set = m.set_id \
         LEFT JOIN organisations o ON o.id = e.organisation_id \
         WHERE m.subject_key = $1 AND e.actor_key <> $1 \
         ORDER BY e.at DESC, e.seq DESC LIMIT CAST($2 AS BIGINT) OFFSET CAST($3 AS BIGINT)"
    )
    .bind(key)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter()
        .map(|(at, action, relation, organisation, fields, purpose)| {
            Ok(SeenEntry {
                at,
                action: crate::stored(Action::parse(&action), "audit_entries.action")?,
                relation,
                organisation,
                fields: serde_json::from_str(&fields)
                    .map_err(|_| StoreError::Corrupt("audit_entries.fields"))?,
                purpose,
            })
        })
        .collect()
}

/// What the DPO searches for; every part optional.
#[derive(Clone, Debug, Default)]
pub struct Search {
    pub subject: Option<PersonId>,
    pub actor: Option<PersonId>,
    /// From the start of this day (UTC).
    pub from: Option<time::Date>,
    /// To the end of this day (UTC).
    pub to: Option<time::Date>,
    pub purpose: Option<String>,
}

/// A person named in an entry, as the DPO sees them (`None` once erased).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub person: Option<PersonId>,
    pub name: Option<String>,
}

/// One entry of an organisation's log, for its DPO.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub action: Action,
    pub actor: Named,
    pub relation: String,
    pub subjects: Vec<Named>,
    pub fields: Vec<String>,
    pub purpose: String,
}

type LogRow = (
    i64,
    OffsetDateTime,
    Uuid,
    String,
    String,
    Option<String>,
    Option<Vec<u8>>,
    String,
    String,
);

/// An entry's subjects: its own list (entries from before subject lists) or its stored list's.
fn subjects_of(own: Option<&str>, listed: Option<&[u8]>) -> Option<Vec<Uuid>> {
    match (own, listed) {
        (Some(json), _) => serde_json::from_str(json).ok(),
        (None, Some(keys)) if keys.len() % 16 == 0 => Some(keys_from(keys)),
        _ => None,
    }
}

/// An organisation's log, newest first, filtered by `search`. A person who has no audit key
/// was never logged, so searching for them finds nothing.
pub async fn search(
    db: &mut Db,
    org: OrganisationId,
    search: &Search,
    limit: i64,
    offset: i64,
) -> Result<Vec<LogEntry>> {
    let subject = match search.subject {
        Some(p) => match key_of(db, p).await? {
            Some(k) => Some(k),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    let actor = match search.actor {
        Some(p) => match key_of(db, p).await? {
            Some(k) => Some(k),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    let from = search.from.map(|d| d.midnight().assume_utc());
    let to = search
        .to
        .and_then(|d| d.next_day())
        .map(|d| d.midnight().assume_utc());
    let rows: Vec<LogRow> = with_conn!(db, |c| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT e.seq, e.at, e.actor_key, e.action, e.relation, e.subjects, s.keys, e.fields, \
             e.purpose FROM audit_entries e \
             LEFT JOIN audit_subject_sets s ON s.set_id = e.subject_set WHERE e.organisation_id = ",
        );
        q.push_bind(org.0);
        if let Some(k) = subject {
            q.push(" AND e.subject_set IN (SELECT m.set_id FROM audit_set_members m WHERE m.subject_key = ")
                .push_bind(k)
                .push(")");
        }
        if let Some(k) = actor {
            q.push(" AND e.actor_key = ").push_bind(k);
        }
        if let Some(from) = from {
            q.push(" AND e.at >= ").push_bind(from);
        }
        if let Some(to) = to {
            q.push(" AND e.at < ").push_bind(to);
        }
        if let Some(p) = &search.purpose {
            q.push(" AND e.purpose = ").push_bind(p.clone());
        }
        q.push(" ORDER BY e.seq DESC LIMIT CAST(")
            .push_bind(limit)
            .push(" AS BIGINT) OFFSET CAST(")
            .push_bind(offset)
            .push(" AS BIGINT)");
        q.build_query_as().fetch_all(&mut *c).await
    })?;
    let mut parsed = Vec::with_capacity(rows.len());
    let mut keys: Vec<Uuid> = Vec::new();
    for (seq, at, actor, action, relation, own, listed, fields, purpose) in rows {
        let subjects = subjects_of(own.as_deref(), listed.as_deref())
            .ok_or(StoreError::Corrupt("audit_entries.subjects"))?;
        keys.push(actor);
        keys.extend(&subjects);
        parsed.push((seq, at, actor, action, relation, subjects, fields, purpose));
    }
    keys.sort_unstable();
    keys.dedup();
    let names = names_of(db, &keys).await?;
    let named = |k: &Uuid| match names.get(k) {
        Some((p, n)) => Named {
            person: Some(*p),
            name: Some(n.clone()),
        },
        None => Named {
            person: None,
            name: None,
        },
    };
    parsed
        .into_iter()
        .map(
            |(seq, at, actor, action, relation, subjects, fields, purpose)| {
                Ok(LogEntry {
                    seq,
                    at,
                    action: crate::stored(Action::parse(&action), "audit_entries.action")?,
                    actor: named(&actor),
                    relation,
                    subjects: subjects.iter().map(named).collect(),
                    fields: serde_json::from_str(&fields)
                        .map_err(|_| StoreError::Corrupt("audit_entries.fields"))?,
                    purpose,
                })
            },
        )
        .collect()
}

/// The people behind audit keys (erased people have no key any more).
async fn names_of(db: &mut Db, keys: &[Uuid]) -> Result<HashMap<Uuid, (PersonId, String)>> {
    let mut out = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(300) {
        let rows: Vec<(Uuid, Uuid, String, String)> = with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT k.audit_key, p.id, p.given_name, p.family_name FROM audit_keys k \
                 JOIN people p ON p.id = k.person_id WHERE k.audit_key IN (",
            );
            let mut list = q.separated(", ");
            for k in chunk {
                list.push_bind(*k);
            }
            q.push(")");
            q.build_query_as().fetch_all(&mut *c).await
        })?;
        for (key, person, given, family) in rows {
            out.insert(key, (PersonId(person), format!("{given} {family}")));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_and_checkpoints_verify_only_unchanged() {
        let path = std::env::temp_dir().join(format!("tavle-key-{}", Uuid::new_v4()));
        let signer = Signer::load_or_create(&path).expect("create");
        let again = Signer::load_or_create(&path).expect("load");
        assert_eq!(signer.public_key(), again.public_key());
        let at = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        let hash = "ab".repeat(32);
        let message = domain::audit::checkpoint_message(Uuid::nil(), 7, &hash, micros(at));
        let checkpoint = Checkpoint {
            organisation: Uuid::nil(),
            seq: 7,
            hash,
            at,
            public_key: signer.public_key(),
            signature: signer.sign(&message),
        };
        assert!(checkpoint.signature_is_valid());
        let json = serde_json::to_string(&checkpoint).expect("json");
        let back: Checkpoint = serde_json::from_str(&json).expect("parse");
        assert!(back.signature_is_valid());
        for forged in [
            Checkpoint {
                seq: 6,
                ..checkpoint.clone()
            },
            Checkpoint {
                hash: "cd".repeat(32),
                ..checkpoint.clone()
            },
            Checkpoint {
                signature: "not base64".into(),
                ..checkpoint.clone()
            },
        ] {
            assert!(!forged.signature_is_valid());
        }
        std::fs::write(&path, b"short").expect("write");
        assert!(matches!(
            Signer::load_or_create(&path),
            Err(KeyError::Invalid(_))
        ));
        let _ = std::fs::remove_file(&path);
    }
}
