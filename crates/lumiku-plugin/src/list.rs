//! The one shape of every list answer, the core's and the apps': `{"items": [...], "nextCursor"}`.

use serde::Serialize;

/// A page of `items`, and the cursor of the next page: pass it back as the list's `before` (or
/// `after`) parameter; null on the last page, and always null for a list that is never paged.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct List<T> {
    /// The items, in the list's documented order.
    pub items: Vec<T>,
    /// The cursor of the next page; null when there is none.
    pub next_cursor: Option<String>,
}

impl<T> List<T> {
    /// A list answered whole.
    pub fn complete(items: Vec<T>) -> Self {
        Self {
            items,
            next_cursor: None,
        }
    }

    /// A page, with the cursor of the next one.
    pub fn page(items: Vec<T>, next_cursor: Option<impl ToString>) -> Self {
        Self {
            items,
            next_cursor: next_cursor.map(|c| c.to_string()),
        }
    }
}

/// A list's `limit` query parameter: absent, or 1 to `MAX`. Anything else is refused (the
/// [`Query`](crate::extract::Query) extractor answers 400) rather than quietly clamped, as the
/// document's `minimum`/`maximum` say. Use with `#[serde(deserialize_with)]` on an
/// `Option<u32>` field of a `#[serde(default)]` query, and say the range in the document:
///
/// ```ignore
/// /// Page size, 1 to 200 (default 50).
/// #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
/// #[param(minimum = 1, maximum = 200)]
/// limit: Option<u32>,
/// ```
pub fn limit<'de, const MAX: u32, D>(deserializer: D) -> Result<Option<u32>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;
    use serde::de::Error;
    // Query strings carry text: read it as text, so that an out-of-range number is answered
    // with its range rather than with the integer type's.
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    match text.parse::<u32>() {
        Ok(value) if (1..=MAX).contains(&value) => Ok(Some(value)),
        _ => Err(D::Error::custom(format!(
            "limit must be an integer from 1 to {MAX}"
        ))),
    }
}

/// The query parameter `limit` of 1 to `MAX`, for a query that implements `IntoParams` itself.
pub fn limit_parameter<const MAX: u32>(description: &str) -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    crate::text::parameter(
        "limit",
        utoipa::openapi::path::ParameterIn::Query,
        false,
        description,
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(1))
            .maximum(Some(MAX)),
    )
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Query {
        #[serde(deserialize_with = "super::limit::<200, _>")]
        limit: Option<u32>,
    }

    /// A query string's value, as the query extractor hands it over: text.
    fn parse(value: Option<&str>) -> Result<Option<u32>, String> {
        let query = match value {
            Some(value) => serde_json::json!({ "limit": value }),
            None => serde_json::json!({}),
        };
        serde_json::from_value::<Query>(query)
            .map(|q| q.limit)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_limit_is_absent_or_in_range() {
        assert_eq!(parse(None), Ok(None));
        assert_eq!(parse(Some("1")), Ok(Some(1)));
        assert_eq!(parse(Some("200")), Ok(Some(200)));
        for refused in ["0", "201", "2147483648", "-1", "1.5", "x", ""] {
            let error = parse(Some(refused)).unwrap_err();
            assert!(error.contains("1 to 200"), "{refused}: {error}");
        }
    }
}
