//! Text fields people type (a name, a title, notes): what the server accepts, said once, so that
//! the handler's check and the OpenAPI document cannot disagree.
//!
//! A **one-line text** is 1 to `MAX` characters as sent, holds no control character (U+0000 to
//! U+001F, U+007F to U+009F) and no direction override (U+202A to U+202E, U+2066 to U+2069, which
//! make `exe.pdf` of `fdp.exe`), and something besides whitespace; it is kept trimmed. A **text
//! of several lines** (a message, notes, an address) is the same but may hold tabs and line
//! breaks. Each check has a schema beside it that says exactly that: `minLength`, `maxLength` and
//! a pattern (with no lookaround, and no class escape whose meaning differs between ECMA-262,
//! Python and Rust).

use chrono::{Datelike, NaiveDate};
use utoipa::openapi::schema::{KnownFormat, SchemaFormat, SchemaType};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

/// Any character but a control character or a direction override, then one that is none of those
/// nor whitespace (Unicode `White_Space`, as [`str::trim`] removes), then any but the first kind.
pub const ONE_LINE_PATTERN: &str = "^[^\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u202a-\\u202e\\u2066-\\u2069\\u3000][^\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*$";

/// No control character or direction override; may be empty or blank (an optional field that
/// blank clears).
pub const NO_CONTROL_PATTERN: &str = "^[^\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*$";

/// Several lines: as [`ONE_LINE_PATTERN`], but tab, line feed and carriage return are allowed.
pub const TEXT_PATTERN: &str = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u202a-\\u202e\\u2066-\\u2069\\u3000][^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*$";

/// Several lines, or empty or blank.
pub const TEXT_OR_BLANK_PATTERN: &str =
    "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*$";

fn is_override(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// What a one-line text must not hold.
fn forbidden_in_line(c: char) -> bool {
    c.is_control() || is_override(c)
}

/// What a text of several lines must not hold.
fn forbidden_in_text(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || is_override(c)
}

fn checked<'a>(
    value: &'a str,
    max: usize,
    forbidden: fn(char) -> bool,
    what: &str,
) -> Result<&'a str, String> {
    if value.chars().any(forbidden) {
        return Err(format!("must not contain {what}"));
    }
    let trimmed = value.trim();
    if trimmed.is_empty() || value.chars().count() > max {
        return Err(format!("must be 1 to {max} characters, not only spaces"));
    }
    Ok(trimmed)
}

fn checked_optional<'a>(
    value: Option<&'a str>,
    max: usize,
    forbidden: fn(char) -> bool,
    what: &str,
) -> Result<Option<&'a str>, String> {
    match value {
        None => Ok(None),
        Some(value) if value.chars().count() > max => {
            Err(format!("must be at most {max} characters"))
        }
        Some(value) if value.chars().any(forbidden) => Err(format!("must not contain {what}")),
        Some(value) => Ok(Some(value.trim()).filter(|v| !v.is_empty())),
    }
}

const LINE_FORBIDS: &str = "control characters or direction overrides";
const TEXT_FORBIDS: &str = "control characters (but tabs and line breaks) or direction overrides";

/// `value` as a one-line text of at most `max` characters, trimmed; else what is wrong with it.
pub fn one_line(value: &str, max: usize) -> Result<&str, String> {
    checked(value, max, forbidden_in_line, LINE_FORBIDS)
}

/// `value` as an optional one-line text of at most `max` characters: blank is none.
pub fn optional_one_line(value: Option<&str>, max: usize) -> Result<Option<&str>, String> {
    checked_optional(value, max, forbidden_in_line, LINE_FORBIDS)
}

/// `value` as a text of several lines, 1 to `max` characters as sent, trimmed; else what is
/// wrong with it.
pub fn multi_line(value: &str, max: usize) -> Result<&str, String> {
    checked(value, max, forbidden_in_text, TEXT_FORBIDS)
}

/// `value` as an optional text of several lines of at most `max` characters: blank is none.
pub fn optional_multi_line(value: Option<&str>, max: usize) -> Result<Option<&str>, String> {
    checked_optional(value, max, forbidden_in_text, TEXT_FORBIDS)
}

/// A parameter whose schema is one of this module's (a derived `IntoParams` drops the
/// description and `required` of a field with `schema_with`, so such a query implements
/// `IntoParams` with this).
pub fn parameter(
    name: &str,
    place: utoipa::openapi::path::ParameterIn,
    required: bool,
    description: &str,
    schema: impl Into<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>,
) -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::Required;
    utoipa::openapi::path::ParameterBuilder::new()
        .name(name)
        .parameter_in(place)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// Every string of up to `length` characters drawn from `edges` (the empty one included): what
