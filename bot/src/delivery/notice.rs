//! What a citizen is told when their complaint moves: the Indonesian text of every notification
//! the `notify` queue carries, for any channel (Telegram renders it; WhatsApp can send the same).
//!
//! Each status notice says three things: what the status means, what happens next, and by when
//! (the new stage's SLA deadline, `due_at`, as a local date). An officer action that walks
//! several statuses sends one notice, of the last one (the store marks the steps before it
//! quiet). A re-route (`bukan_wewenang -> diteruskan`) reads as "moved to ...", a reopen as
//! "opened again"; a supporter's copy names the complaint as the one they support and never
//! carries a private note. An officer's reply is a message, not a status.

use chrono::{FixedOffset, TimeZone};

use crate::domain::ComplaintStatus;

/// A status change as queued in the outbox (`storage::complaints` writes it).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StatusNotice {
    pub ticket: String,
    pub from: Option<ComplaintStatus>,
    pub to: Option<ComplaintStatus>,
    pub note: Option<String>,
    /// The new stage's deadline (unix seconds).
    pub due_at: Option<i64>,
    /// The reader supports the complaint (someone else filed it).
    #[serde(default)]
    pub supporter: bool,
}

/// The deadline's date as citizens write it. Deadlines are the end of a local working day and
/// Indonesia's zones are UTC+7 to +9, so the date read in WIB is the local date everywhere.
pub fn due_date(due_at: i64) -> String {
    let wib = FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    wib.timestamp_opt(due_at, 0)
        .single()
        .map(|t| t.format("%d-%m-%Y").to_string())
        .unwrap_or_default()
}

/// The notice of a status change. `buttons`: the channel shows [Sudah beres] [Belum beres]
/// under a resolution notice (Telegram); without them the notice says how to go on instead.
pub fn status_changed(n: &StatusNotice, to: ComplaintStatus, buttons: bool) -> String {
    use ComplaintStatus::*;
    let ticket = &n.ticket;
    let whose = if n.supporter {
        format!("pengaduan {ticket} yang Anda dukung")
    } else {
        format!("pengaduan {ticket}")
    };
    let due = n.due_at.map(due_date);
    let by = |what: &str| match &due {
        Some(date) => format!("{what} paling lambat {date}."),
        None => format!("{what}."),
    };
    let rerouted = n.from == Some(BukanWewenang) && to == Diteruskan;
    let reopened = n.from == Some(Selesai) && to == Ditindaklanjuti;
    let headline = if rerouted {
        format!("Kabar {whose}: dialihkan ke instansi yang berwenang.")
    } else if reopened {
        format!("Kabar {whose}: dibuka kembali dan kembali ditindaklanjuti.")
    } else {
        format!("Kabar {whose}: status sekarang \"{}\".", to.label())
    };
    let (meaning, next) = match to {
        Diterima => (
            "Pengaduan tercatat dan menunggu diperiksa petugas.".to_owned(),
            by("Berikutnya petugas memeriksa kelengkapannya"),
        ),
        Diverifikasi => (
            "Petugas sudah memeriksa pengaduan Anda dan isinya cukup untuk diproses.".to_owned(),
            by("Berikutnya pengaduan diteruskan ke instansi yang berwenang"),
        ),
        Diteruskan if rerouted => (
            "Instansi sebelumnya menyatakan masalah ini bukan wewenangnya, jadi pengaduan Anda \
             dipindahkan (tidak perlu mengirim ulang)."
                .to_owned(),
            by("Berikutnya instansi yang baru menanggapinya"),
        ),
        Diteruskan => (
            "Pengaduan Anda sudah sampai di instansi yang berwenang menanganinya.".to_owned(),
            by("Berikutnya instansi memberi tanggapan pertama"),
        ),
        Ditindaklanjuti if reopened => (
            "Anda menyatakan masalahnya belum beres, jadi petugas menanganinya lagi dengan nomor \
             dan riwayat yang sama."
                .to_owned(),
            by("Berikutnya Anda dikabari hasilnya"),
        ),
        Ditindaklanjuti => (
            "Petugas sedang menangani masalahnya.".to_owned(),
            by("Berikutnya Anda dikabari bila sudah selesai"),
        ),
        Selesai if n.supporter => (
            "Petugas menyatakan masalahnya sudah diselesaikan.".to_owned(),
            "Pelapornya dapat membuka kembali bila ternyata belum beres.".to_owned(),
        ),
        Selesai if !buttons => (
            "Petugas menyatakan masalahnya sudah diselesaikan.".to_owned(),
            format!("Bila ternyata belum beres, sampaikan pengaduan baru dengan /lapor dan sebutkan nomor {ticket}."),
        ),
        Selesai => (
            "Petugas menyatakan masalahnya sudah diselesaikan.".to_owned(),
            match &due {
                Some(date) => format!(
                    "Apakah sudah beres? Jawab dengan tombol di bawah sampai {date}. Bila tidak ada \
                     jawaban, pengaduan ditutup otomatis setelah tanggal itu."
                ),
                None => "Apakah sudah beres? Jawab dengan tombol di bawah.".to_owned(),
            },
        ),
        Ditutup => (
            "Pengaduan ditutup dan tidak diproses lagi.".to_owned(),
            "Bila masalahnya muncul lagi, sampaikan pengaduan baru dengan /lapor.".to_owned(),
        ),
        Ditolak => (
            "Pengaduan tidak dapat diproses; alasannya ada pada catatan petugas.".to_owned(),
            "Bila Anda dapat melengkapi keterangannya, sampaikan pengaduan baru dengan /lapor.".to_owned(),
        ),
        Ditunda => (
            "Penanganan dihentikan sementara; alasannya ada pada catatan petugas.".to_owned(),
            "Anda dikabari lagi begitu penanganannya dilanjutkan.".to_owned(),
        ),
        BukanWewenang => (
            "Masalah ini bukan wewenang instansi yang menerima pengaduan Anda.".to_owned(),
            "Catatan petugas menyebut instansi yang berwenang dan dapat Anda hubungi.".to_owned(),
        ),
    };
    let mut text = format!("{headline}\n\nArtinya: {meaning}\nBerikutnya: {next}");
    if let Some(note) = n.note.as_deref().filter(|note| !note.trim().is_empty()) {
        text.push_str(&format!("\n\nCatatan petugas: {note}"));
    }
    text.push_str(&format!("\n\nRiwayat lengkap: /status {ticket}"));
    text
}

