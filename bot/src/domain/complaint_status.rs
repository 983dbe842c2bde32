//! `ComplaintStatus`: the SP4N-LAPOR!-style lifecycle of a complaint and its allowed transitions.
//!
//! Main path: diterima -> diverifikasi -> diteruskan -> ditindaklanjuti -> selesai -> ditutup.
//! Side exits as in LAPOR!: ditolak (rejected, terminal), ditunda (on hold, may resume) and
//! bukan_wewenang (not this agency's authority; terminal unless re-routed to another handler).
//! The table in [`ComplaintStatus::allowed_next`] is the single source of truth; storage refuses
//! anything else. Whether a reopen (selesai -> ditindaklanjuti) is still inside its window is a
//! question of time and is checked by the caller that knows the deadline.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    Diterima,
    Diverifikasi,
    Ditolak,
    Diteruskan,
    Ditindaklanjuti,
    Selesai,
    Ditutup,
    Ditunda,
    BukanWewenang,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComplaintStatusError {
    #[error("Status '{0}' tidak dikenal. Pilihan: {list}.", list = ComplaintStatus::ALL.map(|s| s.as_str()).join(", "))]
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("Pengaduan sudah berstatus '{}'.", .0.label())]
    Unchanged(ComplaintStatus),
    #[error("Status pengaduan tidak dapat diubah dari '{}' menjadi '{}'.{}", .from.label(), .to.label(), hint(*.from))]
    NotAllowed { from: ComplaintStatus, to: ComplaintStatus },
    #[error("Batas waktu untuk membuka kembali pengaduan yang sudah selesai telah lewat.")]
    ReopenWindowClosed,
}

fn hint(from: ComplaintStatus) -> String {
    let next = from.allowed_next();
    if next.is_empty() {
        " Status ini sudah final.".to_owned()
    } else {
        let list: Vec<&str> = next.iter().map(|s| s.as_str()).collect();
        format!(" Status berikutnya yang diperbolehkan: {}.", list.join(", "))
    }
}

impl ComplaintStatus {
    pub const ALL: [ComplaintStatus; 9] = [
        Self::Diterima,
        Self::Diverifikasi,
        Self::Ditolak,
        Self::Diteruskan,
        Self::Ditindaklanjuti,
        Self::Selesai,
        Self::Ditutup,
        Self::Ditunda,
        Self::BukanWewenang,
    ];

    /// The machine name used in storage, the API and the webhook payload.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Diterima => "diterima",
            Self::Diverifikasi => "diverifikasi",
            Self::Ditolak => "ditolak",
            Self::Diteruskan => "diteruskan",
            Self::Ditindaklanjuti => "ditindaklanjuti",
            Self::Selesai => "selesai",
            Self::Ditutup => "ditutup",
            Self::Ditunda => "ditunda",
            Self::BukanWewenang => "bukan_wewenang",
        }
    }

    /// The label a citizen or officer reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Diterima => "Diterima",
            Self::Diverifikasi => "Diverifikasi",
            Self::Ditolak => "Ditolak",
            Self::Diteruskan => "Diteruskan ke instansi",
            Self::Ditindaklanjuti => "Sedang ditindaklanjuti",
            Self::Selesai => "Selesai",
            Self::Ditutup => "Ditutup",
            Self::Ditunda => "Ditunda",
            Self::BukanWewenang => "Bukan wewenang instansi",
        }
    }

    /// Accepts the machine name in any case, with spaces or dashes instead of underscores.
    pub fn parse(raw: &str) -> Result<Self, ComplaintStatusError> {
        let key: String = raw
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == key)
            .ok_or_else(|| ComplaintStatusError::Unknown(raw.trim().to_owned()))
    }

    /// The allowed-transition table.
    pub fn allowed_next(self) -> &'static [ComplaintStatus] {
        use ComplaintStatus::*;
        match self {
            Diterima => &[Diverifikasi, Ditolak, Ditunda, BukanWewenang],
            Diverifikasi => &[Diteruskan, Ditunda, BukanWewenang],
            Diteruskan => &[Ditindaklanjuti, Selesai, Ditunda, BukanWewenang],
            Ditindaklanjuti => &[Selesai, Ditunda],
            // Reopen by the citizen (within the auto-close window) or automatic close.
            Selesai => &[Ditindaklanjuti, Ditutup],
            // Resume where it makes sense, or leave through a side exit.
            Ditunda => &[Diverifikasi, Diteruskan, Ditindaklanjuti, Ditolak, BukanWewenang],
            // Re-routed to another handler.
            BukanWewenang => &[Diteruskan],
            Ditolak | Ditutup => &[],
        }
    }

    /// No further change is expected (an SLA clock does not run).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Ditolak | Self::Ditutup | Self::BukanWewenang)
    }

    pub fn transition(from: Self, to: Self) -> Result<(), TransitionError> {
        if from == to {
            return Err(TransitionError::Unchanged(from));
        }
        if from.allowed_next().contains(&to) {
            Ok(())
        } else {
            Err(TransitionError::NotAllowed { from, to })
        }
    }

    /// Statuses that must carry a note: the reason (ditolak, ditunda), the handler's answer
    /// (selesai) or which agency to contact instead (bukan_wewenang).
    pub fn requires_note(self) -> bool {
        matches!(
            self,
            Self::Ditolak | Self::Ditunda | Self::Selesai | Self::BukanWewenang
        )
    }

    /// Whether a change from `self` to `to` is a citizen's reopen of a resolved complaint.
    pub fn is_reopen(self, to: Self) -> bool {
        self == Self::Selesai && to == Self::Ditindaklanjuti
    }
}

