//! Blob storage: files an app keeps for a tenant, streamed to the platform's object store (the
//! local disk under the data directory by default, or any S3-compatible service) and counted
//! against the tenant's storage quota, which its plan sets.
//!
//! An upload is three steps, so no byte is kept without its row and no row without its bytes:
//!
//! ```text
//! let blobs = context.blobs();
//! let pending = blobs.upload(body, &headers).await?;       // streamed, hashed, counted: 413 past
//!                                                            // the upload limit or the quota
//! let mut metered = context.meter::<UploadFile>(units, &headers, pending.sha256()).await?...;
//! metered.attach_blob(&pending).await?;                     // the row and the quota, atomically
//! store::insert_file(metered.tx(), ...).await?;            // the app's own row
//! metered.finish(...).await                                 // one commit for all of it
//! ```
//!
//! A [`PendingBlob`] that is dropped before its transaction committed removes its object, so a
//! refused, failed or cancelled upload leaves nothing behind. [`Metered::remove_blob`] forgets a
//! blob on the action's transaction and deletes its object once that commits.
//!
//! Objects are keyed by tenant and app: an app names a blob by its id, and the kernel answers only
//! the blobs of the caller's tenant that this app stored. [`Blobs::serve`] answers a download with
//! `Range` (206), `ETag` (the SHA-256) and `If-None-Match` (304).
//!
//! [`Metered::remove_blob`]: crate::Metered::remove_blob

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;
use uuid::Uuid;

use crate::ApiError;
use crate::context::Host;

/// A stream of bytes, going to or coming from the object store.
pub type ByteStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

/// How many of an upload's first bytes are kept for sniffing its type.
pub const HEAD_BYTES: usize = 8192;

/// A stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    /// Its id.
    pub id: Uuid,
    /// Its length in bytes.
    pub size: u64,
    /// The SHA-256 of its content, in lowercase hex.
    pub sha256: String,
    /// Its type, sniffed from its content (never taken from what the client said).
    pub content_type: String,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

/// A tenant's storage: bytes in use and the plan's quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorageUsage {
    /// Bytes the tenant's blobs take, in every app.
    pub used_bytes: u64,
    /// Bytes its plan allows.
    pub quota_bytes: u64,
}

impl StorageUsage {
    /// Bytes still free.
    pub fn remaining(&self) -> u64 {
        self.quota_bytes.saturating_sub(self.used_bytes)
    }
}

/// What an upload stored: the blob, and its first bytes (up to [`HEAD_BYTES`]).
#[derive(Debug, Clone)]
pub struct Uploaded {
    /// The blob.
    pub info: BlobInfo,
    /// Its first bytes.
    pub head: Bytes,
}

/// 413 `storage_quota_exceeded`: the tenant's plan has no room for `needed` more bytes.
pub fn quota_exceeded(usage: StorageUsage, needed: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "storage_quota_exceeded",
        "The file does not fit in the storage your plan gives; delete files or upgrade the plan",
    )
    .with_detail("usedBytes", usage.used_bytes)
    .with_detail("quotaBytes", usage.quota_bytes)
    .with_detail("neededBytes", needed)
}

/// 413 `upload_too_large`: a single upload is over the platform's limit.
pub fn upload_too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload_too_large",
        format!("An upload may be at most {limit} bytes"),
    )
    .with_detail("maxUploadBytes", limit)
}

/// An uploaded blob not yet kept: attach it on a metered action's transaction
/// ([`Metered::attach_blob`](crate::Metered::attach_blob)) and hold it until that action has
/// finished. Dropped, it deletes its object unless it was attached and that transaction did not
/// roll back (when the end of that transaction was never seen, the sweep decides later).
pub struct PendingBlob {
    host: Arc<dyn Host>,
    tenant_id: Uuid,
    uploaded: Option<Uploaded>,
    state: Arc<AtomicU8>,
}

