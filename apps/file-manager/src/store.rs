//! Folders, files and share links: the queries on the app's own tables. Every query filters on
//! the tenant; on PostgreSQL row-level security holds the same line. A file's bytes are a blob in
//! the platform's storage (see `lumiku_plugin::blobs`); its row keeps the blob's id.

use chrono::{DateTime, Utc};
use lumiku_plugin::ApiError;
use lumiku_plugin::sql::{self, Tx, new_id, now};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A folder.
#[derive(Debug, Clone, Serialize, sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Folder {
    /// Id.
    pub id: Uuid,
    /// The folder it is in; null at the top.
    pub parent_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Who made it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last renamed or moved.
    pub updated_at: DateTime<Utc>,
}

/// A file, as stored.
#[derive(Debug, Clone, sql::FromRow)]
pub struct FileRow {
    pub id: Uuid,
    pub folder_id: Option<Uuid>,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub declared_type: Option<String>,
    pub sha256: String,
    pub blob_id: Uuid,
    pub thumb_blob_id: Option<Uuid>,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub trashed_at: Option<DateTime<Utc>>,
}

macro_rules! file_columns {
    () => {
        "id, folder_id, name, size, content_type, declared_type, sha256, blob_id, \
         thumb_blob_id, uploaded_by, created_at, updated_at, trashed_at"
    };
}

