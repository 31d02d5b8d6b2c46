//! The app's page in the dashboard: a folder's folders and files (server-rendered, so the page
//! reads without script), breadcrumbs, the storage used against the plan's quota, and the trash;
//! `files.js` adds uploads (one or many, by picker or drag and drop), the detail and preview
//! dialog, renames and moves, and share links, through the app's API.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use lumiku_plugin::context::Action;
use lumiku_plugin::extract::Query;
use lumiku_plugin::{ApiError, PageContext, Permission};
use serde::Deserialize;
use uuid::Uuid;

use crate::store::{self, Folder};
use crate::{CreateShareLink, MANIFEST, UploadFile, model};

/// The page routes, relative to `/apps/file-manager`.
pub fn router() -> Router {
    Router::new()
        .route("/", get(files_page))
        .route("/files.js", get(script))
        .route("/files.css", get(styles))
}

async fn styles() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../assets/files.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../assets/files.js"),
    )
}

/// Which folder, or the trash.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    folder: Option<Uuid>,
    view: Option<String>,
}

struct Crumb {
    href: String,
    name: String,
}

struct FolderView {
    id: Uuid,
    name: String,
    href: String,
    updated: String,
}

struct FileView {
    id: Uuid,
    name: String,
    size: u64,
    size_label: String,
    content_type: String,
    kind: &'static str,
    has_thumbnail: bool,
    uploaded_by: String,
    updated: String,
    trashed: Option<String>,
}

struct FolderOption {
    id: String,
    label: String,
}

#[derive(Template)]
#[template(path = "files.html")]
struct FilesPage {
    name: &'static str,
    api: &'static str,
    page_path: &'static str,
    can_write: bool,
    upload_cost: i64,
    share_cost: i64,
    trash_view: bool,
    folder_id: Option<Uuid>,
    breadcrumbs: Vec<Crumb>,
    folders: Vec<FolderView>,
    files: Vec<FileView>,
    move_targets: Vec<FolderOption>,
    used_bytes: u64,
    quota_bytes: u64,
    used_label: String,
    quota_label: String,
    max_upload_bytes: u64,
}

/// `bytes` for people: `12.5 MiB`.
pub fn size_label(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} {}", if bytes == 1 { "byte" } else { "bytes" });
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 || value.fract() < 0.05 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%d %b %Y %H:%M UTC").to_string()
}

/// Each folder's full path, for "move to".
fn paths(folders: &[Folder]) -> Vec<FolderOption> {
    let by_id: HashMap<Uuid, &Folder> = folders.iter().map(|f| (f.id, f)).collect();
    let mut options: Vec<FolderOption> = folders
        .iter()
        .map(|folder| {
            let mut names = vec![folder.name.as_str()];
            let mut parent = folder.parent_id;
            while let Some(id) = parent {
                let Some(up) = by_id.get(&id) else { break };
                names.push(up.name.as_str());
                parent = up.parent_id;
                if names.len() > 64 {
                    break;
                }
            }
            names.reverse();
            FolderOption {
                id: folder.id.to_string(),
                label: format!("/{}", names.join("/")),
            }
        })
        .collect();
    options.sort_by_key(|option| option.label.to_lowercase());
    options.insert(
        0,
        FolderOption {
            id: String::new(),
            label: "/ (All files)".into(),
        },
    );
    options
}

async fn files_page(
    page: PageContext,
    Query(query): Query<PageQuery>,
) -> Result<Html<String>, ApiError> {
    let tenant = page.tenant_id();
    let trash_view = query.view.as_deref() == Some("trash");
    let mut tx = page.read().await?;
    let path = match (trash_view, query.folder) {
        (false, Some(id)) => store::folder_path(&mut tx, tenant, id).await?,
        _ => Vec::new(),
    };
    let folders = if trash_view {
        Vec::new()
    } else {
        store::folders_in(&mut tx, tenant, query.folder).await?
    };
    let files = if trash_view {
        store::trashed(&mut tx, tenant).await?
    } else {
        store::files_in(&mut tx, tenant, query.folder).await?
    };
    let all = store::all_folders(&mut tx, tenant).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    let names = crate::routes::names_of(page.members().await?);
    let usage = page.blobs().usage().await?;
    let page_path = "/apps/file-manager";
    let mut breadcrumbs = vec![Crumb {
        href: page_path.into(),
        name: "All files".into(),
    }];
    breadcrumbs.extend(path.iter().map(|f| Crumb {
        href: format!("{page_path}?folder={}", f.id),
        name: f.name.clone(),
    }));
    if trash_view {
        breadcrumbs.push(Crumb {
            href: format!("{page_path}?view=trash"),
            name: "Trash".into(),
        });
    }
    let body = FilesPage {
        name: MANIFEST.name,
        api: MANIFEST.route_prefix,
        page_path,
        can_write: page.can(Permission::Write),
        upload_cost: page.cost(UploadFile::NAME),
        share_cost: page.cost(CreateShareLink::NAME),
        trash_view,
        folder_id: if trash_view { None } else { query.folder },
        breadcrumbs,
        folders: folders
            .into_iter()
            .map(|f| FolderView {
                href: format!("{page_path}?folder={}", f.id),
                id: f.id,
                name: f.name,
                updated: when(f.updated_at),
            })
            .collect(),
        files: files
            .into_iter()
            .map(|f| FileView {
                id: f.id,
                size: f.size.max(0) as u64,
                size_label: size_label(f.size.max(0) as u64),
                kind: model::kind(&f.content_type),
                content_type: f.content_type,
                has_thumbnail: f.thumb_blob_id.is_some(),
                uploaded_by: names
                    .get(&f.uploaded_by)
                    .cloned()
                    .unwrap_or_else(|| "a former member".into()),
                updated: when(f.updated_at),
                trashed: f.trashed_at.map(when),
                name: f.name,
            })
            .collect(),
        move_targets: paths(&all),
        used_bytes: usage.used_bytes,
        quota_bytes: usage.quota_bytes,
        used_label: size_label(usage.used_bytes),
        quota_label: size_label(usage.quota_bytes),
        max_upload_bytes: page.blobs().max_upload_bytes(),
    }
    .render()
    .map_err(ApiError::internal)?;
    Ok(page.render(MANIFEST.name, &body))
}

#[cfg(test)]
mod tests {
    use super::size_label;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(size_label(0), "0 bytes");
        assert_eq!(size_label(1), "1 byte");
        assert_eq!(size_label(1536), "1.5 KiB");
        assert_eq!(size_label(100 * 1024 * 1024), "100 MiB");
        assert_eq!(size_label(2 * 1024 * 1024 * 1024), "2 GiB");
    }
}