/// An officer's message to the citizen (not a status change).
pub fn officer_reply(ticket: &str, message: &str) -> String {
    format!(
        "Balasan petugas untuk pengaduan {ticket}:\n\n{message}\n\nStatus pengaduan tidak berubah. \
         Riwayat lengkap: /status {ticket}"
    )
}

/// A `notify` task's payload as `storage::complaints` queues it.
#[derive(Debug, serde::Deserialize)]
struct NotifyPayload {
    event: String,
    ticket: String,
    #[serde(flatten)]
    notice: StatusNotice,
    /// Free text of an officer's reply (`complaint.reply`).
    message: Option<String>,
}

/// What a `notify` task tells the citizen, read from its payload.
#[derive(Debug, Clone)]
pub enum Notification {
    /// The complaint moved to `to` (`complaint.status_changed`).
    Status { notice: StatusNotice, to: ComplaintStatus },
    /// An officer wrote to the citizen (`complaint.reply`).
    Reply { ticket: String, message: String },
}

impl Notification {
    /// Reads a task's payload; the error says why it cannot be sent (a permanent failure).
    pub fn parse(payload: &str) -> Result<Self, String> {
        let p: NotifyPayload = serde_json::from_str(payload).map_err(|e| format!("unreadable notify payload: {e}"))?;
        let mut notice = p.notice;
        notice.ticket = p.ticket.clone();
        match (p.event.as_str(), notice.to, p.message) {
            ("complaint.status_changed", Some(to), _) => Ok(Self::Status { notice, to }),
            ("complaint.reply", _, Some(message)) => Ok(Self::Reply {
                ticket: p.ticket,
                message,
            }),
            (event, _, _) => Err(format!("unknown notification event {event:?}")),
        }
    }

    /// The ticket it is about.
    pub fn ticket(&self) -> &str {
        match self {
            Self::Status { notice, .. } => &notice.ticket,
            Self::Reply { ticket, .. } => ticket,
        }
    }

