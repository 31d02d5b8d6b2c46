//! The API document of the whole binary, every app mounted, as `lumiku openapi` prints it.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

fn document() -> Value {
    let dir = std::env::temp_dir().join(format!("lumiku-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_lumiku"))
        .arg("openapi")
        .current_dir(&dir)
        .env("LUMIKU_PUBLIC_URL", "https://lumiku.example.com")
        .output()
        .expect("lumiku openapi runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the document is JSON")
}

#[test]
fn apps_are_namespaced_and_walled_in_the_document() {
    let doc = document();
    assert_eq!(doc["servers"][0]["url"], "https://lumiku.example.com");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    // Two apps' `Stats` are two schemas, each app's operations referring to its own.
    let stats = |app: &str| {
        let path = format!("/api/apps/{app}/stats");
        let schema = &doc["paths"][&path]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        schema["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}"))
            .to_owned()
    };
    assert_eq!(
        stats("project-manager"),
        "#/components/schemas/ProjectManagerStatsBody"
    );
    assert_eq!(stats("team-chat"), "#/components/schemas/TeamChatStats");
    assert_ne!(schemas["ProjectManagerStats"], schemas["TeamChatStats"]);
    assert!(
        !schemas.contains_key("Stats"),
        "an app's schema kept its bare name"
    );
    // The core's error body is shared, not copied per app.
    assert!(schemas.contains_key("ErrorBody") && !schemas.contains_key("ProjectManagerErrorBody"));

    let mut ids = BTreeSet::new();
    let mut per_app: BTreeMap<&str, usize> = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "{id} twice");
            let Some(rest) = path.strip_prefix("/api/apps/") else {
                continue;
            };
            let app = rest.split('/').next().unwrap();
            let namespace: String = app
                .split('-')
                .enumerate()
                .map(|(i, w)| {
                    if i == 0 {
                        w.to_owned()
                    } else {
                        w[..1].to_uppercase() + &w[1..]
                    }
                })
                .collect();
            assert!(
                id.starts_with(&format!("{namespace}_")),
                "{method} {path}: {id}"
            );
            *per_app.entry(app).or_default() += 1;
            let public = rest.split('/').nth(1) == Some("public");
            let tenant = op["parameters"].as_array().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["$ref"] == "#/components/parameters/TenantId")
            });
            assert_eq!(tenant, !public, "{method} {path}: X-Tenant-Id");
            if !public {
                for status in ["401", "403", "404"] {
                    assert!(
                        op["responses"][status].is_object(),
                        "{method} {path}: no {status}"
                    );
                }
            }
            if op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Idempotency-Key"))
            {
                let success = op["responses"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .find(|(s, _)| s.starts_with('2'))
                    .unwrap()
                    .1;
                assert!(
                    success["headers"]["Idempotent-Replayed"].is_object(),
                    "{method} {path}"
                );
                assert!(
                    op["responses"]["400"].is_object(),
                    "{method} {path}: no 400"
                );
            }
        }
    }
    for app in [
        "project-manager",
        "invoice-generator",
        "analytics-dashboard",
        "task-scheduler",
        "team-chat",
        "file-manager",
    ] {
        assert!(
            per_app.get(app).copied().unwrap_or(0) > 3,
            "{app} has too few operations"
        );
    }
    // The client's invoice page and its stylesheet are for people: routed, not documented.
    assert!(doc["paths"]["/api/apps/invoice-generator/public/invoices/{token}"].is_null());
    assert!(
        doc["paths"]["/api/apps/invoice-generator/public/invoices/{token}/pdf"]["get"].is_object()
    );
}
