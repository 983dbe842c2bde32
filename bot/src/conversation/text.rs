//! Every word a citizen reads, in Indonesian, on every channel: replies, button labels,
//! notifications, the command menu.
//!
//! Nothing a citizen reads is written anywhere else, so the copy can be reviewed (and one day
//! translated) in one place, and tests compare replies against these constants. Texts that carry
//! values are small functions returning plain text; each channel escapes and shapes it for its
//! platform (Telegram HTML, WhatsApp, web). What officers read in the Telegram officer chat is in
//! `telegram/text.rs`.

use crate::domain::ComplaintStatus;

// ---- General -------------------------------------------------------------------------------

pub(crate) const WELCOME: &str = "Selamat datang di loket, asisten layanan publik.\n\n\
Saya bisa:\n\
1. Menjawab pertanyaan tentang layanan publik (persyaratan, alur, lama proses, biaya) \
langsung dari Standar Pelayanan resmi. Tulis saja pertanyaan Anda, misalnya \
\"syarat surat keterangan ahli waris apa saja?\"\n\
2. Menampilkan daftar layanan per instansi: /layanan\n\
3. Menerima pengaduan dan meneruskannya ke petugas yang berwenang: /lapor\n\
4. Memberi tahu perkembangan pengaduan Anda: /status dan /laporanku\n\
5. Mengirim pengumuman perubahan layanan: /langganan\n\n\
Privasi: kami hanya menyimpan isi pengaduan dan ID chat Anda untuk mengirim kabar \
perkembangan. Jika Anda memilih anonim, identitas Anda tidak ditampilkan kepada petugas. \
Pengaduan bersifat rahasia kecuali Anda setuju dipublikasikan. Lihat data Anda yang kami \
simpan dengan /dataku.";

pub(crate) const HELP: &str = "Cara memakai loket:\n\
- Tulis pertanyaan biasa, misalnya \"berapa lama urus surat ahli waris?\". Pertanyaan lanjutan \
seperti \"kalau biayanya?\" memakai layanan yang terakhir dibahas.\n\n\
Perintah:\n\
/layanan - daftar layanan per instansi\n\
/tanya PERTANYAAN - ajukan pertanyaan, juga saat sedang mengisi pengaduan\n\
/lapor - sampaikan pengaduan\n\
/status NOMOR - cek status pengaduan, misalnya /status LKT-ABCD-EFGH\n\
/laporanku - daftar pengaduan Anda\n\
/langganan - terima pengumuman perubahan layanan, dari semua instansi atau satu kabupaten/kota \
atau instansi, misalnya /langganan pasuruan\n\
/berhenti - berhenti menerima pengumuman\n\
/dataku - lihat data Anda yang disimpan loket\n\
/wilayah NAMA - atur wilayah atau instansi Anda, misalnya /wilayah kecamatan beji\n\
/batal - batalkan proses yang sedang berjalan\n\
/bantuan - tampilkan pesan ini";

/// Sent when something broke inside loket; the details go to the log, never to the citizen.
pub(crate) const APOLOGY: &str = "Maaf, terjadi gangguan di sistem kami. Silakan coba lagi beberapa saat lagi.";

pub(crate) const CANCELLED: &str = "Baik, proses dibatalkan. Ada lagi yang bisa saya bantu?";
pub(crate) const NOTHING_TO_CANCEL: &str = "Tidak ada proses yang sedang berjalan.";
pub(crate) const ONLY_TEXT: &str = "Maaf, saya hanya bisa membaca pesan teks. Silakan tulis pertanyaan Anda.";
/// Answer to a button whose data no longer means anything (an old message, a changed corpus).
pub(crate) const STALE_BUTTON: &str = "Tombol ini sudah tidak berlaku. Silakan mulai lagi.";
/// Once a minute to a chat whose messages arrive faster than `[limits]` allows (the rest are
/// ignored meanwhile).
pub(crate) const TOO_MANY_MESSAGES: &str = "Pesan Anda datang terlalu cepat, jadi sebagian belum kami baca. \
Mohon tunggu sebentar, lalu kirim lagi pertanyaan Anda dalam satu pesan.";

/// `/lapor` when the chat already filed its hour's allowance of complaints.
pub(crate) fn complaint_limit(per_hour: u32, wait_minutes: u64) -> String {
    format!(
        "Mohon maaf, dari chat ini sudah masuk {per_hour} pengaduan dalam satu jam terakhir. \
Agar setiap pengaduan dapat ditangani dengan baik, silakan kirim pengaduan berikutnya sekitar \
{wait_minutes} menit lagi.\n\nPengaduan Anda yang sudah masuk tetap kami proses; lihat statusnya dengan /laporanku."
    )
}

