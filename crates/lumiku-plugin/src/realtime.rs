//! Realtime events: what an app tells the browsers and clients watching a topic, the moment the
//! write behind it commits.
//!
//! A topic is a name the app chooses (`channel:0193…`, `user:0193…`) inside one tenant and one
//! app: the kernel keys every subscription by the connection's tenant and the app, so a topic is
//! never shared across tenants whatever its name. A client connects to `GET /api/realtime`
//! (WebSocket) or `GET /api/realtime/sse` and subscribes to `"{appId}:{topic}"`; the kernel admits
//! the caller to the app (enabled, installed, role, tier) and then asks the app
//! ([`Plugin::authorize_topic`](crate::Plugin::authorize_topic)) whether this caller may watch
//! that topic.
//!
//! An app publishes on the transaction of its write ([`Metered::publish`](crate::Metered::publish)):
//! the event is delivered if and only if the transaction commits, on every node. An ephemeral
//! signal with no write behind it ("typing…") goes out at once with
//! [`AppContext::signal`](crate::AppContext::signal). When a caller loses the right to a topic (a
//! member removed from a private channel), [`Metered::revoke`](crate::Metered::revoke) ends their
//! subscriptions to it on every node when the removal commits.
//!
//! ```text
//! metered.publish(Event::new(format!("channel:{id}"), "message.created", &message)?).await?;
//! ```

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::ApiError;

/// The longest topic name, in bytes.
pub const MAX_TOPIC_LEN: usize = 160;

/// The largest event data, serialized, in bytes. An event names what changed; it is not a file.
pub const MAX_EVENT_DATA: usize = 64 * 1024;

/// An event for the subscribers of one topic of the app, in the publishing tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The topic, as the app names it (without the app id).
    pub topic: String,
    /// What happened (`message.created`).
    pub name: String,
    /// The event's data, sent to subscribers as JSON.
    pub data: Value,
}

impl Event {
    /// An event `name` on `topic` carrying `data`; refuses a topic that is not a topic name
    /// ([`check_topic`]) or data larger than [`MAX_EVENT_DATA`].
    pub fn new(
        topic: impl Into<String>,
        name: impl Into<String>,
        data: &impl Serialize,
    ) -> Result<Self, ApiError> {
        let topic = topic.into();
        check_topic(&topic).map_err(internal)?;
        let name = name.into();
        if name.is_empty() || name.len() > 64 || !name.chars().all(is_topic_char) {
            return Err(internal(format!("'{name}' is not an event name")));
        }
        let data = serde_json::to_value(data).map_err(ApiError::internal)?;
        let size = serde_json::to_vec(&data).map_err(ApiError::internal)?.len();
        if size > MAX_EVENT_DATA {
            return Err(internal(format!(
                "an event's data is {size} bytes; the most is {MAX_EVENT_DATA}"
            )));
        }
        Ok(Self { topic, name, data })
    }
}

/// A subscription to end: `user_id`'s, to `topic` of the app in the publishing tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// The topic, as the app names it.
    pub topic: String,
    /// Whose subscriptions end.
    pub user_id: Uuid,
}

fn is_topic_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '_' | '-')
}

/// Checks that `topic` is a topic name: 1 to [`MAX_TOPIC_LEN`] ASCII letters, digits and
/// `: . _ -`.
pub fn check_topic(topic: &str) -> Result<(), String> {
    if topic.is_empty() || topic.len() > MAX_TOPIC_LEN || !topic.chars().all(is_topic_char) {
        return Err(format!(
            "'{topic}' is not a topic: use 1 to {MAX_TOPIC_LEN} letters, digits and : . _ -"
        ));
    }
    Ok(())
}

fn internal(message: impl Into<String>) -> ApiError {
    ApiError::internal(std::io::Error::other(message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_short_plain_names() {
        assert!(check_topic("channel:0193a0b2-0000-7000-8000-000000000000").is_ok());
        assert!(check_topic("user:1").is_ok());
        for bad in ["", "a b", "x/y", "é", &"t".repeat(MAX_TOPIC_LEN + 1)] {
            assert!(check_topic(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn events_are_checked_and_bounded() {
        let event = Event::new("channel:1", "message.created", &serde_json::json!({"a": 1}));
        assert_eq!(event.unwrap().data, serde_json::json!({"a": 1}));
        assert!(Event::new("bad topic", "x", &1).is_err());
        assert!(Event::new("t", "bad name", &1).is_err());
        let big = "x".repeat(MAX_EVENT_DATA);
        assert!(Event::new("t", "big", &big).is_err());
    }
}
