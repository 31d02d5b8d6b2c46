//! The app's API, relative to `/api/apps/file-manager`.

use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use lumiku_plugin::blobs::StorageUsage;
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::sql::{Tx, new_id, now};
use lumiku_plugin::{
    ApiError, AppContext, Charged, Disposition, ErrorBody, IdempotencyKey, List, Metered,
    MeteredErrors, Opened, Permission,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::model::{self, check_name};
use crate::store::{self, FileRow, Folder, ShareRow};
use crate::{
    CreateFolder, CreateShareLink, DeleteFolder, EmptyTrash, RestoreFile, RevokeShareLink,
    TrashFile, UpdateFile, UpdateFolder, UploadFile,
};

pub fn router() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(browse))
        .routes(routes!(create_folder))
        .routes(routes!(update_folder, delete_folder))
        .routes(routes!(upload_file))
        .routes(routes!(get_file, update_file, trash_file))
        .routes(routes!(restore_file))
        .routes(routes!(download))
        .routes(routes!(thumbnail))
        .routes(routes!(list_trash, empty_trash))
        .routes(routes!(list_shares, create_share))
        .routes(routes!(revoke_share))
        .routes(routes!(usage))
        .routes(routes!(stats))
}

/// Who uploaded a file.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Uploader {
    /// The user.
    pub user_id: Uuid,
    /// Their name, while they are a member of the tenant.
    pub name: Option<String>,
}

/// A file.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Length in bytes.
    pub size: i64,
    /// Its type, sniffed from its content.
    pub content_type: String,
    /// The type the uploader's client declared, kept for reference only.
    pub declared_type: Option<String>,
    /// The SHA-256 of its content, in hex.
    pub sha256: String,
    /// The folder it is in; null at the top.
    pub folder_id: Option<Uuid>,
    /// Who uploaded it.
    pub uploaded_by: Uploader,
    /// Uploaded at.
    pub created_at: DateTime<Utc>,
    /// Last renamed, moved, trashed or restored.
    pub updated_at: DateTime<Utc>,
    /// When it went to the trash; null outside it.
    pub trashed_at: Option<DateTime<Utc>>,
    /// Whether a thumbnail was made (an image).
    pub has_thumbnail: bool,
}

/// Member names by id, for [`FileInfo::uploaded_by`].
pub(crate) type Names = HashMap<Uuid, String>;

/// The names of `members` by id.
pub(crate) fn names_of(members: Vec<lumiku_plugin::context::Member>) -> Names {
    members.into_iter().map(|m| (m.user_id, m.name)).collect()
}

pub(crate) async fn names(ctx: &AppContext) -> Result<Names, ApiError> {
    Ok(names_of(ctx.members().await?))
}

/// The tenant's member names, read on the action's own transaction: a second connection per
/// request could starve the pool under concurrent uploads.
async fn names_in<A: lumiku_plugin::Action, B>(
    metered: &mut Metered<A, B>,
) -> Result<Names, ApiError> {
    Ok(names_of(metered.members().await?))
}

pub(crate) fn file_info(row: FileRow, names: &Names) -> FileInfo {
    FileInfo {
        uploaded_by: Uploader {
            user_id: row.uploaded_by,
            name: names.get(&row.uploaded_by).cloned(),
        },
        id: row.id,
        name: row.name,
        size: row.size,
        content_type: row.content_type,
        declared_type: row.declared_type,
        sha256: row.sha256,
        folder_id: row.folder_id,
        created_at: row.created_at,
        updated_at: row.updated_at,
        trashed_at: row.trashed_at,
        has_thumbnail: row.thumb_blob_id.is_some(),
    }
}

/// One file.
#[derive(Serialize, ToSchema)]
pub struct FileBody {
    file: FileInfo,
}

/// One folder.
#[derive(Serialize, ToSchema)]
pub struct FolderBody {
    folder: Folder,
}

/// What a metered action of this app keeps with its usage row.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    #[serde(skip_serializing_if = "Option::is_none")]
    file_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    folder_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<i64>,
}

