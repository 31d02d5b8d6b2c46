//! Text fields people type (a name, a title): what the server accepts, said once, so that the
//! handler's check and the OpenAPI document cannot disagree.
//!
//! A **one-line text** is 1 to `MAX` characters as sent, holds no control character (U+0000 to
//! U+001F, U+007F to U+009F) and something besides whitespace; it is kept trimmed. Its schema says
//! exactly that: `minLength`, `maxLength` and a pattern.

use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

/// Any character but a control character, then one that is neither a control character nor
/// whitespace (Unicode `White_Space`, as [`str::trim`] removes), then any but a control character.
pub const ONE_LINE_PATTERN: &str = "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\x00-\\x1f\\x7f-\\x9f]*$";

/// No control character; may be empty or blank (an optional field that blank clears).
pub const NO_CONTROL_PATTERN: &str = "^[^\\x00-\\x1f\\x7f-\\x9f]*$";

/// `value` as a one-line text of at most `max` characters, trimmed; else what is wrong with it.
pub fn one_line(value: &str, max: usize) -> Result<&str, String> {
    let length = value.chars().count();
    if value.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    let trimmed = value.trim();
    if trimmed.is_empty() || length > max {
        return Err(format!("must be 1 to {max} characters, not only spaces"));
    }
    Ok(trimmed)
}

/// `value` as an optional one-line text of at most `max` characters: blank is none.
pub fn optional_one_line(value: Option<&str>, max: usize) -> Result<Option<&str>, String> {
    match value {
        None => Ok(None),
        Some(value) if value.chars().count() > max => {
            Err(format!("must be at most {max} characters"))
        }
        Some(value) if value.chars().any(char::is_control) => {
            Err("must not contain control characters".into())
        }
        Some(value) => Ok(Some(value.trim()).filter(|v| !v.is_empty())),
    }
}

/// The schema of a one-line text of at most `MAX` characters, for
/// `#[schema(schema_with = lumiku_plugin::text::one_line_schema::<100>)]`.
pub fn one_line_schema<const MAX: usize>() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(ONE_LINE_PATTERN))
        .build()
}

/// The schema of an optional one-line text of at most `MAX` characters (null, empty or blank
/// for none).
pub fn optional_one_line_schema<const MAX: usize>() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(MAX))
        .pattern(Some(NO_CONTROL_PATTERN))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_texts() {
        for (value, ok) in [
            ("Acme", true),
            ("  Acme  ", true),
            ("", false),
            ("   ", false),
            ("\u{3000}\u{a0}", false),
            ("a\u{0}b", false),
            ("a\u{85}b", false),
            ("tab\there", false),
            ("\u{feff}", true),
            ("Ünïcødé 名前", true),
        ] {
            assert_eq!(one_line(value, 100).is_ok(), ok, "{value:?}");
        }
        assert_eq!(one_line("  Acme ", 100), Ok("Acme"));
        assert!(one_line(&"a".repeat(101), 100).is_err());
        // Counted as sent: surrounding spaces count towards the limit, as maxLength says.
        assert!(one_line(&format!(" {}", "a".repeat(100)), 100).is_err());
        assert_eq!(optional_one_line(Some("  "), 100), Ok(None));
        assert_eq!(optional_one_line(None, 100), Ok(None));
        assert!(optional_one_line(Some("a\nb"), 100).is_err());
    }

    #[test]
    fn the_pattern_names_every_whitespace_character_trim_removes() {
        let named: Vec<char> = ('\u{0}'..='\u{3000}')
            .filter(|c| c.is_whitespace() && !c.is_control())
            .collect();
        for c in named {
            let escaped = format!("\\u{:04x}", c as u32);
            let in_range = |lo: u32, hi: u32| (lo..=hi).contains(&(c as u32));
            assert!(
                c == ' '
                    || c == '\u{a0}'
                    || ONE_LINE_PATTERN.contains(&escaped)
                    || in_range(0x2000, 0x200a),
                "{c:?} is whitespace but not in the pattern"
            );
        }
    }
}