/// Not attached to a transaction: dropped, the object goes.
pub(crate) const UNATTACHED: u8 = 0;
/// Attached to a transaction that has not ended, or whose end was never seen (the request was
/// dropped while committing): dropped, the object stays, and the sweep removes it if no row
/// keeps it.
pub(crate) const ATTACHED: u8 = 1;
/// Its transaction committed: the row keeps it.
pub(crate) const COMMITTED: u8 = 2;
/// Its transaction rolled back: dropped, the object goes.
pub(crate) const ROLLED_BACK: u8 = 3;

/// The pending blobs a metered action attached, told how it ended.
#[derive(Default)]
pub(crate) struct Attached(pub(crate) Vec<Arc<AtomicU8>>);

impl Attached {
    /// Tells every attached blob that its transaction ended, committed or not.
    pub(crate) fn settle(blobs: Vec<Arc<AtomicU8>>, committed: bool) {
        for state in blobs {
            state.store(
                if committed { COMMITTED } else { ROLLED_BACK },
                Ordering::SeqCst,
            );
        }
    }
}

impl Drop for Attached {
    /// The action was dropped before finishing: its transaction rolls back.
    fn drop(&mut self) {
        Self::settle(std::mem::take(&mut self.0), false);
    }
}

impl std::fmt::Debug for PendingBlob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingBlob")
            .field("tenant_id", &self.tenant_id)
            .field("uploaded", &self.uploaded)
            .finish()
    }
}

impl PendingBlob {
    fn new(host: Arc<dyn Host>, tenant_id: Uuid, uploaded: Uploaded) -> Self {
        Self {
            host,
            tenant_id,
            uploaded: Some(uploaded),
            state: Arc::new(AtomicU8::new(UNATTACHED)),
        }
    }

    /// The tenant it was stored for.
    pub(crate) fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    /// Marks it attached to a transaction; answers the state that transaction's end will set.
    pub(crate) fn mark_attached(&self) -> Arc<AtomicU8> {
        self.state.store(ATTACHED, Ordering::SeqCst);
        Arc::clone(&self.state)
    }

    /// Whether dropping it should delete its object: never attached, or rolled back.
    fn disposable(&self) -> bool {
        matches!(self.state.load(Ordering::SeqCst), UNATTACHED | ROLLED_BACK)
    }

    fn uploaded(&self) -> &Uploaded {
        self.uploaded
            .as_ref()
            .expect("a pending blob holds its upload until dropped")
    }

    /// The stored blob.
    pub fn info(&self) -> &BlobInfo {
        &self.uploaded().info
    }

    /// Its first bytes (up to [`HEAD_BYTES`]), to look into without reading it back.
    pub fn head(&self) -> &[u8] {
        &self.uploaded().head
    }

    /// Its SHA-256, in lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.uploaded().info.sha256
    }

    /// Reads the whole upload into memory (to make a thumbnail of it, say), refusing (with
    /// `None`) one longer than `max` bytes.
    pub async fn read_to_vec(&self, max: u64) -> Result<Option<Vec<u8>>, ApiError> {
        let info = self.info();
        if info.size > max {
            return Ok(None);
        }
        let stream = self.host.blob_read_pending(self.tenant_id, info.id).await?;
        collect(stream, info.size, max).await
    }

    /// Deletes the object now (unless a committed transaction attached it).
    pub async fn discard(mut self) -> Result<(), ApiError> {
        let uploaded = self.uploaded.take().expect("not yet discarded");
        self.host
            .blob_discard(self.tenant_id, uploaded.info.id)
            .await
    }
}

impl Drop for PendingBlob {
    fn drop(&mut self) {
        let Some(uploaded) = self.uploaded.take() else {
            return;
        };
        if !self.disposable() {
            return;
        }
        let host = Arc::clone(&self.host);
        let tenant_id = self.tenant_id;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = host.blob_discard(tenant_id, uploaded.info.id).await {
                    tracing::warn!(%error, blob = %uploaded.info.id, "could not discard an upload; the storage sweep will");
                }
            });
        }
    }
}

/// How a download is offered.
#[derive(Debug, Clone)]
pub struct Disposition<'a> {
    /// The file name the browser saves it as.
    pub filename: &'a str,
    /// Shown in the page (an image, a PDF, text) rather than saved. Only types a browser cannot
    /// run as a page are ever served inline; anything else is an attachment whatever this says.
    pub inline: bool,
}

