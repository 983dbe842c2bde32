//! The core's replies as Cloud API messages, within WhatsApp's limits.
//!
//! Lines keep their style as WhatsApp formatting (`*bold*`, `_italic_`). Buttons become
//! **reply buttons** when there are at most 3 and every label fits 20 characters, else **list
//! messages** (at most 10 rows, row titles at most 24 characters, the full label in the row's
//! description, up to 72); more than 10 choices take several lists. A button's id is the core's
//! choice id, so a reply comes back as the same [`Choice`](crate::conversation::Choice). Texts
//! over 4096 characters (an interactive body: 1024) are split between lines.

use serde_json::{Value, json};

use crate::conversation::{Button, Reply, Style, text};

/// Characters of a text message.
pub const MAX_TEXT: usize = 4096;
/// Characters of an interactive message's body.
pub const MAX_BODY: usize = 1024;
pub const MAX_REPLY_BUTTONS: usize = 3;
pub const MAX_BUTTON_TITLE: usize = 20;
pub const MAX_LIST_ROWS: usize = 10;
pub const MAX_ROW_TITLE: usize = 24;
pub const MAX_ROW_DESCRIPTION: usize = 72;

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `max` characters, with an ellipsis when cut.
fn cut(s: &str, max: usize) -> String {
    if chars(s) <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The reply's text with WhatsApp formatting.
pub fn formatted(reply: &Reply) -> String {
    reply
        .lines
        .iter()
        .map(|line| match line.style {
            _ if line.text.trim().is_empty() => String::new(),
            Style::Plain => line.text.clone(),
            Style::Bold => format!("*{}*", line.text.trim()),
            Style::Italic => format!("_{}_", line.text.trim()),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits a text into pieces of at most `max` characters, between lines where it can.
fn split(text: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        let mut line = line.to_owned();
        while chars(&line) > max {
            let head: String = line.chars().take(max).collect();
            line = line.chars().skip(max).collect();
            if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
            pieces.push(head);
        }
        let needed = chars(&line) + usize::from(!current.is_empty());
        if chars(&current) + needed > max {
            pieces.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.trim().is_empty() {
        pieces.push(current);
    }
    pieces
}

fn text_message(to: &str, body: &str) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": { "body": body, "preview_url": false },
    })
}

fn buttons_message(to: &str, body: &str, buttons: &[&Button]) -> Value {
    let buttons: Vec<Value> = buttons
        .iter()
        .map(|b| json!({ "type": "reply", "reply": { "id": b.choice.encode(), "title": b.label } }))
        .collect();
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "interactive",
        "interactive": { "type": "button", "body": { "text": body }, "action": { "buttons": buttons } },
    })
}

fn list_message(to: &str, body: &str, rows: &[&Button]) -> Value {
    let rows: Vec<Value> = rows
        .iter()
        .map(|b| {
            let mut row = json!({ "id": b.choice.encode(), "title": cut(&b.label, MAX_ROW_TITLE) });
            if chars(&b.label) > MAX_ROW_TITLE {
                row["description"] = json!(cut(&b.label, MAX_ROW_DESCRIPTION));
            }
            row
        })
        .collect();
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": { "text": body },
            "action": { "button": text::LIST_BUTTON, "sections": [{ "rows": rows }] },
        },
    })
}

