//! The webhook's checks and Meta's payload, without the HTTP server around them.
//!
//! - [`verify_subscription`]: the `GET ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..`
//!   Meta sends when the webhook is registered; the challenge is echoed only for the right token.
//! - [`signature_ok`]: every `POST` carries `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app
//!   secret, raw body)>`; it is checked over the raw bytes, in constant time (`hmac`'s
//!   `verify_slice`), before anything is parsed.
//! - [`parse`]: the notification body into what loket acts on: citizens' messages as core
//!   [`Event`]s (text and commands, button and list replies, locations, images and documents)
//!   with their message id (Meta retries, so the id is the deduplication key), and delivery
//!   statuses (sent, delivered, read, failed with error codes). Anything else is ignored.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::conversation::{Choice, Command, Event};

/// Why a verification `GET` is refused (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerificationRefused;

/// The challenge to echo when `mode` is `subscribe` and `token` is ours.
pub fn verify_subscription<'a>(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&'a str>,
    verify_token: &str,
) -> Result<&'a str, VerificationRefused> {
    let token_ok = token.is_some_and(|t| {
        // Constant time as well: the verify token is a shared secret.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"verify-token").expect("any key length");
        mac.update(verify_token.as_bytes());
        let expected = mac.finalize().into_bytes();
        let mut given = Hmac::<Sha256>::new_from_slice(b"verify-token").expect("any key length");
        given.update(t.as_bytes());
        !verify_token.is_empty() && given.verify_slice(&expected).is_ok()
    });
    match (mode, challenge) {
        (Some("subscribe"), Some(challenge)) if token_ok => Ok(challenge),
        _ => Err(VerificationRefused),
    }
}

/// Whether `header` (`sha256=<hex>`) is the HMAC-SHA256 of `body` under `app_secret`.
pub fn signature_ok(app_secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_sig) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// The header value for `body` (tests and the fake Graph API sign with it).
pub fn sign(app_secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// A citizen's message.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// Meta's message id (`wamid...`): the deduplication key.
    pub message_id: String,
    /// The citizen's WhatsApp id (their number, digits only).
    pub from: String,
    /// Unix seconds, as Meta stamped it.
    pub timestamp: i64,
    pub event: Event,
    /// The sender's profile name, from the notification's `contacts` (shown to the handler of
    /// a complaint they file, unless anonymous).
    pub profile_name: Option<String>,
}

/// What Meta says about a message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryStatus {
    pub message_id: String,
    pub recipient: String,
    /// `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    /// Error codes of a failed message (131047: outside the 24-hour window; 131026: not
    /// deliverable, e.g. the citizen blocked us).
    pub error_codes: Vec<i64>,
}

/// Everything one notification carries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Notification {
    pub messages: Vec<Inbound>,
    pub statuses: Vec<DeliveryStatus>,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    value: Option<Value>,
}

#[derive(Deserialize)]
struct Value {
    #[serde(default)]
    contacts: Vec<RawContact>,
    #[serde(default)]
    messages: Vec<RawMessage>,
    #[serde(default)]
    statuses: Vec<RawStatus>,
}