// ---- Commands (descriptions registered with Telegram) -------------------------------------

pub(crate) const CMD_START: &str = "mulai dan kenalan dengan loket";
pub(crate) const CMD_HELP: &str = "cara memakai loket";
pub(crate) const CMD_SERVICES: &str = "daftar layanan per instansi";
pub(crate) const CMD_ASK: &str = "ajukan pertanyaan tentang layanan: /tanya PERTANYAAN";
pub(crate) const CMD_REPORT: &str = "sampaikan pengaduan";
pub(crate) const CMD_STATUS: &str = "cek status pengaduan: /status NOMOR";
pub(crate) const CMD_MY_REPORTS: &str = "daftar pengaduan Anda";
pub(crate) const CMD_SUBSCRIBE: &str = "terima pengumuman perubahan layanan";
pub(crate) const CMD_UNSUBSCRIBE: &str = "berhenti menerima pengumuman";
pub(crate) const CMD_CANCEL: &str = "batalkan proses yang sedang berjalan";
pub(crate) const CMD_MY_DATA: &str = "lihat data Anda yang disimpan loket";
pub(crate) const CMD_REGION: &str = "atur wilayah atau instansi Anda";

/// `/wilayah` without a place: what is set now and how to change it.
pub(crate) fn region_status(current: Option<&str>) -> String {
    let now = match current {
        Some(place) => format!("Wilayah Anda saat ini: {place}."),
        None => "Wilayah Anda belum diatur.".to_owned(),
    };
    format!(
        "{now}\n\nLayanan yang ada di beberapa instansi akan saya jawab untuk wilayah Anda. \
         Atur dengan /wilayah diikuti nama kecamatan atau instansi, misalnya /wilayah kecamatan beji. \
         Hapus dengan /wilayah hapus."
    )
}
/// `/wilayah` during a complaint dialogue.
pub(crate) const REGION_IN_DIALOGUE: &str = "Selesaikan dulu pengaduan yang sedang Anda isi, atau batalkan \
dengan /batal, lalu atur wilayah dengan /wilayah.";
/// `/wilayah hapus`.
pub(crate) const REGION_CLEARED: &str =
    "Baik, wilayah Anda dihapus. Pertanyaan berikutnya berlaku untuk semua instansi.";
/// `/wilayah X` where no unit or agency has those words.
pub(crate) const REGION_UNKNOWN: &str = "Maaf, wilayah atau instansi itu tidak ada dalam standar pelayanan yang saya \
punya. Tulis nama kecamatan atau instansinya, misalnya /wilayah kecamatan beji, atau lihat daftar instansi dengan /layanan.";

// ---- Browsing ------------------------------------------------------------------------------

pub(crate) const CHOOSE_AGENCY: &str = "Pilih instansi:";

pub(crate) fn choose_service(agency: &str) -> String {
    format!("Layanan {agency}. Pilih layanan:")
}

/// The button that opens a list of choices (WhatsApp list messages; at most 20 characters).
pub(crate) const LIST_BUTTON: &str = "Pilih";
/// Above the further choices when they do not fit one list.
pub(crate) const MORE_CHOICES: &str = "Pilihan lainnya:";
pub(crate) const BUTTON_PREVIOUS: &str = "« Sebelumnya";
pub(crate) const BUTTON_NEXT: &str = "Berikutnya »";
pub(crate) const BUTTON_BACK_TO_AGENCIES: &str = "« Daftar instansi";
pub(crate) const BUTTON_REQUIREMENTS: &str = "Persyaratan";
pub(crate) const BUTTON_PROCEDURE: &str = "Alur";
pub(crate) const BUTTON_DURATION: &str = "Waktu";
pub(crate) const BUTTON_FEE: &str = "Biaya";
pub(crate) const BUTTON_REPORT_ABOUT: &str = "Laporkan masalah layanan ini";
/// The heading of a long answer's later parts.
pub(crate) fn continued(heading: &str) -> String {
    format!("{} (lanjutan)", heading.trim_end_matches(':'))
}
/// Under a long answer cut at about 1,500 characters: the next part.
pub(crate) const BUTTON_MORE: &str = "Selengkapnya";
/// `/tanya` without a question.
pub(crate) const ASK_QUESTION: &str = "Silakan tulis pertanyaan Anda tentang layanan publik, misalnya \
\"syarat surat keterangan ahli waris apa saja?\"";

// ---- Complaint dialogue --------------------------------------------------------------------

/// Complaint categories offered as buttons (the citizen may also type another one).
pub(crate) const CATEGORIES: [&str; 6] = [
    "Pelayanan administrasi",
    "Perilaku petugas",
    "Pungutan liar",
    "Infrastruktur",
    "Kebersihan & lingkungan",
    "Lainnya",
];

