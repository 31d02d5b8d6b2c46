//! Blob storage, the kernel's side of [`lumiku_plugin::blobs`]: the object store (the local disk
//! by default, any S3-compatible service by `storage_url`), the `blobs` rows that say which
//! objects are kept, each tenant's bytes in use against its plan's quota, and the sweep that
//! removes objects nothing refers to.
//!
//! An object lives at `<prefix>/<tenant>/<app>/<blob id>`. It is written before its row exists
//! (an upload is streamed first and charged after), so an object without a row is normal for
//! the few moments between the two; an upload that fails or is refused deletes its object, and
//! the sweep removes what a crash left behind once it is older than [`SWEEP_GRACE`].

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use lumiku_plugin::ApiError;
use lumiku_plugin::blobs::{BlobInfo, ByteStream, HEAD_BYTES, StorageUsage, Uploaded};
use lumiku_store::sql;
use lumiku_store::{Db, Tx, new_id, now};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, WriteMultipart};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::Result;

/// Where blobs are kept and how big one upload may be.
#[derive(Clone)]
pub struct StorageSettings {
    /// A local directory (`/var/lib/lumiku/blobs`, `file:///…`) or `s3://bucket/prefix`.
    pub url: String,
    /// An S3-compatible service's endpoint (MinIO, R2, a test server); AWS when unset.
    pub endpoint: Option<String>,
    /// The S3 region (default `us-east-1`, or `AWS_REGION`).
    pub region: Option<String>,
    /// Lets the S3 endpoint be plain `http://` (a service on the same host).
    pub allow_http: bool,
    /// The S3 access key id and secret; `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (or
    /// the instance's role) when unset.
    pub credentials: Option<(String, String)>,
    /// The most one upload may hold.
    pub max_upload_bytes: u64,
    /// Uploads streaming at once on this node (each buffers a part or two); past it, 503 with
    /// `Retry-After`.
    pub max_concurrent_uploads: usize,
}

impl std::fmt::Debug for StorageSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageSettings")
            .field("url", &self.url)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("allow_http", &self.allow_http)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "[redacted]"),
            )
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("max_concurrent_uploads", &self.max_concurrent_uploads)
            .finish()
    }
}

/// Bytes buffered before a part is written to S3: its smallest part.
const S3_PART_SIZE: usize = 5 * 1024 * 1024;
/// Bytes buffered before a write to the local disk.
const LOCAL_PART_SIZE: usize = 1024 * 1024;
/// Parts of one upload being written at once.
const PARTS_IN_FLIGHT: usize = 2;
/// How long an upload may send nothing before it is cut off.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest an upload may take: past it, it is cut off (408).
pub const MAX_UPLOAD_DURATION: Duration = Duration::from_secs(24 * 3600);
/// How old an object with no row must be before the sweep removes it, counted from the start of
/// its upload (the time in its UUIDv7 id, not the store's modification time, which S3 gives as
/// the start of a multipart upload): longer than an upload may take, and an hour to commit.
pub const SWEEP_GRACE: Duration = Duration::from_secs(25 * 3600);

/// The object store and where in it this platform's blobs live.
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    root: Path,
    describe: String,
    max_upload_bytes: u64,
    part_size: usize,
    uploads: tokio::sync::Semaphore,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("at", &self.describe)
            .finish()
    }
}

