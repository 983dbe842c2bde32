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
    /// What the post announces ("Pengaduan baru", "dialihkan ke unit Anda", "dibuka kembali").
    pub(crate) headline: &'a str,
    pub(crate) ticket: &'a str,
    pub(crate) status: ComplaintStatus,
    pub(crate) category: &'a str,
    pub(crate) service: Option<&'a str>,
    /// Made from the first sentence of the complaint.
    pub(crate) title: &'a str,
    pub(crate) description: &'a str,
    pub(crate) place: Option<&'a str>,
    /// A map link when the citizen shared a location.
    pub(crate) map: Option<&'a str>,
    pub(crate) date: Option<&'a str>,
    /// The current stage's SLA deadline, as a date.
    pub(crate) due: Option<&'a str>,
    pub(crate) attachments: usize,
    /// `None` when the citizen asked to stay anonymous; else the display name their channel
    /// gave (if any) and where they are reached ([`citizen_via_telegram`]...).
    pub(crate) citizen: Option<(Option<&'a str>, String)>,
    /// Citizens who support the complaint instead of filing it again.
    pub(crate) supporters: u64,
    /// The citizen's satisfaction once resolved: score and comment.
    pub(crate) rating: Option<(u8, Option<&'a str>)>,
}

pub(crate) fn citizen_via_telegram(chat_id: i64) -> String {
    format!("chat Telegram {chat_id}")
}
pub(crate) const CITIZEN_VIA_WHATSAPP: &str = "lewat WhatsApp";
pub(crate) const CITIZEN_VIA_WEB_CHAT: &str = "lewat web chat";
pub(crate) const CITIZEN_VIA_OPEN311: &str = "lewat aplikasi Open311";

pub(crate) const POST_NEW: &str = "Pengaduan baru";
pub(crate) const POST_REROUTED: &str = "Pengaduan dialihkan ke unit Anda";
pub(crate) const POST_REOPENED: &str = "Pengaduan dibuka kembali oleh pelapor (belum beres)";
pub(crate) const POST_PLAIN: &str = "Pengaduan";

pub(crate) fn officer_post(p: &OfficerPost<'_>) -> String {
    let mut text = format!("{} {}\nStatus: {}\n", p.headline, p.ticket, p.status.label());
    if let Some(due) = p.due {
        text.push_str(&format!("Batas waktu tahap ini: {due}\n"));
    }
    text.push_str(&format!("\nJudul: {}\n", p.title));
    text.push_str(&format!("Kategori: {}\n", p.category));
    if let Some(service) = p.service {
        text.push_str(&format!("Layanan: {service}\n"));
    }
    text.push_str(&format!("Lokasi: {}\n", p.place.unwrap_or("-")));
    if let Some(map) = p.map {
        text.push_str(&format!("Peta: {map}\n"));
    }
    text.push_str(&format!("Tanggal kejadian: {}\n", p.date.unwrap_or("-")));
    text.push_str(&format!("Lampiran: {} berkas\n", p.attachments));
    match &p.citizen {
        Some((Some(name), via)) => text.push_str(&format!("Pelapor: {name} ({via})\n")),
        Some((None, via)) => text.push_str(&format!("Pelapor: {via}\n")),
        None => text.push_str("Pelapor: anonim\n"),
    }
    text.push_str(&format!(
        "Dukungan: {} warga lain melaporkan masalah yang sama\n",
        p.supporters
    ));
    if let Some((score, comment)) = p.rating {
        text.push_str(&format!("Penilaian pelapor: {score}/5"));
        if let Some(comment) = comment {
            text.push_str(&format!(" - \"{comment}\""));
        }
        text.push('\n');
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

/// A note or reply too short to tell the citizen anything ("ok", "sudah").
pub(crate) const OFFICER_NOTE_TOO_SHORT: &str = "Catatan terlalu singkat, belum tercatat. Pelapor membaca \
catatan ini, jadi tulis satu kalimat utuh (minimal 3 kata): apa yang sudah dilakukan, atau alasannya. \
Balas lagi pesan permintaan di atas.";
/// A note or reply that is not text (a photo, a sticker).
pub(crate) const OFFICER_NOTE_NOT_TEXT: &str = "Catatan harus berupa teks. Balas lagi pesan permintaan \
di atas dengan satu kalimat untuk pelapor.";
/// A second answer to a prompt that was already answered.
pub(crate) const OFFICER_PROMPT_USED: &str = "Permintaan ini sudah dijawab sebelumnya, jadi jawaban ini \
tidak dicatat. Untuk mengubah lagi, tekan tombol pada pesan pengaduannya.";

/// A message in an officer chat that looks meant for the bot but answers no prompt.
pub(crate) fn officer_hint(ticket: Option<&str>) -> String {
    match ticket {
        Some(ticket) => format!(
            "Pesan ini belum tercatat di pengaduan {ticket}. Untuk mengirim catatan atau balasan, \
balas (reply) pesan permintaan dari bot, bukan pesan lain."
        ),
        None => "Pesan ini tidak tercatat di pengaduan mana pun. Untuk mengubah status, tekan tombol \
di bawah pesan pengaduan; untuk catatan atau balasan, balas (reply) pesan permintaan dari bot."
            .to_owned(),
    }
}

/// "Bukan wewenang" under a complaint post.
pub(crate) const BUTTON_NOT_OUR_AUTHORITY: &str = "Bukan wewenang";
/// The last choice of the redirect list: an agency outside loket, named in a note.
pub(crate) const BUTTON_OTHER_AGENCY: &str = "Instansi lain (tulis namanya)";

pub(crate) fn officer_redirect_choice(ticket: &str) -> String {
    format!(
        "Pengaduan {ticket} bukan wewenang unit ini? Pilih ke mana pengaduan dialihkan; pengaduan \
diteruskan ke sana dan pelapor diberi tahu. Bila instansinya tidak ada di daftar, pilih \"{BUTTON_OTHER_AGENCY}\" \
lalu tulis nama dan kontak instansi yang berwenang."
    )
}

/// The note the citizen reads when an officer redirects to another handler.
pub(crate) fn redirect_note(handler: &str) -> String {
    format!("Pengaduan Anda dialihkan ke {handler}, yang berwenang menanganinya.")
}

/// Footer of the posts in the old handler's chats after a redirect.
pub(crate) fn officer_redirected_line(handler: &str, officer: &str) -> String {
    format!("\n\nDialihkan ke {handler} oleh {officer}.")
}

pub(crate) const OFFICER_REDIRECTED: &str = "Pengaduan dialihkan.";
pub(crate) const OFFICER_REDIRECT_UNKNOWN: &str = "Unit tujuan tidak ada lagi di daftar penanganan. Tekan \
Bukan wewenang sekali lagi.";

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