impl Usage {
    fn file(id: Uuid) -> Self {
        Self {
            file_id: Some(id),
            folder_id: None,
            bytes: None,
        }
    }
    fn folder(id: Uuid) -> Self {
        Self {
            file_id: None,
            folder_id: Some(id),
            bytes: None,
        }
    }
}

// ---- browsing ------------------------------------------------------------------------------

/// Which folder.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct FolderQuery {
    /// The folder; the top when absent.
    pub folder_id: Option<Uuid>,
}

/// A folder's contents.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Listing {
    /// The folder; null at the top.
    folder: Option<Folder>,
    /// The folders from the top down to it.
    path: Vec<Folder>,
    /// Its folders, by name.
    folders: Vec<Folder>,
    /// Its files outside the trash, by name.
    files: Vec<FileInfo>,
}

/// A folder's folders and files (free).
#[utoipa::path(get, path = "/browse", tag = "file-manager", security(("bearer" = [])),
    params(FolderQuery),
    responses(
        (status = 200, description = "The folder's contents", body = Listing),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such folder in this tenant", body = ErrorBody),
    ))]
async fn browse(
    ctx: AppContext,
    Query(query): Query<FolderQuery>,
) -> Result<Json<Listing>, ApiError> {
    let tenant = ctx.tenant_id();
    let mut tx = ctx.read().await?;
    let path = match query.folder_id {
        Some(id) => store::folder_path(&mut tx, tenant, id).await?,
        None => Vec::new(),
    };
    let folders = store::folders_in(&mut tx, tenant, query.folder_id).await?;
    let files = store::files_in(&mut tx, tenant, query.folder_id).await?;
    drop(tx);
    let names = names(&ctx).await?;
    Ok(Json(Listing {
        folder: path.last().cloned(),
        path,
        folders,
        files: files.into_iter().map(|f| file_info(f, &names)).collect(),
    }))
}

// ---- folders -------------------------------------------------------------------------------

/// A new folder.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct NewFolder {
    /// 1 to 255 characters; no `/`, `\`, control or direction-override characters, not `.` or
    /// `..`; kept trimmed.
    #[schema(schema_with = model::name_schema, required = true)]
    name: String,
    /// The folder to make it in; the top when absent or null.
    parent_id: Option<Uuid>,
}

/// Makes a folder (`createFolder`, free). 409 when its parent holds one of the same name.
#[utoipa::path(post, path = "/folders", tag = "file-manager", security(("bearer" = [])),
    request_body = NewFolder, params(IdempotencyKey),
    responses((status = 201, description = "Made", body = Charged<FolderBody>), MeteredErrors))]
async fn create_folder(
    mut metered: Metered<CreateFolder, NewFolder>,
) -> Result<Charged<FolderBody>, ApiError> {
    let name = check_name("name", &metered.body().name)?;
    let parent = metered.body().parent_id;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    if let Some(parent) = parent {
        store::folder(metered.tx(), tenant, parent)
            .await
            .map_err(|_| ApiError::invalid_field("parentId", "no such folder"))?;
    }
    let folder = store::insert_folder(metered.tx(), tenant, user, parent, &name).await?;
    let usage = Usage::folder(folder.id);
    metered
        .finish(StatusCode::CREATED, FolderBody { folder }, usage)
        .await
}

/// A change to a folder; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct FolderPatch {
    /// A new name, as a new folder's.
    #[schema(schema_with = model::name_schema)]
    name: Option<String>,
    /// The folder to move it into; null for the top.
    #[serde(deserialize_with = "lumiku_plugin::extract::nullable")]
    #[schema(value_type = Option<Uuid>)]
    parent_id: Option<Option<Uuid>>,
}

/// Renames or moves a folder (`updateFolder`, free). 422 when moved into itself or below it.
#[utoipa::path(patch, path = "/folders/{id}", tag = "file-manager", security(("bearer" = [])),
    request_body = FolderPatch,
    params(("id" = Uuid, Path, description = "Folder id"), IdempotencyKey),
    responses((status = 200, description = "Changed", body = Charged<FolderBody>), MeteredErrors))]
