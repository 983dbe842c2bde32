//! The Indonesian words of every answer: what a citizen reads in Telegram or `loket chat`.
//!
//! Answers are plain text (lists as numbered lines, nested items indented) that each front
//! end renders for its medium; the Telegram layer escapes it for HTML. All citizen-facing
//! copy of the answer engine lives here, so the wording can be reviewed in one place.

use crate::aspect::Aspect;
use crate::document::{Component, ComponentKind, Decree, ServiceStandard};
use crate::values::{describe_duration, describe_fee};

/// Reply to a greeting, thanks or a request for help.
pub(crate) fn smalltalk(kind: Smalltalk) -> String {
    match kind {
        Smalltalk::Greeting => "Halo! Saya loket, asisten layanan publik. Tanyakan saja persyaratan, biaya, lama \
             proses, atau alur sebuah layanan, misalnya: \"syarat surat keterangan ahli waris apa saja?\" atau \
             \"berapa lama urus izin belajar?\". Untuk menyampaikan pengaduan, ketik /lapor."
            .to_owned(),
        Smalltalk::Thanks => {
            "Sama-sama! Kalau ada pertanyaan lain tentang layanan publik, silakan tanya lagi.".to_owned()
        }
        Smalltalk::Help => "Saya bisa membantu:\n\
             1. Menjawab pertanyaan tentang layanan: persyaratan, biaya, lama proses, alur, produk, dasar hukum, \
             dan tempat pengaduan. Cukup tulis pertanyaan Anda, misalnya \"syarat pengantar SKCK\".\n\
             2. Menampilkan daftar layanan: /layanan\n\
             3. Menerima pengaduan dan meneruskannya ke petugas: /lapor\n\
             4. Mengecek status pengaduan: /status NOMOR-TIKET"
            .to_owned(),
    }
}

/// Kinds of small talk the engine answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Smalltalk {
    Greeting,
    Thanks,
    Help,
}

/// Nothing fits: say so honestly and say what to do instead.
pub(crate) fn not_found(asked_aspect_only: bool) -> String {
    if asked_aspect_only {
        "Layanan apa yang Anda maksud? Sebutkan nama layanannya, misalnya \"biaya surat keterangan ahli waris\" \
         atau \"syarat izin belajar\". Daftar layanan bisa dilihat dengan /layanan."
            .to_owned()
    } else {
        "Maaf, saya belum menemukan layanan yang cocok dengan pertanyaan itu di standar pelayanan yang saya punya. \
         Coba tulis nama layanannya dengan kata lain, lihat daftar layanan dengan /layanan, atau sampaikan \
         pengaduan/pertanyaan Anda kepada petugas dengan /lapor."
            .to_owned()
    }
}

/// The citizen said where they are, a place no agency of these decrees serves.
pub(crate) fn region_unserved() -> String {
    "Maaf, standar pelayanan instansi di tempat itu belum ada pada saya. Ketik /layanan untuk melihat \
     instansi yang ada, atau tulis pertanyaan Anda."
        .to_owned()
}

/// The citizen said which region or agency they mean.
pub(crate) fn region_set(place: Option<&str>) -> String {
    match place {
        Some(place) => format!(
            "Baik, saya catat: {place}. Pertanyaan berikutnya tentang layanan yang ada di beberapa instansi \
             akan saya jawab untuk instansi itu. Silakan tulis pertanyaan Anda."
        ),
        None => "Baik, saya catat wilayah Anda. Silakan tulis pertanyaan Anda.".to_owned(),
    }
}

/// Several services fit about equally, or one may fit ("maybe this one?"): the list to choose
/// from, and the way out when none is meant (an officer, through /lapor), on every front end.
pub(crate) fn ambiguous(candidates: &[&ServiceStandard]) -> String {
    let mut text = String::from(match candidates {
        [_] => "Mungkin maksud Anda layanan ini?\n",
        _ => "Ada beberapa layanan yang cocok. Maksud Anda yang mana?\n",
    });
    for (i, service) in candidates.iter().enumerate() {
        text.push_str(&format!("{}. {} ({})\n", i + 1, service.title, service.unit));
    }
    text.push_str(match candidates {
        [_] => {
            "Pilih untuk melihat jawabannya, atau tulis ulang pertanyaan dengan nama layanan atau instansinya. \
                Bukan ini? Sampaikan pertanyaan Anda kepada petugas dengan /lapor."
        }
        _ => {
            "Pilih salah satu, atau tulis ulang pertanyaan dengan nama layanan atau instansinya. \
              Bukan salah satunya? Sampaikan pertanyaan Anda kepada petugas dengan /lapor."
        }
    });
    text
}

/// The citation line a citizen reads: the decree by its agency, number and year, never a file
/// name or line number (those stay in [`crate::answer::Citation`] for officers and tools).
pub(crate) fn citation(service: &ServiceStandard, decree: Option<&Decree>) -> String {
    match decree {
        Some(d) => {
            let year = d
                .year
                .filter(|y| !d.number.ends_with(&y.to_string()))
                .map(|y| format!(" Tahun {y}"))
                .unwrap_or_default();
            format!(
                "Sumber: Keputusan Nomor {}{year} tentang Standar Pelayanan {}.",
                d.number, service.agency
            )
        }
        None => format!("Sumber: Standar Pelayanan {}.", service.agency),
    }
}

