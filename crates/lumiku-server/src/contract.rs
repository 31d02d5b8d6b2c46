//! The OpenAPI document as a contract: the core's and each app's operations put together, with
//! what the server does to every request written into every operation it applies to.
//!
//! Handlers document what they decide (their success, the errors of their own logic). What the
//! shared layers decide is added here, from each operation's shape, so that no operation can
//! forget it: an operation with a JSON body can answer 400, 415 and 422 (the body extractor); one
//! with a query 400; one with a path parameter 404 (a malformed id names nothing); a protected one
//! 401; an app's 401, 403 and 404 (the gate); a metered one 400 for a malformed
//! `Idempotency-Key`. Every answer carries `x-request-id`, every 429 `Retry-After`, every success
//! of a metered operation `Idempotent-Replayed` when it is a replay.
//!
//! Each app's schemas are namespaced by the app (`ProjectManagerProject`), and so are its
//! operation ids (`projectManager_createProject`): two apps may both have a `Stats` without one
//! replacing the other's in the document. Schemas the app shares with the core (the error body)
//! keep their names.

use std::collections::BTreeMap;
use std::sync::Arc;

use lumiku_plugin::Plugin;
use serde_json::{Map, Value, json};
use utoipa_axum::router::OpenApiRouter;

/// The header naming the tenant a request acts for.
const TENANT_PARAMETER: &str = "TenantId";

/// The finished document: `core` (the core's operations, with no app mounted) and every app's,
/// served from `server_url`.
pub fn document(
    core: utoipa::openapi::OpenApi,
    apps: &[Arc<dyn Plugin>],
    server_url: &str,
) -> Value {
    let mut doc = serde_json::to_value(core).expect("the OpenAPI document serialises");
    let core_schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for app in apps {
        add_app(&mut doc, &core_schemas, app.as_ref());
    }
    name_tagged_variants(&mut doc);
    name_list_items(&mut doc);
    drop_unused_schemas(&mut doc);
    cursors_required(&mut doc);
    doc["servers"] =
        json!([{ "url": server_url.trim_end_matches('/'), "description": "This server" }]);
    add_components(&mut doc);
    let paths = doc["paths"].as_object_mut().expect("paths");
    for item in paths.values_mut() {
        for (method, operation) in item.as_object_mut().expect("path item").iter_mut() {
            if matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                complete(operation);
            }
        }
    }
    doc
}

/// `app`'s operations and schemas, namespaced, added to `doc`.
fn add_app(doc: &mut Value, core_schemas: &Map<String, Value>, app: &dyn Plugin) {
    let manifest = app.manifest();
    let mut routes = app.routes();
    if let Some(public) = app.public_routes() {
        routes = routes.merge(OpenApiRouter::new().nest("/public", public));
    }
    let (_, app_doc) = OpenApiRouter::new()
        .nest(manifest.route_prefix, routes)
        .split_for_parts();
    let mut app_doc = serde_json::to_value(app_doc).expect("the app's document serialises");
    let namespace = pascal_case(manifest.app_id);
    let schemas = app_doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let renames: BTreeMap<String, String> = schemas
        .iter()
        .filter(|(name, schema)| core_schemas.get(*name) != Some(schema))
        .map(|(name, _)| (name.clone(), format!("{namespace}{name}")))
        .collect();
    rename_refs(&mut app_doc, &renames);
    let target = doc["components"]["schemas"]
        .as_object_mut()
        .expect("the core has schemas");
    if let Some(schemas) = app_doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            target.entry(name.clone()).or_insert_with(|| schema.clone());
        }
    }
    let public_prefix = format!("{}/public/", manifest.route_prefix);
    let operation_prefix = camel_case(manifest.app_id);
    let paths = doc["paths"].as_object_mut().expect("paths");
    if let Some(app_paths) = app_doc["paths"].as_object_mut() {
        for (path, item) in app_paths.iter_mut() {
            let public = path.starts_with(&public_prefix);
            for operation in item.as_object_mut().expect("path item").values_mut() {
                let id = operation["operationId"].as_str().unwrap_or_default();
                operation["operationId"] = json!(format!("{operation_prefix}_{}", camel_case(id)));
                if !public {
                    add_parameter_ref(operation, TENANT_PARAMETER);
                    for status in ["401", "403", "404"] {
                        add_response(operation, status);
                    }
                }
            }
            paths.insert(path.clone(), item.clone());
        }
    }
    let tags = doc["tags"].as_array_mut().expect("tags");
    if !tags.iter().any(|t| t["name"] == manifest.app_id) {
        tags.push(json!({ "name": manifest.app_id, "description": manifest.description }));
    }
}