/// Category recorded when the complaint is about a specific service.
pub(crate) const CATEGORY_SERVICE: &str = "Pelayanan administrasi";

pub(crate) const ASK_TOPIC: &str = "Anda akan menyampaikan pengaduan. Tentang apa pengaduan Anda? \
Pilih kategori di bawah atau tulis kategorinya sendiri.\n\nKetik /batal kapan saja untuk membatalkan.";

pub(crate) fn ask_topic_with_service(service: &str) -> String {
    format!(
        "Anda akan menyampaikan pengaduan. Apakah pengaduan Anda tentang layanan \"{service}\"? \
Pilih layanan itu, atau pilih kategori lain di bawah, atau tulis kategorinya sendiri.\n\n\
Ketik /batal kapan saja untuk membatalkan."
    )
}

pub(crate) fn button_related_service(service: &str) -> String {
    let short: String = service.chars().take(48).collect();
    format!("Layanan: {short}")
}

pub(crate) const ASK_DESCRIPTION: &str = "Ceritakan masalahnya: apa yang terjadi, kapan, dan siapa \
yang terlibat (minimal 20 karakter).";
pub(crate) const ASK_PLACE: &str = "Di mana kejadiannya? Tulis nama kantor atau alamatnya.";
/// The place of a complaint when the citizen shared a location instead of typing one.
pub(crate) fn place_from_location(latitude: f64, longitude: f64) -> String {
    format!(
        "Titik lokasi {latitude:.6}, {longitude:.6} (https://www.openstreetmap.org/?mlat={latitude:.6}&mlon={longitude:.6})"
    )
}
pub(crate) const ASK_DATE: &str = "Kapan kejadiannya? Tekan Hari ini atau Kemarin, tulis \
tanggalnya (misalnya 17-08-2025, 17 Agustus, \"senin lalu\"), atau tekan Lewati.";
pub(crate) const BUTTON_TODAY: &str = "Hari ini";
pub(crate) const BUTTON_YESTERDAY: &str = "Kemarin";
pub(crate) const ASK_ATTACHMENTS: &str = "Kirim foto atau dokumen pendukung bila ada (maksimal \
10 berkas). Tekan Selesai jika sudah, atau Lewati jika tidak ada.";

pub(crate) fn attachment_received(count: usize) -> String {
    format!("Lampiran diterima ({count} berkas). Kirim lagi, atau tekan Selesai.")
}

// ---- Wrong input at a step: what the step needs, so the citizen knows what to send -------------

/// A photo or sticker at the topic step.
pub(crate) const TOPIC_NEEDS_TEXT: &str = "Langkah ini menanyakan kategori pengaduan: pilih salah satu \
tombol di atas, atau tulis kategorinya dengan kata-kata.";
/// A sticker or other non-text at the description step.
pub(crate) const DESCRIPTION_NEEDS_TEXT: &str = "Langkah ini menanyakan isi pengaduan dalam bentuk tulisan: \
apa yang terjadi, kapan, dan siapa yang terlibat (minimal 20 karakter). Foto dan dokumen bisa dikirim \
sesudahnya, di langkah lampiran.";
/// A sticker or other non-text at the place step.
pub(crate) const PLACE_NEEDS_TEXT: &str = "Langkah ini menanyakan tempat kejadian: tulis nama kantor atau \
alamatnya, atau kirim lokasi Anda (bagikan lokasi).";
/// A photo, sticker or location at the date step.
pub(crate) const DATE_NEEDS_TEXT: &str = "Langkah ini menanyakan tanggal kejadian: tekan Hari ini atau \
Kemarin, tulis tanggalnya (misalnya 17-08-2025), atau tekan Lewati.";

/// A photo or document sent before the attachment step: kept, not lost.
pub(crate) fn attachment_kept(count: usize) -> String {
    format!("Foto/dokumen Anda kami simpan sebagai lampiran pengaduan ({count} berkas).")
}

/// A message at the description step that reads like a question about a service.
pub(crate) fn question_at_description(service: &str) -> String {
    format!(
        "Pesan Anda terdengar seperti pertanyaan tentang layanan \"{service}\". Mau saya jawab dulu? \
Draf pengaduan Anda tetap tersimpan. Bila pesan itu memang isi pengaduan Anda, tekan \"{BUTTON_IS_DESCRIPTION}\"."
    )
}
pub(crate) const BUTTON_ANSWER_QUESTION: &str = "Jawab pertanyaan";
pub(crate) const BUTTON_IS_DESCRIPTION: &str = "Ini isi laporan saya";
/// After the question was answered: the complaint waits at its description step.
pub(crate) const DRAFT_WAITS_FOR_DESCRIPTION: &str = "Pengaduan Anda belum terkirim; drafnya masih tersimpan. \
Untuk melanjutkan, tulis isi pengaduannya: apa yang terjadi, kapan, dan siapa yang terlibat. Bila tidak \
jadi, ketik /batal.";