/// a test feeds a check and its schema's pattern to show they accept the same strings. Keep
/// `edges.len() ^ length` to a few hundred thousand.
pub fn strings_of(edges: &[char], length: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..length {
        last = last
            .iter()
            .flat_map(|s| edges.iter().map(move |c| format!("{s}{c}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

/// The schema of a UUID, for a parameter made with [`parameter`].
pub fn uuid_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
        .build()
}

fn string(min: Option<usize>, max: usize, pattern: &str, nullable: bool) -> Object {
    let schema_type = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(schema_type)
        .min_length(min)
        .max_length(Some(max))
        .pattern(Some(pattern))
        .build()
}

/// The schema of a one-line text of at most `MAX` characters, for
/// `#[schema(schema_with = lumiku_plugin::text::one_line_schema::<100>)]`.
pub fn one_line_schema<const MAX: usize>() -> Object {
    string(Some(1), MAX, ONE_LINE_PATTERN, false)
}

/// The schema of an optional one-line text of at most `MAX` characters (null, empty or blank
/// for none).
pub fn optional_one_line_schema<const MAX: usize>() -> Object {
    string(None, MAX, NO_CONTROL_PATTERN, true)
}

/// The schema of a one-line text of at most `MAX` characters that may be empty or blank (a
/// change that clears a field), but not null.
pub fn one_line_or_blank_schema<const MAX: usize>() -> Object {
    string(None, MAX, NO_CONTROL_PATTERN, false)
}

/// The schema of a text of several lines, 1 to `MAX` characters, for
/// `#[schema(schema_with = lumiku_plugin::text::multi_line_schema::<4000>)]`.
pub fn multi_line_schema<const MAX: usize>() -> Object {
    string(Some(1), MAX, TEXT_PATTERN, false)
}

/// The schema of an optional text of several lines of at most `MAX` characters (null, empty or
/// blank for none).
pub fn optional_multi_line_schema<const MAX: usize>() -> Object {
    string(None, MAX, TEXT_OR_BLANK_PATTERN, true)
}

/// A calendar date `YYYY-MM-DD` of the years 2000 to 2999, as [`date`] reads it.
pub const DATE_PATTERN: &str = "^2[0-9]{3}-[0-9]{2}-[0-9]{2}$";

/// The schema of a date, [`DATE_PATTERN`].
pub fn date_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(DATE_PATTERN))
        .build()
}

/// The schema of an optional date (null for none).
pub fn optional_date_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(DATE_PATTERN))
        .build()
}

/// A date as `YYYY-MM-DD`, of the years 2000 to 2999 (what an app's dates mean: no typo
/// of a year, and nothing a report or a PDF cannot print).
pub fn date(text: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    // chrono reads `2024-1-5` and `+2024-01-05` too; the document says ten characters.
    (text.len() == 10 && (2000..=2999).contains(&date.year())).then_some(date)
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
            ("evil\u{202e}fdp.exe", false),
            ("\u{2066}", false),
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
    fn texts_of_several_lines() {
        assert_eq!(
            multi_line(" line one\r\n\tline two \n", 100),
            Ok("line one\r\n\tline two")
        );
        for refused in [
            "",
            " \n\t\u{3000}",
            "a\u{0}b",
            "a\u{1c}b",
            "a\u{85}b",
            "fdp\u{202e}.exe",
        ] {
            assert!(multi_line(refused, 100).is_err(), "{refused:?}");
        }
        assert!(multi_line(&format!("{}\n", "a".repeat(100)), 100).is_err());
        assert_eq!(optional_multi_line(Some(" \n "), 100), Ok(None));
        assert!(optional_multi_line(Some("a\u{7}"), 100).is_err());
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

    /// Characters that sit on the rules' edges.
    const EDGES: &[char] = &[
        'a', ' ', '\t', '\n', '\r', '\u{0}', '\u{b}', '\u{1c}', '\u{7f}', '\u{85}', '\u{a0}',
        '\u{1680}', '\u{2000}', '\u{200b}', '\u{2028}', '\u{202e}', '\u{2066}', '\u{3000}',
        '\u{feff}', 'é', '名', '🙂', '.', '/', '\\',
    ];

    /// The schema accepts exactly what the check accepts.
    fn agree(schema: Object, check: impl Fn(&str) -> bool) {
        let pattern = regex::Regex::new(schema.pattern.as_deref().unwrap()).unwrap();
        let (min, max) = (schema.min_length.unwrap_or(0), schema.max_length.unwrap());
        for value in strings_of(EDGES, 3) {
            let length = value.chars().count();
            let valid = pattern.is_match(&value) && (min..=max).contains(&length);
            assert_eq!(valid, check(&value), "{value:?} against {pattern}");
        }
    }

    #[test]
    fn each_schema_accepts_what_its_check_accepts() {
        agree(one_line_schema::<2>(), |v| one_line(v, 2).is_ok());
        agree(optional_one_line_schema::<2>(), |v| {
            optional_one_line(Some(v), 2).is_ok()
        });
        agree(one_line_or_blank_schema::<2>(), |v| {
            optional_one_line(Some(v), 2).is_ok()
        });
        agree(multi_line_schema::<2>(), |v| multi_line(v, 2).is_ok());
        agree(optional_multi_line_schema::<2>(), |v| {
            optional_multi_line(Some(v), 2).is_ok()
        });
    }
}