async fn update_folder(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateFolder, FolderPatch>,
) -> Result<Charged<FolderBody>, ApiError> {
    let tenant = metered.tenant_id();
    let mut folder = store::folder(metered.tx(), tenant, id).await?;
    if let Some(name) = metered.body().name.clone() {
        folder.name = check_name("name", &name)?;
    }
    if let Some(parent) = metered.body().parent_id {
        if let Some(parent) = parent {
            // Moves in the tenant go one at a time, so two crossing moves (X into Y, Y into X)
            // cannot each pass the check before the other commits.
            store::lock_folder_moves(metered.tx(), tenant).await?;
            let path = store::folder_path(metered.tx(), tenant, parent)
                .await
                .map_err(|_| ApiError::invalid_field("parentId", "no such folder"))?;
            if path.iter().any(|f| f.id == id) {
                return Err(ApiError::invalid_field(
                    "parentId",
                    "a folder cannot go inside itself",
                ));
            }
        }
        folder.parent_id = parent;
    }
    store::update_folder(metered.tx(), tenant, id, folder.parent_id, &folder.name).await?;
    let folder = store::folder(metered.tx(), tenant, id).await?;
    metered
        .finish(StatusCode::OK, FolderBody { folder }, Usage::folder(id))
        .await
}

/// Deletes an empty folder (`deleteFolder`, free); 409 `folder_not_empty` otherwise.
#[utoipa::path(delete, path = "/folders/{id}", tag = "file-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Folder id"), IdempotencyKey),
    responses((status = 200, description = "Deleted", body = Charged<FolderBody>), MeteredErrors))]
async fn delete_folder(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteFolder>,
) -> Result<Charged<FolderBody>, ApiError> {
    let tenant = metered.tenant_id();
    let folder = store::folder(metered.tx(), tenant, id).await?;
    store::delete_folder(metered.tx(), tenant, id).await?;
    metered
        .finish(StatusCode::OK, FolderBody { folder }, Usage::folder(id))
        .await
}

// ---- files ---------------------------------------------------------------------------------

/// Where an upload goes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadQuery {
    name: String,
    #[serde(default)]
    folder_id: Option<Uuid>,
}

impl IntoParams for UploadQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let uuid = lumiku_plugin::text::uuid_schema();
        vec![
            lumiku_plugin::text::parameter(
                "name",
                ParameterIn::Query,
                true,
                "The file's name: 1 to 255 characters; no `/`, `\\`, control or direction-override \
                 characters, not `.` or `..`; kept trimmed.",
                model::name_schema(),
            ),
            lumiku_plugin::text::parameter(
                "folderId",
                ParameterIn::Query,
                false,
                "The folder; the top when absent.",
                uuid,
            ),
        ]
    }
}

/// Uploads a file: the request body is its bytes, streamed to storage and hashed on the way.
/// Costs `uploadFile` credits per started 10 MiB, charged once the bytes are stored, atomically
/// with the file's row and the storage quota. With a `Content-Length`, a wallet that cannot pay
/// or a quota without room refuses before a byte is stored; without one, the stored bytes are
/// deleted and the answer is 402 or 413. Images get a thumbnail.
#[utoipa::path(post, path = "/files", tag = "file-manager", security(("bearer" = [])),
    params(UploadQuery, IdempotencyKey),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Stored and charged", body = Charged<FileBody>),
        (status = 408, description = "The upload went idle for a minute", body = ErrorBody),
        (status = 413, description = "Over the upload limit (`upload_too_large`) or the plan's storage (`storage_quota_exceeded`)", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody),
        MeteredErrors
    ))]
