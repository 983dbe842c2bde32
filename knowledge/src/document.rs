//! The knowledge model: what a parsed service-standard decree looks like.
//!
//! A [`Document`] is one decree file (one agency's *Standar Pelayanan*); it holds the
//! [`ServiceStandard`]s it defines, each with the [`Component`]s the decree gives
//! (requirements, procedure, duration, fee, ...). Every piece keeps the 1-based inclusive
//! [`LineRange`] it came from, so answers can cite the exact lines of the source file.
//! Everything downstream (search, answers, storage, broadcasts) works on these types only.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A 1-based, inclusive range of lines in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRange {
    /// First line (1-based).
    pub start: u32,
    /// Last line (inclusive).
    pub end: u32,
}

impl LineRange {
    /// A range covering a single line.
    pub fn line(n: u32) -> Self {
        Self { start: n, end: n }
    }

    /// Grows the range so that it also covers `line`.
    pub fn extend_to(&mut self, line: u32) {
        self.start = self.start.min(line);
        self.end = self.end.max(line);
    }

    /// The range as `[start, end]`, the shape used in JSON output.
    pub fn as_pair(&self) -> [u32; 2] {
        [self.start, self.end]
    }
}

impl fmt::Display for LineRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// Stable identifier of a service: `<source file stem>:<slug of the normalised title>`.
///
/// It depends only on the file name and the service title, so unrelated edits of a decree
/// (a changed fee, a new requirement) keep it; complaints, subscriptions and broadcasts
/// refer to services by this id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServiceId(pub String);

impl ServiceId {
    /// Builds the id from a source file stem and a service title.
    pub fn new(source_stem: &str, title: &str) -> Self {
        Self(format!("{source_stem}:{}", slug(title)))
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lowercase ASCII slug of a title: alphanumeric words joined by `-`, at most 60 bytes,
/// cut at a word boundary.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_ascii_lowercase();
        if !out.is_empty() && out.len() + 1 + word.len() > 60 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
    }
    if out.is_empty() {
        out.push_str("layanan");
    }
    out
}

/// One parsed decree file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// File name of the source (e.g. `003_5e30365896fb6814.txt`).
    pub source: String,
    /// The issuing agency, e.g. "Kecamatan Beji Kabupaten Pasuruan", when it could be found.
    pub agency: Option<String>,
    /// The decree that sets the standards, when stated.
    pub decree: Option<Decree>,
    /// The services this decree defines, in file order.
    pub services: Vec<ServiceStandard>,
    /// What the parser saw but could not understand, for the administrator to review.
    pub warnings: Vec<ParseWarning>,
}

/// The decree (*Keputusan*) that sets the standards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decree {
    /// Decree number as written, whitespace normalised (e.g. `060/20/424.302/2023`).
    pub number: String,
    /// Year of the decree, when stated.
    pub year: Option<u16>,
    /// Line of the number in the source.
    pub line: u32,
}

/// Something the parser could not place, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseWarning {
    /// Line in the source file.
    pub line: u32,
    /// What was not understood.
    pub message: String,
}

/// One service standard (*Standar Pelayanan* of one service).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceStandard {
    /// Stable id (see [`ServiceId`]).
    pub id: ServiceId,
    /// Service title in readable case, e.g. "Surat Keterangan Ahli Waris".
    pub title: String,
    /// The unit that delivers it (the decree's agency unless the service names its own).
    pub unit: String,
    /// The issuing agency of the decree (same for every service of a document).
    pub agency: String,
    /// The regency or city of the issuing government as the decree names it ("Kabupaten
    /// Pasuruan", "Kota Malang"), from its letterhead or agency name; `None` when not stated.
    #[serde(default)]
    pub regency: Option<String>,
    /// The province as the decree names it ("Provinsi Jawa Timur"); `None` when not stated.
    #[serde(default)]
    pub province: Option<String>,
    /// Source file name.
    pub source: String,
    /// Lines of the whole service in the source.
    pub lines: LineRange,
    /// The components the decree gives, in file order.
    pub components: Vec<Component>,
    /// Normalised duration, when the decree gives a duration component.
    pub duration: Option<Duration>,
    /// Normalised fee, when the decree gives a fee component.
    pub fee: Option<Fee>,
}

impl ServiceStandard {
    /// The first component of the given kind, if the decree gives one.
    pub fn component(&self, kind: ComponentKind) -> Option<&Component> {
        self.components.iter().find(|c| c.kind == kind)
    }
}

/// One component of a service standard (a row of the decree's component table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// What the component is.
    pub kind: ComponentKind,
    /// The label as the decree writes it (e.g. "Biaya / Tarif").
    pub label: String,
    /// Clean text: markup and table debris removed, one list item per line.
    pub text: String,
    /// List items, when the text is a list (empty otherwise).
    pub items: Vec<Item>,
    /// Lines of this component in the source.
    pub lines: LineRange,
}

/// A list item; `level` 0 is top level, 1 is nested under the previous top-level item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Nesting depth (0 or 1).
    pub level: u8,
    /// Item text without its list marker.
    pub text: String,
    /// The decree's own list marker, numbers and letters as the decree counts them ("3.",
    /// "b.", "-" for any bullet); `None` for a paragraph without one, such as a section heading
    /// ("Persyaratan Administrasi :"). Absent in data stored before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
}

