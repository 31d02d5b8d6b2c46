//! What the chat's requests carry, checked, and how a message's Markdown becomes safe HTML.

use lumiku_plugin::{ApiError, FieldErrors};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The longest message, in characters.
pub const MAX_MESSAGE: usize = 4000;
/// The longest channel name.
pub const MAX_CHANNEL_NAME: usize = 80;
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
    /// 1 to 80 characters: letters, digits, spaces, `-` and `_`; unique in the tenant (any case).
    pub name: String,
    /// At most 500 characters.
    pub description: Option<String>,
    /// Private: only its members see it. Default public: every member of the tenant.
    pub private: bool,
    /// Members to add besides the creator (a private channel's first members).
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
    let name = name.trim();
    let fits = !name.is_empty()
        && name.chars().count() <= MAX_CHANNEL_NAME
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'));
    if !fits {
        field(
            errors,
            "name",
            "must be 1 to 80 letters, digits, spaces, - or _",
        );
    }
    name.to_owned()
}

fn check_description(errors: &mut FieldErrors, description: Option<&str>) -> Option<String> {
    let description = description.map(str::trim).filter(|d| !d.is_empty());
    if description.is_some_and(|d| d.chars().count() > 500) {
        field(errors, "description", "must be at most 500 characters");
    }
    description.map(str::to_owned)
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

/// A channel's new name or description.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelChange {
    /// A new name.
    pub name: Option<String>,
    /// A new description (empty to remove it).
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
    /// Markdown, 1 to 4000 characters. `@name` mentions the member whose e-mail address starts
    /// with `name@`.
    pub body: String,
    /// The message this replies to (its thread); a reply to a reply joins the same thread.
    pub parent_id: Option<Uuid>,
}

/// A message's new text.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageEdit {
    /// Markdown, 1 to 4000 characters.
    pub body: String,
}

/// A checked message body.
pub fn check_body(body: &str) -> Result<String, ApiError> {
    let mut errors = FieldErrors::new();
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_MESSAGE {
        field(&mut errors, "body", "must be 1 to 4000 characters");
    }
    if body.contains('\0') {
        field(&mut errors, "body", "must not contain NUL");
    }
    refuse(errors)?;
    Ok(body.to_owned())
}

/// A reaction as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewReaction {
    /// One emoji (up to 16 bytes: a sequence with modifiers counts as one).
    pub emoji: String,
}

/// A checked reaction: a short run of non-ASCII symbols (an emoji), no letters or spaces.
pub fn check_emoji(emoji: &str) -> Result<String, ApiError> {
    let emoji = emoji.trim();
    let fits = !emoji.is_empty()
        && emoji.len() <= 16
        && emoji.chars().all(|c| {
            !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control()
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
        for bad in ["", "a", "<b>", "👍 👍", &"👍".repeat(5)] {
            assert!(check_emoji(bad).is_err(), "{bad}");
        }
        let channel = NewChannel {
            name: "general".into(),
            ..Default::default()
        };
        assert!(channel.validate().is_ok());
        let bad = NewChannel {
            name: "<script>".into(),
            ..Default::default()
        };
        assert!(bad.validate().is_err());
    }
}
