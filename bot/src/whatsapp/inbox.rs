//! How a core [`Event`] is kept in the inbox table: a kind and a text payload (the choice id,
//! the typed text, `lat,lon`, the attachment id), readable back into the same event.

use crate::conversation::{Choice, Command, Event};

/// The command as a citizen types it (the inverse of [`Command::parse`]).
fn command_text(command: &Command) -> String {
    match command {
        Command::Start => "/start".into(),
        Command::Help => "/bantuan".into(),
        Command::Services => "/layanan".into(),
        Command::Report => "/lapor".into(),
        Command::Status(ticket) => format!("/status {ticket}"),
        Command::MyComplaints => "/laporanku".into(),
        Command::Subscribe(place) => format!("/langganan {place}").trim_end().to_owned(),
        Command::Unsubscribe => "/berhenti".into(),
        Command::MyData => "/dataku".into(),
        Command::Region(place) => format!("/wilayah {place}"),
        Command::Cancel => "/batal".into(),
    }
}

pub fn encode(event: &Event) -> (&'static str, String) {
    match event {
        Event::Text(text) => ("text", text.clone()),
        Event::Command(command) => ("text", command_text(command)),
        Event::Choice(choice) => ("choice", choice.encode()),
        Event::Location { latitude, longitude } => ("location", format!("{latitude},{longitude}")),
        Event::Attachment { id } => ("attachment", id.clone()),
        Event::Unsupported => ("other", String::new()),
    }
}

pub fn decode(kind: &str, payload: &str) -> Event {
    match kind {
        "text" => Command::parse(payload).map_or_else(|| Event::Text(payload.to_owned()), Event::Command),
        "choice" => Choice::parse(payload).map_or(Event::Unsupported, Event::Choice),
        "location" => payload
            .split_once(',')
            .and_then(|(lat, lon)| Some((lat.parse().ok()?, lon.parse().ok()?)))
            .map_or(Event::Unsupported, |(latitude, longitude)| Event::Location {
                latitude,
                longitude,
            }),
        "attachment" => Event::Attachment { id: payload.to_owned() },
        _ => Event::Unsupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::ComplaintChoice;

    #[test]
    fn events_round_trip_through_the_inbox_form() {
        for event in [
            Event::Text("syarat ktp".into()),
            Event::Command(Command::Status("LKT-ABCD-EFGH".into())),
            Event::Command(Command::Region("kecamatan beji".into())),
            Event::Command(Command::Report),
            Event::Choice(Choice::Complaint(ComplaintChoice::Submit)),
            Event::Location {
                latitude: -7.6,
                longitude: 112.75,
            },
            Event::Attachment { id: "wa_123".into() },
            Event::Unsupported,
        ] {
            let (kind, payload) = encode(&event);
            assert_eq!(decode(kind, &payload), event);
        }
    }
}
