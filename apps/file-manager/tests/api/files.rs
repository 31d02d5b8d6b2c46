//! The storage facility under the app, on both storages: ranges and validators, sniffed types,
//! the quota against concurrent uploads, uploads cut off midway, folders and the trash,
//! thumbnails and image bombs, and the sweep.

use std::time::Duration;

use futures_util::StreamExt as _;

use lumiku_testkit::{Backend, TestResponse, backend_tests};
use reqwest::Method;
use serde_json::json;

use crate::{
    BASE, MIB, file_id, headers_only_upload, noise, png, settle_objects, spawn, spawn_on, storages,
    upload, upload_chunked, used_bytes,
};

backend_tests!(
    downloads_answer_ranges_validators_and_the_sniffed_type,
    concurrent_uploads_cannot_pass_the_quota_together,
    an_upload_cut_off_midway_leaves_nothing,
    folders_nest_rename_move_and_refuse_cycles,
    the_trash_restores_and_empties_giving_the_quota_back,
    images_get_thumbnails_and_an_image_bomb_does_not,
    the_sweep_removes_orphans_and_reports_missing_objects,
    purging_the_app_gives_its_storage_back,
    crossing_folder_moves_cannot_make_a_cycle,
    uploads_past_the_nodes_limit_are_told_to_retry,
);