async fn upload_file(
    ctx: AppContext,
    Query(query): Query<UploadQuery>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    ctx.require(Permission::Write)?;
    let name = check_name("name", &query.name)?;
    let tenant = ctx.tenant_id();
    if let Some(folder) = query.folder_id {
        let mut tx = ctx.read().await?;
        store::folder(&mut tx, tenant, folder).await?;
    }
    if let Some(declared) = lumiku_plugin::blobs::content_length(&headers) {
        ctx.require_credits::<UploadFile>(model::upload_units(declared), &headers)
            .await?;
    }
    let blobs = ctx.blobs();
    let pending = blobs.upload(body, &headers).await?;
    let info = pending.info().clone();
    let thumb = match make_thumbnail(&pending).await {
        Some(bytes) => blobs.store(bytes).await.ok(),
        None => None,
    };
    let fingerprint = format!("{}:{}", info.sha256, query.folder_id.unwrap_or_default());
    let opened = ctx
        .meter::<UploadFile>(
            model::upload_units(info.size),
            &headers,
            &method,
            &format!("{}?name={name}", uri.path()),
            &fingerprint,
        )
        .await?;
    let mut metered = match opened {
        Opened::Charged(metered) => metered,
        // Served before: the bytes just sent are dropped with `pending`.
        Opened::Replayed(response) => return Ok(response),
    };
    metered.attach_blob(&pending).await?;
    // A thumbnail that does not fit the quota is gone without it: the file still does.
    let thumb = match thumb {
        Some(thumb) => match metered.attach_blob(&thumb).await {
            Ok(()) => Some(thumb),
            Err(error) if error.code() == "storage_quota_exceeded" => None,
            Err(error) => return Err(error),
        },
        None => None,
    };
    if let Some(folder) = query.folder_id {
        // Still there, now that the write is under way.
        store::folder(metered.tx(), tenant, folder).await?;
    }
    let at = now();
    let declared_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(200).collect::<String>());
    let row = FileRow {
        id: new_id(),
        folder_id: query.folder_id,
        name,
        size: info.size as i64,
        content_type: info.content_type.clone(),
        declared_type,
        sha256: info.sha256.clone(),
        blob_id: info.id,
        thumb_blob_id: thumb.as_ref().map(|t| t.info().id),
        uploaded_by: ctx.user_id(),
        created_at: at,
        updated_at: at,
        trashed_at: None,
    };
    store::insert_file(metered.tx(), tenant, &row).await?;
    let names = names_in(&mut metered).await?;
    let usage = Usage {
        file_id: Some(row.id),
        folder_id: row.folder_id,
        bytes: Some(row.size),
    };
    let file = file_info(row, &names);
    let charged = metered
        .finish(StatusCode::CREATED, FileBody { file }, usage)
        .await?;
    // Kept: the rows committed, so dropping these removes nothing.
    drop((pending, thumb));
    Ok(charged.into_response())
}

/// At most two thumbnails are made at once: decoding is the heaviest work an upload does.
static THUMBNAILS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A thumbnail of an uploaded image, or none (not an image, too big, or not decodable within
/// the limits).
async fn make_thumbnail(pending: &lumiku_plugin::PendingBlob) -> Option<Vec<u8>> {
    let info = pending.info();
    if !model::thumbnailable(&info.content_type) || info.size > model::THUMBNAIL_SOURCE_MAX {
        return None;
    }
    let _turn = THUMBNAILS.acquire().await.ok()?;
    let bytes = pending
        .read_to_vec(model::THUMBNAIL_SOURCE_MAX)
        .await
        .ok()??;
    tokio::task::spawn_blocking(move || model::thumbnail(&bytes))
        .await
        .ok()?
}

/// A file's details (free), in the trash or not.
#[utoipa::path(get, path = "/files/{id}", tag = "file-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "File id")),
    responses(
        (status = 200, description = "The file", body = FileBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such file in this tenant", body = ErrorBody),
    ))]
async fn get_file(ctx: AppContext, Path(id): Path<Uuid>) -> Result<Json<FileBody>, ApiError> {
    let mut tx = ctx.read().await?;
    let row = store::file(&mut tx, ctx.tenant_id(), id).await?;
    drop(tx);
    let names = names(&ctx).await?;
    Ok(Json(FileBody {
        file: file_info(row, &names),
    }))
}

