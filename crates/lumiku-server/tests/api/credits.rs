use lumiku_testkit::{Backend, TestApp, TestResponse, backend_tests};
use reqwest::Method;
use serde_json::json;

backend_tests!(
    a_new_account_starts_with_the_welcome_bonus,
    an_admin_grants_and_adjusts_credits_with_a_reason,
    only_admins_change_balances_and_never_below_zero,
    history_pages_newest_first,
    the_balance_follows_the_tenant_header,
    the_wallet_check_finds_each_wallet_its_records_disagree_with,
    a_charge_enters_the_apps_wall_by_its_own_statement,
);

async fn a_new_account_starts_with_the_welcome_bonus(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let balance = app.get("/api/credits/balance", &user.access_token).await;
    balance.assert_status(200);
    assert_eq!(balance.body["balance"], 100);
    assert_eq!(
        balance.body["tenantId"],
        user.personal_tenant_id.to_string()
    );
    let history = app.get("/api/credits/history", &user.access_token).await;
    assert_eq!(history.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(history.body["items"][0]["kind"], "bonus");
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();

    let none = TestApp::spawn_with(backend, |c| c.welcome_bonus_credits = 0).await;
    let user = none.register_user().await;
    assert_eq!(
        none.get("/api/credits/balance", &user.access_token)
            .await
            .body["balance"],
        0
    );
    assert_eq!(none.wallet(user.personal_tenant_id).await.ledger_rows, 0);
}

async fn an_admin_grants_and_adjusts_credits_with_a_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let user = app.register_user().await;
    let path = format!("/api/admin/tenants/{}/credits", user.personal_tenant_id);
    let granted = app
        .post(
            &path,
            &admin.access_token,
            json!({ "amount": 250, "kind": "grant", "reason": "Support goodwill" }),
        )
        .await;
    granted.assert_status(201);
    assert_eq!(granted.body["kind"], "grant");
    assert_eq!(granted.body["amountCredits"], 250);
    assert_eq!(granted.body["balanceAfterCredits"], 350);
    assert_eq!(granted.body["actorUserId"], admin.id.to_string());
    let adjusted = app
        .post(
            &path,
            &admin.access_token,
            json!({ "amount": -50, "kind": "adjustment", "reason": "Correction" }),
        )
        .await;
    adjusted.assert_status(201);
    assert_eq!(adjusted.body["balanceAfterCredits"], 300);
    assert_eq!(
        app.get("/api/credits/balance", &user.access_token)
            .await
            .body["balance"],
        300
    );
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();

    let log = app
        .get(
            &format!(
                "/api/tenants/{}/audit?action=credits.adjusted",
                user.personal_tenant_id
            ),
            &user.access_token,
        )
        .await;
    let entries = log.body["items"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["details"]["reason"], "Support goodwill");
    assert_eq!(entries[1]["actorUserId"], admin.id.to_string());
}

async fn only_admins_change_balances_and_never_below_zero(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let user = app.register_user().await;
    let path = format!("/api/admin/tenants/{}/credits", user.personal_tenant_id);
    app.post(
        &path,
        &user.access_token,
        json!({ "amount": 1000, "kind": "grant", "reason": "I deserve it" }),
    )
    .await
    .assert_error(403, "forbidden");
    let overdraw = app
        .post(
            &path,
            &admin.access_token,
            json!({ "amount": -101, "kind": "adjustment", "reason": "Too much" }),
        )
        .await;
    overdraw.assert_error(402, "insufficient_credits");
    assert_eq!(overdraw.body["error"]["current"], 100);
    let cases = [
        (
            json!({ "amount": 0, "kind": "adjustment", "reason": "nothing" }),
            "amount",
        ),
        (
            json!({ "amount": -5, "kind": "grant", "reason": "negative grant" }),
            "amount",
        ),
        (
            json!({ "amount": 5, "kind": "purchase", "reason": "not an admin kind" }),
            "kind",
        ),
        (
            json!({ "amount": 5, "kind": "grant", "reason": "  " }),
            "reason",
        ),
    ];
    for (body, field) in cases {
        let response = app.post(&path, &admin.access_token, body).await;
        assert_eq!(response.status, 422, "{field}: {}", response.text);
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{field}: {}",
            response.text
        );
    }
    let unknown = format!("/api/admin/tenants/{}/credits", uuid::Uuid::now_v7());
    app.post(
        &unknown,
        &admin.access_token,
        json!({ "amount": 5, "kind": "grant", "reason": "ghost" }),
    )
    .await
    .assert_error(404, "not_found");
    let wallet = app.wallet(user.personal_tenant_id).await;
    wallet.assert_consistent();
    assert_eq!(wallet.balance, 100);
}