async fn get(
    app: &lumiku_testkit::TestApp,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> TestResponse {
    let mut request = app.request(Method::GET, path).bearer_auth(token);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    TestResponse::from(request.send().await.unwrap()).await
}

async fn downloads_answer_ranges_validators_and_the_sniffed_type(backend: Backend) {
    for storage in storages() {
        let app = spawn_on(backend, storage, 100).await;
        let user = app.register_user().await;
        let token = &user.access_token;
        let body: Vec<u8> = (0..1000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let id = file_id(
            &upload(&app, &user, "letters.txt", body.clone(), None)
                .await
                .body,
        );
        let path = format!("{BASE}/files/{id}/content");

        let whole = get(&app, token, &path, &[]).await;
        whole.assert_status(200);
        assert_eq!(whole.text.as_bytes(), &body[..], "{storage:?}");
        assert_eq!(whole.headers["content-length"], "1000");
        assert_eq!(whole.headers["accept-ranges"], "bytes");
        // The stored (sniffed) type, as an attachment.
        assert_eq!(whole.headers["content-type"], "text/plain; charset=utf-8");
        assert_eq!(
            whole.headers["content-disposition"],
            "attachment; filename=\"letters.txt\"; filename*=UTF-8''letters.txt"
        );
        let etag = whole.headers["etag"].to_str().unwrap().to_owned();
        assert_eq!(etag.len(), 66, "the quoted SHA-256: {etag}");

        let part = get(&app, token, &path, &[("range", "bytes=10-19")]).await;
        part.assert_status(206);
        assert_eq!(part.text.as_bytes(), &body[10..20]);
        assert_eq!(part.headers["content-range"], "bytes 10-19/1000");
        let tail = get(&app, token, &path, &[("range", "bytes=-5")]).await;
        tail.assert_status(206);
        assert_eq!(tail.text.as_bytes(), &body[995..]);
        let past = get(&app, token, &path, &[("range", "bytes=1000-")]).await;
        past.assert_error(416, "range_not_satisfiable");
        assert_eq!(past.headers["content-range"], "bytes */1000");
        // A stale If-Range gets the whole file.
        let stale = get(
            &app,
            token,
            &path,
            &[("range", "bytes=0-1"), ("if-range", "\"other\"")],
        )
        .await;
        stale.assert_status(200);

        let cached = get(&app, token, &path, &[("if-none-match", &etag)]).await;
        cached.assert_status(304);
        assert!(cached.text.is_empty());
        get(&app, token, &path, &[("if-none-match", "\"nope\"")])
            .await
            .assert_status(200);

        // Inline: text is shown, HTML never is.
        let inline = get(&app, token, &format!("{path}?inline=true"), &[]).await;
        assert_eq!(inline.headers["content-type"], "text/plain; charset=utf-8");
        assert!(
            inline.headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("inline;")
        );
        let page = b"<html><script>alert(1)</script></html>".to_vec();
        let html = file_id(&upload(&app, &user, "page.html", page, None).await.body);
        let served = get(
            &app,
            token,
            &format!("{BASE}/files/{html}/content?inline=true"),
            &[],
        )
        .await;
        // HTML by its bytes: never shown, never run as a page of this site.
        assert_eq!(served.headers["content-type"], "application/octet-stream");
        assert!(
            served.headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        assert!(
            served.headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("sandbox")
        );

        // A PNG declared as text is a PNG; bytes declared as a PNG are bytes.
        let lie = app
            .request(Method::POST, &format!("{BASE}/files"))
            .bearer_auth(token)
            .query(&[("name", "picture.txt")])
            .header("content-type", "text/plain")
            .body(png(4, 4));
        let lie = TestResponse::from(lie.send().await.unwrap()).await;
        assert_eq!(lie.body["file"]["contentType"], "image/png");
        assert_eq!(lie.body["file"]["declaredType"], "text/plain");
        let fake = app
            .request(Method::POST, &format!("{BASE}/files"))
            .bearer_auth(token)
            .query(&[("name", "photo.png")])
            .header("content-type", "image/png")
            .body(noise(100));
        let fake = TestResponse::from(fake.send().await.unwrap()).await;
        assert_eq!(fake.body["file"]["contentType"], "application/octet-stream");
    }
}

async fn concurrent_uploads_cannot_pass_the_quota_together(backend: Backend) {
    for storage in storages() {
        let app = spawn_on(backend, storage, 1000).await;
        // 2.5 MiB for the free plan: room for two of the five 1 MiB uploads.
        app.execute_sql("update plans set storage_quota_bytes = 2621440 where id = 'free'")
            .await;
        let user = app.register_user().await;
        let uploads =
            (0..5).map(|i| upload_chunked(&app, &user, ["a", "b", "c", "d", "e"][i], noise(MIB)));
        let answers = futures_util::future::join_all(uploads).await;
        let stored = answers.iter().filter(|a| a.status == 201).count();
        for answer in answers.iter().filter(|a| a.status != 201) {
            answer.assert_error(413, "storage_quota_exceeded");
            // The rest of its body is not read: the connection ends rather than be reused.
            assert_eq!(answer.headers["connection"], "close");
        }
        assert_eq!(stored, 2, "{storage:?}");
        assert_eq!(used_bytes(&app, &user).await, 2 * MIB as u64);
        assert_eq!(
            settle_objects(&app, 2).await,
            2,
            "a refused upload's object stayed"
        );
        // A declared length over the room left is refused before the upload.
        let (status, refused) = headers_only_upload(&app, &user.access_token, MIB as u64).await;
        assert_eq!(status, 413);
        assert_eq!(refused["error"]["code"], "storage_quota_exceeded");
        app.wallet(user.personal_tenant_id)
            .await
            .assert_consistent();
    }
}

async fn an_upload_cut_off_midway_leaves_nothing(backend: Backend) {
    for storage in storages() {
        let app = spawn_on(backend, storage, 100).await;
        let user = app.register_user().await;
        let before = app.wallet(user.personal_tenant_id).await;
        // Six MiB, then the client's stream fails: the connection is cut mid-body.
        let chunks = (0..7).map(|i| {
            if i < 6 {
                Ok(noise(MIB))
            } else {
                Err(std::io::Error::other("the client went away"))
            }
        });
        let body =
            reqwest::Body::wrap_stream(futures_util::stream::iter(chunks.collect::<Vec<_>>()));
        let sent = app
            .request(Method::POST, &format!("{BASE}/files"))
            .bearer_auth(&user.access_token)
            .query(&[("name", "cut.bin")])
            .body(body)
            .send()
            .await;
        assert!(sent.is_err() || !sent.unwrap().status().is_success());
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            settle_objects(&app, 0).await,
            0,
            "{storage:?}: the cut upload left an object"
        );
        assert_eq!(used_bytes(&app, &user).await, 0);
        assert_eq!(app.wallet(user.personal_tenant_id).await, before);
        let listing = app.get(&format!("{BASE}/browse"), &user.access_token).await;
        assert_eq!(listing.body["files"], json!([]));
    }
}

async fn folders_nest_rename_move_and_refuse_cycles(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let token = &user.access_token;
    let path = format!("{BASE}/folders");
    let folder = |name: &str, parent: Option<String>| {
        let request = app.post(&path, token, json!({ "name": name, "parentId": parent }));
        async move {
            request.await.body["folder"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let docs = folder("Docs", None).await;
    let y2026 = folder("2026", Some(docs.clone())).await;
    let q1 = folder("Q1", Some(y2026.clone())).await;
    app.post(&format!("{BASE}/folders"), token, json!({ "name": "docs" }))
        .await
        .assert_error(409, "folder_exists");
    let file = file_id(
        &upload(&app, &user, "r.txt", b"r".to_vec(), Some(&q1))
            .await
            .body,
    );
    let listing = app
        .get(&format!("{BASE}/browse?folderId={q1}"), token)
        .await;
    let path: Vec<&str> = listing.body["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(path, ["Docs", "2026", "Q1"]);
    assert_eq!(listing.body["files"][0]["id"], file.as_str());
    // Into itself or below: refused.
    for target in [&docs, &q1] {
        app.patch(
            &format!("{BASE}/folders/{docs}"),
            token,
            json!({ "parentId": target }),
        )
        .await
        .assert_status(422);
    }
    // Rename, and move to the top.
    let moved = app
        .patch(
            &format!("{BASE}/folders/{q1}"),
            token,
            json!({ "name": "First quarter", "parentId": null }),
        )
        .await;
    moved.assert_status(200);
    assert_eq!(moved.body["folder"]["parentId"], json!(null));
    let top = app.get(&format!("{BASE}/browse"), token).await;
    let names: Vec<&str> = top.body["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Docs", "First quarter"]);
    // A file moves and renames; a folder with a file is not deleted.
    app.patch(
        &format!("{BASE}/files/{file}"),
        token,
        json!({ "folderId": docs, "name": "report.txt" }),
    )
    .await
    .assert_status(200);
    app.delete(&format!("{BASE}/folders/{docs}"), token)
        .await
        .assert_error(409, "folder_not_empty");
    app.delete(&format!("{BASE}/folders/{q1}"), token)
        .await
        .assert_status(200);
    let docs_listing = app
        .get(&format!("{BASE}/browse?folderId={docs}"), token)
        .await;
    assert_eq!(docs_listing.body["files"][0]["name"], "report.txt");
}

async fn the_trash_restores_and_empties_giving_the_quota_back(backend: Backend) {
    for storage in storages() {
        let app = spawn_on(backend, storage, 100).await;
        let user = app.register_user().await;
        let token = &user.access_token;
        let keep = file_id(
            &upload(&app, &user, "keep.bin", noise(1000), None)
                .await
                .body,
        );
        let gone = file_id(
            &upload(&app, &user, "gone.bin", noise(3000), None)
                .await
                .body,
        );
        for id in [&keep, &gone] {
            app.delete(&format!("{BASE}/files/{id}"), token)
                .await
                .assert_status(200);
        }
        let trash = app.get(&format!("{BASE}/trash"), token).await;
        assert_eq!(trash.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(
            used_bytes(&app, &user).await,
            4000,
            "the trash still holds its bytes"
        );
        app.post(&format!("{BASE}/files/{keep}/restore"), token, json!({}))
            .await
            .assert_status(200);
        let emptied = app.delete(&format!("{BASE}/trash"), token).await;
        emptied.assert_status(200);
        assert_eq!(emptied.body["deleted"], 1);
        assert_eq!(emptied.body["freedBytes"], 3000);
        assert_eq!(used_bytes(&app, &user).await, 1000);
        app.get(&format!("{BASE}/files/{gone}"), token)
            .await
            .assert_error(404, "not_found");
        assert_eq!(
            settle_objects(&app, 1).await,
            1,
            "{storage:?}: the emptied file's object stayed"
        );
        let listing = app.get(&format!("{BASE}/browse"), token).await;
        assert_eq!(listing.body["files"][0]["id"], keep.as_str());
    }
}

async fn images_get_thumbnails_and_an_image_bomb_does_not(backend: Backend) {
    for storage in storages() {
        let app = spawn_on(backend, storage, 100).await;
        let user = app.register_user().await;
        let photo = upload(&app, &user, "photo.png", png(1200, 600), None).await;
        photo.assert_status(201);
        assert_eq!(photo.body["file"]["hasThumbnail"], true, "{storage:?}");
        let id = file_id(&photo.body);
        let thumb = app
            .request(Method::GET, &format!("{BASE}/files/{id}/thumbnail"))
            .bearer_auth(&user.access_token)
            .send()
            .await
            .unwrap();
        assert_eq!(thumb.status(), 200);
        assert_eq!(thumb.headers()["content-type"], "image/jpeg");
        let bytes = thumb.bytes().await.unwrap();
        let small = image::load_from_memory(&bytes).unwrap();
        assert_eq!((small.width(), small.height()), (256, 128));

        // A tiny PNG claiming 60,000 x 60,000 pixels: stored, no thumbnail, no blow-up.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let stored = upload(&app, &user, "bomb.png", bomb, None).await;
        stored.assert_status(201);
        assert_eq!(stored.body["file"]["hasThumbnail"], false);
        let bomb_id = file_id(&stored.body);
        app.get(
            &format!("{BASE}/files/{bomb_id}/thumbnail"),
            &user.access_token,
        )
        .await
        .assert_error(404, "not_found");
    }
}

async fn the_sweep_removes_orphans_and_reports_missing_objects(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let kept = file_id(
        &upload(&app, &user, "kept.txt", b"kept".to_vec(), None)
            .await
            .body,
    );
    let lost = file_id(
        &upload(&app, &user, "lost.txt", b"lost".to_vec(), None)
            .await
            .body,
    );
    // An object no row keeps (a crash between the upload and its commit) ...
    let dir = app.kernel.settings().storage.url.clone();
    let tenant = user.personal_tenant_id;
    let orphan_dir = std::path::Path::new(&dir)
        .join(tenant.to_string())
        .join("file-manager");
    std::fs::write(orphan_dir.join(uuid::Uuid::now_v7().to_string()), b"orphan").unwrap();
    // ... and a row whose object is gone.
    let mut tx = app.kernel.db().begin().await.unwrap();
    let blob: uuid::Uuid =
        lumiku_plugin::sql::query_scalar("select blob_id from file_manager_files where id = $1")
            .bind(lost.parse::<uuid::Uuid>().unwrap())
            .fetch_one(&mut tx)
            .await
            .unwrap();
    drop(tx);
    std::fs::remove_file(orphan_dir.join(blob.to_string())).unwrap();

    // Within the grace period the orphan stays (it could be an upload about to commit).
    let report = app.kernel.sweep_storage().await.unwrap();
    assert_eq!(report.orphans_removed, 0);
    assert_eq!(report.missing_count, 1);
    assert_eq!(report.missing[0].blob_id, blob);
    let report = app
        .kernel
        .storage()
        .sweep(app.kernel.db(), Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(report.orphans_removed, 1);
    assert_eq!(report.orphan_bytes_removed, 6);
    assert_eq!(report.objects, 2);
    // The admin endpoint runs it too.
    let admin = app.admin().await;
    let swept = app
        .post("/api/admin/storage/sweep", &admin.access_token, json!({}))
        .await;
    swept.assert_status(200);
    assert_eq!(swept.body["objects"], 1);
    assert_eq!(swept.body["missingCount"], 1);
    app.post("/api/admin/storage/sweep", &user.access_token, json!({}))
        .await
        .assert_status(403);
    let content = app
        .get(&format!("{BASE}/files/{kept}/content"), &user.access_token)
        .await;
    assert_eq!(content.text, "kept");
    app.get(&format!("{BASE}/files/{lost}/content"), &user.access_token)
        .await
        .assert_error(404, "not_found");
}

async fn purging_the_app_gives_its_storage_back(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    upload(&app, &user, "a.bin", noise(5000), None)
        .await
        .assert_status(201);
    assert_eq!(used_bytes(&app, &user).await, 5000);
    let path = format!("/api/tenants/{}/apps/file-manager", user.personal_tenant_id);
    app.delete(&format!("{path}?purge=true"), &user.access_token)
        .await
        .assert_status(200);
    app.post(&path, &user.access_token, json!({}))
        .await
        .assert_status(200);
    assert_eq!(
        used_bytes(&app, &user).await,
        0,
        "the purged files still count"
    );
    let listing = app.get(&format!("{BASE}/browse"), &user.access_token).await;
    assert_eq!(listing.body["files"], json!([]));
    // Their objects are orphans now, which the sweep removes.
    let report = app
        .kernel
        .storage()
        .sweep(app.kernel.db(), Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(report.orphans_removed, 1);
    assert_eq!(report.missing_count, 0);
}

async fn crossing_folder_moves_cannot_make_a_cycle(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let token = &user.access_token;
    let folders = format!("{BASE}/folders");
    for round in 0..5 {
        let mut ids = Vec::new();
        for name in [format!("x{round}"), format!("y{round}")] {
            let made = app.post(&folders, token, json!({ "name": name })).await;
            ids.push(made.body["folder"]["id"].as_str().unwrap().to_owned());
        }
        let (x, y) = (&ids[0], &ids[1]);
        let (x_path, y_path) = (format!("{folders}/{x}"), format!("{folders}/{y}"));
        let (first, second) = tokio::join!(
            app.patch(&x_path, token, json!({ "parentId": y })),
            app.patch(&y_path, token, json!({ "parentId": x })),
        );
        let moved = [first.status, second.status]
            .iter()
            .filter(|s| **s == 200)
            .count();
        assert_eq!(moved, 1, "{} / {}", first.text, second.text);
        for refused in [&first, &second].into_iter().filter(|r| r.status != 200) {
            refused.assert_status(422);
        }
        // Both still have a path to the top.
        for id in [x, y] {
            app.get(&format!("{BASE}/browse?folderId={id}"), token)
                .await
                .assert_status(200);
        }
    }
}

async fn uploads_past_the_nodes_limit_are_told_to_retry(backend: Backend) {
    let app = lumiku_testkit::TestApp::spawn_with_apps(backend, vec![file_manager::app()], |c| {
        c.max_concurrent_uploads = 1;
    })
    .await;
    let user = app.register_user().await;
    // One upload sends its first bytes and holds on.
    let (release, held) = tokio::sync::oneshot::channel::<()>();
    let (first_chunk, rest) = (noise(1000), async move {
        let _ = held.await;
        Ok::<_, std::io::Error>(noise(1000))
    });
    let body = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first_chunk) })
        .chain(futures_util::stream::once(rest));
    let slow = app
        .request(Method::POST, &format!("{BASE}/files"))
        .bearer_auth(&user.access_token)
        .query(&[("name", "slow.bin")])
        .body(reqwest::Body::wrap_stream(body))
        .send();
    let slow = tokio::spawn(slow);
    // Once it holds the node's one turn, another is refused with Retry-After.
    let mut refused = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let second = upload(&app, &user, "quick.txt", b"quick".to_vec(), None).await;
        if second.status == 503 {
            refused = Some(second);
            break;
        }
        second.assert_status(201);
    }
    let refused = refused.expect("a second upload refused while the first streams");
    refused.assert_error(503, "busy");
    assert!(refused.headers.contains_key("retry-after"));
    let _ = release.send(());
    let slow = TestResponse::from(slow.await.unwrap().unwrap()).await;
    slow.assert_status(201);
    assert_eq!(slow.body["file"]["size"], 2000);
    // And the turn is given back.
    upload(&app, &user, "after.txt", b"after".to_vec(), None)
        .await
        .assert_status(201);
}