/// Replaces every `#/components/schemas/{old}` reference in `value` by its new name.
fn rename_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref" {
                    if let Some(name) = child
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        && let Some(new) = renames.get(name)
                    {
                        *child = json!(format!("#/components/schemas/{new}"));
                    }
                } else {
                    rename_refs(child, renames);
                }
            }
            if let Some(Value::Object(schemas)) = map.get_mut("schemas")
                && schemas.keys().any(|k| renames.contains_key(k))
            {
                let old = std::mem::take(schemas);
                for (name, schema) in old {
                    let name = renames.get(&name).cloned().unwrap_or(name);
                    schemas.insert(name, schema);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renames)),
        _ => {}
    }
}

/// Removes the schemas no operation reaches (a generic's parameter inlined into it, say).
fn drop_unused_schemas(doc: &mut Value) {
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match child
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        Some(name) if key == "$ref" => found.push(name.to_owned()),
                        _ => refs(child, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let mut pending = Vec::new();
    refs(&doc["paths"], &mut pending);
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("the core has schemas");
    let mut used = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if used.insert(name.clone())
            && let Some(schema) = schemas.get(&name)
        {
            refs(schema, &mut pending);
        }
    }
    schemas.retain(|name, _| used.contains(name));
}

/// The shared parameters, headers and responses the operations refer to.
fn add_components(doc: &mut Value) {
    let components = doc["components"].as_object_mut().expect("components");
    let parameters = components.entry("parameters").or_insert_with(|| json!({}));
    parameters[TENANT_PARAMETER] = json!({
        "name": "X-Tenant-Id",
        "in": "header",
        "required": false,
        "description": "The tenant to act for (a tenant of the caller's); default the caller's personal tenant",
        "schema": { "type": "string", "format": "uuid" }
    });
    let headers = components.entry("headers").or_insert_with(|| json!({}));
    headers["RequestId"] = json!({
        "description": "The request's id, as in the error body's `requestId` and the server's log",
        "schema": { "type": "string" }
    });
    headers["RetryAfter"] = json!({
        "description": "Seconds to wait before trying again",
        "schema": { "type": "integer", "minimum": 0 }
    });
    headers["RateLimitLimit"] = json!({
        "description": "Requests this API key (or, without a credential, this client address) may make per minute, and in one burst",
        "schema": { "type": "integer", "minimum": 1 }
    });
    headers["RateLimitRemaining"] = json!({
        "description": "Requests left in the burst now",
        "schema": { "type": "integer", "minimum": 0 }
    });
    headers["RateLimitReset"] = json!({
        "description": "Seconds until the whole burst is available again",
        "schema": { "type": "integer", "minimum": 0 }
    });
    headers["IdempotentReplayed"] = json!({
        "description": "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key` (nothing was charged again)",
        "schema": { "type": "string", "enum": ["true"] }
    });
}

/// A tagged union (serde's `#[serde(tag = "type")]`: a `oneOf` of inline objects, each with a
/// `type` of one value) gets a named schema per variant (`TaskSchedulerTaskActionHttp`) and a
/// `discriminator`: what generators need to make one class per variant.
fn name_tagged_variants(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    let mut added = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        let Some(variants) = schema.get_mut("oneOf").and_then(Value::as_array_mut) else {
            continue;
        };
        let tags: Vec<Option<String>> = variants
            .iter()
            .map(|v| {
                let tag = &v["properties"]["type"]["enum"];
                (v["type"] == "object" && tag.as_array().is_some_and(|t| t.len() == 1))
                    .then(|| tag[0].as_str().map(str::to_owned))
                    .flatten()
            })
            .collect();
        if tags.is_empty() || tags.iter().any(Option::is_none) {
            continue;
        }
        let mut mapping = Map::new();
        for (variant, tag) in variants.iter_mut().zip(tags.into_iter().flatten()) {
            let variant_name = format!("{name}{}", pascal_case(&tag));
            let reference = format!("#/components/schemas/{variant_name}");
            mapping.insert(tag, json!(reference));
            added.push((
                variant_name,
                std::mem::replace(variant, json!({ "$ref": reference })),
            ));
        }
        schema["discriminator"] = json!({ "propertyName": "type", "mapping": mapping });
    }
    schemas.extend(added);
}