/// A command that would start something else in the middle of a complaint.
pub(crate) const ASK_LEAVE_DRAFT: &str = "Anda sedang mengisi pengaduan yang belum terkirim. Tinggalkan \
drafnya? Bila ditinggalkan, isi yang sudah Anda tulis dihapus. Bila dilanjutkan, perintah tadi tidak \
dijalankan dan Anda kembali ke langkah terakhir pengaduan.";
pub(crate) const BUTTON_RESUME: &str = "Lanjutkan laporan";
pub(crate) const BUTTON_LEAVE: &str = "Tinggalkan";
pub(crate) const DRAFT_LEFT: &str = "Baik, draf pengaduan ditinggalkan.";
pub(crate) const DRAFT_RESUMED: &str = "Baik, kita lanjutkan pengaduan Anda.";

pub(crate) const ATTACHMENT_EXPECTED: &str = "Kirim foto atau dokumen, atau tekan Selesai/Lewati untuk melanjutkan.";
pub(crate) const ATTACHMENT_LIMIT: &str = "Lampiran sudah 10 berkas (batas maksimal). Tekan Selesai untuk melanjutkan.";
pub(crate) const ASK_ANONYMOUS: &str = "Apakah identitas Anda perlu dirahasiakan dari petugas? \
Jika ya, petugas tidak akan melihat siapa pelapornya, tetapi Anda tetap menerima kabar \
perkembangan di sini.";
pub(crate) const ASK_PUBLIC: &str = "Bolehkah isi pengaduan Anda ditampilkan untuk umum \
(tanpa identitas Anda)? Jika tidak, pengaduan Anda rahasia: publik hanya dapat melihat nomor, \
layanan, status, dan tanggalnya. Petugas yang menangani tetap membaca seluruh isinya.";
pub(crate) const CHOOSE_WITH_BUTTONS: &str = "Silakan pilih dengan tombol di atas, atau ketik /batal.";
pub(crate) const BUTTON_SKIP: &str = "Lewati";
pub(crate) const BUTTON_DONE: &str = "Selesai";
pub(crate) const BUTTON_ANONYMOUS_YES: &str = "Ya, rahasiakan";
pub(crate) const BUTTON_ANONYMOUS_NO: &str = "Tidak perlu";
pub(crate) const BUTTON_PUBLIC_NO: &str = "Tidak, rahasiakan pengaduan";
pub(crate) const BUTTON_PUBLIC_YES: &str = "Ya, boleh ditampilkan untuk umum";
pub(crate) const BUTTON_SUBMIT: &str = "Kirim pengaduan";
pub(crate) const BUTTON_CANCEL: &str = "Batal";

/// The summary shown before the citizen confirms.
pub(crate) struct Summary<'a> {
    pub(crate) category: &'a str,
    pub(crate) service: Option<&'a str>,
    pub(crate) description: &'a str,
    pub(crate) place: &'a str,
    pub(crate) date: Option<&'a str>,
    pub(crate) attachments: usize,
    pub(crate) anonymous: bool,
    pub(crate) public: bool,
}

pub(crate) fn summary(s: &Summary<'_>) -> String {
    let mut text = String::from("Periksa kembali pengaduan Anda:\n\n");
    text.push_str(&format!("Kategori: {}\n", s.category));
    if let Some(service) = s.service {
        text.push_str(&format!("Layanan: {service}\n"));
    }
    text.push_str(&format!("Lokasi: {}\n", s.place));
    text.push_str(&format!("Tanggal kejadian: {}\n", s.date.unwrap_or("-")));
    text.push_str(&format!("Lampiran: {} berkas\n", s.attachments));
    text.push_str(&format!(
        "Identitas: {}\n",
        if s.anonymous {
            "dirahasiakan"
        } else {
            "tidak dirahasiakan"
        }
    ));
    text.push_str(&format!(
        "Publikasi: {}\n\n",
        if s.public {
            "boleh ditampilkan untuk umum tanpa identitas"
        } else {
            "rahasia"
        }
    ));
    text.push_str(&format!("Isi pengaduan:\n{}\n\n", s.description));
    text.push_str("Kirim pengaduan ini?");
    text
}

// ---- Duplicates: an open complaint about the same problem, offered before filing -----------

