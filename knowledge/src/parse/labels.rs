//! Recognises component labels ("Persyaratan", "Biaya / Tarif", "Sistem, Mekanisme dan
//! Prosedur", "Jangka Waktu Pelayanan", ...) and the other kinds of short cell text a
//! decree table holds: service-name rows ("Jenis Pelayanan"), table headers ("NO KOMPONEN
//! URAIAN") and section markers ("PENYAMPAIAN LAYANAN").
//!
//! The vocabulary is the one PermenPANRB 15/2014 prescribes for every *Standar Pelayanan*,
//! with the administrative synonyms agencies rename components with ("Kelengkapan Berkas",
//! "Saluran Aduan", "Hasil Layanan", "Landasan Hukum"), so it holds for any agency's decree;
//! matching is on words, in a fixed order from the most specific ("Kompetensi Pelaksana"
//! before "Pelaksana").

use crate::document::ComponentKind;

/// Lowercase words of a label, letters and digits only.
pub(crate) fn label_words(label: &str) -> Vec<String> {
    label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether a label has `word`, allowing one typo in words of six letters or more
/// ("Pangaduan", "Persyartan").
fn has(words: &[String], word: &str) -> bool {
    words
        .iter()
        .any(|w| w == word || (word.len() >= 6 && within_one_edit(w, word)))
}

/// Levenshtein distance at most 1, on bytes (labels are ASCII in practice).
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    a.len().max(b.len()) - prefix - suffix <= 1 && a.len().min(b.len()) >= prefix + suffix
}

fn has_prefix(words: &[String], prefix: &str) -> bool {
    words.iter().any(|w| w.starts_with(prefix))
}

/// Classifies a label; `None` when it is not a component label. Labels longer than
/// eight words are sentences, not labels.
pub(crate) fn classify(label: &str) -> Option<ComponentKind> {
    let words = label_words(label);
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    use ComponentKind::*;
    let kind = if has_prefix(&words, "evaluasi") {
        PerformanceEvaluation
    } else if has(&words, "kompetensi") {
        Competence
    } else if has(&words, "pengawasan") {
        InternalSupervision
    } else if has(&words, "jumlah") && (has_prefix(&words, "pelaksana") || has_prefix(&words, "petugas")) {
        Staffing
    } else if has(&words, "keamanan") || has(&words, "keselamatan") {
        SecurityGuarantee
    } else if has(&words, "jaminan") {
        ServiceGuarantee
    } else if has(&words, "pengaduan")
        || has(&words, "aduan")
        || has(&words, "saran")
        || has(&words, "masukan")
        || has(&words, "keluhan")
    {
        ComplaintChannel
    } else if has(&words, "hukum") && (has(&words, "dasar") || has(&words, "landasan") || has(&words, "acuan"))
        || has(&words, "regulasi")
    {
        LegalBasis
    } else if has(&words, "sarana") || has(&words, "prasarana") || has(&words, "prasana") || has(&words, "fasilitas") {
        Facilities
    } else if has_prefix(&words, "persyaratan")
        || has(&words, "persyaratan")
        || has(&words, "syarat")
        || has(&words, "kelengkapan")
            && (has(&words, "berkas") || has(&words, "dokumen") || has(&words, "administrasi"))
    {
        Requirements
    } else if has(&words, "prosedur")
        || has(&words, "mekanisme")
        || has(&words, "alur")
        || (has(&words, "tata") && has(&words, "cara"))
    {
        Procedure
    } else if has(&words, "biaya") || has(&words, "tarif") || has(&words, "tarip") || has(&words, "retribusi") {
        Fee
    } else if has(&words, "produk")
        || has(&words, "keluaran")
        || (has(&words, "hasil") && has_prefix(&words, "layanan")
            || has(&words, "hasil") && has_prefix(&words, "pelayanan"))
        || words.len() == 1 && words[0] == "hasil"
    {
        Product
    } else if has(&words, "jam") || (has(&words, "hari") && has(&words, "buka")) || has(&words, "operasional") {
        Hours
    } else if has(&words, "jangka") || has(&words, "waktu") || has(&words, "lama") || has(&words, "durasi") {
        Duration
    } else if words.len() == 1 && matches!(words[0].as_str(), "pelaksana" | "petugas") {
        Staffing
    } else if words.len() == 1 && words[0] == "dasar" {
        // "Dasar: Perbup No. 27 Tahun 2022" on a poster.
        LegalBasis
    } else {
        return None;
    };
    Some(kind)
}