#[derive(Deserialize)]
struct RawContact {
    #[serde(default)]
    wa_id: String,
    profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct RawMessage {
    id: String,
    from: String,
    #[serde(default)]
    timestamp: String,
    #[serde(rename = "type", default)]
    kind: String,
    text: Option<Text>,
    interactive: Option<Interactive>,
    button: Option<TemplateButton>,
    location: Option<Location>,
    image: Option<Media>,
    document: Option<Media>,
}

#[derive(Deserialize)]
struct Text {
    body: String,
}

#[derive(Deserialize)]
struct Interactive {
    button_reply: Option<Reply>,
    list_reply: Option<Reply>,
}

#[derive(Deserialize)]
struct Reply {
    id: String,
}

#[derive(Deserialize)]
struct TemplateButton {
    #[serde(default)]
    payload: String,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct Location {
    latitude: f64,
    longitude: f64,
}

#[derive(Deserialize)]
struct Media {
    id: String,
}

#[derive(Deserialize)]
struct RawStatus {
    id: String,
    status: String,
    #[serde(default)]
    recipient_id: String,
    #[serde(default)]
    errors: Vec<RawError>,
}

#[derive(Deserialize)]
struct RawError {
    code: i64,
}

/// The event a message means for the core.
fn event_of(message: &RawMessage) -> Event {
    let text = |body: &str| match Command::parse(body) {
        Some(command) => Event::Command(command),
        None => Event::Text(body.to_owned()),
    };
    match message.kind.as_str() {
        "text" => message.text.as_ref().map_or(Event::Unsupported, |t| text(&t.body)),
        "interactive" => message
            .interactive
            .as_ref()
            .and_then(|i| i.button_reply.as_ref().or(i.list_reply.as_ref()))
            .and_then(|reply| Choice::parse(&reply.id))
            .map_or(Event::Unsupported, Event::Choice),
        // A quick-reply button of a template: its payload is a choice id, else its text.
        "button" => message.button.as_ref().map_or(Event::Unsupported, |b| {
            Choice::parse(&b.payload).map_or_else(|| text(&b.text), Event::Choice)
        }),
        "location" => message
            .location
            .as_ref()
            .map_or(Event::Unsupported, |l| Event::Location {
                latitude: l.latitude,
                longitude: l.longitude,
            }),
        "image" | "document" => message
            .image
            .as_ref()
            .or(message.document.as_ref())
            .map_or(Event::Unsupported, |m| Event::Attachment {
                id: attachment_id(&m.id),
            }),
        _ => Event::Unsupported,
    }
}

/// How a WhatsApp media id is kept among a complaint's attachments (Telegram file ids are
/// URL-safe base64, media ids digits; the prefix tells them apart).
pub fn attachment_id(media_id: &str) -> String {
    format!("wa_{media_id}")
}

/// Reads a notification body; `Err` when it is not JSON of Meta's shape.
pub fn parse(body: &[u8]) -> Result<Notification, serde_json::Error> {
    let body: Body = serde_json::from_slice(body)?;
    let mut notification = Notification::default();
    for value in body
        .entry
        .into_iter()
        .flat_map(|e| e.changes)
        .filter(|c| c.field == "messages")
        .filter_map(|c| c.value)
    {
        for message in &value.messages {
            let profile_name = value
                .contacts
                .iter()
                .find(|c| c.wa_id == message.from)
                .and_then(|c| c.profile.as_ref())
                .map(|p| p.name.trim().to_owned())
                .filter(|name| !name.is_empty());
            notification.messages.push(Inbound {
                message_id: message.id.clone(),
                from: message.from.clone(),
                timestamp: message.timestamp.parse().unwrap_or_default(),
                event: event_of(message),
                profile_name,
            });
        }
        for status in value.statuses {
            notification.statuses.push(DeliveryStatus {
                message_id: status.id,
                recipient: status.recipient_id,
                status: status.status,
                error_codes: status.errors.iter().map(|e| e.code).collect(),
            });
        }
    }
    Ok(notification)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::ComplaintChoice;

    #[test]
    fn verification_echoes_the_challenge_only_for_our_token() {
        let ok = verify_subscription(Some("subscribe"), Some("token-kami"), Some("1158201444"), "token-kami");
        assert_eq!(ok, Ok("1158201444"));
        for (mode, token, challenge) in [
            (Some("subscribe"), Some("token-lain"), Some("1")),
            (Some("subscribe"), None, Some("1")),
            (Some("unsubscribe"), Some("token-kami"), Some("1")),
            (Some("subscribe"), Some("token-kami"), None),
        ] {
            assert_eq!(
                verify_subscription(mode, token, challenge, "token-kami"),
                Err(VerificationRefused)
            );
        }
        // An unset verify token accepts nothing, not even an empty one.
        assert!(verify_subscription(Some("subscribe"), Some(""), Some("1"), "").is_err());
    }

    #[test]
    fn signatures_are_checked_over_the_raw_body() {
        let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
        let header = sign(b"app-secret", body);
        assert!(signature_ok(b"app-secret", body, Some(&header)));
        assert!(!signature_ok(b"other-secret", body, Some(&header)));
        assert!(!signature_ok(b"app-secret", b"{}", Some(&header)));
        assert!(!signature_ok(b"app-secret", body, None));
        assert!(!signature_ok(b"app-secret", body, Some("sha256=zz")));
        assert!(!signature_ok(
            b"app-secret",
            body,
            Some(header.trim_start_matches("sha256="))
        ));
    }

    fn notification(messages: &str) -> String {
        format!(
            r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages",
            "value":{{"messaging_product":"whatsapp","metadata":{{"phone_number_id":"555"}},
            "contacts":[{{"profile":{{"name":"Warga"}},"wa_id":"6281234"}}],"messages":[{messages}]}}}}]}}]}}"#
        )
    }

    #[test]
    fn messages_become_core_events() {
        let body = notification(
            r#"{"from":"6281234","id":"wamid.1","timestamp":"1755655200","type":"text","text":{"body":"syarat ktp"}},
               {"from":"6281234","id":"wamid.2","timestamp":"1755655201","type":"text","text":{"body":"/lapor"}},
               {"from":"6281234","id":"wamid.3","timestamp":"1","type":"interactive",
                "interactive":{"type":"button_reply","button_reply":{"id":"lp:ok","title":"Kirim"}}},
               {"from":"6281234","id":"wamid.4","timestamp":"1","type":"interactive",
                "interactive":{"type":"list_reply","list_reply":{"id":"lp:cat:2","title":"x"}}},
               {"from":"6281234","id":"wamid.5","timestamp":"1","type":"location",
                "location":{"latitude":-7.6,"longitude":112.7}},
               {"from":"6281234","id":"wamid.6","timestamp":"1","type":"image",
                "image":{"id":"1234567890","mime_type":"image/jpeg"}},
               {"from":"6281234","id":"wamid.7","timestamp":"1","type":"sticker","sticker":{"id":"9"}},
               {"from":"6281234","id":"wamid.8","timestamp":"1","type":"interactive",
                "interactive":{"type":"button_reply","button_reply":{"id":"nonsense","title":"x"}}}"#,
        );
        let n = parse(body.as_bytes()).unwrap();
        let events: Vec<&Event> = n.messages.iter().map(|m| &m.event).collect();
        assert_eq!(
            events,
            [
                &Event::Text("syarat ktp".into()),
                &Event::Command(Command::Report),
                &Event::Choice(Choice::Complaint(ComplaintChoice::Submit)),
                &Event::Choice(Choice::Complaint(ComplaintChoice::Category(2))),
                &Event::Location {
                    latitude: -7.6,
                    longitude: 112.7
                },
                &Event::Attachment {
                    id: "wa_1234567890".into()
                },
                &Event::Unsupported,
                &Event::Unsupported,
            ]
        );
        assert_eq!(n.messages[0].message_id, "wamid.1");
        assert_eq!(n.messages[0].from, "6281234");
        assert_eq!(n.messages[0].timestamp, 1_755_655_200);
        // The sender's profile name comes along for the core (a complaint shows it to officers).
        assert!(n.messages.iter().all(|m| m.profile_name.as_deref() == Some("Warga")));
        // The media id is a valid attachment for the complaint.
        assert!(crate::domain::Attachment::parse(&attachment_id("1234567890")).is_ok());
    }

    #[test]
    fn statuses_carry_their_error_codes() {
        let body = r#"{"entry":[{"changes":[{"field":"messages","value":{"statuses":[
            {"id":"wamid.9","status":"failed","timestamp":"1","recipient_id":"6281234",
             "errors":[{"code":131047,"title":"Re-engagement message"}]},
            {"id":"wamid.10","status":"read","timestamp":"1","recipient_id":"6281234"}]}}]}]}"#;
        let n = parse(body.as_bytes()).unwrap();
        assert!(n.messages.is_empty());
        assert_eq!(n.statuses.len(), 2);
        assert_eq!(n.statuses[0].error_codes, [131047]);
        assert_eq!(n.statuses[1].status, "read");
        assert!(parse(b"not json").is_err());
        assert_eq!(parse(br#"{"object":"page"}"#).unwrap(), Notification::default());
    }
}