/// The types served inline when asked: images a browser only draws, PDF, and plain text.
pub fn is_safe_inline(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    matches!(
        essence,
        "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "image/bmp"
            | "image/avif"
            | "application/pdf"
            | "text/plain"
    )
}

/// Types a browser runs as a page or a script, which are only ever sent as bytes.
pub fn is_active_content(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "text/html"
            | "application/xhtml+xml"
            | "image/svg+xml"
            | "text/xml"
            | "application/xml"
            | "text/javascript"
            | "application/javascript"
            | "application/x-shockwave-flash"
    )
}

/// A tenant's blobs, as one app sees them.
#[derive(Clone)]
pub struct Blobs {
    host: Arc<dyn Host>,
    tenant_id: Uuid,
}

impl Blobs {
    pub(crate) fn new(host: Arc<dyn Host>, tenant_id: Uuid) -> Self {
        Self { host, tenant_id }
    }

    /// The most one upload may hold (platform config).
    pub fn max_upload_bytes(&self) -> u64 {
        self.host.max_upload_bytes()
    }

    /// The tenant's storage use and quota.
    pub async fn usage(&self) -> Result<StorageUsage, ApiError> {
        self.host.storage_usage(self.tenant_id).await
    }

    /// Streams `body` into storage, hashing and counting it. Refused with 413 before a byte is
    /// stored when the declared `Content-Length` is over the upload limit or the tenant's free
    /// space; cut off with 413 when the bytes turn out to be. The quota is checked again,
    /// atomically, when the blob is attached.
    pub async fn upload(&self, body: Body, headers: &HeaderMap) -> Result<PendingBlob, ApiError> {
        let max = self.max_upload_bytes();
        let usage = self.usage().await?;
        if let Some(declared) = content_length(headers) {
            if declared > max {
                return Err(upload_too_large(max));
            }
            if declared > usage.remaining() {
                return Err(quota_exceeded(usage, declared));
            }
        }
        let limit = max.min(usage.remaining());
        let stream = body
            .into_data_stream()
            .map(|chunk| chunk.map_err(std::io::Error::other))
            .boxed();
        let uploaded = self
            .host
            .blob_upload(self.tenant_id, stream, limit)
            .await
            .map_err(|error| {
                if error.code() == "upload_too_large" && limit < max {
                    quota_exceeded(usage, limit.saturating_add(1))
                } else if error.code() == "upload_too_large" {
                    upload_too_large(max)
                } else {
                    error
                }
            })?;
        Ok(PendingBlob::new(
            Arc::clone(&self.host),
            self.tenant_id,
            uploaded,
        ))
    }

    /// Stores `bytes` (a thumbnail the app made, say) like an upload.
    pub async fn store(&self, bytes: Vec<u8>) -> Result<PendingBlob, ApiError> {
        let usage = self.usage().await?;
        let size = bytes.len() as u64;
        if size > usage.remaining() {
            return Err(quota_exceeded(usage, size));
        }
        let stream = futures_util::stream::iter([Ok(Bytes::from(bytes))]).boxed();
        let uploaded = self.host.blob_upload(self.tenant_id, stream, size).await?;
        Ok(PendingBlob::new(
            Arc::clone(&self.host),
            self.tenant_id,
            uploaded,
        ))
    }

    /// The blob `id`, if this app stored it for this tenant.
    pub async fn info(&self, id: Uuid) -> Result<Option<BlobInfo>, ApiError> {
        self.host.blob_info(self.tenant_id, id).await
    }

    /// The blob's bytes (within `range`), streamed; 404 when this app stored no such blob for
    /// this tenant.
    pub async fn read(&self, id: Uuid, range: Option<Range<u64>>) -> Result<ByteStream, ApiError> {
        self.host.blob_read(self.tenant_id, id, range).await
    }

    /// Reads a whole blob into memory, refusing (with `None`) one longer than `max` bytes.
    pub async fn read_to_vec(&self, id: Uuid, max: u64) -> Result<Option<Vec<u8>>, ApiError> {
        let Some(info) = self.info(id).await? else {
            return Err(ApiError::not_found("no such blob"));
        };
        if info.size > max {
            return Ok(None);
        }
        collect(self.read(id, None).await?, info.size, max).await
    }