/// Interrogatives, modals and the relative pronoun: what makes a short text a question.
const ASKING_WORDS: &[&str] = &[
    "berapa",
    "brp",
    "apa",
    "apakah",
    "bagaimana",
    "gimana",
    "gmn",
    "mana",
    "kemana",
    "kapan",
    "siapa",
    "perlu",
    "harus",
    "wajib",
    "mau",
    "bisa",
    "yang",
    "yg",
];
/// Words a label phrased as a citizen's question may have.
const MAX_QUESTION_LABEL_WORDS: usize = 4;

/// The kind of a label phrased as the question a citizen asks of it ("Bayar Berapa?",
/// "Berapa Lama?", "Yang Perlu Disiapkan", "Caranya gimana?", "Mau Komplain?"): posters and
/// FAQ pages head components that way. The aspect is read as a question's aspect is (the cue
/// words of `aspects.tsv` and the interrogative frames), so it covers every way Indonesian
/// asks for a component, not a list of labels. Short texts only; `None` for an overview.
pub(crate) fn classify_question(label: &str) -> Option<ComponentKind> {
    let words = label_words(label);
    if words.len() > MAX_QUESTION_LABEL_WORDS {
        return None;
    }
    // Asked: a question mark, an interrogative, a modal or a relative clause ("Yang Perlu
    // Disiapkan"); "Hari ini : 213" is a line of figures, not a question.
    if !label.trim_end().ends_with('?') && !words.iter().any(|w| ASKING_WORDS.contains(&w.as_str())) {
        return None;
    }
    let mut tokens = crate::analysis::analyze(label);
    if let Some(cue) = crate::analysis::frames::cue(label) {
        tokens.push(cue.to_owned());
    }
    crate::aspect::detect(&tokens)?.component()
}

/// Words component labels are made of (PermenPANRB 15/2014 and the variants decrees use).
const LABEL_VOCABULARY: &[&str] = &[
    "persyaratan",
    "syarat",
    "pelayanan",
    "layanan",
    "sistem",
    "mekanisme",
    "prosedur",
    "alur",
    "tata",
    "cara",
    "jangka",
    "waktu",
    "penyelesaian",
    "lama",
    "durasi",
    "biaya",
    "tarif",
    "retribusi",
    "produk",
    "hasil",
    "penanganan",
    "pengaduan",
    "saran",
    "masukan",
    "keluhan",
    "aduan",
    "saluran",
    "apresiasi",
    "dasar",
    "landasan",
    "acuan",
    "regulasi",
    "hukum",
    "sarana",
    "prasarana",
    "prasana",
    "fasilitas",
    "kompetensi",
    "pelaksana",
    "petugas",
    "kelengkapan",
    "keluaran",
    "pengawasan",
    "internal",
    "jumlah",
    "jaminan",
    "keamanan",
    "keselamatan",
    "evaluasi",
    "kinerja",
    "jam",
    "hari",
    "buka",
    "operasional",
    "standar",
    "komponen",
    "teknis",
    "administrasi",
    "dan",
    "atau",
    "serta",
    "dengan",
    "yang",
    "pada",
    "per",
    "penyampaian",
    "pengelolaan",
    "informasi",
];

/// Whether most words of a text are label words: "Persyaratan Pelayanan" is a label, "Pemohon
/// menyerahkan persyaratan ke front" is a procedure step that merely names requirements. A
/// leading number is the label's numbering; figures anywhere else are a value's.
pub(crate) fn reads_as_label(label: &str) -> bool {
    let words = label_words(label);
    let words = match words.split_first() {
        Some((first, rest)) if first.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => &words[..],
    };
    let known = words.iter().filter(|w| is_label_word(w)).count();
    !words.is_empty() && known * 2 >= words.len()
}

/// Whether a lowercase word is one component labels are made of, allowing a clerk's letter
/// too many or too few in long words ("Persyaratn", "Penyelesian", "Persayaratan"). Not
/// another letter in its place: "pengadaan" (procurement) is no "pengaduan".
pub(crate) fn is_label_word(word: &str) -> bool {
    LABEL_VOCABULARY.contains(&word)
        || word.len() >= 7
            && LABEL_VOCABULARY
                .iter()
                .any(|v| v.len() >= 7 && v.len().abs_diff(word.len()) == 1 && within_one_edit(word, v))
}

