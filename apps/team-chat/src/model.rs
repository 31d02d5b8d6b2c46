//! What the chat's requests carry, checked, and how a message's Markdown becomes safe HTML.

use lumiku_plugin::{ApiError, FieldErrors, text};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The longest message, in characters.
pub const MAX_MESSAGE: usize = 4000;
/// The longest channel name.
pub const MAX_CHANNEL_NAME: usize = 80;
/// The longest channel description.
pub const MAX_DESCRIPTION: usize = 500;
/// The most members a new private channel may start with.
pub const MAX_INITIAL_MEMBERS: usize = 200;

fn field(errors: &mut FieldErrors, name: &str, message: &str) {
    errors.entry(name.into()).or_default().push(message.into());
}

fn refuse(errors: FieldErrors) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// A new channel as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct NewChannel {
    /// 1 to 80 characters, one line, not only spaces; kept trimmed; unique in the tenant (any
    /// case).
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<80>, required = true)]
    pub name: String,
    /// At most 500 characters, one line; blank for none.
    #[schema(schema_with = lumiku_plugin::text::optional_one_line_schema::<500>)]
    pub description: Option<String>,
    /// Private: only its members see it. Default public: every member of the tenant.
    pub private: bool,
    /// Members to add besides the creator (a private channel's first members), at most 200.
    #[schema(max_items = 200)]
    pub members: Vec<Uuid>,
}

/// A checked channel name and description.
#[derive(Debug, Clone)]
pub struct ChannelFields {
    /// The name.
    pub name: String,
    /// The description, if any.
    pub description: Option<String>,
}

fn check_name(errors: &mut FieldErrors, name: &str) -> String {
    match text::one_line(name, MAX_CHANNEL_NAME) {
        Ok(name) => name.to_owned(),
        Err(message) => {
            field(errors, "name", &message);
            String::new()
        }
    }
}

fn check_description(errors: &mut FieldErrors, description: Option<&str>) -> Option<String> {
    match text::optional_one_line(description, MAX_DESCRIPTION) {
        Ok(description) => description.map(str::to_owned),
        Err(message) => {
            field(errors, "description", &message);
            None
        }
    }
}

impl NewChannel {
    /// The checked fields, or 422 naming every one at fault.
    pub fn validate(&self) -> Result<ChannelFields, ApiError> {
        let mut errors = FieldErrors::new();
        let name = check_name(&mut errors, &self.name);
        let description = check_description(&mut errors, self.description.as_deref());
        if self.members.len() > MAX_INITIAL_MEMBERS {
            field(&mut errors, "members", "at most 200 at once");
        }
        refuse(errors)?;
        Ok(ChannelFields { name, description })
    }
}

/// A channel's new name or description: at least one of them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[schema(min_properties = 1)]
pub struct ChannelChange {
    /// A new name: 1 to 80 characters, one line, not only spaces.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<80>)]
    pub name: Option<String>,
    /// A new description, at most 500 characters, one line (blank to remove it).
    #[schema(schema_with = lumiku_plugin::text::one_line_or_blank_schema::<500>)]
    pub description: Option<String>,
}

impl ChannelChange {
    /// The checked change.
    pub fn validate(&self) -> Result<(Option<String>, Option<Option<String>>), ApiError> {
        let mut errors = FieldErrors::new();
        let name = self.name.as_deref().map(|n| check_name(&mut errors, n));
        let description = self
            .description
            .as_deref()
            .map(|d| check_description(&mut errors, Some(d)));
        if name.is_none() && description.is_none() {
            field(
                &mut errors,
                "name",
                "send a name or a description to change",
            );
        }
        refuse(errors)?;
        Ok((name, description))
    }
}

/// A message as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct NewMessage {
    /// Markdown, 1 to 4000 characters, not only spaces. `@name` mentions the member whose e-mail
    /// address starts with `name@`.
    #[schema(schema_with = lumiku_plugin::text::multi_line_schema::<4000>, required = true)]
    pub body: String,
    /// The message this replies to (its thread); a reply to a reply joins the same thread.
    pub parent_id: Option<Uuid>,
}

/// A message's new text.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageEdit {
    /// Markdown, 1 to 4000 characters, not only spaces.
    #[schema(schema_with = lumiku_plugin::text::multi_line_schema::<4000>, required = true)]
    pub body: String,
}