    /// Answers a download of blob `id`: 304 when `If-None-Match` holds its ETag, 206 with the
    /// part a single `Range` asks for (416 when it cannot be satisfied), else 200 with all of it;
    /// with its type, length, ETag and `Content-Disposition`. 404 when there is no such blob.
    pub async fn serve(
        &self,
        id: Uuid,
        headers: &HeaderMap,
        disposition: Disposition<'_>,
    ) -> Result<Response, ApiError> {
        let Some(info) = self.info(id).await? else {
            return Err(ApiError::not_found("no such file"));
        };
        let etag = format!("\"{}\"", info.sha256);
        let inline = disposition.inline && is_safe_inline(&info.content_type);
        let mut response_headers = HeaderMap::new();
        let set = |headers: &mut HeaderMap, name, value: String| {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        };
        set(&mut response_headers, header::ETAG, etag.clone());
        set(
            &mut response_headers,
            header::CACHE_CONTROL,
            "private, no-cache".into(),
        );
        response_headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        set(
            &mut response_headers,
            header::CONTENT_TYPE,
            if is_active_content(&info.content_type) {
                // Never anything a browser would run as a page: that download is bytes.
                "application/octet-stream".into()
            } else {
                info.content_type.clone()
            },
        );
        set(
            &mut response_headers,
            header::CONTENT_DISPOSITION,
            content_disposition(disposition.filename, inline),
        );
        // A file is content, not a page of this site: it runs nothing and may be framed only
        // by this site's own pages (the PDF preview).
        set(
            &mut response_headers,
            header::CONTENT_SECURITY_POLICY,
            if inline && info.content_type == "application/pdf" {
                "frame-ancestors 'self'".into()
            } else {
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
                    .into()
            },
        );
        response_headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );

        if none_match(headers, &etag) {
            return Ok((StatusCode::NOT_MODIFIED, response_headers).into_response());
        }
        let range = match headers.get(header::RANGE) {
            Some(value) if if_range_holds(headers, &etag) => {
                match parse_range(value.to_str().unwrap_or(""), info.size) {
                    RangeAsk::Whole => None,
                    RangeAsk::Part(range) => Some(range),
                    RangeAsk::Unsatisfiable => {
                        set(
                            &mut response_headers,
                            header::CONTENT_RANGE,
                            format!("bytes */{}", info.size),
                        );
                        let error = ApiError::new(
                            StatusCode::RANGE_NOT_SATISFIABLE,
                            "range_not_satisfiable",
                            "The requested range is not within the file",
                        )
                        .with_detail("size", info.size);
                        let mut response = error.into_response();
                        response
                            .headers_mut()
                            .extend(response_headers.into_iter().filter(|(name, _)| {
                                name.as_ref().is_some_and(|n| n == header::CONTENT_RANGE)
                            }));
                        return Ok(response);
                    }
                }
            }
            _ => None,
        };
        let (status, length) = match &range {
            Some(range) => {
                set(
                    &mut response_headers,
                    header::CONTENT_RANGE,
                    format!("bytes {}-{}/{}", range.start, range.end - 1, info.size),
                );
                (StatusCode::PARTIAL_CONTENT, range.end - range.start)
            }
            None => (StatusCode::OK, info.size),
        };
        set(
            &mut response_headers,
            header::CONTENT_LENGTH,
            length.to_string(),
        );
        let stream = if length == 0 {
            futures_util::stream::empty().boxed()
        } else {
            self.read(id, range).await?
        };
        Ok((status, response_headers, Body::from_stream(stream)).into_response())
    }
}

/// Gathers `stream` (of `size` bytes) into memory, or `None` past `max` bytes.
async fn collect(mut stream: ByteStream, size: u64, max: u64) -> Result<Option<Vec<u8>>, ApiError> {
    let mut bytes = Vec::with_capacity(size.min(max) as usize);
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.map_err(ApiError::internal)?);
        if bytes.len() as u64 > max {
            return Ok(None);
        }
    }
    Ok(Some(bytes))
}

