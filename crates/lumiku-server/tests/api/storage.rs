//! Blob storage keyed by tenant and app: a blob one app stored for one tenant cannot be seen,
//! read or removed by another app, or by the same app in another tenant; on both backends.

use axum::body::Bytes;
use futures_util::StreamExt as _;
use std::sync::Arc;

use lumiku_plugin::context::Opening;
use lumiku_plugin::{Manifest, Migration, Plugin};
use lumiku_testkit::{Backend, TestApp, backend_tests, test_manifest};
use utoipa_axum::router::OpenApiRouter;

backend_tests!(another_app_or_tenant_cannot_reach_a_blob);

const ALPHA: Manifest = test_manifest("alpha", "/api/apps/alpha");
const BETA: Manifest = test_manifest("beta", "/api/apps/beta");

/// An app with no routes or tables: only its wall, which is what keys its blobs.
struct Bare(&'static Manifest);

impl Plugin for Bare {
    fn manifest(&self) -> &'static Manifest {
        self.0
    }

    fn routes(&self) -> OpenApiRouter {
        OpenApiRouter::new()
    }

    fn migrations(&self) -> &'static [Migration] {
        &[]
    }
}

async fn another_app_or_tenant_cannot_reach_a_blob(backend: Backend) {
    let apps: Vec<Arc<dyn Plugin>> = vec![Arc::new(Bare(&ALPHA)), Arc::new(Bare(&BETA))];
    let app = TestApp::spawn_with_apps(backend, apps, |_| {}).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let (tenant, other) = (ana.personal_tenant_id, budi.personal_tenant_id);
    let alpha = app.kernel.app_host(&ALPHA);
    let beta = app.kernel.app_host(&BETA);

    let body = futures_util::stream::iter([Ok(Bytes::from_static(b"alpha's secret"))]).boxed();
    let uploaded = alpha.blob_upload(tenant, body, 1024).await.unwrap();
    let id = uploaded.info.id;
    // Kept on a transaction of the tenant, as a metered action keeps it.
    let charge = lumiku_plugin::context::ChargeRequest {
        app_id: "alpha",
        action: "keep",
        cost: 0,
        tenant_id: tenant,
        user_id: ana.id,
        idempotency: None,
    };
    let Opening::Charged { mut tx, .. } = alpha.open(&charge).await.unwrap() else {
        panic!("a replay without a key");
    };
    alpha.blob_attach(&mut tx, &uploaded.info).await.unwrap();
    tx.commit().await.unwrap();

    assert!(alpha.blob_info(tenant, id).await.unwrap().is_some());
    let mut bytes = Vec::new();
    let mut stream = alpha.blob_read(tenant, id, None).await.unwrap();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(bytes, b"alpha's secret");

    // Another app in the same tenant, and the same app in another tenant: nothing there.
    assert!(beta.blob_info(tenant, id).await.unwrap().is_none());
    assert_eq!(
        beta.blob_read(tenant, id, None)
            .await
            .err()
            .unwrap()
            .status(),
        404
    );
    assert!(alpha.blob_info(other, id).await.unwrap().is_none());
    assert_eq!(
        alpha
            .blob_read(other, id, None)
            .await
            .err()
            .unwrap()
            .status(),
        404
    );
    // Nor can they remove it, or discard its object.
    let charge = lumiku_plugin::context::ChargeRequest {
        app_id: "beta",
        ..charge
    };
    let Opening::Charged { mut tx, .. } = beta.open(&charge).await.unwrap() else {
        panic!("a replay without a key");
    };
    assert!(!beta.blob_remove(&mut tx, id).await.unwrap());
    tx.commit().await.unwrap();
    beta.blob_discard(tenant, id).await.unwrap();
    alpha.blob_discard(other, id).await.unwrap();
    assert!(alpha.blob_info(tenant, id).await.unwrap().is_some());
    let mut stream = alpha.blob_read(tenant, id, None).await.unwrap();
    assert!(stream.next().await.is_some(), "the object is still there");
    let usage = alpha.storage_usage(tenant).await.unwrap();
    assert_eq!(usage.used_bytes, 14);
    assert_eq!(alpha.storage_usage(other).await.unwrap().used_bytes, 0);
}