/// A checked message body.
pub fn check_body(body: &str) -> Result<String, ApiError> {
    text::multi_line(body, MAX_MESSAGE)
        .map(str::to_owned)
        .map_err(|message| ApiError::invalid_field("body", message))
}

/// A reaction as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewReaction {
    /// One emoji: 1 to 8 characters from the emoji and symbol blocks (a sequence with skin tone,
    /// joiners or a variation selector is one emoji of several characters).
    #[schema(schema_with = emoji_schema, required = true)]
    pub emoji: String,
}

/// The characters an emoji is made of: the emoji and pictograph blocks (U+1F000 to U+1FAFF), the
/// symbol and dingbat blocks (U+2190 to U+2BFF), a few symbols elsewhere that are emoji (© ® ‼
/// ⁉ ™ ℹ 〰 〽 ㊗ ㊙), and what joins and modifies them (ZWJ, the keycap mark, VS16, tag
/// characters). The schema's pattern and [`check_emoji`] are both made from this list.
const EMOJI_CHARS: &[(char, char)] = &[
    ('\u{a9}', '\u{a9}'),
    ('\u{ae}', '\u{ae}'),
    ('\u{200d}', '\u{200d}'),
    ('\u{203c}', '\u{203c}'),
    ('\u{2049}', '\u{2049}'),
    ('\u{20e3}', '\u{20e3}'),
    ('\u{2122}', '\u{2122}'),
    ('\u{2139}', '\u{2139}'),
    ('\u{2190}', '\u{2bff}'),
    ('\u{3030}', '\u{3030}'),
    ('\u{303d}', '\u{303d}'),
    ('\u{3297}', '\u{3297}'),
    ('\u{3299}', '\u{3299}'),
    ('\u{fe0f}', '\u{fe0f}'),
    ('\u{1f000}', '\u{1faff}'),
    ('\u{e0020}', '\u{e007f}'),
];
/// The most characters in one reaction.
const MAX_EMOJI: usize = 8;

fn emoji_pattern() -> String {
    let class: String = EMOJI_CHARS
        .iter()
        .map(|&(from, to)| {
            // The characters themselves: JSON Schema's patterns are ECMA-262, Python's and
            // Rust's are not, and only a literal character means the same to all three.
            if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            }
        })
        .collect();
    format!("^[{class}]{{1,{MAX_EMOJI}}}$")
}

pub(crate) fn emoji_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX_EMOJI))
        .pattern(Some(emoji_pattern()))
        .build()
}

/// A checked reaction: one emoji, as [`EMOJI_CHARS`] says.
pub fn check_emoji(emoji: &str) -> Result<String, ApiError> {
    let count = emoji.chars().count();
    let fits = (1..=MAX_EMOJI).contains(&count)
        && emoji.chars().all(|c| {
            EMOJI_CHARS
                .iter()
                .any(|&(from, to)| (from..=to).contains(&c))
        });
    if fits {
        Ok(emoji.to_owned())
    } else {
        Err(ApiError::invalid_field("emoji", "must be one emoji"))
    }
}

/// Which member to add.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewMember {
    /// A member of the tenant.
    pub user_id: Uuid,
}

/// Whom to talk to.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDirect {
    /// Another member of the tenant.
    pub user_id: Uuid,
}

/// How far the caller has read.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ReadMark {
    /// The last message read (default: the newest).
    pub message_id: Option<Uuid>,
}

/// Whether a link target is safe to put in `href`: a relative reference, or http(s) or mailto.
/// Browsers ignore whitespace and control characters inside a scheme, so they are ignored here too.
fn safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &cleaned[..colon];
            if scheme.contains(['/', '?', '#']) {
                return true; // the colon is after the path began: relative
            }
            matches!(scheme, "http" | "https" | "mailto")
        }
    }
}