/// What another citizen may see of an open complaint about the same problem: never who filed
/// it, never its full text; its short title only when its citizen agreed to publish it.
pub(crate) struct Duplicate<'a> {
    pub(crate) ticket: &'a str,
    /// The service it is about, else its category.
    pub(crate) about: &'a str,
    pub(crate) title: Option<&'a str>,
    pub(crate) status: ComplaintStatus,
    /// Days since it was filed.
    pub(crate) age_days: i64,
    pub(crate) supporters: u64,
}

/// "hari ini", "kemarin", "5 hari lalu".
pub(crate) fn age(days: i64) -> String {
    match days {
        ..=0 => "hari ini".to_owned(),
        1 => "kemarin".to_owned(),
        days => format!("{days} hari lalu"),
    }
}

pub(crate) fn duplicate_found(d: &Duplicate<'_>) -> String {
    let mut text = format!(
        "Sepertinya masalah yang sama sudah dilaporkan warga lain dan sedang ditangani:\n\n\
Nomor: {}\nTentang: {}\n",
        d.ticket, d.about
    );
    if let Some(title) = d.title {
        text.push_str(&format!("Judul: {title}\n"));
    }
    text.push_str(&format!(
        "Status: {}\nDilaporkan: {}\nDidukung: {} warga\n\n\
Anda dapat mendukung laporan itu: petugas melihat bahwa lebih banyak warga terdampak, dan Anda \
menerima kabar setiap kali statusnya berubah. Identitas Anda tidak ditampilkan kepada siapa pun. \
Atau tetap kirim laporan Anda sendiri.",
        d.status.label(),
        age(d.age_days),
        d.supporters
    ));
    text
}

pub(crate) const BUTTON_SUPPORT: &str = "Dukung laporan ini";
pub(crate) const BUTTON_FILE_ANYWAY: &str = "Tetap kirim laporan baru";

pub(crate) fn supported(ticket: &str, supporters: u64) -> String {
    format!(
        "Terima kasih, dukungan Anda tercatat untuk pengaduan {ticket} (sekarang didukung {supporters} \
warga). Anda akan menerima kabar setiap kali statusnya berubah."
    )
}

/// After supporting from inside /lapor: the draft is not filed.
pub(crate) const DRAFT_NOT_FILED: &str = "Pengaduan yang sedang Anda isi tidak kami kirim, agar masalah \
yang sama tidak tercatat dua kali.";
pub(crate) const ALREADY_SUPPORTED: &str = "Anda sudah mendukung pengaduan ini; kabarnya tetap kami kirimkan.";
pub(crate) const SUPPORT_OWN: &str = "Ini pengaduan Anda sendiri; kabarnya sudah kami kirimkan kepada Anda.";
pub(crate) const SUPPORT_CLOSED: &str = "Pengaduan itu sudah tidak diproses lagi, jadi tidak dapat didukung. \
Silakan kirim pengaduan Anda sendiri dengan /lapor.";
/// The offered complaint closed before the citizen pressed [Dukung laporan ini]: go on filing.
pub(crate) const SUPPORT_CLOSED_GO_ON: &str = "Pengaduan itu baru saja selesai diproses, jadi tidak dapat \
didukung lagi. Kita lanjutkan pengaduan Anda sendiri.";

pub(crate) fn submitted(ticket: &str) -> String {
    format!(
        "Pengaduan Anda sudah kami terima dengan nomor {ticket}.\n\n\
Simpan nomor ini. Anda akan menerima kabar di sini setiap kali statusnya berubah, \
dan bisa mengeceknya kapan saja dengan /status {ticket}."
    )
}

// ---- After a resolution: [Sudah beres] [Belum, buka lagi], the rating and its comment -------

/// Both labels fit a WhatsApp reply button (20 characters).
pub(crate) const BUTTON_FIXED: &str = "Sudah beres";
pub(crate) const BUTTON_REOPEN: &str = "Belum, buka lagi";

pub(crate) fn ask_rating(ticket: &str) -> String {
    format!(
        "Terima kasih atas konfirmasinya. Seberapa puas Anda dengan penanganan pengaduan {ticket}? \
Pilih 1 (sangat tidak puas) sampai 5 (sangat puas)."
    )
}

pub(crate) fn rating_label(score: u8) -> String {
    format!("{score} ⭐")
}

/// The rating is stored (and reaches the handler).
pub(crate) fn rating_saved(score: u8) -> String {
    format!("Terima kasih, penilaian Anda ({score}/5) disampaikan kepada petugas yang menangani.")
}

/// The rating is stored; a comment is invited.
pub(crate) fn rating_thanks(score: u8) -> String {
    format!(
        "{} Ingin menambahkan komentar? Tulis komentar Anda sebagai pesan berikutnya; bila tidak, \
tekan Lewati.",
        rating_saved(score)
    )
}