/// A change to a file; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct FilePatch {
    /// A new name, as an upload's.
    #[schema(schema_with = model::name_schema)]
    name: Option<String>,
    /// The folder to move it into; null for the top.
    #[serde(deserialize_with = "lumiku_plugin::extract::nullable")]
    #[schema(value_type = Option<Uuid>)]
    folder_id: Option<Option<Uuid>>,
}

/// A file outside the trash, locked for the write about to be made (409 in the trash).
async fn live_file(tx: &mut Tx, tenant: Uuid, id: Uuid) -> Result<FileRow, ApiError> {
    let row = store::file_for_update(tx, tenant, id).await?;
    if row.trashed_at.is_some() {
        return Err(ApiError::conflict(
            "file_in_trash",
            "The file is in the trash; restore it first",
        ));
    }
    Ok(row)
}

/// Renames or moves a file (`updateFile`, free).
#[utoipa::path(patch, path = "/files/{id}", tag = "file-manager", security(("bearer" = [])),
    request_body = FilePatch,
    params(("id" = Uuid, Path, description = "File id"), IdempotencyKey),
    responses((status = 200, description = "Changed", body = Charged<FileBody>), MeteredErrors))]
async fn update_file(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateFile, FilePatch>,
) -> Result<Charged<FileBody>, ApiError> {
    let tenant = metered.tenant_id();
    let mut row = live_file(metered.tx(), tenant, id).await?;
    if let Some(name) = metered.body().name.clone() {
        row.name = check_name("name", &name)?;
    }
    if let Some(folder) = metered.body().folder_id {
        if let Some(folder) = folder {
            store::folder(metered.tx(), tenant, folder)
                .await
                .map_err(|_| ApiError::invalid_field("folderId", "no such folder"))?;
        }
        row.folder_id = folder;
    }
    row.updated_at = now();
    store::update_file(metered.tx(), tenant, &row).await?;
    let names = names_in(&mut metered).await?;
    let file = file_info(row, &names);
    metered
        .finish(StatusCode::OK, FileBody { file }, Usage::file(id))
        .await
}

/// Moves a file to the trash (`trashFile`, free): it keeps its storage until the trash is
/// emptied, and its share links stop working until it is restored.
#[utoipa::path(delete, path = "/files/{id}", tag = "file-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "File id"), IdempotencyKey),
    responses((status = 200, description = "In the trash", body = Charged<FileBody>), MeteredErrors))]
async fn trash_file(
    Path(id): Path<Uuid>,
    mut metered: Metered<TrashFile>,
) -> Result<Charged<FileBody>, ApiError> {
    let tenant = metered.tenant_id();
    let mut row = live_file(metered.tx(), tenant, id).await?;
    row.trashed_at = Some(now());
    row.updated_at = now();
    store::update_file(metered.tx(), tenant, &row).await?;
    let names = names_in(&mut metered).await?;
    let file = file_info(row, &names);
    metered
        .finish(StatusCode::OK, FileBody { file }, Usage::file(id))
        .await
}

/// Takes a file out of the trash (`restoreFile`, free), back into its folder, or to the top if
/// that folder is gone.
#[utoipa::path(post, path = "/files/{id}/restore", tag = "file-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "File id"), IdempotencyKey),
    responses((status = 200, description = "Restored", body = Charged<FileBody>), MeteredErrors))]
async fn restore_file(
    Path(id): Path<Uuid>,
    mut metered: Metered<RestoreFile>,
) -> Result<Charged<FileBody>, ApiError> {
    let tenant = metered.tenant_id();
    let mut row = store::file_for_update(metered.tx(), tenant, id).await?;
    if row.trashed_at.is_none() {
        return Err(ApiError::conflict(
            "not_in_trash",
            "The file is not in the trash",
        ));
    }
    row.trashed_at = None;
    row.updated_at = now();
    store::update_file(metered.tx(), tenant, &row).await?;
    let names = names_in(&mut metered).await?;
    let file = file_info(row, &names);
    metered
        .finish(StatusCode::OK, FileBody { file }, Usage::file(id))
        .await
}