/// A share link, as stored.
#[derive(Debug, Clone, sql::FromRow)]
pub struct ShareRow {
    pub id: Uuid,
    pub file_id: Uuid,
    pub password_hash: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub downloads: i64,
    pub failed_attempts: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

macro_rules! share_columns {
    () => {
        "id, file_id, password_hash, expires_at, revoked_at, downloads, failed_attempts, \
         locked_until, created_by, created_at"
    };
}

fn db(error: sql::Error) -> ApiError {
    ApiError::internal(error)
}

// ---- folders ------------------------------------------------------------------------------

/// One of the tenant's folders; 404 for any other id.
pub async fn folder(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Folder, ApiError> {
    sql::query_as::<Folder>(
        "select id, parent_id, name, created_by, created_at, updated_at from file_manager_folders \
         where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| ApiError::not_found("folder not found"))
}

/// The folders in `parent` (the top without one), by name.
pub async fn folders_in(
    tx: &mut Tx,
    tenant_id: Uuid,
    parent: Option<Uuid>,
) -> Result<Vec<Folder>, ApiError> {
    sql::query_as::<Folder>(
        "select id, parent_id, name, created_by, created_at, updated_at from file_manager_folders \
         where tenant_id = $1 and parent_id is not distinct from $2 order by lower(name), id",
    )
    .bind(tenant_id)
    .bind(parent)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)
}

/// Every folder of the tenant (for paths and "move to").
pub async fn all_folders(tx: &mut Tx, tenant_id: Uuid) -> Result<Vec<Folder>, ApiError> {
    sql::query_as::<Folder>(
        "select id, parent_id, name, created_by, created_at, updated_at from file_manager_folders \
         where tenant_id = $1 order by lower(name), id",
    )
    .bind(tenant_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)
}

/// The folders from the top down to `id`, `id` last.
pub async fn folder_path(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Vec<Folder>, ApiError> {
    let mut path = Vec::new();
    let mut next = Some(id);
    while let Some(id) = next {
        let folder = folder(tx, tenant_id, id).await?;
        next = folder.parent_id;
        path.push(folder);
        if path.len() > 256 {
            return Err(ApiError::internal(std::io::Error::other("folder cycle")));
        }
    }
    path.reverse();
    Ok(path)
}

fn name_taken(error: sql::Error) -> ApiError {
    if sql::is_unique_violation(&error) {
        ApiError::conflict("folder_exists", "A folder with this name is already there")
    } else {
        db(error)
    }
}

/// Makes a folder.
pub async fn insert_folder(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    parent: Option<Uuid>,
    name: &str,
) -> Result<Folder, ApiError> {
    let at = now();
    let folder = Folder {
        id: new_id(),
        parent_id: parent,
        name: name.to_owned(),
        created_by: user_id,
        created_at: at,
        updated_at: at,
    };
    sql::query(
        "insert into file_manager_folders (id, tenant_id, parent_id, name, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(folder.id)
    .bind(tenant_id)
    .bind(parent)
    .bind(name)
    .bind(user_id)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(name_taken)?;
    Ok(folder)
}

/// Renames or moves a folder.
pub async fn update_folder(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    parent: Option<Uuid>,
    name: &str,
) -> Result<(), ApiError> {
    sql::query(
        "update file_manager_folders set parent_id = $3, name = $4, updated_at = $5 \
         where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(parent)
    .bind(name)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(name_taken)?;
    Ok(())
}

/// Waits for the tenant's other folder moves to commit: on PostgreSQL a transaction-scoped
/// advisory lock keyed by the tenant; SQLite's writers are serial already.
pub async fn lock_folder_moves(tx: &mut Tx, tenant_id: Uuid) -> Result<(), ApiError> {
    if tx.backend() == sql::Backend::Postgres {
        let bytes = tenant_id.as_bytes();
        let key = i64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"))
            ^ i64::from_be_bytes(bytes[8..].try_into().expect("8 bytes"));
        sql::query("select pg_advisory_xact_lock(hashtext('file_manager.folder_moves'), $1::int4)")
            .bind((key % i64::from(i32::MAX)) as i32)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Deletes an empty folder (no folders, no files outside the trash); 409 otherwise. Files of
/// it in the trash go back to the top when restored.
pub async fn delete_folder(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    let (folders, files): (i64, i64) = sql::query_as(
        "select (select count(*) from file_manager_folders where tenant_id = $1 and parent_id = $2), \
                (select count(*) from file_manager_files where tenant_id = $1 and folder_id = $2 \
                 and trashed_at is null)",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    if folders + files > 0 {
        return Err(ApiError::conflict(
            "folder_not_empty",
            "Move or delete what is in the folder first",
        ));
    }
    sql::query("delete from file_manager_folders where tenant_id = $1 and id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    Ok(())
}

// ---- files --------------------------------------------------------------------------------

/// One of the tenant's files (in the trash or not); 404 for any other id.
pub async fn file(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<FileRow, ApiError> {
    sql::query_as::<FileRow>(concat!(
        "select ",
        file_columns!(),
        " from file_manager_files where tenant_id = $1 and id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| ApiError::not_found("file not found"))
}

/// Like [`file`], locking the row for the write about to be made (on PostgreSQL; SQLite's
/// writers are serial), so a concurrent change is not overwritten by a stale read.
pub async fn file_for_update(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<FileRow, ApiError> {
    let query = match tx.backend() {
        sql::Backend::Postgres => sql::query_as::<FileRow>(concat!(
            "select ",
            file_columns!(),
            " from file_manager_files where tenant_id = $1 and id = $2 for update"
        )),
        sql::Backend::Sqlite => sql::query_as::<FileRow>(concat!(
            "select ",
            file_columns!(),
            " from file_manager_files where tenant_id = $1 and id = $2"
        )),
    };
    query
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or_else(|| ApiError::not_found("file not found"))
}

/// Deletes the files in the trash and answers them.
pub async fn delete_trashed(tx: &mut Tx, tenant_id: Uuid) -> Result<Vec<FileRow>, ApiError> {
    sql::query_as::<FileRow>(concat!(
        "delete from file_manager_files where tenant_id = $1 and trashed_at is not null returning ",
        file_columns!()
    ))
    .bind(tenant_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)
}

/// The files in `folder` (the top without one), outside the trash, by name.
pub async fn files_in(
    tx: &mut Tx,
    tenant_id: Uuid,
    folder: Option<Uuid>,
) -> Result<Vec<FileRow>, ApiError> {
    sql::query_as::<FileRow>(concat!(
        "select ",
        file_columns!(),
        " from file_manager_files \
         where tenant_id = $1 and folder_id is not distinct from $2 and trashed_at is null \
         order by lower(name), id"
    ))
    .bind(tenant_id)
    .bind(folder)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)
}

/// The files in the trash, most recently trashed first.
pub async fn trashed(tx: &mut Tx, tenant_id: Uuid) -> Result<Vec<FileRow>, ApiError> {
    sql::query_as::<FileRow>(concat!(
        "select ",
        file_columns!(),
        " from file_manager_files \
         where tenant_id = $1 and trashed_at is not null order by trashed_at desc, id"
    ))
    .bind(tenant_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)
}

/// Inserts an uploaded file's row.
pub async fn insert_file(tx: &mut Tx, tenant_id: Uuid, file: &FileRow) -> Result<(), ApiError> {
    sql::query(
        "insert into file_manager_files (id, tenant_id, folder_id, name, size, content_type, declared_type, \
         sha256, blob_id, thumb_blob_id, uploaded_by, created_at, updated_at, trashed_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(file.id)
    .bind(tenant_id)
    .bind(file.folder_id)
    .bind(&file.name)
    .bind(file.size)
    .bind(&file.content_type)
    .bind(&file.declared_type)
    .bind(&file.sha256)
    .bind(file.blob_id)
    .bind(file.thumb_blob_id)
    .bind(file.uploaded_by)
    .bind(file.created_at)
    .bind(file.updated_at)
    .bind(file.trashed_at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Writes a file's name, folder and trash time.
pub async fn update_file(tx: &mut Tx, tenant_id: Uuid, file: &FileRow) -> Result<(), ApiError> {
    sql::query(
        "update file_manager_files set name = $3, folder_id = $4, trashed_at = $5, updated_at = $6 \
         where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(file.id)
    .bind(&file.name)
    .bind(file.folder_id)
    .bind(file.trashed_at)
    .bind(file.updated_at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// The tenant's file count and bytes, outside the trash and in it.
pub async fn totals(tx: &mut Tx, tenant_id: Uuid) -> Result<(i64, i64, i64), ApiError> {
    sql::query_as(
        "select count(*) filter (where trashed_at is null), \
                cast(coalesce(sum(size) filter (where trashed_at is null), 0) as bigint), \
                count(*) filter (where trashed_at is not null) \
         from file_manager_files where tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)
}

// ---- share links --------------------------------------------------------------------------

/// Inserts a share link.
pub async fn insert_share(
    tx: &mut Tx,
    tenant_id: Uuid,
    share: &ShareRow,
    token_hash: &str,
) -> Result<(), ApiError> {
    sql::query(
        "insert into file_manager_shares (id, tenant_id, file_id, token_hash, password_hash, expires_at, \
         downloads, failed_attempts, created_by, created_at) values ($1, $2, $3, $4, $5, $6, 0, 0, $7, $8)",
    )
    .bind(share.id)
    .bind(tenant_id)
    .bind(share.file_id)
    .bind(token_hash)
    .bind(&share.password_hash)
    .bind(share.expires_at)
    .bind(share.created_by)
    .bind(share.created_at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// A file's share links, newest first.
pub async fn shares_of(
    tx: &mut Tx,
    tenant_id: Uuid,
    file_id: Uuid,
) -> Result<Vec<ShareRow>, ApiError> {
    sql::query_as::<ShareRow>(concat!(
        "select ",
        share_columns!(),
        " from file_manager_shares where tenant_id = $1 and file_id = $2 \
         order by created_at desc, id desc"
    ))
    .bind(tenant_id)
    .bind(file_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)
}

/// One of the tenant's share links; 404 for any other id.
pub async fn share(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<ShareRow, ApiError> {
    sql::query_as::<ShareRow>(concat!(
        "select ",
        share_columns!(),
        " from file_manager_shares where tenant_id = $1 and id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| ApiError::not_found("share link not found"))
}

/// The share link with `token_hash` in the tenant.
pub async fn share_by_token(
    tx: &mut Tx,
    tenant_id: Uuid,
    token_hash: &str,
) -> Result<Option<ShareRow>, ApiError> {
    sql::query_as::<ShareRow>(concat!(
        "select ",
        share_columns!(),
        " from file_manager_shares where tenant_id = $1 and token_hash = $2"
    ))
    .bind(tenant_id)
    .bind(token_hash)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)
}

/// Revokes a share link (once: a revoked link keeps its first revocation time).
pub async fn revoke_share(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    sql::query(
        "update file_manager_shares set revoked_at = $3 \
         where tenant_id = $1 and id = $2 and revoked_at is null",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Counts a download through a link.
pub async fn count_download(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    sql::query(
        "update file_manager_shares set downloads = downloads + 1 where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Takes one password attempt at a link, unless it is locked at `at`: the tenth attempt in a row
/// without a right password locks it until `at + lock`. The row's lock makes parallel guesses
/// count one by one. False when the link is locked.
pub async fn reserve_attempt(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    at: DateTime<Utc>,
    lock: chrono::Duration,
) -> Result<bool, ApiError> {
    let updated = sql::query(
        "update file_manager_shares set \
         failed_attempts = case when failed_attempts + 1 >= 10 then 0 else failed_attempts + 1 end, \
         locked_until = case when failed_attempts + 1 >= 10 then $3 else locked_until end \
         where tenant_id = $1 and id = $2 and (locked_until is null or locked_until <= $4)",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(at + lock)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db)?
    .rows_affected();
    Ok(updated == 1)
}

/// A right password: the count of attempts starts again.
pub async fn reset_attempts(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    sql::query(
        "update file_manager_shares set failed_attempts = 0, locked_until = null \
         where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}