    /// The full text; `buttons` as for [`status_changed`].
    pub fn text(&self, buttons: bool) -> String {
        match self {
            Self::Status { notice, to } => status_changed(notice, *to, buttons),
            Self::Reply { ticket, message } => officer_reply(ticket, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintStatus::*;

    /// 2025-08-27 23:59:59 WIB, the end of a working day.
    const DUE: i64 = 1_756_313_999;

    fn notice(from: ComplaintStatus, to: ComplaintStatus, note: Option<&str>) -> String {
        let n = StatusNotice {
            ticket: "LKT-ABCD-EFGH".into(),
            from: Some(from),
            to: Some(to),
            note: note.map(str::to_owned),
            due_at: Some(DUE),
            supporter: false,
        };
        status_changed(&n, to, true)
    }

    #[test]
    fn every_notice_says_what_it_means_what_next_and_by_when() {
        for to in [Diverifikasi, Diteruskan, Ditindaklanjuti, Selesai] {
            let text = notice(Diterima, to, None);
            assert!(text.contains("Artinya: "), "{text}");
            assert!(text.contains("Berikutnya: "), "{text}");
            assert!(text.contains("27-08-2025"), "{text}");
        }
        for to in [Ditolak, Ditunda, BukanWewenang, Ditutup] {
            let text = notice(Diterima, to, Some("Alasan tertulis di sini."));
            assert!(text.contains("Artinya: ") && text.contains("Berikutnya: "), "{text}");
            assert!(text.contains("Catatan petugas: Alasan tertulis di sini."), "{text}");
        }
    }

    #[test]
    fn reroutes_and_reopens_read_as_what_they_are() {
        let moved = notice(BukanWewenang, Diteruskan, Some("Dialihkan ke Dinas PUPR."));
        assert!(moved.contains("dialihkan ke instansi yang berwenang"), "{moved}");
        assert!(moved.contains("Dinas PUPR"), "{moved}");
        let reopened = notice(Selesai, Ditindaklanjuti, None);
        assert!(reopened.contains("dibuka kembali"), "{reopened}");
        assert!(reopened.contains("nomor dan riwayat yang sama"), "{reopened}");
    }

    #[test]
    fn supporters_read_whose_complaint_it_is() {
        let n = StatusNotice {
            ticket: "LKT-ABCD-EFGH".into(),
            to: Some(Selesai),
            supporter: true,
            ..StatusNotice::default()
        };
        let text = status_changed(&n, Selesai, true);
        assert!(text.contains("yang Anda dukung"), "{text}");
        assert!(!text.contains("tombol"), "supporters get no buttons: {text}");
    }

    #[test]
    fn a_channel_without_buttons_is_not_told_to_press_them() {
        let n = StatusNotice {
            ticket: "LKT-ABCD-EFGH".into(),
            to: Some(Selesai),
            ..StatusNotice::default()
        };
        assert!(status_changed(&n, Selesai, true).contains("tombol"));
        let text = status_changed(&n, Selesai, false);
        assert!(
            !text.contains("tombol") && text.contains("/lapor") && text.contains("LKT-ABCD-EFGH"),
            "{text}"
        );
    }

    #[test]
    fn payloads_read_as_notifications() {
        let status = r#"{"event":"complaint.status_changed","ticket":"LKT-ABCD-EFGH","from":"diterima",
            "to":"diverifikasi","note":null,"due_at":null}"#;
        let n = Notification::parse(status).unwrap();
        assert_eq!(n.ticket(), "LKT-ABCD-EFGH");
        assert!(
            n.text(false).contains("Kabar pengaduan LKT-ABCD-EFGH"),
            "{}",
            n.text(false)
        );
        let reply = r#"{"event":"complaint.reply","ticket":"LKT-ABCD-EFGH","message":"Mohon lampirkan KK."}"#;
        assert!(
            Notification::parse(reply)
                .unwrap()
                .text(false)
                .contains("Mohon lampirkan KK.")
        );
        assert!(Notification::parse(r#"{"event":"x","ticket":"LKT-ABCD-EFGH"}"#).is_err());
        assert!(Notification::parse("bukan json").is_err());
    }

    #[test]
    fn due_dates_are_local_dates() {
        assert_eq!(due_date(DUE), "27-08-2025");
    }
}