/// The kinds of component PermenPANRB 15/2014 defines (plus service hours and `Other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    /// Persyaratan.
    Requirements,
    /// Sistem, mekanisme dan prosedur.
    Procedure,
    /// Jangka waktu pelayanan.
    Duration,
    /// Biaya / tarif.
    Fee,
    /// Produk pelayanan.
    Product,
    /// Penanganan pengaduan, saran dan masukan.
    ComplaintChannel,
    /// Dasar hukum.
    LegalBasis,
    /// Sarana, prasarana dan/atau fasilitas.
    Facilities,
    /// Kompetensi pelaksana.
    Competence,
    /// Pengawasan internal.
    InternalSupervision,
    /// Jumlah pelaksana.
    Staffing,
    /// Jaminan pelayanan.
    ServiceGuarantee,
    /// Jaminan keamanan dan keselamatan pelayanan.
    SecurityGuarantee,
    /// Evaluasi kinerja pelaksana.
    PerformanceEvaluation,
    /// Waktu / jam pelayanan (opening hours).
    Hours,
    /// A labelled row the parser did not recognise (kept, never dropped).
    Other,
}

impl ComponentKind {
    /// Every kind, in the order PermenPANRB 15/2014 lists them.
    pub const ALL: [ComponentKind; 16] = [
        Self::Requirements,
        Self::Procedure,
        Self::Duration,
        Self::Fee,
        Self::Product,
        Self::ComplaintChannel,
        Self::LegalBasis,
        Self::Facilities,
        Self::Competence,
        Self::InternalSupervision,
        Self::Staffing,
        Self::ServiceGuarantee,
        Self::SecurityGuarantee,
        Self::PerformanceEvaluation,
        Self::Hours,
        Self::Other,
    ];

    /// Whether the component is one of the service delivery that citizens ask about
    /// (requirements to legal basis), not of its management.
    pub fn delivers(self) -> bool {
        matches!(
            self,
            Self::Requirements
                | Self::Procedure
                | Self::Duration
                | Self::Fee
                | Self::Product
                | Self::ComplaintChannel
                | Self::LegalBasis
        )
    }

    /// Stable snake_case name (as in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requirements => "requirements",
            Self::Procedure => "procedure",
            Self::Duration => "duration",
            Self::Fee => "fee",
            Self::Product => "product",
            Self::ComplaintChannel => "complaint_channel",
            Self::LegalBasis => "legal_basis",
            Self::Facilities => "facilities",
            Self::Competence => "competence",
            Self::InternalSupervision => "internal_supervision",
            Self::Staffing => "staffing",
            Self::ServiceGuarantee => "service_guarantee",
            Self::SecurityGuarantee => "security_guarantee",
            Self::PerformanceEvaluation => "performance_evaluation",
            Self::Hours => "hours",
            Self::Other => "other",
        }
    }

    /// Indonesian name shown to citizens.
    pub fn label_id(self) -> &'static str {
        match self {
            Self::Requirements => "Persyaratan",
            Self::Procedure => "Alur / prosedur",
            Self::Duration => "Jangka waktu",
            Self::Fee => "Biaya / tarif",
            Self::Product => "Produk layanan",
            Self::ComplaintChannel => "Pengaduan, saran dan masukan",
            Self::LegalBasis => "Dasar hukum",
            Self::Facilities => "Sarana dan prasarana",
            Self::Competence => "Kompetensi pelaksana",
            Self::InternalSupervision => "Pengawasan internal",
            Self::Staffing => "Jumlah pelaksana",
            Self::ServiceGuarantee => "Jaminan pelayanan",
            Self::SecurityGuarantee => "Jaminan keamanan dan keselamatan",
            Self::PerformanceEvaluation => "Evaluasi kinerja pelaksana",
            Self::Hours => "Jam pelayanan",
            Self::Other => "Lainnya",
        }
    }
}

/// A normalised service duration.
///
/// `min_minutes`/`max_minutes` are `None` when the text is not a time span (e.g. "12 kali
/// kegiatan selama 1 Tahun", "Sesuai Juknis"); `raw` always keeps the decree's words.
/// Days count 1,440 minutes, weeks 7 days, months 30 days, years 365 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duration {
    /// Shortest duration in minutes.
    pub min_minutes: Option<u64>,
    /// Longest duration in minutes.
    pub max_minutes: Option<u64>,
    /// Whether the decree counts working days (*hari kerja*).
    pub working_days: bool,
    /// The decree's own words, cleaned.
    pub raw: String,
}

/// A normalised fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    /// Amount in rupiah; `Some(0)` means free; `None` when no amount could be read.
    pub rupiah: Option<u64>,
    /// The decree's own words, cleaned.
    pub raw: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_is_lowercase_words_joined_by_dashes() {
        assert_eq!(slug("Surat Keterangan Ahli Waris"), "surat-keterangan-ahli-waris");
        assert_eq!(
            slug("PEMBAYARAN PBB (PAJAK BUMI dan BANGUNAN)"),
            "pembayaran-pbb-pajak-bumi-dan-bangunan"
        );
        assert_eq!(slug("***"), "layanan");
    }

    #[test]
    fn slug_is_cut_at_a_word_boundary() {
        let long = "Rekomendasi Pencairan DD, ADD, Bagi Hasil Pajak, Retribusi Daerah, Bantuan Khusus Keuangan";
        let s = slug(long);
        assert!(s.len() <= 60, "{s}");
        assert!(!s.ends_with('-'));
        assert_eq!(s, "rekomendasi-pencairan-dd-add-bagi-hasil-pajak-retribusi");
    }

    #[test]
    fn service_id_joins_stem_and_slug() {
        let id = ServiceId::new("003_abc", "Pengantar SKCK");
        assert_eq!(id.as_str(), "003_abc:pengantar-skck");
    }
}
