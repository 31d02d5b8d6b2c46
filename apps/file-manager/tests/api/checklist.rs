//! The seed's per-app checklist: each metered action charges its price and answers the balance,
//! reads are free, a short wallet writes nothing, usage is recorded, a failure rolls everything
//! back, and the wrong caller gets 401, 403, 404 or 422 without a charge. Uploads run on both
//! storages.

use lumiku_testkit::{Backend, TestResponse, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    BASE, MIB, balance, file_id, headers_only_upload, noise, settle_objects, spawn, spawn_on,
    storages, unit_cost, upload, upload_as, upload_chunked, used_bytes,
};

backend_tests!(
    an_upload_charges_per_started_ten_mebibytes_and_answers_the_balance,
    reads_and_downloads_charge_nothing,
    a_short_wallet_is_refused_before_the_bytes_are_stored,
    a_write_records_its_usage_and_ledger_entry,
    a_failure_after_the_debit_rolls_everything_back,
    requests_without_a_token_get_401,
    a_viewer_reads_but_cannot_write,
    another_tenants_files_folders_and_links_are_404,
    names_that_climb_out_or_hide_get_422_and_cost_nothing,
    a_retried_upload_with_one_idempotency_key_charges_once,
);

async fn an_upload_charges_per_started_ten_mebibytes_and_answers_the_balance(backend: Backend) {
    for storage in storages() {
        let app = spawn_on(backend, storage, 100).await;
        let user = app.register_user().await;
        let small = upload(&app, &user, "notes.txt", b"hello\n".to_vec(), None).await;
        small.assert_status(201);
        assert_eq!(small.body["creditUsed"], unit_cost(), "{storage:?}");
        assert_eq!(small.body["creditBalance"], 100 - unit_cost());
        assert_eq!(small.body["file"]["size"], 6);
        assert_eq!(
            small.body["file"]["contentType"],
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            small.body["file"]["sha256"],
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
        // 10 MiB and one byte: two started 10 MiB.
        let big = upload(&app, &user, "big.bin", noise(10 * MIB + 1), None).await;
        big.assert_status(201);
        assert_eq!(big.body["creditUsed"], 2 * unit_cost());
        assert_eq!(big.body["creditBalance"], 100 - 3 * unit_cost());
        assert_eq!(balance(&app, &user).await, 100 - 3 * unit_cost());
        assert_eq!(used_bytes(&app, &user).await, (10 * MIB + 1 + 6) as u64);
        app.wallet(user.personal_tenant_id)
            .await
            .assert_consistent();
    }
}

async fn reads_and_downloads_charge_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let id = file_id(
        &upload(&app, &user, "a.txt", b"read me".to_vec(), None)
            .await
            .body,
    );
    let before = app.wallet(user.personal_tenant_id).await;
    let listing = app.get(&format!("{BASE}/browse"), &user.access_token).await;
    listing.assert_status(200);
    assert_eq!(listing.body["files"][0]["name"], "a.txt");
    assert!(listing.body.get("creditUsed").is_none());
    app.get(&format!("{BASE}/files/{id}"), &user.access_token)
        .await
        .assert_status(200);
    let content = app
        .get(&format!("{BASE}/files/{id}/content"), &user.access_token)
        .await;
    content.assert_status(200);
    assert_eq!(content.text, "read me");
    for path in ["usage", "stats", "trash"] {
        app.get(&format!("{BASE}/{path}"), &user.access_token)
            .await
            .assert_status(200);
    }
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
}

async fn a_short_wallet_is_refused_before_the_bytes_are_stored(backend: Backend) {
    for storage in storages() {
        // Enough for one unit, not two.
        let app = spawn_on(backend, storage, unit_cost()).await;
        let user = app.register_user().await;
        let before = app.wallet(user.personal_tenant_id).await;
        // Declared length: refused before a byte is sent (the client waits for 100 Continue).
        let (status, refused) =
            headers_only_upload(&app, &user.access_token, (10 * MIB + 1) as u64).await;
        assert_eq!(status, 402, "{refused}");
        assert_eq!(refused["error"]["code"], "insufficient_credits");
        assert_eq!(refused["error"]["required"], 2 * unit_cost());
        assert_eq!(refused["error"]["current"], unit_cost());
        assert_eq!(settle_objects(&app, 0).await, 0, "{storage:?}");
        // No declared length: stored, found too dear, deleted.
        let refused = upload_chunked(&app, &user, "big.bin", noise(10 * MIB + 1)).await;
        refused.assert_error(402, "insufficient_credits");
        assert_eq!(
            settle_objects(&app, 0).await,
            0,
            "the refused upload's object stayed"
        );
        assert_eq!(app.wallet(user.personal_tenant_id).await, before);
        assert_eq!(used_bytes(&app, &user).await, 0);
        let listing = app.get(&format!("{BASE}/browse"), &user.access_token).await;
        assert_eq!(listing.body["files"], json!([]));
        let usage = app.get("/api/credits/usage", &user.access_token).await;
        assert_eq!(usage.body["totals"], json!([]));
    }
}

