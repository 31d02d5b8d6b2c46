//! File Manager: a tenant's documents in nested folders, on the platform's blob storage
//! (`lumiku_plugin::blobs`): uploads streamed to storage and charged by size, downloads with
//! ranges and validators, thumbnails of images, previews, a trash, and share links that download
//! one file without an account.
//!
//! Uploading costs credits per started 10 MiB and a share link a fixed price; folders, moves,
//! the trash and every read are free. The manifest holds every price.

pub mod model;
mod pages;
pub mod routes;
pub mod share;
pub mod store;

use std::sync::Arc;

use lumiku_plugin::{Access, Dashboard, Features, Install, Manifest, Migration, Plugin, Role};
use utoipa_axum::router::OpenApiRouter;

/// The app's manifest: the only place its prices are written.
pub const MANIFEST: Manifest = Manifest {
    app_id: "file-manager",
    name: "File Manager",
    description: "Keep your team's files, share them by link",
    icon: "folder",
    version: "0.1.0",
    route_prefix: "/api/apps/file-manager",
    credits: &[
        ("uploadFile", 1),
        ("createShareLink", 2),
        ("createFolder", 0),
        ("updateFolder", 0),
        ("deleteFolder", 0),
        ("updateFile", 0),
        ("trashFile", 0),
        ("restoreFile", 0),
        ("emptyTrash", 0),
        ("revokeShareLink", 0),
    ],
    access: Access {
        requires_auth: true,
        requires_subscription: false,
        min_subscription_tier: None,
        allowed_roles: &Role::ALL,
    },
    features: Features {
        enabled: true,
        beta: false,
        coming_soon: false,
    },
    install: Install {
        default: true,
        cost: 0,
    },
    platform_data: &[],
    webhook_events: &[],
    dashboard: Dashboard {
        order: 6,
        color: "orange",
        stats_endpoint: Some("/api/apps/file-manager/stats"),
    },
};

/// The app's schema changes, in order. An applied migration is never edited: add the next one.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "folders, files, share links",
    sqlite: include_str!("../migrations/sqlite/0001_files.sql"),
    postgres: include_str!("../migrations/postgres/0001_files.sql"),
}];

lumiku_plugin::actions! {
    /// Upload a file: the price is per started 10 MiB.
    UploadFile = "uploadFile",
    /// Make a share link.
    CreateShareLink = "createShareLink",
    /// Make a folder.
    CreateFolder = "createFolder",
    /// Rename or move a folder.
    UpdateFolder = "updateFolder",
    /// Delete an empty folder.
    DeleteFolder = "deleteFolder",
    /// Rename or move a file.
    UpdateFile = "updateFile",
    /// Move a file to the trash.
    TrashFile = "trashFile",
    /// Take a file out of the trash.
    RestoreFile = "restoreFile",
    /// Delete the trash's files for good.
    EmptyTrash = "emptyTrash",
    /// Revoke a share link.
    RevokeShareLink = "revokeShareLink",
}

/// The app.
pub struct FileManager;

impl Plugin for FileManager {
    fn export_hidden(&self) -> &'static [(&'static str, &'static str)] {
        // A share link's token and password, even hashed, stay with this server.
        &[
            ("file_manager_shares", "token_hash"),
            ("file_manager_shares", "password_hash"),
        ]
    }

    fn manifest(&self) -> &'static Manifest {
        &MANIFEST
    }

    fn routes(&self) -> OpenApiRouter {
        routes::router()
    }

    fn migrations(&self) -> &'static [Migration] {
        MIGRATIONS
    }

    fn pages(&self) -> Option<axum::Router> {
        Some(pages::router())
    }

    fn public_routes(&self) -> Option<OpenApiRouter> {
        Some(share::router())
    }

    fn streaming_paths(&self) -> &'static [&'static str] {
        &["/files"]
    }
}

/// The app, ready to hand to the server.
pub fn app() -> Arc<dyn Plugin> {
    Arc::new(FileManager)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumiku_plugin::context::Action;

    #[test]
    fn the_manifest_is_valid_and_prices_every_action() {
        let problems = MANIFEST.problems();
        assert!(problems.is_empty(), "{problems:?}");
        for action in [
            UploadFile::NAME,
            CreateShareLink::NAME,
            CreateFolder::NAME,
            UpdateFolder::NAME,
            DeleteFolder::NAME,
            UpdateFile::NAME,
            TrashFile::NAME,
            RestoreFile::NAME,
            EmptyTrash::NAME,
            RevokeShareLink::NAME,
        ] {
            assert!(MANIFEST.cost(action).is_some(), "{action}");
        }
    }
}
