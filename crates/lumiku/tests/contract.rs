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

#[test]
fn bytes_are_files_and_every_list_says_its_cursor() {
    let doc = document();
    let mut binary = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let mut contents = vec![&operation["requestBody"]["content"]];
            if let Some(responses) = operation["responses"].as_object() {
                contents.extend(responses.values().map(|r| &r["content"]));
            }
            for (media_type, media) in contents.into_iter().filter_map(Value::as_object).flatten() {
                assert!(
                    media["schema"]["items"]["type"] != "integer" || media_type.contains("json"),
                    "{method} {path} {media_type}: bytes written as an array of integers"
                );
                if media["schema"]["format"] == "binary" {
                    binary.insert(format!("{method} {path} {media_type}"));
                }
            }
        }
    }
    for expected in [
        "post /api/apps/file-manager/files application/octet-stream",
        "get /api/apps/invoice-generator/invoices/{id}/pdf application/pdf",
        "put /api/apps/invoice-generator/profile/logo image/png",
    ] {
        assert!(
            binary.contains(expected),
            "{expected} is not a file: {binary:?}"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    // A list refers to its item's schema (generators make one class of it, not two), and a
    // tagged union to one schema per variant, with its discriminator.
    for (name, schema) in schemas {
        if name.contains("List_") {
            let item = &schema["properties"]["items"]["items"];
            let target = item["$ref"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: {item}"));
            assert!(
                schemas.contains_key(target.rsplit('/').next().unwrap()),
                "{target}"
            );
        }
    }
    let action = &schemas["TaskSchedulerTaskAction"];
    assert_eq!(action["discriminator"]["propertyName"], "type");
    assert_eq!(
        action["oneOf"][0]["$ref"],
        "#/components/schemas/TaskSchedulerTaskActionHttp"
    );
    assert_eq!(
        schemas["TaskSchedulerTaskActionHttp"]["properties"]["type"]["enum"][0],
        "http"
    );
    // The cursor is always there, null on the last page: required and nullable.
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if let Some(cursor) = schema["properties"].get("nextCursor") {
            let required = schema["required"].as_array().cloned().unwrap_or_default();
            assert!(
                required.contains(&Value::from("nextCursor")),
                "{name}: {cursor}"
            );
        }
    }
}