async fn a_write_records_its_usage_and_ledger_entry(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    for name in ["one.txt", "two.txt"] {
        upload(&app, &user, name, b"x".to_vec(), None)
            .await
            .assert_status(201);
    }
    let usage = app.get("/api/credits/usage", &user.access_token).await;
    assert_eq!(
        usage.body["totals"],
        json!([{ "appId": "file-manager", "action": "uploadFile", "count": 2, "credits": 2 * unit_cost() }])
    );
    let history = app.get("/api/credits/history", &user.access_token).await;
    let newest = &history.body["items"][0];
    assert_eq!(newest["kind"], "usage");
    assert_eq!(newest["amountCredits"], -unit_cost());
    assert_eq!(newest["description"], "file-manager: uploadFile");
}

async fn a_failure_after_the_debit_rolls_everything_back(backend: Backend) {
    for storage in storages() {
        let app = spawn_on(backend, storage, 100).await;
        let user = app.register_user().await;
        upload(&app, &user, "kept.txt", b"kept".to_vec(), None)
            .await
            .assert_status(201);
        match backend {
            Backend::Sqlite => {
                app.execute_sql(
                    "create trigger fail_usage before insert on ledger_entries when new.kind = 'usage' \
                     begin select raise(abort, 'injected failure'); end;",
                )
                .await
            }
            Backend::Postgres => {
                app.execute_sql(
                    "create function fail_usage() returns trigger language plpgsql as \
                     $$ begin raise exception 'injected failure'; end $$; \
                     create trigger fail_usage before insert on ledger_entries for each row \
                     when (new.kind = 'usage') execute function fail_usage();",
                )
                .await
            }
        }
        let before = app.wallet(user.personal_tenant_id).await;
        let used = used_bytes(&app, &user).await;
        let failed = upload(&app, &user, "doomed.txt", b"doomed".to_vec(), None).await;
        failed.assert_error(500, "internal_error");
        assert!(!failed.text.contains("injected"), "{}", failed.text);
        assert_eq!(app.wallet(user.personal_tenant_id).await, before);
        assert_eq!(
            used_bytes(&app, &user).await,
            used,
            "the quota kept the bytes"
        );
        let listing = app.get(&format!("{BASE}/browse"), &user.access_token).await;
        let names: Vec<&str> = listing.body["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["kept.txt"]);
        assert_eq!(
            settle_objects(&app, 1).await,
            1,
            "the failed upload's object stayed"
        );
    }
}

async fn requests_without_a_token_get_401(backend: Backend) {
    let app = spawn(backend).await;
    for (method, path) in [
        (Method::GET, "browse"),
        (Method::POST, "files?name=a.txt"),
        (Method::POST, "folders"),
        (Method::GET, "usage"),
    ] {
        app.call(
            method,
            &format!("{BASE}/{path}"),
            None,
            Some(json!({ "name": "x" })),
        )
        .await
        .assert_error(401, "missing_token");
    }
}

async fn a_viewer_reads_but_cannot_write(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let viewer = app.register_user().await;
    let team = app
        .post(
            "/api/tenants",
            &owner.access_token,
            json!({ "name": "Team" }),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/tenants/{team}/members"),
        &owner.access_token,
        json!({ "email": viewer.email, "role": "viewer" }),
    )
    .await
    .assert_status(201);
    // The team's wallet is empty, which does not matter: a viewer is refused before any price.
    let id = uuid::Uuid::now_v7();
    let team_wallet = app.wallet(team.parse().unwrap()).await;
    let as_viewer = |method: Method, path: String, body: Option<Value>| {
        let mut request = app
            .request(method, &path)
            .bearer_auth(&viewer.access_token)
            .header("x-tenant-id", team.as_str());
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    as_viewer(Method::GET, format!("{BASE}/browse"), None)
        .await
        .assert_status(200);
    as_viewer(Method::GET, format!("{BASE}/usage"), None)
        .await
        .assert_status(200);
    upload_as(
        &app,
        &viewer.access_token,
        Some(&team),
        "nope.txt",
        b"x".to_vec(),
        None,
    )
    .await
    .assert_error(403, "forbidden");
    as_viewer(
        Method::POST,
        format!("{BASE}/folders"),
        Some(json!({ "name": "Nope" })),
    )
    .await
    .assert_error(403, "forbidden");
    as_viewer(Method::DELETE, format!("{BASE}/files/{id}"), None)
        .await
        .assert_error(403, "forbidden");
    as_viewer(
        Method::POST,
        format!("{BASE}/files/{id}/shares"),
        Some(json!({})),
    )
    .await
    .assert_error(403, "forbidden");
    assert_eq!(app.wallet(team.parse().unwrap()).await, team_wallet);
}

async fn another_tenants_files_folders_and_links_are_404(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let file = file_id(
        &upload(&app, &ana, "secret.txt", b"secret".to_vec(), None)
            .await
            .body,
    );
    let folder = app
        .post(
            &format!("{BASE}/folders"),
            &ana.access_token,
            json!({ "name": "Private" }),
        )
        .await
        .body["folder"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let share = app
        .post(
            &format!("{BASE}/files/{file}/shares"),
            &ana.access_token,
            json!({}),
        )
        .await
        .body["share"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let budi_before = app.wallet(budi.personal_tenant_id).await;
    let token = &budi.access_token;
    for path in [
        format!("{BASE}/files/{file}"),
        format!("{BASE}/files/{file}/content"),
        format!("{BASE}/files/{file}/thumbnail"),
        format!("{BASE}/files/{file}/shares"),
        format!("{BASE}/browse?folderId={folder}"),
    ] {
        app.get(&path, token).await.assert_error(404, "not_found");
    }
    app.patch(
        &format!("{BASE}/files/{file}"),
        token,
        json!({ "name": "mine.txt" }),
    )
    .await
    .assert_error(404, "not_found");
    app.patch(
        &format!("{BASE}/folders/{folder}"),
        token,
        json!({ "name": "Mine" }),
    )
    .await
    .assert_error(404, "not_found");
    app.delete(&format!("{BASE}/files/{file}"), token)
        .await
        .assert_error(404, "not_found");
    app.delete(&format!("{BASE}/folders/{folder}"), token)
        .await
        .assert_error(404, "not_found");
    app.delete(&format!("{BASE}/shares/{share}"), token)
        .await
        .assert_error(404, "not_found");
    app.post(&format!("{BASE}/files/{file}/shares"), token, json!({}))
        .await
        .assert_error(404, "not_found");
    app.post(&format!("{BASE}/files/{file}/restore"), token, json!({}))
        .await
        .assert_error(404, "not_found");
    // Uploading into another tenant's folder.
    upload(&app, &budi, "x.txt", b"x".to_vec(), Some(&folder))
        .await
        .assert_error(404, "not_found");
    app.post(
        &format!("{BASE}/folders"),
        token,
        json!({ "name": "In", "parentId": folder }),
    )
    .await
    .assert_status(422);
    assert_eq!(app.wallet(budi.personal_tenant_id).await, budi_before);
    let still = app
        .get(&format!("{BASE}/files/{file}/content"), &ana.access_token)
        .await;
    assert_eq!(still.text, "secret");
}

async fn names_that_climb_out_or_hide_get_422_and_cost_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let before = app.wallet(user.personal_tenant_id).await;
    let long = "x".repeat(256);
    for name in [
        "",
        " ",
        ".",
        "..",
        "../etc/passwd",
        "a/b",
        "a\\b",
        "nul\0byte",
        "line\nbreak",
        "rtl\u{202e}gpj.exe",
        long.as_str(),
    ] {
        let response = upload(&app, &user, name, b"x".to_vec(), None).await;
        response.assert_status(422);
        assert!(
            response.body["error"]["fields"]["name"].is_array(),
            "{name:?}: {}",
            response.text
        );
        let response = app
            .post(
                &format!("{BASE}/folders"),
                &user.access_token,
                json!({ "name": name }),
            )
            .await;
        response.assert_status(422);
    }
    app.post(
        &format!("{BASE}/folders"),
        &user.access_token,
        json!({ "name": 7 }),
    )
    .await
    .assert_error(422, "invalid_body");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    assert_eq!(settle_objects(&app, 0).await, 0);
}

async fn a_retried_upload_with_one_idempotency_key_charges_once(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let send = |key: &'static str, bytes: &'static [u8]| {
        let request = app
            .request(Method::POST, &format!("{BASE}/files"))
            .bearer_auth(&user.access_token)
            .query(&[("name", "once.txt")])
            .header("idempotency-key", key)
            .body(bytes);
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    let first = send("key-1", b"once").await;
    first.assert_status(201);
    let retry = send("key-1", b"once").await;
    retry.assert_status(201);
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(balance(&app, &user).await, 100 - unit_cost());
    send("key-1", b"other bytes")
        .await
        .assert_error(422, "idempotency_key_reused");
    assert_eq!(balance(&app, &user).await, 100 - unit_cost());
    let listing = app.get(&format!("{BASE}/browse"), &user.access_token).await;
    assert_eq!(listing.body["files"].as_array().unwrap().len(), 1);
    // The retries' bytes were not kept.
    assert_eq!(settle_objects(&app, 1).await, 1);
}