/// The Cloud API messages (request bodies of `POST /{phone-number-id}/messages`) for one reply
/// to `to`, in order.
pub fn messages(to: &str, reply: &Reply) -> Vec<Value> {
    let buttons: Vec<&Button> = reply.buttons.iter().flatten().collect();
    let body = formatted(reply);
    if buttons.is_empty() {
        return split(&body, MAX_TEXT).iter().map(|t| text_message(to, t)).collect();
    }
    // The text that does not fit an interactive body goes first, as text messages.
    let mut pieces = split(&body, MAX_BODY);
    let last = pieces.pop().unwrap_or_else(|| text::LIST_BUTTON.to_owned());
    let mut out: Vec<Value> = pieces.iter().map(|t| text_message(to, t)).collect();
    let fits_buttons =
        buttons.len() <= MAX_REPLY_BUTTONS && buttons.iter().all(|b| chars(&b.label) <= MAX_BUTTON_TITLE);
    if fits_buttons {
        out.push(buttons_message(to, &last, &buttons));
        return out;
    }
    for (i, chunk) in buttons.chunks(MAX_LIST_ROWS).enumerate() {
        let body = if i == 0 { last.as_str() } else { text::MORE_CHOICES };
        out.push(list_message(to, body, chunk));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{Choice, ComplaintChoice, Line};

    fn button(label: &str, i: usize) -> Button {
        Button {
            label: label.to_owned(),
            choice: Choice::Complaint(ComplaintChoice::Category(i)),
        }
    }

    fn reply(text: &str, buttons: Vec<Button>) -> Reply {
        Reply::text(text).with_buttons(buttons.into_iter().map(|b| vec![b]).collect())
    }

    #[test]
    fn styles_become_whatsapp_formatting() {
        let reply = Reply {
            lines: vec![
                Line {
                    style: Style::Bold,
                    text: "Surat Keterangan Ahli Waris".into(),
                },
                Line {
                    style: Style::Plain,
                    text: "Biaya: gratis".into(),
                },
                Line {
                    style: Style::Plain,
                    text: String::new(),
                },
                Line {
                    style: Style::Italic,
                    text: "Sumber: Perbup 3/2024".into(),
                },
            ],
            ..Reply::default()
        };
        let m = messages("6281234", &reply);
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0]["text"]["body"],
            "*Surat Keterangan Ahli Waris*\nBiaya: gratis\n\n_Sumber: Perbup 3/2024_"
        );
        assert_eq!(m[0]["to"], "6281234");
    }

    #[test]
    fn three_short_buttons_are_reply_buttons() {
        let m = messages(
            "1",
            &reply("Kirim?", vec![button("Kirim pengaduan", 0), button("Batal", 1)]),
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m[0]["interactive"]["type"], "button");
        let buttons = m[0]["interactive"]["action"]["buttons"].as_array().unwrap();
        assert_eq!(buttons.len(), 2);
        assert_eq!(buttons[0]["reply"]["id"], "lp:cat:0");
        assert_eq!(buttons[0]["reply"]["title"], "Kirim pengaduan");
    }

    #[test]
    fn long_labels_or_many_choices_become_lists_within_the_limits() {
        let long = "Surat Keterangan Ahli Waris untuk Warga Negara Indonesia — Kecamatan Beji Kabupaten Pasuruan";
        let many: Vec<Button> = (0..23).map(|i| button(&format!("{i}. {long}"), i)).collect();
        let m = messages("1", &reply("Pilih layanan:", many));
        assert_eq!(m.len(), 3, "10 + 10 + 3 rows");
        let mut ids = Vec::new();
        for (i, message) in m.iter().enumerate() {
            assert_eq!(message["interactive"]["type"], "list");
            let action = &message["interactive"]["action"];
            assert!(chars(action["button"].as_str().unwrap()) <= MAX_BUTTON_TITLE);
            let rows = action["sections"][0]["rows"].as_array().unwrap();
            assert!(rows.len() <= MAX_LIST_ROWS);
            for row in rows {
                assert!(chars(row["title"].as_str().unwrap()) <= MAX_ROW_TITLE, "{row}");
                assert!(chars(row["description"].as_str().unwrap()) <= MAX_ROW_DESCRIPTION);
                ids.push(row["id"].as_str().unwrap().to_owned());
            }
            let body = message["interactive"]["body"]["text"].as_str().unwrap();
            assert_eq!(body, if i == 0 { "Pilih layanan:" } else { text::MORE_CHOICES });
        }
        // Every choice is offered once, and each id reads back as its choice.
        assert_eq!(ids.len(), 23);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(Choice::parse(id), Some(Choice::Complaint(ComplaintChoice::Category(i))));
        }
        // Four short buttons are too many for reply buttons.
        let four: Vec<Button> = (0..4).map(|i| button("Ya", i)).collect();
        assert_eq!(messages("1", &reply("?", four))[0]["interactive"]["type"], "list");
    }

    #[test]
    fn long_texts_split_between_lines_and_bodies_fit() {
        let line = "Persyaratan: fotokopi KTP dan KK yang masih berlaku, surat pengantar RT/RW.";
        let long: Vec<&str> = std::iter::repeat_n(line, 120).collect();
        let long = long.join("\n");
        let plain = messages("1", &reply(&long, vec![]));
        assert!(plain.len() > 1);
        for m in &plain {
            assert!(chars(m["text"]["body"].as_str().unwrap()) <= MAX_TEXT);
        }
        let joined: Vec<&str> = plain.iter().map(|m| m["text"]["body"].as_str().unwrap()).collect();
        assert_eq!(joined.join("\n"), long);
        let with_buttons = messages("1", &reply(&long, vec![button("Ya", 0)]));
        let last = with_buttons.last().unwrap();
        assert!(chars(last["interactive"]["body"]["text"].as_str().unwrap()) <= MAX_BODY);
        assert!(
            with_buttons[..with_buttons.len() - 1]
                .iter()
                .all(|m| m["type"] == "text")
        );
    }
}
