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
