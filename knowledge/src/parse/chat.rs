//! Standards posted in a chat group and exported with the app's "export chat" (WhatsApp on
//! Android: `18/12/23 10.41 - Admin Dinas: text`, on iPhone: `[18/12/23 10.41.05] Admin Dinas:
//! text`).
//!
//! The agency's admin posts one service per message; members greet, ask and chat in between,
//! and the app adds its own lines (who joined, deleted messages, media left out). [`unwrap`]
//! keeps the text of the messages of the senders who post component labels (the ones
//! publishing the standard), each without its time and sender, and blanks every other line,
//! so line numbers stay true for citations. A text with
//! few such message lines is no chat export.

use super::labels::classify;

/// Fewest message lines that make a chat export.
const MIN_MESSAGES: usize = 5;

/// The text as its publishers' messages, or `None` when it is no chat export.
pub(crate) fn unwrap(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let heads: Vec<Option<(String, usize)>> = lines.iter().map(|l| message_head(l)).collect();
    if heads.iter().flatten().count() < MIN_MESSAGES {
        return None;
    }
    // Each line's sender: the sender of the message it starts or continues.
    let mut sender_of: Vec<Option<String>> = Vec::with_capacity(lines.len());
    let mut current: Option<String> = None;
    for (line, head) in lines.iter().zip(&heads) {
        match head {
            Some((sender, _)) => current = Some(sender.clone()),
            None if is_system_line(line) => current = None,
            None => {}
        }
        sender_of.push(current.clone());
    }
    // Publishers: senders with a line that is a component label ("*Persyaratan:*").
    let mut publishers: Vec<String> = Vec::new();
    for ((line, head), sender) in lines.iter().zip(&heads).zip(&sender_of) {
        let body = head.as_ref().map_or(*line, |(_, at)| &line[*at..]);
        if let Some(sender) = sender
            && is_label_line(body)
            && !publishers.contains(sender)
        {
            publishers.push(sender.clone());
        }
    }
    if publishers.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(lines.len());
    for ((line, head), sender) in lines.iter().zip(&heads).zip(&sender_of) {
        let published = sender.as_ref().is_some_and(|s| publishers.contains(s));
        match head {
            Some((_, at)) if published => {
                let body = line[*at..].trim();
                let media = body == "<Media tidak disertakan>" || body == "<Media omitted>";
                out.push(if media { String::new() } else { body.to_owned() });
            }
            None if published => out.push((*line).to_owned()),
            _ => out.push(String::new()),
        }
    }
    Some(out.join("\n"))
}

/// A message's first line: the sender and where its text starts, or `None`.
fn message_head(line: &str) -> Option<(String, usize)> {
    let line = line.trim_end_matches('\r');
    let rest = line.strip_prefix('[').unwrap_or(line);
    // The date: d/m/yy or dd/mm/yyyy.
    let (date, rest) = rest.split_once([',', ' '])?;
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| (1..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let rest = rest.trim_start();
    // The time: hh.mm, hh:mm, optionally seconds and AM/PM, then " - " or "] ".
    let time_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ':'))?;
    if time_end < 4 {
        return None;
    }
    let rest = rest[time_end..].trim_start_matches([' ', '\u{202f}']);
    let rest = rest
        .strip_prefix("AM")
        .or_else(|| rest.strip_prefix("PM"))
        .unwrap_or(rest)
        .trim_start();
    let rest = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("] "))?;
    let (sender, _) = rest.split_once(": ")?;
    if sender.is_empty() || sender.len() > 60 {
        return None;
    }
    let at = line.len() - rest.len() + sender.len() + 2;
    Some((sender.to_owned(), at))
}

/// A line the app writes about the group, not a message ("... bergabung menggunakan tautan
/// undangan grup ini", "... menambahkan ..."): a dated line without a sender.
fn is_system_line(line: &str) -> bool {
    let line = line.trim_end_matches('\r');
    let starts_dated = line
        .split_once([',', ' '])
        .is_some_and(|(date, _)| date.trim_start_matches('[').split('/').count() == 3);
    starts_dated && message_head(line).is_none()
}

/// A component label, bold or not, alone or before its value ("*Persyaratan:*", "📋
/// *Persyaratan:*", "Biaya : Gratis").
fn is_label_line(text: &str) -> bool {
    let plain: String = text
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || *c == ':' || *c == '/')
        .collect();
    let label = plain.split(':').next().unwrap_or_default().trim();
    plain.contains(':') && label.split_whitespace().count() <= 5 && classify(label).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAT: &str = "\
18/12/23 10.41 - Admin Dukcapil membuat grup \"Info Layanan\"
18/12/23 10.52 - +62 812-4471-9083 bergabung menggunakan tautan undangan grup ini
18/12/23 13.30 - +62 821-3390-7714: min klo mau urus KTP bisa di kecamatan ga?
02/01/24 08.04 - Admin Dukcapil: *PENERBITAN KTP-el BARU*

*Persyaratan:*
1. Telah berusia 17 tahun
*Biaya:* Gratis
02/01/24 08.05 - +62 838-0912-5561: Siap min 🙏
02/01/24 08.06 - Admin Dukcapil: *PENERBITAN KARTU KELUARGA*
*Persyaratan:* formulir F-1.01
*Biaya:* Gratis
02/01/24 08.10 - +62 838-0912-5561: <Media tidak disertakan>
";

    #[test]
    fn the_publishers_messages_stay_and_the_chat_goes() {
        let text = unwrap(CHAT).expect("a chat export");
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines.len(), CHAT.split('\n').count());
        assert_eq!(lines[3], "*PENERBITAN KTP-el BARU*");
        assert_eq!(lines[2], "", "a member's question goes");
        assert_eq!(lines[7], "*Biaya:* Gratis");
        assert_eq!(lines[8], "", "so does a member's reply");
        assert_eq!(lines[9], "*PENERBITAN KARTU KELUARGA*");
    }

    #[test]
    fn a_decree_is_no_chat_export() {
        assert!(unwrap("KEPUTUSAN KEPALA DINAS\nPersyaratan: KTP\nBiaya: Gratis").is_none());
    }
}
