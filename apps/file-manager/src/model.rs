//! The rules of names, links and prices, and the thumbnails made on upload.

use std::io::Cursor;

use lumiku_plugin::ApiError;

/// The longest name, in characters as sent.
pub const NAME_MAX: usize = 255;

/// Bytes of an upload one `uploadFile` unit pays for: a started 10 MiB.
pub const BYTES_PER_UNIT: u64 = 10 * 1024 * 1024;

/// The units an upload of `size` bytes costs: one per started 10 MiB, at least one.
pub fn upload_units(size: u64) -> i64 {
    size.div_ceil(BYTES_PER_UNIT).max(1) as i64
}

/// Characters no name holds: control characters, the slashes, and the direction overrides
/// (which make `exe.pdf` of `fdp.exe`). As a regular-expression class body.
const NAME_EXCLUDED: &str = "\\x00-\\x1f\\x7f-\\x9f/\\\\\\u202a-\\u202e\\u2066-\\u2069";
/// What `str::trim` removes (Unicode `White_Space`) less the control characters, as a class body.
const WHITESPACE: &str = "\\x20\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

/// A file or folder name, trimmed; 422 on `field` when it is empty, `.` or `..`, longer than
/// 255 characters as sent, or holds a slash, a backslash or a control or direction-override
/// character (nothing that could climb out of a folder or break a header or a listing).
pub fn check_name(field: &str, raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    let problem = if name.is_empty() {
        Some("must not be empty")
    } else if name == "." || name == ".." {
        Some("must not be . or ..")
    } else if raw.chars().count() > NAME_MAX {
        Some("must be at most 255 characters")
    } else if name.contains(['/', '\\']) {
        Some("must not contain / or \\")
    } else if raw
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
    {
        Some("must not contain control or direction-override characters")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(ApiError::invalid_field(field, problem)),
        None => Ok(name.to_owned()),
    }
}

/// The pattern of a name [`check_name`] accepts, without lookaround (which not every schema
/// tool reads): allowed characters around one that is neither whitespace nor a dot; or only
/// dots and whitespace, with three dots or more, or two apart (`. .` is a name, `..` is not).
pub fn name_pattern() -> String {
    let allowed = format!("[^{NAME_EXCLUDED}]");
    let ws = format!("[{WHITESPACE}]");
    format!(
        "^{allowed}*[^{NAME_EXCLUDED}{WHITESPACE}.]{allowed}*$\
         |^{ws}*\\.{ws}*\\.{ws}*\\.[.{WHITESPACE}]*$\
         |^{ws}*\\.{ws}+\\.{ws}*$"
    )
}

/// The schema of a file or folder name.
pub fn name_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(NAME_MAX))
        .pattern(Some(name_pattern()))
        .build()
}

/// How the page shows a file of `content_type`.
pub fn kind(content_type: &str) -> &'static str {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence == "application/pdf" {
        "pdf"
    } else if essence == "text/plain" {
        "text"
    } else if lumiku_plugin::blobs::is_safe_inline(essence) && essence.starts_with("image/") {
        "image"
    } else {
        "other"
    }
}

/// Images larger than this are stored without a thumbnail.
pub const THUMBNAIL_SOURCE_MAX: u64 = 40 * 1024 * 1024;
/// The longest side of a thumbnail.
pub const THUMBNAIL_SIZE: u32 = 256;
/// The widest and tallest image decoded for a thumbnail: a small file claiming to be an
/// enormous picture (an image bomb) is refused before its pixels are allocated.
pub const THUMBNAIL_MAX_SIDE: u32 = 12_000;
/// The most a decode may allocate.
pub const THUMBNAIL_MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Whether a thumbnail is made for content of this type.
pub fn thumbnailable(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp"
    )
}

/// A thumbnail of `bytes` (at most [`THUMBNAIL_SIZE`] on its longest side): PNG when it has
/// transparency, JPEG otherwise. None for what cannot be decoded within the limits.
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(THUMBNAIL_MAX_SIDE);
    limits.max_image_height = Some(THUMBNAIL_MAX_SIDE);
    limits.max_alloc = Some(THUMBNAIL_MAX_ALLOC);
    reader.limits(limits);
    let image = reader.decode().ok()?;
    let small = image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE);
    let mut out = Vec::new();
    if small.color().has_alpha() {
        small
            .to_rgba8()
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .ok()?;
    } else {
        let rgb = small.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&rgb)
            .ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_started_ten_mebibytes() {
        assert_eq!(upload_units(0), 1);
        assert_eq!(upload_units(1), 1);
        assert_eq!(upload_units(BYTES_PER_UNIT), 1);
        assert_eq!(upload_units(BYTES_PER_UNIT + 1), 2);
        assert_eq!(upload_units(1024 * 1024 * 1024), 103);
    }

    #[test]
    fn names_that_climb_or_hide_are_refused() {
        assert_eq!(check_name("name", "  report.pdf ").unwrap(), "report.pdf");
        for bad in [
            "",
            "  ",
            ".",
            "..",
            "../etc/passwd",
            "a/b",
            "a\\b",
            "a\0b",
            "tab\there",
            "new\nline",
            "evil\u{202e}fdp.exe",
        ] {
            let error = check_name("name", bad).unwrap_err();
            assert_eq!(error.status().as_u16(), 422, "{bad:?}");
        }
        assert!(check_name("name", &"x".repeat(255)).is_ok());
        assert!(check_name("name", &"x".repeat(256)).is_err());
        // Characters as sent, as the schema's maxLength counts them.
        assert!(check_name("name", &"é".repeat(255)).is_ok());
        assert!(check_name("name", &format!(" {}", "x".repeat(255))).is_err());
        for good in ["...", ". .", " . . ", ".hidden", "a..b"] {
            assert!(check_name("name", good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn the_schema_accepts_the_names_the_check_accepts() {
        let pattern = regex::Regex::new(&name_pattern()).unwrap();
        let edges = [
            'a', '.', ' ', '\t', '\u{0}', '\u{85}', '\u{a0}', '\u{3000}', '/', '\\', '\u{202e}',
            'é',
        ];
        let mut corpus = lumiku_plugin::text::strings_of(&edges, 4);
        corpus.push("x".repeat(NAME_MAX + 1));
        for name in corpus {
            let length = name.chars().count();
            let valid = pattern.is_match(&name) && (1..=NAME_MAX).contains(&length);
            assert_eq!(valid, check_name("name", &name).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn kinds_follow_the_sniffed_type() {
        assert_eq!(kind("image/png"), "image");
        assert_eq!(kind("application/pdf"), "pdf");
        assert_eq!(kind("text/plain; charset=utf-8"), "text");
        assert_eq!(kind("image/svg+xml"), "other");
        assert_eq!(kind("application/zip"), "other");
    }

    #[test]
    fn a_thumbnail_is_small_and_an_image_bomb_is_refused() {
        let mut png = Vec::new();
        image::RgbImage::from_pixel(1200, 600, image::Rgb([200, 30, 30]))
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let thumb = thumbnail(&png).expect("a thumbnail");
        let small = image::load_from_memory(&thumb).unwrap();
        assert_eq!((small.width(), small.height()), (256, 128));

        // A PNG header claiming 60,000 x 60,000 pixels: refused by the limits, not allocated.
        let mut bomb = Vec::new();
        image::GrayImage::new(1, 1)
            .write_to(&mut Cursor::new(&mut bomb), image::ImageFormat::Png)
            .unwrap();
        bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        assert!(thumbnail(&bomb).is_none());
    }
}