impl Storage {
    /// Opens the store `settings` name: a local directory is created if missing; S3 takes its
    /// credentials from the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, ...).
    pub fn open(settings: &StorageSettings) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        let url = settings.url.trim();
        let (store, root, describe, part_size): (Arc<dyn ObjectStore>, Path, String, usize) =
            if let Some(rest) = url.strip_prefix("s3://") {
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                anyhow::ensure!(!bucket.is_empty(), "storage_url s3:// needs a bucket name");
                let mut builder = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_allow_http(settings.allow_http);
                if let Some(region) = &settings.region {
                    builder = builder.with_region(region);
                }
                if let Some((key, secret)) = &settings.credentials {
                    builder = builder
                        .with_access_key_id(key)
                        .with_secret_access_key(secret);
                }
                if let Some(endpoint) = &settings.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                let store = builder.build().context("configuring the S3 storage")?;
                let root = Path::parse(prefix.trim_matches('/'))
                    .context("the storage_url's prefix is not a valid object path")?;
                let describe = format!("s3://{bucket}/{root}");
                (Arc::new(store), root, describe, S3_PART_SIZE)
            } else {
                let dir = url.strip_prefix("file://").unwrap_or(url);
                anyhow::ensure!(!dir.is_empty(), "storage_url is empty");
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the storage directory {dir}"))?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
                    .with_context(|| format!("opening the storage directory {dir}"))?
                    .with_automatic_cleanup(true);
                (
                    Arc::new(store),
                    Path::default(),
                    dir.to_owned(),
                    LOCAL_PART_SIZE,
                )
            };
        Ok(Self {
            store,
            root,
            describe,
            max_upload_bytes: settings.max_upload_bytes,
            part_size,
            uploads: tokio::sync::Semaphore::new(settings.max_concurrent_uploads.max(1)),
        })
    }

    /// Where the blobs are, for the start-up log.
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// The most one upload may hold.
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_bytes
    }

    fn path(&self, tenant_id: Uuid, app_id: &str, id: Uuid) -> Path {
        self.root
            .child(tenant_id.to_string())
            .child(app_id)
            .child(id.to_string())
    }

    /// Streams `body` into a new object of `tenant_id` and `app_id`, hashing it, counting it
    /// (413 past `limit`) and keeping its first bytes. A failure or a dropped future leaves no
    /// object.
    pub async fn upload(
        &self,
        tenant_id: Uuid,
        app_id: &str,
        mut body: ByteStream,
        limit: u64,
    ) -> std::result::Result<Uploaded, ApiError> {
        // Refused at once rather than queued: a waiting upload would hold its client's bytes.
        let _turn = self.uploads.try_acquire().map_err(|_| ApiError::busy(1))?;
        let id = new_id();
        let path = self.path(tenant_id, app_id, id);
        let upload = self.store.put_multipart(&path).await.map_err(unavailable)?;
        let mut writer = AbortOnDrop(Some(WriteMultipart::new_with_chunk_size(
            upload,
            self.part_size,
        )));
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head = Vec::with_capacity(HEAD_BYTES);
        let started = std::time::Instant::now();
        loop {
            if started.elapsed() > MAX_UPLOAD_DURATION {
                return Err(ApiError::new(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    "upload_timeout",
                    "The upload took longer than a day and was cut off",
                ));
            }
            let next = tokio::time::timeout(IDLE_TIMEOUT, body.next())
                .await
                .map_err(|_| {
                    ApiError::new(
                        axum::http::StatusCode::REQUEST_TIMEOUT,
                        "upload_timeout",
                        "The upload sent nothing for a minute and was cut off",
                    )
                })?;
            let Some(chunk) = next else { break };
            let chunk = chunk.map_err(|_| {
                ApiError::bad_request(
                    "upload_interrupted",
                    "The upload ended before its body was complete",
                )
            })?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(lumiku_plugin::blobs::upload_too_large(limit));
            }
            hasher.update(&chunk);
            if head.len() < HEAD_BYTES {
                let take = (HEAD_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            let writer = writer.0.as_mut().expect("held until finished");
            writer
                .wait_for_capacity(PARTS_IN_FLIGHT)
                .await
                .map_err(unavailable)?;
            writer.put(chunk);
        }
        let finished = writer.0.take().expect("held until finished");
        finished.finish().await.map_err(unavailable)?;
        let sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        Ok(Uploaded {
            info: BlobInfo {
                id,
                size,
                sha256,
                content_type: sniff(&head),
                created_at: now(),
            },
            head: head.into(),
        })
    }

    /// The bytes of object `id` (within `range`).
    pub async fn read(
        &self,
        tenant_id: Uuid,
        app_id: &str,
        id: Uuid,
        range: Option<Range<u64>>,
    ) -> std::result::Result<ByteStream, ApiError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self
            .store
            .get_opts(&self.path(tenant_id, app_id, id), options)
            .await
            .map_err(|error| match error {
                object_store::Error::NotFound { .. } => {
                    tracing::error!(blob = %id, "a blob's object is missing from storage");
                    ApiError::not_found("the file's content is missing from storage")
                }
                other => unavailable(other),
            })?;
        Ok(match result.payload {
            // A local file: read in large blocks (object_store's own stream reads 8 KiB at a
            // time, one blocking task each, which caps a download at a tenth of the disk's speed).
            object_store::GetResultPayload::File(file, _) => file_stream(file, result.range),
            object_store::GetResultPayload::Stream(stream) => stream
                .map(|chunk| chunk.map_err(std::io::Error::other))
                .boxed(),
        })
    }

    /// Deletes object `id`; one already gone is fine.
    pub async fn delete(&self, tenant_id: Uuid, app_id: &str, id: Uuid) -> anyhow::Result<()> {
        match self.store.delete(&self.path(tenant_id, app_id, id)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// Removes objects no row keeps whose upload started more than `grace` ago, and reports rows
    /// whose object is missing. Safe on several nodes at once.
    pub async fn sweep(&self, db: &Db, grace: Duration) -> anyhow::Result<SweepReport> {
        let started = Utc::now();
        let cutoff = started - chrono::Duration::from_std(grace)?;
        let mut listing = self.store.list(Some(&self.root));
        let depth = self.root.parts().count();
        let mut objects: Vec<(Path, Uuid, DateTime<Utc>, u64)> = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            // Only `<tenant>/<app>/<blob>` under the root is ours: anything else sharing the
            // bucket is left alone.
            let parts: Vec<String> = meta
                .location
                .parts()
                .skip(depth)
                .map(|part| part.as_ref().to_owned())
                .collect();
            let blob = match parts.as_slice() {
                [tenant, _app, blob] if Uuid::parse_str(tenant).is_ok() => {
                    Uuid::parse_str(blob).ok()
                }
                _ => None,
            };
            let started = blob.and_then(|id| id.get_timestamp()).and_then(|at| {
                let (secs, nanos) = at.to_unix();
                DateTime::from_timestamp(i64::try_from(secs).ok()?, nanos)
            });
            match (blob, started) {
                (Some(id), Some(started)) => objects.push((meta.location, id, started, meta.size)),
                _ => {
                    tracing::warn!(object = %meta.location, "storage holds an object that is not a blob; left alone")
                }
            }
        }
        let mut tx = db.begin_read().await?;
        let rows: Vec<(Uuid, Uuid, String, DateTime<Utc>)> =
            sql::query_as("select id, tenant_id, app_id, created_at from blobs")
                .fetch_all(&mut tx)
                .await?;
        drop(tx);
        let kept: HashSet<Uuid> = rows.iter().map(|row| row.0).collect();
        let stored: HashSet<Uuid> = objects.iter().map(|object| object.1).collect();
        let mut report = SweepReport {
            objects: objects.len() as u64,
            ..SweepReport::default()
        };
        for (location, id, started_at, size) in objects {
            if kept.contains(&id) || started_at > cutoff {
                continue;
            }
            match self.store.delete(&location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {
                    report.orphans_removed += 1;
                    report.orphan_bytes_removed += size;
                }
                Err(error) => {
                    tracing::warn!(%error, object = %location, "could not remove an orphaned object")
                }
            }
        }
        for (id, tenant_id, app_id, created_at) in rows {
            // A row is written after its object, so one from before the listing began without
            // its object is lost content.
            if !stored.contains(&id) && created_at < started {
                report.missing_count += 1;
                if report.missing.len() < 100 {
                    report.missing.push(MissingObject {
                        blob_id: id,
                        tenant_id,
                        app_id,
                    });
                }
            }
        }
        if report.missing_count > 0 {
            tracing::error!(
                missing = report.missing_count,
                "blobs whose object is missing from storage (see the sweep report)"
            );
        }
        Ok(report)
    }
}