/// Renders a message's Markdown as HTML that cannot run anything: raw HTML is shown as text,
/// links keep only http(s), mailto and relative targets, and images become links (a chat does
/// not load other sites' pixels).
pub fn render_markdown(source: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if safe_url(&dest_url) {
                dest_url
            } else {
                "".into()
            };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut html = String::with_capacity(source.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// The names mentioned in `body` (`@name`, name made of letters, digits, `.`, `_`, `-`),
/// lowercased, each once.
pub fn mentioned_names(body: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let chars: Vec<char> = body.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let starts = *c == '@' && (i == 0 || !chars[i - 1].is_alphanumeric());
        if !starts {
            continue;
        }
        let name: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .collect::<String>()
            .trim_end_matches(['.', '-'])
            .to_lowercase();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_accepts_the_reactions_the_check_accepts() {
        let pattern = regex::Regex::new(&emoji_pattern()).unwrap();
        for emoji in [
            "👍",
            "👍🏽",
            "❤️",
            "👨\u{200d}👩\u{200d}👧",
            "🇮🇩",
            "©",
            "↔",
            "🏴\u{e0067}\u{e0062}\u{e007f}",
            "",
            " 👍",
            "a",
            "1️⃣",
            "👍👍👍👍👍👍👍👍",
            "👍👍👍👍👍👍👍👍👍",
            "€",
            "\u{2b00}",
            "\u{2c00}",
        ] {
            let length = emoji.chars().count();
            let valid = pattern.is_match(emoji) && (1..=MAX_EMOJI).contains(&length);
            assert_eq!(valid, check_emoji(emoji).is_ok(), "{emoji:?}");
        }
        assert!(
            check_emoji("👍🏽").is_ok() && check_emoji("❤️").is_ok() && check_emoji("🇮🇩").is_ok()
        );
        assert!(check_emoji("a").is_err() && check_emoji(" 👍").is_err());
    }

    #[test]
    fn markdown_renders_and_nothing_in_it_runs() {
        assert_eq!(
            render_markdown("**hi** _there_"),
            "<p><strong>hi</strong> <em>there</em></p>\n"
        );
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "a <b onmouseover=alert(1)>b</b>",
            "<iframe src=javascript:alert(1)>",
        ] {
            let html = render_markdown(attack);
            for tag in ["<script", "<img", "<b ", "<iframe"] {
                assert!(!html.contains(tag), "{attack} → {html}");
            }
            assert!(html.contains("&lt;"), "{attack} shown as text: {html}");
        }
        for link in [
            "[x](javascript:alert(1))",
            "[x](JaVa\tScRiPt:alert(1))",
            "<javascript:alert(1)>",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "![x](javascript:alert(1))",
            "[x](vbscript:msgbox)",
        ] {
            let html = render_markdown(link);
            let lower = html.to_lowercase();
            assert!(
                !lower.contains("href=\"data:") && !lower.contains("href=\"vbscript"),
                "{link} → {html}"
            );
            assert!(
                !lower.contains("href=\"javascript") && !lower.contains("<img"),
                "{link} → {html}"
            );
        }
        let ok = render_markdown("[docs](https://example.com/a?b=1) and [rel](/apps/x)");
        assert!(ok.contains("href=\"https://example.com/a?b=1\""), "{ok}");
        assert!(ok.contains("href=\"/apps/x\""), "{ok}");
        let image = render_markdown("![cat](https://example.com/cat.png)");
        assert!(
            image.contains("<a href=\"https://example.com/cat.png\">cat</a>"),
            "{image}"
        );
    }

    #[test]
    fn mentions_are_names_after_an_at_sign() {
        assert_eq!(
            mentioned_names("hi @Alice and @bob.smith, mail me at x@y.z; @alice again."),
            vec!["alice", "bob.smith"]
        );
        assert!(mentioned_names("no mentions @ here").is_empty());
    }

    #[test]
    fn inputs_are_checked() {
        assert!(check_body("  ").is_err());
        assert!(check_body(&"x".repeat(MAX_MESSAGE + 1)).is_err());
        assert_eq!(check_body(" hi ").unwrap(), "hi");
        assert!(check_emoji("👍").is_ok());
        assert!(check_emoji("👍🏽").is_ok());
        for bad in ["", "a", "<b>", "👍 👍", &"👍".repeat(MAX_EMOJI + 1)] {
            assert!(check_emoji(bad).is_err(), "{bad}");
        }
        let channel = NewChannel {
            name: "general".into(),
            ..Default::default()
        };
        assert!(channel.validate().is_ok());
        for name in ["", "  ", "new\nline", "fdp\u{202e}.exe", &"x".repeat(81)] {
            let bad = NewChannel {
                name: name.into(),
                ..Default::default()
            };
            assert!(bad.validate().is_err(), "{name:?}");
        }
    }
}