/// A list's items by name: utoipa writes a generic `List<T>` with `T`'s schema copied inline,
/// so generators make a second class for every item type (`ListTenantItemsItem` beside
/// `Tenant`). The copy becomes a reference to the schema it copies, or to a new one named after
/// the list (`TeamChatList_Hit` lists `TeamChatHit`).
fn name_list_items(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    let mut added: Vec<(String, Value)> = Vec::new();
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let Some((prefix, item)) = name.split_once("List_") else {
            continue;
        };
        let inline = &schemas[&name]["properties"]["items"]["items"];
        if !inline.is_object() || inline.get("$ref").is_some() {
            continue;
        }
        let existing = schemas
            .iter()
            .find(|(other, schema)| **other != name && *schema == inline)
            .map(|(other, _)| other.clone());
        let target = match existing {
            Some(other) => other,
            None => {
                let new = format!("{prefix}{item}");
                if schemas.contains_key(&new) || added.iter().any(|(n, _)| *n == new) {
                    continue;
                }
                added.push((new.clone(), inline.clone()));
                new
            }
        };
        schemas[&name]["properties"]["items"]["items"] =
            json!({ "$ref": format!("#/components/schemas/{target}") });
    }
    schemas.extend(added);
}

/// A list's `nextCursor` is always in the answer, null on the last page: required (and
/// nullable), so that generated types do not make it optional as well.
fn cursors_required(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    for schema in schemas.values_mut() {
        if schema["properties"].get("nextCursor").is_none() {
            continue;
        }
        let required = schema
            .as_object_mut()
            .expect("a schema object")
            .entry("required")
            .or_insert_with(|| json!([]));
        if let Some(required) = required.as_array_mut()
            && !required.contains(&json!("nextCursor"))
        {
            required.push(json!("nextCursor"));
        }
    }
}

/// Bytes said as bytes: utoipa writes a `Vec<u8>` body (a PDF, an image, an upload) as an array
/// of integers, which generators turn into a list of numbers. Any non-JSON content whose schema
/// is that becomes `{type: string, format: binary}`, what every generator reads as a file.
fn binary_bodies(operation: &mut Value) {
    fn as_files(content: Option<&mut Value>) {
        let Some(content) = content.and_then(Value::as_object_mut) else {
            return;
        };
        for (media_type, media) in content.iter_mut() {
            let bytes =
                media["schema"]["type"] == "array" && media["schema"]["items"]["type"] == "integer";
            if bytes && !media_type.contains("json") {
                media["schema"] = json!({ "type": "string", "format": "binary" });
            }
        }
    }
    as_files(
        operation
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content")),
    );
    if let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    {
        for response in responses.values_mut() {
            as_files(response.get_mut("content"));
        }
    }
}