/// Whether a label names the service itself ("Pelayanan", "Jenis Pelayanan", "Nama Layanan").
/// So does one numbered as the decree numbers its services ("LAYANAN 1 : ...", "Jenis
/// Pelayanan No. 3").
pub(crate) fn is_service_name_label(label: &str) -> bool {
    let words = label_words(label);
    let numbered = words.last().is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()));
    let rest: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !matches!(*w, "jenis" | "nama" | "judul"))
        .filter(|w| !numbered || !(matches!(*w, "no" | "nomor") || w.chars().all(|c| c.is_ascii_digit())))
        .collect();
    !words.is_empty()
        && words.len() <= 3 + 2 * usize::from(numbered)
        && rest.len() == 1
        && matches!(rest[0], "pelayanan" | "layanan")
}

/// Whether a row is the table header ("NO | KOMPONEN | URAIAN"): every cell is a header
/// word and one of them names the component or description column.
pub(crate) fn is_header_row(cells: &[&str]) -> bool {
    // Word by word, stopping at the first that rules the row out (most rows are not headers).
    let (mut count, mut names_column) = (0, false);
    for word in cells
        .iter()
        .flat_map(|c| c.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        count += 1;
        if count > 8
            || !matches!(
                word.as_str(),
                "no" | "nomor"
                    | "komponen"
                    | "uraian"
                    | "keterangan"
                    | "unsur"
                    | "standar"
                    | "pelayanan"
                    | "rincian"
                    | "isi"
            )
        {
            return false;
        }
        names_column |= matches!(word.as_str(), "komponen" | "uraian" | "unsur" | "rincian");
    }
    count > 0 && names_column
}

/// Whether a line is one of the two section markers PermenPANRB 15/2014 splits the component
/// table into (service delivery / service management), in any of their wordings.
pub(crate) fn is_section_marker(text: &str) -> bool {
    let mut words = label_words(text);
    // Numbered like any outline item: "I. PENYAMPAIAN PELAYANAN", "B. Pengelolaan Pelayanan".
    if words.len() > 1
        && (words[0].len() == 1
            || words[0]
                .chars()
                .all(|c| matches!(c, 'i' | 'v' | 'x') || c.is_ascii_digit()))
    {
        words.remove(0);
    }
    if words.is_empty() || words.len() > 14 {
        return false;
    }
    let joined = words.join(" ");
    let part = joined.strip_prefix("komponen ").unwrap_or(&joined);
    // The two halves of a standard, one or both ("Pengelolaan dan Penyampaian Pelayanan").
    let halves = {
        let words: Vec<&str> = part.split(' ').collect();
        words.len() >= 2
            && matches!(words.last(), Some(&("pelayanan" | "layanan")))
            && words[..words.len() - 1]
                .iter()
                .all(|w| matches!(*w, "penyampaian" | "pengelolaan" | "dan"))
            && words.iter().any(|w| matches!(*w, "penyampaian" | "pengelolaan"))
    };
    halves
        || joined.starts_with("komponen standar pelayanan")
        || joined.starts_with("terkait dengan proses")
        || joined.contains("service delivery")
        || joined.contains("manufacturing")
}

