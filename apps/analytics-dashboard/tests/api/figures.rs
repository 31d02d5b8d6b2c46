//! The figures equal sums computed directly from the usage rows, for a team whose two members
//! use two apps; the balance over time follows the ledger; the CSV is the chart's table.

use std::collections::BTreeMap;

use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{BASE, export, spawn};

backend_tests!(
    the_figures_equal_sums_of_the_usage_rows,
    a_range_without_usage_is_zeros_with_the_balance_carried,
    an_export_is_the_charts_table_as_csv,
);

/// A team with `owner` and a member, granted `credits` by an administrator.
async fn team(app: &TestApp, owner: &TestUser, member: &TestUser, credits: i64) -> String {
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
        json!({ "email": member.email, "role": "member" }),
    )
    .await
    .assert_status(201);
    let admin = app.admin().await;
    app.post(
        &format!("/api/admin/tenants/{team}/credits"),
        &admin.access_token,
        json!({ "amount": credits, "kind": "grant", "reason": "Analytics test" }),
    )
    .await
    .assert_status(201);
    team
}

async fn as_in(
    app: &TestApp,
    user: &TestUser,
    team: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let mut request = app
        .request(method, path)
        .bearer_auth(&user.access_token)
        .header("x-tenant-id", team);
    if let Some(body) = body {
        request = request.json(&body);
    }
    TestResponse::from(request.send().await.unwrap()).await
}

async fn the_figures_equal_sums_of_the_usage_rows(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let member = app.register_user().await;
    let team = team(&app, &owner, &member, 200).await;
    let tenant: uuid::Uuid = team.parse().unwrap();
    let invoices = "/api/apps/invoice-generator";
    for (user, name) in [
        (&owner, "PT Satu"),
        (&owner, "PT Dua"),
        (&member, "PT Tiga"),
    ] {
        as_in(
            &app,
            user,
            &team,
            Method::POST,
            &format!("{invoices}/clients"),
            Some(json!({ "name": name })),
        )
        .await
        .assert_status(201);
    }
    as_in(
        &app,
        &owner,
        &team,
        Method::POST,
        &format!("{BASE}/reports"),
        Some(json!({ "name": "R", "lastDays": 7 })),
    )
    .await
    .assert_status(201);
    as_in(
        &app,
        &member,
        &team,
        Method::POST,
        &format!("{BASE}/exports"),
        Some(json!({ "chart": "apps" })),
    )
    .await
    .assert_status(201);

    let summary = as_in(
        &app,
        &owner,
        &team,
        Method::GET,
        &format!("{BASE}/summary"),
        None,
    )
    .await;
    summary.assert_status(200);
    let s = &summary.body;
    // The sums, straight from the usage rows.
    let rows = app.usage_rows(tenant).await;
    let total: i64 = rows.iter().map(|r| r.credits).sum();
    assert_eq!(s["totals"]["credits"], total);
    assert_eq!(s["totals"]["actions"], rows.len() as i64);
    assert_eq!(s["totals"]["activeMembers"], 2);
    assert_eq!(s["totals"]["creditsIn"], 200);
    let mut by_app: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_action: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_member: BTreeMap<String, i64> = BTreeMap::new();
    for row in &rows {
        *by_app.entry(row.app_id.clone()).or_default() += row.credits;
        let action = by_action
            .entry(format!("{}:{}", row.app_id, row.action))
            .or_default();
        action.0 += row.credits;
        action.1 += 1;
        *by_member.entry(row.user_id.to_string()).or_default() += row.credits;
    }
    let answered = |key: &str| -> BTreeMap<String, i64> {
        s[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["key"].as_str().unwrap().to_owned(),
                    x["credits"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(answered("byApp"), by_app);
    assert_eq!(answered("byMember"), by_member);
    let actions: BTreeMap<String, (i64, i64)> = s["byAction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["key"].as_str().unwrap().to_owned(),
                (
                    x["credits"].as_i64().unwrap(),
                    x["actions"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(actions, by_action);
    // Most spent first; a tie goes to the more frequent action (3 clients at 1 against one
    // report at 3).
    assert_eq!(s["byAction"][0]["key"], "invoice-generator:createClient");
    assert_eq!(s["byAction"][1]["key"], "analytics-dashboard:createReport");
    assert_eq!(s["byApp"][0]["label"], "Analytics Dashboard");
    // The series: thirty days, everything today, and the balance at the end is the wallet's.
    let series = s["series"].as_array().unwrap();
    assert_eq!(series.len(), 30);
    let today = series.last().unwrap();
    assert_eq!(today["credits"], total);
    assert_eq!(today["activeMembers"], 2);
    let wallet = app.wallet(tenant).await;
    wallet.assert_consistent();
    assert_eq!(today["balance"], wallet.balance);
    assert_eq!(series[0]["balance"], 0, "the team had nothing a month ago");
    // The forecast: all of it spent in the last 14 days.
    assert_eq!(s["forecast"]["spentRecently"], total);
    assert_eq!(s["forecast"]["balance"], wallet.balance);
    assert_eq!(s["forecast"]["daysLeft"], wallet.balance * 14 / total);
    // The member's names show; a week and a month bucket hold the same total.
    let labels: Vec<&str> = s["byMember"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert!(
        labels
            .iter()
            .all(|l| !l.is_empty() && *l != "Former member"),
        "{labels:?}"
    );
    for bucket in ["week", "month"] {
        let other = as_in(
            &app,
            &owner,
            &team,
            Method::GET,
            &format!("{BASE}/summary?bucket={bucket}"),
            None,
        )
        .await;
        let sum: i64 = other.body["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["credits"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, total, "{bucket}");
    }
}

async fn a_range_without_usage_is_zeros_with_the_balance_carried(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    export(&app, &user, "spend").await.assert_status(201);
    let old = app
        .get(
            &format!("{BASE}/summary?from=2025-01-01&to=2025-01-31&bucket=week"),
            &user.access_token,
        )
        .await;
    old.assert_status(200);
    assert_eq!(old.body["totals"]["credits"], 0);
    assert!(
        old.body["series"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["credits"] == 0 && p["balance"] == 0)
    );
    // A future range carries today's balance.
    let ahead = app
        .get(
            &format!("{BASE}/summary?from=2099-01-01&to=2099-01-03"),
            &user.access_token,
        )
        .await;
    let balance = app.wallet(user.personal_tenant_id).await.balance;
    assert!(
        ahead.body["series"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["balance"] == balance)
    );
}

async fn an_export_is_the_charts_table_as_csv(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let first = export(&app, &user, "actions").await;
    first.assert_status(201);
    let second = export(&app, &user, "actions").await;
    assert_eq!(second.body["export"]["rows"], 1);
    let response = app
        .request(Method::GET, second.body["path"].as_str().unwrap())
        .bearer_auth(&user.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    assert_eq!(
        csv, "action,credits,actions\r\nAnalytics Dashboard · exportCsv,2,1\r\n",
        "the first export is in the second's figures"
    );
    let svg = app
        .request(Method::GET, &format!("{BASE}/charts/actions"))
        .bearer_auth(&user.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let svg = svg.text().await.unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("exportCsv"),
        "{svg}"
    );
}
