//! Extractors that answer bad input with [`ApiError`] instead of axum's plain-text rejections.
//!
//! Use these in place of `axum::Json`, `axum::Form`, `axum::extract::Path` and
//! `axum::extract::Query`.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A JSON body in and out. Malformed JSON is a 400, JSON of the wrong shape a 422, a body over the
/// size limit a 413, a missing `Content-Type: application/json` a 415.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(json_rejection(JsonRejection::MissingJsonContentType(
                Default::default(),
            )));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| body_rejection(&rejection))?;
        refuse_nul_in_json(&bytes)?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => match integral_floats_as_integers(&bytes) {
                // JSON Schema's `integer` is any number without a fraction, `2.0` and `1e3`
                // too; serde's integers are not. Only a body that failed is read again.
                Some(value) => serde_json::from_value(value)
                    .map(Json)
                    .map_err(|_| json_rejection(rejection)),
                None => Err(json_rejection(rejection)),
            },
        }
    }
}

/// The body with every number that has no fraction (`2.0`, `1e3`) and fits an `i64` or `u64`
/// written as an integer; `None` when it holds no such number (or is not JSON).
fn integral_floats_as_integers(bytes: &[u8]) -> Option<serde_json::Value> {
    fn rewrite(value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Number(n) if n.is_f64() => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                // 2^63 and 2^64 are exact as f64: the bounds are checked before the cast.
                let integer = if f.fract() != 0.0 || !f.is_finite() {
                    None
                } else if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
                    Some(serde_json::Number::from(f as i64))
                } else if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
                    Some(serde_json::Number::from(f as u64))
                } else {
                    None
                };
                match integer {
                    Some(integer) => {
                        *n = integer;
                        true
                    }
                    None => false,
                }
            }
            // Every item is visited: `any` would stop at the first one rewritten.
            serde_json::Value::Array(items) => {
                let mut changed = false;
                for item in items {
                    changed |= rewrite(item);
                }
                changed
            }
            serde_json::Value::Object(fields) => {
                let mut changed = false;
                for item in fields.values_mut() {
                    changed |= rewrite(item);
                }
                changed
            }
            _ => false,
        }
    }
    let mut value = serde_json::from_slice::<serde_json::Value>(bytes).ok()?;
    rewrite(&mut value).then_some(value)
}

/// A body field that may be left out (`None`), sent as null (`Some(None)`: clear it) or sent
/// with a value: `#[serde(default, deserialize_with = "lumiku_plugin::extract::nullable")]` on an
/// `Option<Option<T>>`.
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// Whether the request says its body is JSON (`application/json`, or any `+json` type).
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"))
}

/// A body that could not be read: too large (a chunked body past the limit) or cut off.
pub(crate) fn body_rejection(rejection: &axum::extract::rejection::BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::payload_too_large()
    } else {
        ApiError::bad_request("unreadable_body", rejection.body_text())
    }
}

/// What a field holding U+0000 is told. PostgreSQL cannot store the character, so it is refused
/// at the edge, the same way on both backends.
const NUL_MESSAGE: &str = "must not contain the NUL character (U+0000)";

/// Refuses a JSON body with U+0000 in any string (a key or a value) with a 422 naming where it
/// is (`name`, `items[2].title`). A body without the escape `\u0000` is not parsed twice.
pub fn refuse_nul_in_json(bytes: &[u8]) -> Result<(), ApiError> {
    if !bytes.windows(6).any(|w| w == b"\\u0000") {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(()); // not JSON: the parser's own error says so
    };
    match nul_path(&value, String::new()) {
        Some(path) => Err(ApiError::invalid_field(
            if path.is_empty() { "body" } else { &path },
            NUL_MESSAGE,
        )),
        None => Ok(()),
    }
}