pub(crate) const BUTTON_NO_COMMENT: &str = "Lewati";
pub(crate) const RATING_COMMENT_SAVED: &str = "Komentar Anda tersimpan dan disampaikan kepada petugas. Terima kasih.";
pub(crate) const RATING_NO_COMMENT: &str = "Baik, tanpa komentar. Terima kasih atas penilaian Anda.";
pub(crate) const REOPENED: &str = "Pengaduan dibuka kembali.";
/// A resolution or rating button pressed by someone who did not file the complaint.
pub(crate) const NOT_YOUR_COMPLAINT: &str = "Tombol ini hanya untuk pelapor pengaduan ini.";
pub(crate) const NOT_RESOLVED_ANY_MORE: &str = "Pengaduan ini tidak lagi berstatus selesai, jadi tombol ini \
sudah tidak berlaku. Lihat perkembangannya dengan /status.";
pub(crate) const NOT_RESOLVED_YET: &str = "Pengaduan ini belum selesai, jadi belum dapat dinilai.";

/// Under `/status` of one's own resolved complaint while it may still be reopened.
pub(crate) fn resolution_question(until: Option<&str>) -> String {
    let by = until.map(|date| format!(" sampai {date}")).unwrap_or_default();
    format!(
        "Petugas menyatakan pengaduan ini selesai. Apakah masalahnya sudah beres? Jawab dengan tombol di bawah{by}."
    )
}

// ---- Status --------------------------------------------------------------------------------

pub(crate) const STATUS_USAGE: &str = "Tulis nomor pengaduan setelah perintahnya, misalnya: /status LKT-ABCD-EFGH";
pub(crate) const TICKET_NOT_FOUND: &str = "Pengaduan dengan nomor itu tidak ditemukan di antara pengaduan Anda. \
Periksa kembali nomornya, atau lihat daftarnya dengan /laporanku.";
pub(crate) const NO_COMPLAINTS: &str = "Anda belum pernah menyampaikan pengaduan. Ketik /lapor untuk memulai.";

pub(crate) fn status_line(ticket: &str, status: ComplaintStatus, title: &str) -> String {
    format!("{ticket} - {} - {title}", status.label())
}

pub(crate) const MY_COMPLAINTS_HEADER: &str = "Pengaduan Anda (terbaru di atas):";
pub(crate) const MY_COMPLAINTS_FOOTER: &str = "Detail: /status NOMOR";

pub(crate) fn status_header(ticket: &str, title: &str, status: ComplaintStatus) -> String {
    format!("Pengaduan {ticket}\n{title}\nStatus: {}\n\nRiwayat:", status.label())
}

pub(crate) fn status_event(date: &str, status: ComplaintStatus, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("{date} - {} ({note})", status.label()),
        None => format!("{date} - {}", status.label()),
    }
}

// ---- Subscriptions -------------------------------------------------------------------------

pub(crate) const CHOOSE_SUBSCRIPTION: &str = "Pengumuman apa yang ingin Anda terima? Pilih semua \
instansi, satu kabupaten/kota (semua instansinya), atau satu instansi. Bisa juga diketik, misalnya \
/langganan pasuruan.";
pub(crate) const BUTTON_ALL_AGENCIES: &str = "Semua instansi";
pub(crate) const SUBSCRIBED_ALL: &str = "Anda akan menerima pengumuman perubahan layanan dari semua instansi. \
Ketik /berhenti untuk berhenti.";

pub(crate) fn subscribed_agency(agency: &str) -> String {
    format!("Anda akan menerima pengumuman perubahan layanan dari {agency}. Ketik /berhenti untuk berhenti.")
}

/// The button of a regency or city in the subscription list ("Seluruh Kabupaten Pasuruan").
pub(crate) fn button_regency(regency: &str) -> String {
    format!("Seluruh {regency}")
}

pub(crate) fn subscribed_regency(regency: &str) -> String {
    format!(
        "Anda akan menerima pengumuman perubahan layanan dari semua instansi di {regency}. \
Ketik /berhenti untuk berhenti."
    )
}

/// `/langganan NAMA` named several regencies or agencies.
pub(crate) const CHOOSE_SUBSCRIPTION_MATCH: &str = "Ada beberapa yang cocok. Pilih yang Anda maksud:";

/// `/langganan NAMA` named nothing loket knows.
pub(crate) fn subscription_unknown(place: &str) -> String {
    format!("Saya tidak menemukan kabupaten/kota atau instansi \"{place}\". Silakan pilih dari daftar berikut:")
}

pub(crate) const UNSUBSCRIBED: &str =
    "Anda tidak akan menerima pengumuman lagi. Ketik /langganan untuk berlangganan kembali.";
pub(crate) const NOT_SUBSCRIBED: &str = "Anda tidak sedang berlangganan pengumuman.";