/// Bytes read from a local file per blocking read.
const FILE_READ_BLOCK: u64 = 256 * 1024;

/// The bytes `range` of a local file, read a block at a time off the async threads.
fn file_stream(file: std::fs::File, range: Range<u64>) -> ByteStream {
    futures_util::stream::try_unfold(
        (file, range.start, range.end),
        |(mut file, at, end)| async move {
            if at >= end {
                return Ok(None);
            }
            let len = (end - at).min(FILE_READ_BLOCK) as usize;
            let (file, block) = tokio::task::spawn_blocking(move || {
                use std::io::{Read as _, Seek as _, SeekFrom};
                file.seek(SeekFrom::Start(at))?;
                let mut block = vec![0; len];
                file.read_exact(&mut block)?;
                Ok::<_, std::io::Error>((file, block))
            })
            .await
            .map_err(std::io::Error::other)??;
            Ok(Some((
                axum::body::Bytes::from(block),
                (file, at + len as u64, end),
            )))
        },
    )
    .boxed()
}

/// What a sweep found.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SweepReport {
    /// Objects in storage.
    pub objects: u64,
    /// Objects with no row, removed.
    pub orphans_removed: u64,
    /// Their bytes.
    pub orphan_bytes_removed: u64,
    /// Rows whose object is missing.
    pub missing_count: u64,
    /// The first hundred of them.
    pub missing: Vec<MissingObject>,
}