/// How to send a file.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ContentQuery {
    /// Show it in the page (images, PDF, plain text) instead of saving it.
    inline: Option<bool>,
}

/// A file's bytes (free): `Range` gives 206, `If-None-Match` with its ETag (the SHA-256) 304.
/// Only images, PDF and plain text are ever served inline; anything else is an attachment.
#[utoipa::path(get, path = "/files/{id}/content", tag = "file-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "File id"), ContentQuery),
    responses(
        (status = 200, description = "The bytes", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "The requested range", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 304, description = "Not modified"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such file in this tenant", body = ErrorBody),
        (status = 416, description = "The range is outside the file", body = ErrorBody),
    ))]
async fn download(
    ctx: AppContext,
    Path(id): Path<Uuid>,
    Query(query): Query<ContentQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut tx = ctx.read().await?;
    let row = store::file(&mut tx, ctx.tenant_id(), id).await?;
    drop(tx);
    ctx.blobs()
        .serve(
            row.blob_id,
            &headers,
            Disposition {
                filename: &row.name,
                inline: query.inline.unwrap_or(false),
            },
        )
        .await
}

/// A file's thumbnail (free); 404 when it has none.
#[utoipa::path(get, path = "/files/{id}/thumbnail", tag = "file-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "File id")),
    responses(
        (status = 200, description = "A JPEG or PNG at most 256 px on its longest side", content_type = "image/jpeg", body = Vec<u8>),
        (status = 304, description = "Not modified"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such file, or no thumbnail", body = ErrorBody),
    ))]
async fn thumbnail(
    ctx: AppContext,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut tx = ctx.read().await?;
    let row = store::file(&mut tx, ctx.tenant_id(), id).await?;
    drop(tx);
    let thumb = row
        .thumb_blob_id
        .ok_or_else(|| ApiError::not_found("this file has no thumbnail"))?;
    ctx.blobs()
        .serve(
            thumb,
            &headers,
            Disposition {
                filename: "thumbnail",
                inline: true,
            },
        )
        .await
}

// ---- trash ---------------------------------------------------------------------------------

/// The files in the trash (free), most recently trashed first.
#[utoipa::path(get, path = "/trash", tag = "file-manager", security(("bearer" = [])),
    responses(
        (status = 200, description = "The trash", body = List<FileInfo>),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_trash(ctx: AppContext) -> Result<Json<List<FileInfo>>, ApiError> {
    let mut tx = ctx.read().await?;
    let rows = store::trashed(&mut tx, ctx.tenant_id()).await?;
    drop(tx);
    let names = names(&ctx).await?;
    Ok(Json(List::complete(
        rows.into_iter().map(|r| file_info(r, &names)).collect(),
    )))
}

/// What emptying the trash did.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Emptied {
    /// Files deleted for good.
    deleted: u64,
    /// Storage given back, in bytes.
    freed_bytes: i64,
}

/// Deletes every file in the trash for good (`emptyTrash`, free): rows, share links and stored
/// bytes, given back to the quota at once.
#[utoipa::path(delete, path = "/trash", tag = "file-manager", security(("bearer" = [])),
    params(IdempotencyKey),
    responses((status = 200, description = "Emptied", body = Charged<Emptied>), MeteredErrors))]
async fn empty_trash(mut metered: Metered<EmptyTrash>) -> Result<Charged<Emptied>, ApiError> {
    let tenant = metered.tenant_id();
    // Deleted by the one statement that picks them, so a file restored meanwhile is not among them.
    let rows = store::delete_trashed(metered.tx(), tenant).await?;
    let mut freed = 0;
    for row in &rows {
        metered.remove_blob(row.blob_id).await?;
        if let Some(thumb) = row.thumb_blob_id {
            metered.remove_blob(thumb).await?;
        }
        freed += row.size;
    }
    let emptied = Emptied {
        deleted: rows.len() as u64,
        freed_bytes: freed,
    };
    let usage = Usage {
        file_id: None,
        folder_id: None,
        bytes: Some(freed),
    };
    metered.finish(StatusCode::OK, emptied, usage).await
}