// ---- Notifications to citizens: `delivery/notice.rs` (the outbox's texts, for every channel) --

/// An officer's reply in a complaint's history (`/status`): a message, not a status.
pub(crate) fn status_reply(date: &str, message: &str) -> String {
    format!("{date} - Balasan petugas: {message}")
}

/// Button under an announcement that opens a changed or new service's card.
pub(crate) fn button_see_service(title: &str) -> String {
    let short: String = title.chars().take(48).collect();
    if short.len() < title.len() {
        format!("Lihat: {short}…")
    } else {
        format!("Lihat: {short}")
    }
}

// ---- Personal data (/dataku) ---------------------------------------------------------------

/// One complaint in `/dataku`.
pub(crate) struct MyComplaint<'a> {
    pub(crate) ticket: &'a str,
    pub(crate) date: &'a str,
    pub(crate) status: ComplaintStatus,
    pub(crate) title: &'a str,
    pub(crate) place: Option<&'a str>,
    pub(crate) attachments: usize,
    pub(crate) anonymous: bool,
    pub(crate) confidential: bool,
}

/// What loket holds about one chat, as `/dataku` shows it.
pub(crate) struct MyData<'a> {
    pub(crate) chat_id: i64,
    /// `(since, blocked)` when the chat row exists.
    pub(crate) chat: Option<(&'a str, bool)>,
    /// Subscription topics, already in words ("semua instansi", an agency name).
    pub(crate) subscriptions: Vec<String>,
    /// Date the dialogue state was last saved, and what it holds in words.
    pub(crate) dialogue: Option<(&'a str, &'a str)>,
    pub(crate) complaints: Vec<MyComplaint<'a>>,
}

pub(crate) const DIALOGUE_IN_COMPLAINT: &str = "draf pengaduan yang sedang Anda isi";
pub(crate) const DIALOGUE_IDLE: &str = "layanan yang terakhir dibahas, untuk pertanyaan lanjutan";
pub(crate) const TOPIC_ALL_AGENCIES: &str = "semua instansi";

pub(crate) fn my_data(d: &MyData<'_>) -> String {
    let mut text = String::from("Data Anda yang disimpan loket:\n\n");
    text.push_str(&format!("ID chat: {}\n", d.chat_id));
    match d.chat {
        Some((since, blocked)) => text.push_str(&format!(
            "Tercatat sejak: {since}{}\n",
            if blocked {
                " (bot diblokir, kami tidak mengirim pesan)"
            } else {
                ""
            }
        )),
        None => text.push_str("Tercatat sejak: belum tercatat\n"),
    }
    match &d.dialogue {
        Some((date, what)) => text.push_str(&format!("Percakapan tersimpan: {what} (disimpan {date})\n")),
        None => text.push_str("Percakapan tersimpan: tidak ada\n"),
    }
    if d.subscriptions.is_empty() {
        text.push_str("Langganan pengumuman: tidak ada\n");
    } else {
        text.push_str(&format!("Langganan pengumuman: {}\n", d.subscriptions.join(", ")));
    }
    if d.complaints.is_empty() {
        text.push_str("\nPengaduan: tidak ada\n");
    } else {
        text.push_str(&format!("\nPengaduan ({}):\n", d.complaints.len()));
        for c in &d.complaints {
            text.push_str(&format!(
                "- {} ({}) - {} - {}\n",
                c.ticket,
                c.date,
                c.status.label(),
                c.title
            ));
            text.push_str(&format!(
                "  Lokasi: {}; lampiran: {} berkas; identitas {}; {}\n",
                c.place.unwrap_or("-"),
                c.attachments,
                if c.anonymous {
                    "dirahasiakan dari petugas"
                } else {
                    "terlihat oleh petugas"
                },
                if c.confidential {
                    "rahasia bagi publik"
                } else {
                    "boleh ditampilkan untuk umum tanpa identitas"
                },
            ));
        }
    }
    text.push_str(
        "\nKegunaan: ID chat dipakai untuk membalas Anda dan mengirim kabar perkembangan pengaduan. \
Identitas Anda dihapus dari pengaduan yang sudah ditutup secara berkala; isi pengaduan tetap \
disimpan tanpa identitas untuk catatan pelayanan. /berhenti menghapus langganan Anda, /batal \
menghapus draf yang sedang diisi. Untuk permintaan lain tentang data Anda, hubungi pengelola layanan ini.",
    );
    text
}

// ---- Web chat (the page, the widget an agency embeds, the chat API's refusals) -------------