/// The request's declared body length, if any.
pub fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

fn if_range_holds(headers: &HeaderMap, etag: &str) -> bool {
    match headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) {
        Some(value) => value.trim() == etag,
        None => true,
    }
}

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeAsk {
    /// All of it: no range we serve (several ranges, another unit, a malformed header).
    Whole,
    /// The bytes `start..end`.
    Part(Range<u64>),
    /// A range that starts past the end.
    Unsatisfiable,
}

/// Parses a single `bytes=` range (`a-b`, `a-`, `-n`) against `size`. Several ranges or a header
/// we do not understand mean the whole file, as RFC 9110 allows.
pub fn parse_range(value: &str, size: u64) -> RangeAsk {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeAsk::Whole;
    };
    if spec.contains(',') {
        return RangeAsk::Whole;
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return RangeAsk::Whole;
    };
    let (start, end) = (start.trim(), end.trim());
    let parse = |s: &str| s.parse::<u64>().ok();
    match (start.is_empty(), end.is_empty()) {
        (true, true) => RangeAsk::Whole,
        (true, false) => match parse(end) {
            Some(0) => RangeAsk::Unsatisfiable,
            Some(_) if size == 0 => RangeAsk::Unsatisfiable,
            Some(n) => RangeAsk::Part(size.saturating_sub(n)..size),
            None => RangeAsk::Whole,
        },
        (false, _) => {
            let Some(first) = parse(start) else {
                return RangeAsk::Whole;
            };
            let last = if end.is_empty() {
                Some(u64::MAX)
            } else {
                parse(end)
            };
            match last {
                None => RangeAsk::Whole,
                Some(last) if last < first => RangeAsk::Whole,
                Some(_) if first >= size => RangeAsk::Unsatisfiable,
                Some(last) => RangeAsk::Part(first..last.saturating_add(1).min(size)),
            }
        }
    }
}

/// `Content-Disposition` with an ASCII fallback name and the exact name in RFC 5987 form.
pub fn content_disposition(filename: &str, inline: bool) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in filename.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!(
        "{}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(parse_range("bytes=0-9", 100), RangeAsk::Part(0..10));
        assert_eq!(parse_range("bytes=90-", 100), RangeAsk::Part(90..100));
        assert_eq!(parse_range("bytes=-10", 100), RangeAsk::Part(90..100));
        assert_eq!(parse_range("bytes=-500", 100), RangeAsk::Part(0..100));
        assert_eq!(parse_range("bytes=95-200", 100), RangeAsk::Part(95..100));
        assert_eq!(parse_range("bytes=100-", 100), RangeAsk::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 100), RangeAsk::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-0", 0), RangeAsk::Unsatisfiable);
        assert_eq!(parse_range("bytes=5-2", 100), RangeAsk::Whole);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), RangeAsk::Whole);
        assert_eq!(parse_range("items=0-1", 100), RangeAsk::Whole);
        assert_eq!(parse_range("bytes=x-1", 100), RangeAsk::Whole);
    }

    #[test]
    fn a_file_name_cannot_break_out_of_its_header() {
        let header = content_disposition("la\"pa\\ran\u{e7}a %.txt", false);
        assert_eq!(
            header,
            "attachment; filename=\"la_pa_ran_a _.txt\"; filename*=UTF-8''la%22pa%5Cran%C3%A7a%20%25.txt"
        );
        assert!(HeaderValue::from_str(&header).is_ok());
        assert!(content_disposition("a.pdf", true).starts_with("inline;"));
    }

    #[test]
    fn only_types_a_browser_cannot_run_are_inline() {
        assert!(is_safe_inline("image/png"));
        assert!(is_safe_inline("text/plain; charset=utf-8"));
        assert!(is_safe_inline("application/pdf"));
        assert!(!is_safe_inline("text/html"));
        assert!(!is_safe_inline("image/svg+xml"));
        assert!(!is_safe_inline("application/octet-stream"));
        assert!(is_active_content("text/html; charset=utf-8"));
        assert!(is_active_content("IMAGE/SVG+XML"));
        assert!(!is_active_content("application/zip"));
        assert!(!is_active_content("text/plain"));
    }
}