/// Whether a label fragment continues the previous one ("Penanganan Pengaduan, Saran dan
/// Masukan /" + "Apresiasi"; "Sarana dan Prasarana" + "dan/atau Fasilitas").
pub(crate) fn continues_label(previous: &str, next: &str) -> bool {
    let prev = previous.trim_end();
    let ends_open = prev.ends_with(['/', ',', '&', '-'])
        || label_words(prev)
            .last()
            .is_some_and(|w| matches!(w.as_str(), "dan" | "atau" | "serta" | "dengan"));
    let next_words = label_words(next);
    let starts_joined = next.trim_start().starts_with(['/', '&', ','])
        || next_words
            .first()
            .is_some_and(|w| matches!(w.as_str(), "dan" | "atau" | "serta"));
    ends_open || starts_joined
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_label_with_a_letter_too_many_or_too_few_reads_as_one() {
        assert!(reads_as_label("Persyaratn"));
        assert!(reads_as_label("Jangka Waktu Penyelesian"));
        assert!(reads_as_label("Persayaratan"));
        // Another word, one letter away: procurement is no complaint.
        assert!(!is_label_word("pengadaan"));
    }

    use super::*;
    use ComponentKind::*;

    macro_rules! label_cases {
        ($($name:ident: $label:expr => $kind:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(classify($label), $kind, "{}", $label);
            }
        )*};
    }

    label_cases! {
        persyaratan: "Persyaratan" => Some(Requirements);
        persyaratan_pelayanan: "Persyaratan Pelayanan" => Some(Requirements);
        sistem_mekanisme: "Sistem, Mekanisme dan Prosedur" => Some(Procedure);
        sistem_mekanisme_no_commas: "Sistem Mekanisme Prosedur" => Some(Procedure);
        prosedur: "Prosedur" => Some(Procedure);
        alur: "Alur Pelayanan" => Some(Procedure);
        jangka_waktu: "Jangka Waktu Pelayanan" => Some(Duration);
        waktu_pelayanan: "Waktu Pelayanan" => Some(Duration);
        waktu_penyelesaian: "Waktu Penyelesaian" => Some(Duration);
        jam_pelayanan: "Jam Pelayanan" => Some(Hours);
        jam_operasional: "Waktu / Jam Operasional" => Some(Hours);
        biaya_tarif: "Biaya / Tarif" => Some(Fee);
        biaya_tarif_glued: "Biaya/tarif" => Some(Fee);
        produk: "Produk Pelayanan" => Some(Product);
        pengaduan: "Penanganan Pengaduan, Saran dan Masukan / Apresiasi" => Some(ComplaintChannel);
        pengaduan_amp: "Penanganan Pengaduan, Saran & Masukan" => Some(ComplaintChannel);
        dasar_hukum: "Dasar Hukum" => Some(LegalBasis);
        sarana: "Sarana dan Prasarana dan/atau Fasilitas" => Some(Facilities);
        sarana_typo: "Sarana Prasana dan Fasilitas" => Some(Facilities);
        kompetensi: "Kompetensi Pelaksana" => Some(Competence);
        pengawasan: "Pengawasan Internal" => Some(InternalSupervision);
        jumlah: "Jumlah Pelaksana" => Some(Staffing);
        jaminan: "Jaminan Pelayanan" => Some(ServiceGuarantee);
        jaminan_keamanan: "Jaminan Keamanan dan Keselamatan Pelayanan" => Some(SecurityGuarantee);
        jaminan_keamanan_amp: "Jaminan Keamanan & Keselamatan Pelayanan" => Some(SecurityGuarantee);
        evaluasi: "Evaluasi Kinerja Pelaksana" => Some(PerformanceEvaluation);
        not_a_label: "Pengguna layanan datang langsung" => None;
        typo_in_label: "Penanganan Pangaduan, Saran dan Masukan" => Some(ComplaintChannel);
        typed_by_a_clerk: "Persyaratn" => Some(Requirements);
        tariff_with_p: "Tarip" => Some(Fee);
        result_alone: "Hasil" => Some(Product);
        staff_count: "Jumlah petugas" => Some(Staffing);
        maklumat_is_not_a_component: "MAKLUMAT PELAYANAN" => None;
        sentence: "Apabila pelayanan tidak sesuai dengan standar pelayanan yang telah ditetapkan maka siap" => None;
    }

    #[test]
    fn service_name_labels() {
        assert!(is_service_name_label("Pelayanan"));
        assert!(is_service_name_label("Jenis Pelayanan"));
        assert!(is_service_name_label("Nama Layanan"));
        assert!(!is_service_name_label("Jaminan Pelayanan"));
        assert!(!is_service_name_label("Produk Pelayanan"));
    }

    #[test]
    fn headers_and_markers() {
        assert!(is_header_row(&["NO", "KOMPONEN", "URAIAN"]));
        assert!(is_header_row(&["No.", "KOMPONEN", "URAIAN"]));
        assert!(!is_header_row(&["NO"]));
        assert!(!is_header_row(&["1.", "Persyaratan", "KTP"]));
        assert!(is_section_marker("PENYAMPAIAN LAYANAN"));
        assert!(is_section_marker("I.  PENYAMPAIAN PELAYANAN"));
        assert!(is_section_marker("II. PENGELOLAAN PELAYANAN"));
        assert!(is_section_marker("I.  KOMPONEN PENYAMPAIAN PELAYANAN"));
        assert!(is_section_marker(
            "Terkait dengan proses penyampaian pelayanan (Delivery Service)"
        ));
        // Both halves of a standard under one marker, as a web page groups them.
        assert!(is_section_marker("*A. Komponen Pengelolaan dan Penyampaian Pelayanan*"));
        assert!(!is_section_marker("Persyaratan"));
        assert!(!is_section_marker("Pengelolaan Pengaduan Pelayanan"));
        assert!(!is_section_marker("Pelayanan"));
    }

    #[test]
    fn label_continuations() {
        assert!(continues_label(
            "Penanganan Pengaduan, Saran dan Masukan /",
            "Apresiasi"
        ));
        assert!(continues_label("Jaminan Keamanan dan", "Keselamatan Pelayanan"));
        assert!(continues_label("Sarana dan Prasarana", "dan/atau Fasilitas"));
        assert!(!continues_label("Biaya / Tarif", "Produk Pelayanan"));
    }
}