/// The answer for one aspect of a service, or the overview.
pub(crate) fn aspect_answer(service: &ServiceStandard, aspect: Aspect, components: &[&Component]) -> String {
    let heading = format!("{} — {}", service.title, service.unit);
    if aspect == Aspect::Overview || components.is_empty() {
        let mut text = String::new();
        if aspect != Aspect::Overview {
            text.push_str(&format!(
                "Standar pelayanan {} tidak menyebutkan {}.\n\n",
                service.title,
                aspect_name(aspect)
            ));
        }
        text.push_str(&overview(service, &heading));
        return text;
    }
    let mut text = format!("{} {}:\n", aspect_title(aspect), heading);
    match aspect {
        Aspect::Duration => {
            if let Some(plain) = service.duration.as_ref().and_then(describe_duration) {
                text.push_str(&format!("{}.\n", capitalise(&plain)));
                text.push_str(&format!("Tertulis di standar: \"{}\"", one_line(&components[0].text)));
                return text;
            }
        }
        Aspect::Fee => {
            if let Some(plain) = service.fee.as_ref().and_then(describe_fee) {
                text.push_str(&format!("{plain}.\n"));
                text.push_str(&format!("Tertulis di standar: \"{}\"", one_line(&components[0].text)));
                return text;
            }
        }
        _ => {}
    }
    for (i, component) in components.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&component_body(component));
    }
    text
}

fn overview(service: &ServiceStandard, heading: &str) -> String {
    let mut text = format!("{heading}\n");
    if let Some(req) = service.component(ComponentKind::Requirements) {
        text.push_str("\nPersyaratan:\n");
        text.push_str(&component_body(req));
        text.push('\n');
    }
    if let Some(d) = &service.duration {
        let plain = describe_duration(d).unwrap_or_else(|| one_line(&d.raw));
        text.push_str(&format!("\nJangka waktu: {plain}"));
    }
    if let Some(f) = &service.fee {
        let plain = describe_fee(f).unwrap_or_else(|| one_line(&f.raw));
        text.push_str(&format!("\nBiaya: {plain}"));
    }
    if let Some(p) = service.component(ComponentKind::Product) {
        text.push_str(&format!("\nProduk: {}", one_line(&p.text)));
    }
    text.push_str("\n\nTanyakan juga alur/prosedur, dasar hukum, atau tempat pengaduan layanan ini.");
    text
}

/// A component's text with lists numbered (1., 2., ...) and nested items indented (a., b.).
pub fn component_body(component: &Component) -> String {
    if component.items.is_empty() {
        return component.text.clone();
    }
    let mut out = Vec::with_capacity(component.items.len());
    let (mut top, mut nested) = (0u32, 0u8);
    for item in &component.items {
        if item.level == 0 {
            top += 1;
            nested = 0;
            out.push(format!("{top}. {}", item.text));
        } else {
            let letter = (b'a' + nested.min(25)) as char;
            nested = nested.saturating_add(1);
            out.push(format!("   {letter}. {}", item.text));
        }
    }
    out.join("\n")
}

fn aspect_title(aspect: Aspect) -> &'static str {
    match aspect {
        Aspect::Requirements => "Persyaratan",
        Aspect::Fee => "Biaya",
        Aspect::Duration => "Jangka waktu",
        Aspect::Procedure => "Alur / prosedur",
        Aspect::Product => "Produk layanan",
        Aspect::ComplaintChannel => "Pengaduan, saran dan masukan untuk",
        Aspect::LegalBasis => "Dasar hukum",
        Aspect::Hours => "Jam pelayanan",
        Aspect::Facilities => "Sarana, prasarana dan fasilitas",
        Aspect::Competence => "Kompetensi pelaksana",
        Aspect::InternalSupervision => "Pengawasan internal",
        Aspect::ServiceGuarantee => "Jaminan pelayanan",
        Aspect::SecurityGuarantee => "Jaminan keamanan dan keselamatan",
        Aspect::Staffing => "Jumlah pelaksana",
        Aspect::PerformanceEvaluation => "Evaluasi kinerja pelaksana",
        Aspect::Overview => "Layanan",
    }
}

fn aspect_name(aspect: Aspect) -> &'static str {
    match aspect {
        Aspect::Requirements => "persyaratan",
        Aspect::Fee => "biaya",
        Aspect::Duration => "jangka waktu",
        Aspect::Procedure => "alur/prosedur",
        Aspect::Product => "produk layanan",
        Aspect::ComplaintChannel => "saluran pengaduan",
        Aspect::LegalBasis => "dasar hukum",
        Aspect::Hours => "jam pelayanan",
        Aspect::Facilities => "sarana dan fasilitas",
        Aspect::Competence => "kompetensi pelaksana",
        Aspect::InternalSupervision => "pengawasan internal",
        Aspect::ServiceGuarantee => "jaminan pelayanan",
        Aspect::SecurityGuarantee => "jaminan keamanan dan keselamatan",
        Aspect::Staffing => "jumlah pelaksana",
        Aspect::PerformanceEvaluation => "evaluasi kinerja pelaksana",
        Aspect::Overview => "ringkasan",
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
