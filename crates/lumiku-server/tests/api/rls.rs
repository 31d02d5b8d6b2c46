//! PostgreSQL row-level security: the second wall behind the application's tenant filter.

use lumiku_kernel::sql;
use lumiku_testkit::{Backend, TestApp, postgres_tests};
use uuid::Uuid;

postgres_tests!(a_query_missing_its_tenant_filter_still_sees_only_its_tenant);

async fn a_query_missing_its_tenant_filter_still_sees_only_its_tenant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let tenant = ana.personal_tenant_id;

    // Platform-level work sees both tenants' rows...
    let mut tx = app.kernel.db().begin().await.unwrap();
    let all: Vec<Option<Uuid>> = sql::query_scalar("select tenant_id from audit_events")
        .fetch_all(&mut tx)
        .await
        .unwrap();
    assert!(all.contains(&Some(budi.personal_tenant_id)));
    drop(tx);

    // ...but a tenant-scoped transaction, running the same unfiltered queries, sees only its own.
    let mut tx = app.kernel.db().begin_tenant(tenant).await.unwrap();
    let audit: Vec<Option<Uuid>> = sql::query_scalar("select tenant_id from audit_events")
        .fetch_all(&mut tx)
        .await
        .unwrap();
    assert!(!audit.is_empty());
    assert!(audit.iter().all(|t| *t == Some(tenant)), "{audit:?}");
    let members: Vec<Uuid> = sql::query_scalar("select tenant_id from tenant_members")
        .fetch_all(&mut tx)
        .await
        .unwrap();
    assert_eq!(members, vec![tenant]);
    let tenants: Vec<Uuid> = sql::query_scalar("select id from tenants")
        .fetch_all(&mut tx)
        .await
        .unwrap();
    assert_eq!(tenants, vec![tenant]);
    // Nor can it write into another tenant.
    let foreign = sql::query(
        "insert into tenant_members (tenant_id, user_id, role, created_at, updated_at) values ($1, $2, 'owner', now(), now())",
    )
    .bind(budi.personal_tenant_id)
    .bind(ana.id)
    .execute(&mut tx)
    .await;
    assert!(
        foreign.is_err(),
        "row-level security let a row into another tenant"
    );
}