// ---- share links ---------------------------------------------------------------------------

/// A share link.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShareInfo {
    /// Id.
    pub id: Uuid,
    /// The file.
    pub file_id: Uuid,
    /// The link's path (`/api/apps/file-manager/public/shares/<token>`): only in the answer that
    /// made it, as only a hash of its token is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// After this it answers 410.
    pub expires_at: DateTime<Utc>,
    /// Whether it asks for a password.
    pub has_password: bool,
    /// Downloads through it.
    pub downloads: i64,
    /// Who made it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was revoked; null while it works.
    pub revoked_at: Option<DateTime<Utc>>,
}

fn share_info(row: ShareRow, url: Option<String>) -> ShareInfo {
    ShareInfo {
        id: row.id,
        file_id: row.file_id,
        url,
        expires_at: row.expires_at,
        has_password: row.password_hash.is_some(),
        downloads: row.downloads,
        created_by: row.created_by,
        created_at: row.created_at,
        revoked_at: row.revoked_at,
    }
}

/// One share link.
#[derive(Serialize, ToSchema)]
pub struct ShareBody {
    share: ShareInfo,
}

/// A new share link.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct NewShare {
    /// Hours until it expires: 1 to 8760 (a year); default 168 (a week).
    #[schema(minimum = 1, maximum = 8760)]
    expires_in_hours: Option<i64>,
    /// A password the downloader must give: 8 to 128 characters. None by default.
    #[schema(min_length = 8, max_length = 128)]
    password: Option<String>,
}

/// A file's share links (free), newest first.
#[utoipa::path(get, path = "/files/{id}/shares", tag = "file-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "File id")),
    responses(
        (status = 200, description = "Its links", body = List<ShareInfo>),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such file in this tenant", body = ErrorBody),
    ))]
async fn list_shares(
    ctx: AppContext,
    Path(id): Path<Uuid>,
) -> Result<Json<List<ShareInfo>>, ApiError> {
    let mut tx = ctx.read().await?;
    store::file(&mut tx, ctx.tenant_id(), id).await?;
    let rows = store::shares_of(&mut tx, ctx.tenant_id(), id).await?;
    Ok(Json(List::complete(
        rows.into_iter().map(|r| share_info(r, None)).collect(),
    )))
}

/// Makes a share link to a file (`createShareLink` credits): anyone holding it downloads the
/// file without an account until it expires or is revoked, after giving the password if it has
/// one. The link is in this answer only.
#[utoipa::path(post, path = "/files/{id}/shares", tag = "file-manager", security(("bearer" = [])),
    request_body = NewShare,
    params(("id" = Uuid, Path, description = "File id"), IdempotencyKey),
    responses(
        (status = 201, description = "Made and charged", body = Charged<ShareBody>),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        MeteredErrors
    ))]