/// The chat's heading unless `[webchat] title` or the widget names another.
pub(crate) const WEB_TITLE: &str = "Tanya Layanan Publik";
pub(crate) const WEB_SEND: &str = "Kirim";
pub(crate) const WEB_INPUT_LABEL: &str = "Tulis pesan";
pub(crate) const WEB_PLACEHOLDER: &str = "Tulis pertanyaan…";
pub(crate) const WEB_LOG_LABEL: &str = "Percakapan";
pub(crate) const WEB_SHORTCUTS_LABEL: &str = "Pintasan";
pub(crate) const WEB_SHORTCUT_REPORT: &str = "Lapor masalah";
pub(crate) const WEB_SHORTCUT_MY_REPORTS: &str = "Laporan saya";
pub(crate) const WEB_SHORTCUT_SERVICES: &str = "Daftar layanan";
pub(crate) const WEB_SHORTCUT_HELP: &str = "Bantuan";
pub(crate) const WEB_SHARE_LOCATION: &str = "Kirim lokasi saya";
pub(crate) const WEB_CLOSE: &str = "Tutup obrolan";
pub(crate) const WEB_SENDING: &str = "Mengirim…";
/// Who wrote a line, for screen readers.
pub(crate) const WEB_AUTHOR_CITIZEN: &str = "Anda";
pub(crate) const WEB_AUTHOR_LOKET: &str = "loket";
/// Under a prompt for photos: the web chat takes no files (yet).
pub(crate) const WEB_NO_ATTACHMENTS: &str = "Lewat obrolan web hanya foto (JPG, PNG atau WebP) yang dapat \
dilampirkan; berkas lain belum dapat dikirim.";
/// The button that opens the photo picker at the attachments step.
pub(crate) const WEB_ATTACH_PHOTO: &str = "Lampirkan foto";
/// What the transcript shows the citizen sent.
pub(crate) const WEB_PHOTO_SAID: &str = "📷 Foto";
pub(crate) const WEB_PHOTO_TYPE: &str = "Berkas ini tidak dapat diterima: kirim foto berformat JPG, PNG atau WebP.";
pub(crate) fn web_photo_too_large(max_bytes: usize) -> String {
    format!(
        "Foto terlalu besar. Ukuran maksimal {} MB; kecilkan fotonya lalu kirim lagi.",
        max_bytes.div_ceil(1024 * 1024)
    )
}
/// A photo outside a complaint: there is nothing to attach it to.
pub(crate) const WEB_PHOTO_NOT_NOW: &str = "Foto hanya dapat dikirim saat mengisi pengaduan. Ketik /lapor \
untuk memulai.";
/// The connection to loket failed (the page retries on its own).
pub(crate) const WEB_OFFLINE: &str = "Tidak dapat terhubung ke server. Periksa koneksi internet Anda; \
pesan baru akan diambil lagi otomatis.";
pub(crate) const WEB_LOCATION_FAILED: &str = "Lokasi tidak dapat dibaca. Izinkan akses lokasi di peramban, \
atau tulis alamatnya.";
/// What the transcript shows for a shared location.
pub(crate) const WEB_LOCATION_SAID: &str = "📍 Lokasi saya";
/// The widget's button on the agency's page, and its accessible name.
pub(crate) const WEB_LAUNCHER: &str = "Tanya kami";
pub(crate) const WEB_OPEN: &str = "Buka obrolan layanan publik";

pub(crate) const WEB_EMPTY_MESSAGE: &str = "Pesan kosong. Tulis pertanyaan atau pesan Anda.";
pub(crate) const WEB_UNREADABLE: &str = "Pesan tidak dapat dibaca. Muat ulang halaman, lalu coba lagi.";
pub(crate) const WEB_SESSION_UNKNOWN: &str = "Percakapan ini tidak ditemukan atau sudah berakhir. \
Muat ulang halaman untuk memulai percakapan baru.";
pub(crate) const WEB_ORIGIN_REFUSED: &str = "Permintaan ditolak: obrolan ini hanya dapat dipakai dari \
halaman yang diizinkan.";

pub(crate) fn web_message_too_long(max: usize) -> String {
    format!(
        "Pesan terlalu panjang: maksimal {max} karakter. Silakan persingkat, atau kirim dalam \
beberapa pesan."
    )
}

pub(crate) fn web_too_many_messages(wait_secs: u64) -> String {
    format!("Pesan Anda datang terlalu cepat. Tunggu sekitar {wait_secs} detik, lalu kirim lagi.")
}

pub(crate) fn web_too_many_requests(wait_secs: u64) -> String {
    format!("Terlalu banyak permintaan dari jaringan Anda. Tunggu sekitar {wait_secs} detik, lalu coba lagi.")
}

pub(crate) fn web_too_many_sessions(wait_minutes: u64) -> String {
    format!(
        "Terlalu banyak percakapan baru dari jaringan Anda. Silakan coba lagi sekitar {wait_minutes} \
menit lagi."
    )
}