async fn history_pages_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let user = app.register_user().await;
    let path = format!("/api/admin/tenants/{}/credits", user.personal_tenant_id);
    for amount in 1..=4 {
        app.post(
            &path,
            &admin.access_token,
            json!({ "amount": amount, "kind": "grant", "reason": "step" }),
        )
        .await
        .assert_status(201);
    }
    let first = app
        .get("/api/credits/history?limit=3", &user.access_token)
        .await;
    let amounts: Vec<i64> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amountCredits"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [4, 3, 2]);
    let cursor = first.body["nextCursor"].as_str().unwrap();
    let second = app
        .get(
            &format!("/api/credits/history?limit=3&before={cursor}"),
            &user.access_token,
        )
        .await;
    let amounts: Vec<i64> = second.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amountCredits"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [1, 100]);
    assert!(second.body["nextCursor"].is_null());
    app.get(
        "/api/credits/usage?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
        &user.access_token,
    )
    .await
    .assert_error(422, "validation_failed");
}

async fn the_balance_follows_the_tenant_header(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let stranger = app.register_user().await;
    let team = app
        .post(
            "/api/tenants",
            &owner.access_token,
            json!({ "name": "Wallet team" }),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let in_team = |token: &str| {
        app.request(Method::GET, "/api/credits/balance")
            .bearer_auth(token)
            .header("x-tenant-id", team.as_str())
    };
    let team_balance = TestResponse::from(in_team(&owner.access_token).send().await.unwrap()).await;
    team_balance.assert_status(200);
    assert_eq!(
        team_balance.body["balance"], 0,
        "team tenants get no welcome bonus"
    );
    TestResponse::from(in_team(&stranger.access_token).send().await.unwrap())
        .await
        .assert_error(404, "not_found");
    let history = app
        .request(Method::GET, "/api/credits/history")
        .bearer_auth(&stranger.access_token)
        .header("x-tenant-id", team.as_str());
    TestResponse::from(history.send().await.unwrap())
        .await
        .assert_error(404, "not_found");
}

/// `check_wallets` (what `lumiku copy` ends with) counts a wallet whose balance differs from its
/// ledger, and one whose daily rollups differ from the ledger, and none while all agree.
async fn the_wallet_check_finds_each_wallet_its_records_disagree_with(backend: Backend) {
    use lumiku_kernel::credits::{WalletCheck, check_wallets};
    use lumiku_kernel::sql;
    let app = TestApp::spawn(backend).await;
    let (one, two, three) = (
        app.register_user().await,
        app.register_user().await,
        app.register_user().await,
    );
    let db = app.kernel.db();
    let wallets = check_wallets(db).await.unwrap().wallets;
    assert!(wallets >= 3, "{wallets} wallets");
    assert_eq!(check_wallets(db).await.unwrap().broken, 0);

    let mut tx = db.begin().await.unwrap();
    sql::query("update wallets set balance_credits = balance_credits + 1 where tenant_id = $1")
        .bind(one.personal_tenant_id)
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        check_wallets(db).await.unwrap(),
        WalletCheck { wallets, broken: 1 }
    );

    let mut tx = db.begin().await.unwrap();
    sql::query("update ledger_daily set credits_in = credits_in + 1 where tenant_id = $1")
        .bind(two.personal_tenant_id)
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        check_wallets(db).await.unwrap(),
        WalletCheck { wallets, broken: 2 }
    );
    app.wallet(three.personal_tenant_id)
        .await
        .assert_consistent();
}

/// A metered charge's debit takes the app's role in its own statement on PostgreSQL; the
/// transaction then is inside the app's wall, with the role to show for it. A transaction is
/// never believed inside a wall on a role that is not the wall's, nor by statement on SQLite.
/// A refused debit enters nothing.
async fn a_charge_enters_the_apps_wall_by_its_own_statement(backend: Backend) {
    use std::sync::Arc;

    use lumiku_kernel::{credits, sql};
    use lumiku_store::wall::Wall;
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let user = app.register_user().await;
    let tenant = user.personal_tenant_id;
    let db = app.kernel.db();
    let wall = Arc::new(Wall::new("project-manager"));

    let mut tx = db.begin_tenant(tenant).await.unwrap();
    assert!(tx.entered(Arc::clone(&wall), "lumiku_app").is_err());
    assert!(tx.wall().is_none());
    let balance =
        credits::move_balance_into(&mut tx, tenant, -5, lumiku_store::now(), Arc::clone(&wall))
            .await
            .unwrap();
    assert_eq!(balance, 95);
    assert_eq!(tx.wall().map(Wall::role), Some(wall.role()));
    if backend == Backend::Postgres {
        let role: String = sql::query_scalar("select current_setting('role')")
            .fetch_one(&mut tx)
            .await
            .unwrap();
        assert_eq!(role, wall.role());
    } else {
        assert!(tx.entered(Arc::clone(&wall), wall.role()).is_err());
    }
    drop(tx);

    let mut tx = db.begin_tenant(tenant).await.unwrap();
    let refused =
        credits::move_balance_into(&mut tx, tenant, -1_000, lumiku_store::now(), wall).await;
    assert!(
        matches!(
            refused,
            Err(lumiku_kernel::Error::InsufficientCredits {
                required: 1_000,
                current: 100
            })
        ),
        "{refused:?}"
    );
    assert!(tx.wall().is_none());
    drop(tx);
    app.wallet(tenant).await.assert_consistent();
}