async fn create_share(
    ctx: AppContext,
    Path(id): Path<Uuid>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Json(input): Json<NewShare>,
) -> Result<Response, ApiError> {
    ctx.require(Permission::Write)?;
    let hours = input.expires_in_hours.unwrap_or(168);
    if !(1..=8760).contains(&hours) {
        return Err(ApiError::invalid_field(
            "expiresInHours",
            "must be 1 to 8760",
        ));
    }
    if let Some(password) = &input.password
        && !(8..=128).contains(&password.chars().count())
    {
        return Err(ApiError::invalid_field(
            "password",
            "must be 8 to 128 characters",
        ));
    }
    let tenant = ctx.tenant_id();
    {
        let mut tx = ctx.read().await?;
        live_file(&mut tx, tenant, id).await?;
    }
    // Argon2 runs before the action opens: on SQLite its transaction holds the one writer.
    let password_hash = match input.password.clone() {
        Some(password) => Some(crate::share::hash_password(password).await?),
        None => None,
    };
    let fingerprint = serde_json::to_string(&input).map_err(ApiError::internal)?;
    let opened = ctx
        .meter::<CreateShareLink>(1, &headers, &method, uri.path(), &fingerprint)
        .await?;
    let mut metered = match opened {
        Opened::Charged(metered) => metered,
        Opened::Replayed(response) => return Ok(response),
    };
    live_file(metered.tx(), tenant, id).await?;
    let token = crate::share::new_token(tenant)?;
    let at = now();
    let row = ShareRow {
        id: new_id(),
        file_id: id,
        password_hash,
        expires_at: at + chrono::Duration::hours(hours),
        revoked_at: None,
        downloads: 0,
        failed_attempts: 0,
        locked_until: None,
        created_by: metered.user_id(),
        created_at: at,
    };
    store::insert_share(
        metered.tx(),
        tenant,
        &row,
        &crate::share::token_hash(&token),
    )
    .await?;
    let url = format!("{}/public/shares/{token}", crate::MANIFEST.route_prefix);
    let share = share_info(row, Some(url));
    let charged = metered
        .finish(StatusCode::CREATED, ShareBody { share }, Usage::file(id))
        .await?;
    Ok(charged.into_response())
}

/// Revokes a share link (`revokeShareLink`, free): it answers 404 from now on.
#[utoipa::path(delete, path = "/shares/{id}", tag = "file-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Share link id"), IdempotencyKey),
    responses((status = 200, description = "Revoked", body = Charged<ShareBody>), MeteredErrors))]
async fn revoke_share(
    Path(id): Path<Uuid>,
    mut metered: Metered<RevokeShareLink>,
) -> Result<Charged<ShareBody>, ApiError> {
    let tenant = metered.tenant_id();
    store::share(metered.tx(), tenant, id).await?;
    store::revoke_share(metered.tx(), tenant, id).await?;
    let row = store::share(metered.tx(), tenant, id).await?;
    let file_id = row.file_id;
    metered
        .finish(
            StatusCode::OK,
            ShareBody {
                share: share_info(row, None),
            },
            Usage::file(file_id),
        )
        .await
}

// ---- usage ---------------------------------------------------------------------------------

/// The tenant's storage.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageBody {
    /// Bytes in use (every app's blobs, thumbnails and the trash included) and the plan's quota.
    storage: StorageUsage,
    /// Files outside the trash.
    files: i64,
    /// Their bytes.
    file_bytes: i64,
    /// Files in the trash.
    trashed_files: i64,
    /// The most one upload may hold.
    max_upload_bytes: u64,
}

/// The tenant's storage use against its plan's quota (free).
#[utoipa::path(get, path = "/usage", tag = "file-manager", security(("bearer" = [])),
    responses(
        (status = 200, description = "Storage use", body = UsageBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn usage(ctx: AppContext) -> Result<Json<UsageBody>, ApiError> {
    let mut tx = ctx.read().await?;
    let (files, file_bytes, trashed_files) = store::totals(&mut tx, ctx.tenant_id()).await?;
    drop(tx);
    let blobs = ctx.blobs();
    Ok(Json(UsageBody {
        storage: blobs.usage().await?,
        files,
        file_bytes,
        trashed_files,
        max_upload_bytes: blobs.max_upload_bytes(),
    }))
}

/// The dashboard card's figures.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Files outside the trash.
    files: i64,
    /// Bytes in use.
    used_bytes: u64,
    /// The plan's quota.
    quota_bytes: u64,
}

/// Figures for the dashboard card (free).
#[utoipa::path(get, path = "/stats", tag = "file-manager", security(("bearer" = [])),
    responses(
        (status = 200, description = "Figures", body = Stats),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn stats(ctx: AppContext) -> Result<Json<Stats>, ApiError> {
    let mut tx = ctx.read().await?;
    let (files, _, _) = store::totals(&mut tx, ctx.tenant_id()).await?;
    drop(tx);
    let storage = ctx.blobs().usage().await?;
    Ok(Json(Stats {
        files,
        used_bytes: storage.used_bytes,
        quota_bytes: storage.quota_bytes,
    }))
}