impl fmt::Display for ComplaintStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ComplaintStatus {
    type Err = ComplaintStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::ComplaintStatus::{self, *};
    use super::TransitionError;

    #[test]
    fn names_round_trip() {
        for status in ComplaintStatus::ALL {
            assert_eq!(ComplaintStatus::parse(status.as_str()), Ok(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
    }

    #[test]
    fn parse_is_forgiving_about_case_and_separators() {
        let cases = [
            ("Diterima", Diterima),
            (" SELESAI ", Selesai),
            ("bukan wewenang", BukanWewenang),
            ("bukan-wewenang", BukanWewenang),
        ];
        for (raw, expected) in cases {
            assert_eq!(ComplaintStatus::parse(raw), Ok(expected), "{raw}");
        }
        assert!(ComplaintStatus::parse("beres").is_err());
        assert!(ComplaintStatus::parse("").is_err());
    }

    #[test]
    fn transition_table() {
        let allowed = [
            (Diterima, Diverifikasi),
            (Diterima, Ditolak),
            (Diterima, Ditunda),
            (Diterima, BukanWewenang),
            (Diverifikasi, Diteruskan),
            (Diteruskan, Ditindaklanjuti),
            (Diteruskan, Selesai),
            (Ditindaklanjuti, Selesai),
            (Selesai, Ditutup),
            (Selesai, Ditindaklanjuti),
            (Ditunda, Diteruskan),
            (Ditunda, Ditindaklanjuti),
            (BukanWewenang, Diteruskan),
        ];
        let refused = [
            (Diterima, Selesai),
            (Diterima, Diteruskan),
            (Diverifikasi, Diterima),
            (Ditindaklanjuti, Diterima),
            (Selesai, Diterima),
            (Ditolak, Diverifikasi),
            (Ditutup, Ditindaklanjuti),
            (BukanWewenang, Selesai),
        ];
        for (from, to) in allowed {
            assert_eq!(ComplaintStatus::transition(from, to), Ok(()), "{from} -> {to}");
        }
        for (from, to) in refused {
            assert_eq!(
                ComplaintStatus::transition(from, to),
                Err(TransitionError::NotAllowed { from, to }),
                "{from} -> {to}"
            );
        }
    }

    #[test]
    fn same_status_is_refused_as_unchanged() {
        for status in ComplaintStatus::ALL {
            assert_eq!(
                ComplaintStatus::transition(status, status),
                Err(TransitionError::Unchanged(status))
            );
        }
    }

    #[test]
    fn notes_are_required_where_the_citizen_needs_an_explanation() {
        let with_note: Vec<_> = ComplaintStatus::ALL.into_iter().filter(|s| s.requires_note()).collect();
        assert_eq!(with_note, vec![Ditolak, Selesai, Ditunda, BukanWewenang]);
    }

    #[test]
    fn terminal_states_have_no_exit_except_rerouting() {
        assert!(Ditolak.allowed_next().is_empty());
        assert!(Ditutup.allowed_next().is_empty());
        assert_eq!(BukanWewenang.allowed_next(), &[Diteruskan]);
    }

    #[test]
    fn every_status_is_reachable_from_diterima() {
        let mut seen = vec![Diterima];
        let mut i = 0;
        while i < seen.len() {
            for &next in seen[i].allowed_next() {
                if !seen.contains(&next) {
                    seen.push(next);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), ComplaintStatus::ALL.len());
    }

    #[test]
    fn error_text_is_indonesian_and_names_the_options() {
        let err = ComplaintStatus::transition(Ditindaklanjuti, Diterima).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Status pengaduan tidak dapat diubah dari 'Sedang ditindaklanjuti' menjadi 'Diterima'. \
             Status berikutnya yang diperbolehkan: selesai, ditunda."
        );
        let err = ComplaintStatus::transition(Ditutup, Selesai).unwrap_err();
        assert!(err.to_string().ends_with("Status ini sudah final."), "{err}");
    }
}
