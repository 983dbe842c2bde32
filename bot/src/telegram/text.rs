//! What officers read in the Telegram officer chat, in Indonesian; and, re-exported, every
//! citizen-facing text of the conversation core ([`crate::conversation::text`]), so the Telegram
//! side names all its words through one module.
//!
//! Texts that carry values are small functions returning plain text; HTML escaping is the
//! caller's job (`render.rs`).

pub(crate) use crate::conversation::text::*;
use crate::domain::ComplaintStatus;

// ---- Officers ------------------------------------------------------------------------------

pub(crate) const BUTTON_VERIFY: &str = "Verifikasi";
pub(crate) const BUTTON_REJECT: &str = "Tolak";
pub(crate) const BUTTON_FOLLOW_UP: &str = "Tindak lanjuti";
pub(crate) const BUTTON_RESOLVE: &str = "Selesai";

/// Fields of a complaint as posted into an officer chat.
pub(crate) struct OfficerPost<'a> {
    pub(crate) ticket: &'a str,
    pub(crate) status: ComplaintStatus,
    pub(crate) category: &'a str,
    pub(crate) service: Option<&'a str>,
    pub(crate) title: &'a str,
    pub(crate) description: &'a str,
    pub(crate) place: Option<&'a str>,
    pub(crate) date: Option<&'a str>,
    pub(crate) attachments: usize,
    /// `None` when the citizen asked to stay anonymous.
    pub(crate) citizen_chat: Option<i64>,
}

pub(crate) fn officer_post(p: &OfficerPost<'_>) -> String {
    let mut text = format!("Pengaduan baru {}\nStatus: {}\n\n", p.ticket, p.status.label());
    text.push_str(&format!("Judul: {}\n", p.title));
    text.push_str(&format!("Kategori: {}\n", p.category));
    if let Some(service) = p.service {
        text.push_str(&format!("Layanan: {service}\n"));
    }
    text.push_str(&format!("Lokasi: {}\n", p.place.unwrap_or("-")));
    text.push_str(&format!("Tanggal kejadian: {}\n", p.date.unwrap_or("-")));
    text.push_str(&format!("Lampiran: {} berkas\n", p.attachments));
    match p.citizen_chat {
        Some(chat) => text.push_str(&format!("Pelapor: chat Telegram {chat}\n")),
        None => text.push_str("Pelapor: anonim\n"),
    }
    text.push_str(&format!("\nIsi pengaduan:\n{}", p.description));
    text
}

pub(crate) fn officer_status_line(status: ComplaintStatus, officer: &str) -> String {
    format!("\n\nStatus diubah menjadi \"{}\" oleh {officer}.", status.label())
}

pub(crate) const OFFICER_NOT_ALLOWED: &str = "Anda tidak berwenang mengubah status pengaduan ini.";
pub(crate) const OFFICER_DONE: &str = "Status diperbarui.";

pub(crate) fn officer_ask_note(ticket: &str, status: ComplaintStatus) -> String {
    format!(
        "Tulis catatan untuk status \"{}\" pengaduan {ticket} dengan membalas (reply) pesan ini. \
Catatan ini dikirim kepada pelapor.",
        status.label()
    )
}

pub(crate) const OFFICER_NOTE_RECEIVED: &str = "Catatan diterima, status diperbarui.";

/// Button under a complaint post: write to the citizen through the bot.
pub(crate) const BUTTON_REPLY_CITIZEN: &str = "Balas warga";

pub(crate) fn officer_ask_reply(ticket: &str) -> String {
    format!(
        "Tulis balasan untuk pelapor pengaduan {ticket} dengan membalas (reply) pesan ini. \
Balasan dikirim kepada pelapor lewat loket; identitas pelapor tetap terlindungi."
    )
}

pub(crate) const OFFICER_REPLY_SENT: &str = "Balasan diteruskan kepada pelapor.";

/// Caption of a complaint's photo or document forwarded into an officer chat.
pub(crate) fn attachment_caption(ticket: &str, number: usize, total: usize) -> String {
    format!("Lampiran {number}/{total} pengaduan {ticket}")
}