/// A blob row whose object is not in storage.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MissingObject {
    /// The blob.
    pub blob_id: Uuid,
    /// Its tenant.
    pub tenant_id: Uuid,
    /// The app that stored it.
    pub app_id: String,
}

/// Aborts a multipart upload that is dropped before it finished (a failed or cancelled upload),
/// so it leaves no object and, on S3, no parts.
struct AbortOnDrop(Option<WriteMultipart>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(writer) = self.0.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                if let Err(error) = writer.abort().await {
                    tracing::warn!(%error, "could not abort an unfinished upload");
                }
            });
        }
    }
}

fn unavailable(error: object_store::Error) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        "File storage is not available right now; try again",
    )
    .with_source(error)
}

/// The type of content starting with `head`, from its bytes alone: a known signature, else
/// UTF-8 text without NUL, else bytes.
pub fn sniff(head: &[u8]) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    if head.is_empty() {
        return "application/octet-stream".into();
    }
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        // Cut inside a character at the end of the head: still text.
        Err(error) => error.error_len().is_none() && head.len() >= HEAD_BYTES - 3,
    };
    if text && !head.contains(&0) {
        "text/plain; charset=utf-8".into()
    } else {
        "application/octet-stream".into()
    }
}

/// The quota of the tenant `$1`'s plan (the free plan's without a live subscription), in SQL.
macro_rules! quota {
    () => {
        "coalesce((select p.storage_quota_bytes from subscriptions s join plans p on p.id = s.plan_id \
         where s.tenant_id = $1 and s.status <> 'canceled'), \
         (select storage_quota_bytes from plans where id = 'free'), 0)"
    };
}

/// The tenant's bytes in use and quota.
pub async fn usage(tx: &mut Tx, tenant_id: Uuid) -> Result<StorageUsage> {
    let (used, quota): (Option<i64>, i64) = sql::query_as(concat!(
        "select (select used_bytes from tenant_storage where tenant_id = $1), ",
        quota!()
    ))
    .bind(tenant_id)
    .fetch_one(&mut *tx)
    .await?;
    Ok(StorageUsage {
        used_bytes: used.unwrap_or(0).max(0) as u64,
        quota_bytes: quota.max(0) as u64,
    })
}