/// What every request to `operation` can be answered by the shared layers, added to it.
fn complete(operation: &mut Value) {
    binary_bodies(operation);
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        // A path parameter is required, as OpenAPI says it must be; utoipa leaves `required`
        // out of one with a `schema_with`.
        for parameter in parameters.iter_mut().filter(|p| p["in"] == "path") {
            parameter["required"] = json!(true);
        }
        // utoipa also adds what it reads from a `Path<(A, B)>` extractor after what the route
        // declares: the declared one (described, with its schema) is kept.
        let mut seen = Vec::new();
        parameters.retain(|p| {
            let key = (p["name"].clone(), p["in"].clone());
            if p.get("$ref").is_some() || !seen.contains(&key) {
                seen.push(key);
                true
            } else {
                false
            }
        });
    }
    if operation.get("security").is_none() {
        operation["security"] = json!([]);
    }
    let secured = operation["security"]
        .as_array()
        .is_some_and(|s| !s.is_empty());
    let parameters: Vec<(String, String)> = operation["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    if let Some(r) = p["$ref"].as_str() {
                        let name = r.rsplit('/').next().unwrap_or_default();
                        if name == TENANT_PARAMETER {
                            return ("X-Tenant-Id".to_owned(), "header".to_owned());
                        }
                    }
                    (
                        p["name"].as_str().unwrap_or_default().to_owned(),
                        p["in"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let has = |place: &str| parameters.iter().any(|(_, i)| i == place);
    let metered = parameters.iter().any(|(n, _)| n == "Idempotency-Key");
    if parameters.iter().any(|(n, _)| n == "X-Tenant-Id") {
        // A declared header is replaced by the shared one.
        if let Some(ps) = operation["parameters"].as_array_mut() {
            ps.retain(|p| p["name"] != "X-Tenant-Id");
        }
        add_parameter_ref(operation, TENANT_PARAMETER);
        add_response(operation, "404");
    }
    let json_body = operation["requestBody"]["content"]
        .get("application/json")
        .is_some();
    if json_body {
        for status in ["400", "415", "422"] {
            add_response(operation, status);
        }
    }
    if has("query") {
        // A value that does not parse is a 400; one that parses but is not acceptable (a date
        // range the wrong way round, U+0000) a 422.
        add_response(operation, "400");
        add_response(operation, "422");
    }
    if metered {
        add_response(operation, "400");
    }
    if has("path") {
        add_response(operation, "404");
    }
    if secured {
        add_response(operation, "401");
    }
    // Every request is counted: with an API key in its bucket, without a credential in its
    // client address's (see `limits.rs`).
    add_response(operation, "429");
    let responses = operation["responses"]
        .as_object_mut()
        .expect("every operation has responses");
    for (status, response) in responses.iter_mut() {
        let headers = response
            .as_object_mut()
            .expect("a response object")
            .entry("headers")
            .or_insert_with(|| json!({}));
        headers["x-request-id"] = json!({ "$ref": "#/components/headers/RequestId" });
        for (name, component) in [
            ("RateLimit-Limit", "RateLimitLimit"),
            ("RateLimit-Remaining", "RateLimitRemaining"),
            ("RateLimit-Reset", "RateLimitReset"),
        ] {
            headers[name] = json!({ "$ref": format!("#/components/headers/{component}") });
        }
        if status == "429" || status == "503" {
            headers["Retry-After"] = json!({ "$ref": "#/components/headers/RetryAfter" });
        }
        if metered && status.starts_with('2') {
            headers["Idempotent-Replayed"] =
                json!({ "$ref": "#/components/headers/IdempotentReplayed" });
        }
    }
}

/// Adds a reference to the shared parameter `name` unless `operation` has it.
fn add_parameter_ref(operation: &mut Value, name: &str) {
    let reference = format!("#/components/parameters/{name}");
    let parameters = operation
        .as_object_mut()
        .expect("an operation object")
        .entry("parameters")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .expect("parameters are a list");
    if !parameters.iter().any(|p| p["$ref"] == reference) {
        parameters.push(json!({ "$ref": reference }));
    }
}

/// What the shared layers mean by each status they answer.
fn description(status: &str) -> &'static str {
    match status {
        "400" => {
            "The request could not be read: malformed JSON, a query parameter that does not parse, or a malformed `Idempotency-Key`"
        }
        "401" => "No valid access token or session",
        "403" => "The caller's role, or the tenant's plan or installation, does not allow this",
        "404" => {
            "No such resource (a malformed id names none), or a tenant or app the caller cannot use"
        }
        "415" => "The body is not `Content-Type: application/json`",
        "429" => {
            "Too many requests from this API key (or, without a credential, from this address): wait `Retry-After` seconds"
        }
        "422" => {
            "The body does not have the expected shape, or its fields or query values are not valid (`fields` says which)"
        }
        _ => "An error",
    }
}

/// Adds the error answer `status` unless `operation` documents it.
fn add_response(operation: &mut Value, status: &str) {
    let responses = operation
        .as_object_mut()
        .expect("an operation object")
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses are an object");
    responses.entry(status).or_insert_with(|| {
        json!({
            "description": description(status),
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
        })
    });
}

/// `project-manager` → `ProjectManager`.
fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `project-manager` and `create_project` → `projectManager`, `createProject`.
fn camel_case(id: &str) -> String {
    let pascal = pascal_case(id);
    let mut chars = pascal.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cased_from_ids() {
        assert_eq!(pascal_case("project-manager"), "ProjectManager");
        assert_eq!(camel_case("project-manager"), "projectManager");
        assert_eq!(camel_case("create_project"), "createProject");
        assert_eq!(camel_case("list"), "list");
    }

    #[test]
    fn references_are_renamed_in_place_and_in_the_schema_table() {
        let mut doc = json!({
            "paths": { "/x": { "get": { "responses": { "200": { "content": { "application/json":
                { "schema": { "$ref": "#/components/schemas/Stats" } } } } } } } },
            "components": { "schemas": {
                "Stats": { "type": "object" },
                "ErrorBody": { "type": "object" },
                "StatsBody": { "properties": { "stats": { "$ref": "#/components/schemas/Stats" } } }
            } }
        });
        let renames = BTreeMap::from([
            ("Stats".to_owned(), "AppStats".to_owned()),
            ("StatsBody".to_owned(), "AppStatsBody".to_owned()),
        ]);
        rename_refs(&mut doc, &renames);
        assert_eq!(
            doc["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/AppStats"
        );
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(names, ["AppStats", "AppStatsBody", "ErrorBody"]);
        assert_eq!(
            schemas["AppStatsBody"]["properties"]["stats"]["$ref"],
            "#/components/schemas/AppStats"
        );
    }
}