/// Where in `value` a string holds U+0000, as a field path.
fn nul_path(value: &serde_json::Value, at: String) -> Option<String> {
    match value {
        serde_json::Value::String(text) => text.contains('\0').then_some(at),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, format!("{at}[{i}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let path = if at.is_empty() {
                key.replace('\0', "\u{fffd}")
            } else {
                format!("{at}.{}", key.replace('\0', "\u{fffd}"))
            };
            if key.contains('\0') {
                Some(path)
            } else {
                nul_path(item, path)
            }
        }),
        _ => None,
    }
}

/// Refuses a query string with `%00` in a parameter, naming the parameter.
fn refuse_nul_in_query(query: Option<&str>) -> Result<(), ApiError> {
    let Some(query) = query.filter(|q| q.contains("%00")) else {
        return Ok(());
    };
    let name = query
        .split('&')
        .find(|pair| pair.contains("%00"))
        .and_then(|pair| pair.split('=').next())
        .filter(|name| !name.is_empty() && !name.contains("%00"))
        .unwrap_or("query");
    Err(ApiError::invalid_field(name, NUL_MESSAGE))
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!(
                "The JSON body does not have the expected shape: {}",
                e.body_text()
            ),
        ),
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::bad_request("malformed_json", "The request body is not valid JSON")
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Expected a body with Content-Type: application/json",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(),
        other => ApiError::bad_request("unreadable_body", other.body_text()),
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Path parameters; a value that does not parse (a malformed id) is a 404, since no resource has
/// that name.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // No resource is named with U+0000 (and PostgreSQL could not look one up).
        if parts.uri.path().contains("%00") {
            return Err(ApiError::not_found("No such resource"));
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => {
                Err(ApiError::not_found("No such resource"))
            }
            Err(other) => Err(ApiError::internal(other)),
        }
    }
}

/// Query-string parameters; a value that does not parse is a 400.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        refuse_nul_in_query(parts.uri.query())?;
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(ApiError::bad_request("invalid_query", e.body_text()))
            }
            Err(other) => Err(ApiError::bad_request("invalid_query", other.body_text())),
        }
    }
}

/// A form body (`application/x-www-form-urlencoded`). A missing or other content type is a 415,
/// fields that do not parse a 400, a body over the size limit a 413.
#[derive(Debug, Clone, Copy, Default)]
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(FormRejection::InvalidFormContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Expected a body with Content-Type: application/x-www-form-urlencoded",
            )),
            Err(other) if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::payload_too_large())
            }
            Err(other) => Err(ApiError::bad_request("invalid_form", other.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Line {
        quantity: i64,
        price: u32,
        rate: f64,
    }

    async fn read(body: &str) -> Result<Line, ApiError> {
        let request = Request::builder()
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap();
        Json::<Line>::from_request(request, &())
            .await
            .map(|Json(line)| line)
    }

    #[tokio::test]
    async fn an_integer_may_be_written_as_a_number_without_a_fraction() {
        let line = |quantity, price, rate| Line {
            quantity,
            price,
            rate,
        };
        assert_eq!(
            read(r#"{"quantity":2,"price":3,"rate":0.5}"#)
                .await
                .unwrap(),
            line(2, 3, 0.5)
        );
        assert_eq!(
            read(r#"{"quantity":2.0,"price":3e2,"rate":1.0}"#)
                .await
                .unwrap(),
            line(2, 300, 1.0)
        );
        assert_eq!(
            read(r#"{"quantity":-4.0,"price":0,"rate":2}"#)
                .await
                .unwrap(),
            line(-4, 0, 2.0)
        );
        for refused in [
            r#"{"quantity":2.5,"price":3,"rate":0.5}"#,
            r#"{"quantity":1e300,"price":3,"rate":0.5}"#,
            r#"{"quantity":2,"price":-1.0,"rate":0.5}"#,
            r#"{"quantity":2,"price":5e9,"rate":0.5}"#,
        ] {
            let error = read(refused).await.unwrap_err();
            assert_eq!(
                error.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{refused}"
            );
        }
    }
}
