//! Uploaded files: the bytes in a file store (local disk under the data directory; the enum
//! leaves room for an S3-compatible store), kept once under their SHA-256, and a row per upload
//! saying what it is for. An upload is streamed to a temporary file while it is hashed,
//! counted and its first bytes kept for the type check; only a file that passes is kept.

use std::path::PathBuf;

use domain::learning::files::FileType;
use domain::{CourseId, FileId, OrganisationId, PersonId};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::{Db, Result, StoreError, now, stored, with_conn};

/// How many first bytes the type check looks at.
pub const HEAD_BYTES: usize = 8192;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
    /// The upload passed its size limit (the rest was not read).
    #[error("file too large")]
    TooLarge,
}

/// Where file bytes live.
#[derive(Clone, Debug)]
pub enum FileStore {
    /// `root/ab/abcdef…` under the data directory.
    Local { root: PathBuf },
}

/// An upload being received.
pub struct Staging {
    file: tokio::fs::File,
    path: PathBuf,
    hasher: Sha256,
    size: u64,
    max: u64,
    head: Vec<u8>,
}

/// An upload received in full, not yet kept.
pub struct Staged {
    path: PathBuf,
    pub hash: String,
    pub size: u64,
    /// The first [`HEAD_BYTES`] (for the type check).
    pub head: Vec<u8>,
}

impl FileStore {
    pub fn local(root: PathBuf) -> Self {
        Self::Local { root }
    }

    fn root(&self) -> &PathBuf {
        match self {
            Self::Local { root } => root,
        }
    }

    fn path_of(&self, hash: &str) -> PathBuf {
        self.root().join(hash.get(..2).unwrap_or("00")).join(hash)
    }

    /// Starts receiving an upload of at most `max` bytes.
    pub async fn begin(&self, max: u64) -> Result<Staging, FileError> {
        let dir = self.root().join("incoming");
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(Uuid::new_v4().to_string());
        let file = tokio::fs::File::create(&path).await?;
        Ok(Staging {
            file,
            path,
            hasher: Sha256::new(),
            size: 0,
            max,
            head: Vec::new(),
        })
    }

    /// Keeps a received upload under its hash (once: the same bytes uploaded again share it).
    pub async fn keep(&self, staged: Staged) -> Result<(), FileError> {
        let target = self.path_of(&staged.hash);
        if tokio::fs::try_exists(&target).await? {
            tokio::fs::remove_file(&staged.path).await?;
            return Ok(());
        }
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        tokio::fs::rename(&staged.path, &target).await?;
        Ok(())
    }

    /// Stores bytes the program itself provides (the demo's files) under their hash, as an
    /// upload would be; returns the hash.
    pub async fn put(&self, bytes: &[u8]) -> Result<String, FileError> {
        let mut staging = self.begin(bytes.len() as u64).await?;
        staging.write(bytes).await?;
        let staged = staging.finish().await?;
        let hash = staged.hash.clone();
        self.keep(staged).await?;
        Ok(hash)
    }

    /// Drops a received upload that was refused.
    pub async fn discard(&self, staged: Staged) {
        let _ = tokio::fs::remove_file(&staged.path).await;
    }

    /// The stored bytes of a file, for streaming to someone allowed to read them.
    pub async fn open(&self, hash: &str) -> Result<tokio::fs::File, FileError> {
        Ok(tokio::fs::File::open(self.path_of(hash)).await?)
    }

    /// Removes stored bytes that no row refers to any more.
    pub async fn remove(&self, hash: &str) -> Result<(), FileError> {
        match tokio::fs::remove_file(self.path_of(hash)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

impl Staging {
    /// Takes the next chunk; past the limit the upload is abandoned and its temporary file removed.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        self.size += chunk.len() as u64;
        if self.size > self.max {
            let _ = tokio::fs::remove_file(&self.path).await;
            return Err(FileError::TooLarge);
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head
                .extend_from_slice(chunk.get(..take).unwrap_or_default());
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).await?;
        Ok(())
    }

    pub async fn finish(mut self) -> Result<Staged, FileError> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        let hash = self
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Staged {
            path: self.path,
            hash,
            size: self.size,
            head: self.head,
        })
    }
}

/// What a file was uploaded for (it decides who may read it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// An image on a content page: whoever may see the course.
    ContentImage,
    /// An assignment submission: the learner and the course's teachers.
    Submission,
    /// Proof of training done elsewhere: the learner and who approves it.
    Proof,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ContentImage => "content_image",
            Self::Submission => "submission",
            Self::Proof => "proof",
        }
    }

    fn parse(s: &str) -> std::result::Result<Self, &'static str> {
        match s {
            "content_image" => Ok(Self::ContentImage),
            "submission" => Ok(Self::Submission),
            "proof" => Ok(Self::Proof),
            _ => Err("invalid_choice"),
        }
    }
}

/// A stored file's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub id: FileId,
    pub organisation_id: OrganisationId,
    pub content_hash: String,
    pub size: i64,
    pub file_type: FileType,
    pub name: String,
    pub purpose: Purpose,
    pub course_id: Option<CourseId>,
    pub uploaded_by: Option<PersonId>,
    pub created_at: OffsetDateTime,
}

/// Records a kept file.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &mut Db,
    org: OrganisationId,
    hash: &str,
    size: u64,
    file_type: FileType,
    name: &str,
    purpose: Purpose,
    course: Option<CourseId>,
    by: Option<PersonId>,
) -> Result<FileId> {
    let id = FileId::new();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO files (organisation_id, id, content_hash, size, file_type, name, purpose, course_id, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(hash)
    .bind(size as i64)
    .bind(file_type.as_str())
    .bind(name)
    .bind(purpose.as_str())
    .bind(course.map(|c| c.0))
    .bind(by.map(|b| b.0))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

pub async fn get(db: &mut Db, org: OrganisationId, id: FileId) -> Result<StoredFile> {
    type Row = (
        Uuid,
        String,
        i64,
        String,
        String,
        String,
        Option<Uuid>,
        Option<Uuid>,
        OffsetDateTime,
    );
    let row: Option<Row> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, content_hash, size, file_type, name, purpose, course_id, uploaded_by, created_at FROM files \
         WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    let (id, hash, size, file_type, name, purpose, course, by, created_at) =
        row.ok_or(StoreError::NotFound)?;
    Ok(StoredFile {
        id: FileId(id),
        organisation_id: org,
        content_hash: hash,
        size,
        file_type: stored(FileType::parse(&file_type), "files.file_type")?,
        name,
        purpose: stored(Purpose::parse(&purpose), "files.purpose")?,
        course_id: course.map(CourseId),
        uploaded_by: by.map(PersonId),
        created_at,
    })
}

/// Whether any row still refers to these bytes.
pub async fn hash_in_use(db: &mut Db, hash: &str) -> Result<bool> {
    let found: Option<i32> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT 1 FROM files WHERE content_hash = $1 LIMIT 1"
    )
    .bind(hash)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(found.is_some())
}

/// Who may read a submission or proof file: the learner it belongs to.
pub async fn owner_of_work(
    db: &mut Db,
    org: OrganisationId,
    file: FileId,
) -> Result<Option<PersonId>> {
    let owner: Option<Uuid> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT e.person_id FROM enrollments e WHERE e.organisation_id = $1 AND e.id IN ( \
           SELECT enrollment_id FROM submissions WHERE organisation_id = $1 AND file_id = $2 \
           UNION SELECT enrollment_id FROM external_records WHERE organisation_id = $1 AND proof_file_id = $2) LIMIT 1"
    )
    .bind(org.0)
    .bind(file.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    Ok(owner.map(PersonId))
}
