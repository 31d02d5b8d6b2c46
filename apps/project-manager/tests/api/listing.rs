//! The project list comes in pages, newest first, each project with exactly its own tasks.

use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests};
use serde_json::{Value, json};

backend_tests!(
    projects_come_in_pages_each_with_its_own_tasks,
    a_cursor_outlives_its_deleted_project,
    a_page_never_carries_another_tenants_tasks,
    a_page_query_that_does_not_parse_gets_400,
);

const PROJECTS: &str = "/api/apps/project-manager/projects";

async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![project_manager::app()], |c| {
        c.welcome_bonus_credits = 1_000
    })
    .await
}

async fn create(app: &TestApp, user: &TestUser, name: &str) -> String {
    let created = app
        .post(PROJECTS, &user.access_token, json!({ "name": name }))
        .await;
    created.assert_status(201);
    created.body["project"]["id"].as_str().unwrap().to_owned()
}

async fn add_task(app: &TestApp, user: &TestUser, project: &str, title: &str) {
    app.post(
        &format!("{PROJECTS}/{project}/tasks"),
        &user.access_token,
        json!({ "title": title }),
    )
    .await
    .assert_status(201);
}

/// `(name, [task titles])` of each project on the page, and the page's cursor.
async fn page(app: &TestApp, user: &TestUser, query: &str) -> (Vec<(String, Vec<String>)>, Value) {
    let listed = app
        .get(&format!("{PROJECTS}{query}"), &user.access_token)
        .await;
    listed.assert_status(200);
    let projects = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let tasks = p["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["title"].as_str().unwrap().to_owned())
                .collect();
            (p["name"].as_str().unwrap().to_owned(), tasks)
        })
        .collect();
    (projects, listed.body["nextCursor"].clone())
}

fn named(pages: &[(String, Vec<String>)]) -> Vec<&str> {
    pages.iter().map(|(name, _)| name.as_str()).collect()
}

async fn projects_come_in_pages_each_with_its_own_tasks(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let mut ids = Vec::new();
    for n in 1..=5 {
        ids.push(create(&app, &user, &format!("p{n}")).await);
    }
    // Tasks on the first, middle and last projects, made out of order.
    add_task(&app, &user, &ids[2], "p3 first").await;
    add_task(&app, &user, &ids[0], "p1 only").await;
    add_task(&app, &user, &ids[4], "p5 only").await;
    add_task(&app, &user, &ids[2], "p3 second").await;

    let (all, cursor) = page(&app, &user, "").await;
    assert_eq!(named(&all), ["p5", "p4", "p3", "p2", "p1"]);
    assert_eq!(cursor, Value::Null, "one page holds them all");

    let (first, cursor) = page(&app, &user, "?limit=2").await;
    assert_eq!(
        first,
        [("p5".into(), vec!["p5 only".into()]), ("p4".into(), vec![])]
    );
    assert_eq!(cursor, json!(ids[3]));
    let (second, cursor) = page(&app, &user, &format!("?limit=2&before={}", ids[3])).await;
    assert_eq!(
        second,
        [
            ("p3".into(), vec!["p3 second".into(), "p3 first".into()]),
            ("p2".into(), vec![])
        ]
    );
    assert_eq!(cursor, json!(ids[1]));
    let (last, cursor) = page(&app, &user, &format!("?limit=2&before={}", ids[1])).await;
    assert_eq!(last, [("p1".into(), vec!["p1 only".into()])]);
    assert_eq!(cursor, Value::Null, "the last page says so");

    // A size out of range is refused, as the document's minimum and maximum say; the edges are
    // taken.
    for query in [
        "?limit=0",
        "?limit=201",
        "?limit=2147483648",
        "?limit=-1",
        "?limit=two",
    ] {
        app.get(&format!("{PROJECTS}{query}"), &user.access_token)
            .await
            .assert_error(400, "invalid_query");
    }
    let (one, _) = page(&app, &user, "?limit=1").await;
    assert_eq!(named(&one), ["p5"]);
    let (most, _) = page(&app, &user, "?limit=200").await;
    assert_eq!(most.len(), 5);
}

async fn a_cursor_outlives_its_deleted_project(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    for n in 1..=4 {
        create(&app, &user, &format!("p{n}")).await;
    }
    let (_, cursor) = page(&app, &user, "?limit=2").await;
    let cursor = cursor.as_str().unwrap().to_owned();
    app.delete(&format!("{PROJECTS}/{cursor}"), &user.access_token)
        .await
        .assert_status(200);
    let (rest, next) = page(&app, &user, &format!("?limit=2&before={cursor}")).await;
    assert_eq!(named(&rest), ["p2", "p1"]);
    assert_eq!(next, Value::Null);
}

async fn a_page_never_carries_another_tenants_tasks(backend: Backend) {
    let app = spawn(backend).await;
    let mine = app.register_user().await;
    let theirs = app.register_user().await;
    // Interleaved, so the other tenant's projects fall inside this tenant's id ranges.
    let mut their_ids = Vec::new();
    for n in 1..=3 {
        create(&app, &mine, &format!("mine {n}")).await;
        their_ids.push(create(&app, &theirs, &format!("theirs {n}")).await);
    }
    for id in &their_ids {
        add_task(&app, &theirs, id, "not yours").await;
    }
    for query in ["", "?limit=2"] {
        let (listed, _) = page(&app, &mine, query).await;
        assert!(
            listed
                .iter()
                .all(|(name, tasks)| name.starts_with("mine") && tasks.is_empty()),
            "{query}: {listed:?}"
        );
    }
    let (listed, _) = page(&app, &theirs, "").await;
    assert_eq!(named(&listed), ["theirs 3", "theirs 2", "theirs 1"]);
    assert!(listed.iter().all(|(_, tasks)| tasks == &["not yours"]));
}

async fn a_page_query_that_does_not_parse_gets_400(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    for query in ["?before=not-a-uuid", "?limit=-1", "?limit=ten"] {
        app.get(&format!("{PROJECTS}{query}"), &user.access_token)
            .await
            .assert_error(400, "invalid_query");
    }
    assert_eq!(app.wallet(user.personal_tenant_id).await.balance, 1_000);
}