/// Adds `blob`'s row and its bytes to the tenant's use, if the quota has room: the conditional
/// update of the tenant's one usage row is what makes two uploads unable to pass it together.
pub async fn attach(
    tx: &mut Tx,
    tenant_id: Uuid,
    app_id: &str,
    blob: &BlobInfo,
) -> std::result::Result<(), ApiError> {
    let size = i64::try_from(blob.size).map_err(ApiError::internal)?;
    sql::query(
        "insert into tenant_storage (tenant_id, used_bytes) values ($1, 0) on conflict do nothing",
    )
    .bind(tenant_id)
    .execute(&mut *tx)
    .await
    .map_err(crate::error::Error::from)?;
    let updated = sql::query(concat!(
        "update tenant_storage set used_bytes = used_bytes + $2 \
         where tenant_id = $1 and used_bytes + $2 <= ",
        quota!()
    ))
    .bind(tenant_id)
    .bind(size)
    .execute(&mut *tx)
    .await
    .map_err(crate::error::Error::from)?
    .rows_affected();
    if updated == 0 {
        let usage = usage(tx, tenant_id).await?;
        return Err(lumiku_plugin::blobs::quota_exceeded(usage, blob.size));
    }
    sql::query(
        "insert into blobs (id, tenant_id, app_id, size, sha256, content_type, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(blob.id)
    .bind(tenant_id)
    .bind(app_id)
    .bind(size)
    .bind(blob.sha256.as_str())
    .bind(blob.content_type.as_str())
    .bind(blob.created_at)
    .execute(&mut *tx)
    .await
    .map_err(crate::error::Error::from)?;
    Ok(())
}

/// Deletes blob `id`'s row and takes its bytes off the tenant's use; false if the app has no
/// such blob in the tenant.
pub async fn remove(tx: &mut Tx, tenant_id: Uuid, app_id: &str, id: Uuid) -> Result<bool> {
    let size: Option<i64> = sql::query_scalar(
        "delete from blobs where id = $1 and tenant_id = $2 and app_id = $3 returning size",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(app_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(size) = size else {
        return Ok(false);
    };
    release(tx, tenant_id, size).await?;
    Ok(true)
}

/// Takes `bytes` off the tenant's storage use (never below zero).
async fn release(tx: &mut Tx, tenant_id: Uuid, bytes: i64) -> Result<()> {
    sql::query(
        "update tenant_storage set used_bytes = case when used_bytes >= $2 then used_bytes - $2 else 0 end \
         where tenant_id = $1",
    )
    .bind(tenant_id)
    .bind(bytes)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Forgets every blob `app_id` keeps for the tenant (the app's data is being purged): their rows
/// go and their bytes leave the tenant's use; the sweep removes the objects.
pub async fn purge(tx: &mut Tx, tenant_id: Uuid, app_id: &str) -> Result<()> {
    let freed: Option<i64> = sql::query_scalar(
        "select cast(sum(size) as bigint) from blobs where tenant_id = $1 and app_id = $2",
    )
    .bind(tenant_id)
    .bind(app_id)
    .fetch_one(&mut *tx)
    .await?;
    sql::query("delete from blobs where tenant_id = $1 and app_id = $2")
        .bind(tenant_id)
        .bind(app_id)
        .execute(&mut *tx)
        .await?;
    if let Some(freed) = freed.filter(|f| *f > 0) {
        release(tx, tenant_id, freed).await?;
    }
    Ok(())
}

/// Blob `id` of the tenant, if `app_id` stored it.
pub async fn info(
    tx: &mut Tx,
    tenant_id: Uuid,
    app_id: &str,
    id: Uuid,
) -> Result<Option<BlobInfo>> {
    let row: Option<(Uuid, i64, String, String, DateTime<Utc>)> = sql::query_as(
        "select id, size, sha256, content_type, created_at from blobs \
         where id = $1 and tenant_id = $2 and app_id = $3",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(app_id)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(
        row.map(|(id, size, sha256, content_type, created_at)| BlobInfo {
            id,
            size: size.max(0) as u64,
            sha256,
            content_type,
            created_at,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_sniffed_from_content_not_names() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff(b"hello, world\n"), "text/plain; charset=utf-8");
        assert_eq!(sniff(b"\0\x01\x02binary"), "application/octet-stream");
        assert_eq!(sniff(b""), "application/octet-stream");
        // Latin-1 is not UTF-8: bytes.
        assert_eq!(sniff(b"caf\xe9 au lait"), "application/octet-stream");
    }
}
