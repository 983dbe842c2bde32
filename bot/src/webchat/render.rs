//! A core [`Reply`] as the web chat shows it: a JSON message the page builds with DOM text nodes
//! (never as HTML), so nothing a citizen, an officer or a decree wrote can become markup.
//!
//! Lines keep their style (`plain`, `bold`, `italic`; an empty line starts a new paragraph);
//! buttons keep their rows and carry the choice id the page posts back when pressed; `input`
//! says what the citizen is asked for next (the page offers "send my location" for a place).
//! The web has no platform limits on buttons: every choice is shown, in its rows.

use serde::{Deserialize, Serialize};

use crate::conversation::{Input, Line, Reply, Style};

/// What a message is: a reply to the citizen, what the citizen said, or a notification that
/// arrived on its own (a status change, an officer's reply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Reply,
    Said,
    Notice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebLine {
    pub style: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebButton {
    pub label: String,
    pub choice: String,
}

/// The stored body of one message (`webchat_messages.body`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    pub kind: Kind,
    pub lines: Vec<WebLine>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Vec<WebButton>>,
    /// `free`, `text`, `place`, `attachments` or `buttons`.
    #[serde(default = "free")]
    pub input: String,
}

fn free() -> String {
    "free".into()
}

fn style(style: Style) -> &'static str {
    match style {
        Style::Plain => "plain",
        Style::Bold => "bold",
        Style::Italic => "italic",
    }
}

fn input(input: Input) -> &'static str {
    match input {
        Input::Free => "free",
        Input::Text => "text",
        Input::Place => "place",
        Input::Attachments => "attachments",
        Input::Buttons => "buttons",
    }
}

fn lines(lines: &[Line]) -> Vec<WebLine> {
    lines
        .iter()
        .map(|l| WebLine {
            style: style(l.style).to_owned(),
            text: l.text.clone(),
        })
        .collect()
}

impl Body {
    /// A reply of the core.
    pub fn reply(reply: &Reply) -> Self {
        Self {
            kind: Kind::Reply,
            lines: lines(&reply.lines),
            buttons: reply
                .buttons
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|b| WebButton {
                            label: b.label.clone(),
                            choice: b.choice.encode(),
                        })
                        .collect()
                })
                .filter(|row: &Vec<WebButton>| !row.is_empty())
                .collect(),
            input: input(reply.input).to_owned(),
        }
    }

    /// A notification (plain text, one line per `\n`).
    pub fn notice(text: &str) -> Self {
        Self::notification(&Reply::text(text))
    }

    /// A notification with its buttons (a resolution's [Sudah beres] [Belum, buka lagi]).
    pub fn notification(reply: &Reply) -> Self {
        Self {
            kind: Kind::Notice,
            ..Self::reply(reply)
        }
    }

    /// What the citizen sent, as they see it in the transcript.
    pub fn said(text: &str) -> Self {
        Self {
            kind: Kind::Said,
            ..Self::reply(&Reply::text(text))
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{Button, Choice, ComplaintChoice};

    #[test]
    fn replies_keep_styles_buttons_and_the_next_input() {
        let reply = Reply {
            lines: vec![
                Line {
                    style: Style::Bold,
                    text: "Persyaratan <b>".into(),
                },
                Line {
                    style: Style::Italic,
                    text: "Sumber: Keputusan".into(),
                },
            ],
            buttons: vec![
                vec![Button {
                    label: "Kirim".into(),
                    choice: Choice::Complaint(ComplaintChoice::Submit),
                }],
                vec![],
            ],
            input: Input::Buttons,
            replaces: false,
        };
        let body = Body::reply(&reply);
        let json: serde_json::Value = serde_json::from_str(&body.to_json()).unwrap();
        assert_eq!(json["kind"], "reply");
        assert_eq!(json["lines"][0]["style"], "bold");
        assert_eq!(json["lines"][0]["text"], "Persyaratan <b>", "text stays text");
        assert_eq!(json["lines"][1]["style"], "italic");
        assert_eq!(
            json["buttons"],
            serde_json::json!([[{"label": "Kirim", "choice": "lp:ok"}]])
        );
        assert_eq!(json["input"], "buttons");
        let back: Body = serde_json::from_value(json).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn notices_and_citizen_lines_are_plain() {
        let notice = Body::notice("Kabar pengaduan\n\nArtinya: ...");
        assert_eq!(notice.kind, Kind::Notice);
        assert_eq!(notice.lines.len(), 3);
        assert!(notice.buttons.is_empty());
        assert_eq!(Body::said("halo").kind, Kind::Said);
    }
}
