//! `ComplaintStatus`: the SP4N-LAPOR!-style lifecycle of a complaint and its allowed transitions.
//!
//! Main path: diterima -> diverifikasi -> diteruskan -> ditindaklanjuti -> selesai -> ditutup.
//! Side exits as in LAPOR!: ditolak (rejected, terminal), ditunda (on hold, may resume) and
//! bukan_wewenang (not this agency's authority; terminal unless re-routed to another handler).
//! The table in [`ComplaintStatus::allowed_next`] is the single source of truth; storage refuses
//! anything else. Whether a reopen (selesai -> ditindaklanjuti) is still inside its window is a
//! question of time and is checked by the caller that knows the deadline.
//!
//! Who may take a transition of the table depends on the actor's [`ActorRole`]
//! ([`ComplaintStatus::permits`], applied by [`ComplaintStatus::transition_by`], which storage
//! calls for every change): the citizen only reopens a resolved complaint; the handler takes
//! every other step but neither leaves `selesai` (the reopen is the citizen's, and closing early
//! would take away the citizen's reopen window); the system verifies at intake and closes a
//! resolved complaint when the window has passed; the administrator may take any step.

use std::fmt;

use super::ActorRole;

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
    #[error("Perubahan status dari '{}' menjadi '{}' tidak dapat dilakukan oleh {}. {}", .from.label(), .to.label(), .role.label(), not_permitted_reason(*.from, *.to, *.role))]
    NotPermitted {
        from: ComplaintStatus,
        to: ComplaintStatus,
        role: ActorRole,
    },
    #[error("Batas waktu untuk membuka kembali pengaduan yang sudah selesai telah lewat.")]
    ReopenWindowClosed,
}

/// Why `role` may not take `from -> to`, and what it may do instead.
fn not_permitted_reason(from: ComplaintStatus, to: ComplaintStatus, role: ActorRole) -> String {
    use ComplaintStatus::*;
    let why = match (from, to) {
        (Selesai, Ditutup) => {
            "Pengaduan yang sudah selesai ditutup otomatis oleh sistem setelah batas waktu bagi pelapor \
             untuk membukanya kembali lewat."
        }
        (Selesai, Ditindaklanjuti) => "Hanya pelapor yang dapat membuka kembali pengaduan yang sudah selesai.",
        _ if role == ActorRole::Citizen => "Pelapor hanya dapat membuka kembali pengaduan yang sudah selesai.",
        _ => "Perubahan ini tidak termasuk wewenang tersebut.",
    };
    let next: Vec<&str> = from
        .allowed_next()
        .iter()
        .filter(|to| ComplaintStatus::permits(role, from, **to))
        .map(|s| s.as_str())
        .collect();
    if next.is_empty() {
        why.to_owned()
    } else {
        format!("{why} Yang dapat dilakukan: {}.", next.join(", "))
    }
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

    /// Whether `role` may take the transition `from -> to` of the table (the table itself is
    /// checked by [`transition`](Self::transition)); see the module docs.
    pub fn permits(role: ActorRole, from: Self, to: Self) -> bool {
        use ComplaintStatus::*;
        match role {
            ActorRole::Administrator => true,
            ActorRole::Citizen => from.is_reopen(to),
            ActorRole::Handler => from != Selesai,
            ActorRole::System => matches!((from, to), (Diterima, Diverifikasi) | (Selesai, Ditutup)),
        }
    }

    /// [`transition`](Self::transition), then whether `role` may take it.
    pub fn transition_by(from: Self, to: Self, role: ActorRole) -> Result<(), TransitionError> {
        Self::transition(from, to)?;
        if Self::permits(role, from, to) {
            Ok(())
        } else {
            Err(TransitionError::NotPermitted { from, to, role })
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
    use crate::domain::ActorRole;

    /// Every transition of the table, with the roles that may take it. One row per transition,
    /// so a new transition cannot be added without deciding who may take it.
    fn permission_table() -> Vec<(ComplaintStatus, ComplaintStatus, &'static [ActorRole])> {
        use ActorRole::*;
        const STAFF: &[ActorRole] = &[Handler, Administrator];
        vec![
            (Diterima, Diverifikasi, &[Handler, System, Administrator]),
            (Diterima, Ditolak, STAFF),
            (Diterima, Ditunda, STAFF),
            (Diterima, BukanWewenang, STAFF),
            (Diverifikasi, Diteruskan, STAFF),
            (Diverifikasi, Ditunda, STAFF),
            (Diverifikasi, BukanWewenang, STAFF),
            (Diteruskan, Ditindaklanjuti, STAFF),
            (Diteruskan, Selesai, STAFF),
            (Diteruskan, Ditunda, STAFF),
            (Diteruskan, BukanWewenang, STAFF),
            (Ditindaklanjuti, Selesai, STAFF),
            (Ditindaklanjuti, Ditunda, STAFF),
            // The citizen's reopen, and the close after the reopen window.
            (Selesai, Ditindaklanjuti, &[Citizen, Administrator]),
            (Selesai, Ditutup, &[System, Administrator]),
            (Ditunda, Diverifikasi, STAFF),
            (Ditunda, Diteruskan, STAFF),
            (Ditunda, Ditindaklanjuti, STAFF),
            (Ditunda, Ditolak, STAFF),
            (Ditunda, BukanWewenang, STAFF),
            (BukanWewenang, Diteruskan, STAFF),
        ]
    }

    #[test]
    fn each_actor_takes_exactly_its_transitions() {
        let table = permission_table();
        let listed: usize = ComplaintStatus::ALL.iter().map(|s| s.allowed_next().len()).sum();
        assert_eq!(table.len(), listed, "every transition of the table has a row");
        for (from, to, roles) in table {
            for role in ActorRole::ALL {
                let expected = if roles.contains(&role) {
                    Ok(())
                } else {
                    Err(TransitionError::NotPermitted { from, to, role })
                };
                assert_eq!(
                    ComplaintStatus::transition_by(from, to, role),
                    expected,
                    "{role:?}: {from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn the_table_is_checked_before_the_actor() {
        for role in ActorRole::ALL {
            assert_eq!(
                ComplaintStatus::transition_by(Diterima, Selesai, role),
                Err(TransitionError::NotAllowed {
                    from: Diterima,
                    to: Selesai
                })
            );
            assert_eq!(
                ComplaintStatus::transition_by(Selesai, Selesai, role),
                Err(TransitionError::Unchanged(Selesai))
            );
        }
    }

    /// Regression: a handler closed a resolved complaint at once, taking away the citizen's
    /// reopen window, and could perform the citizen's reopen.
    #[test]
    fn a_handler_neither_closes_early_nor_reopens() {
        let close = ComplaintStatus::transition_by(Selesai, Ditutup, ActorRole::Handler).unwrap_err();
        assert_eq!(
            close.to_string(),
            "Perubahan status dari 'Selesai' menjadi 'Ditutup' tidak dapat dilakukan oleh instansi penangan. \
             Pengaduan yang sudah selesai ditutup otomatis oleh sistem setelah batas waktu bagi pelapor untuk \
             membukanya kembali lewat."
        );
        let reopen = ComplaintStatus::transition_by(Selesai, Ditindaklanjuti, ActorRole::Handler).unwrap_err();
        assert!(
            reopen.to_string().contains("Hanya pelapor yang dapat membuka kembali"),
            "{reopen}"
        );
        let citizen = ComplaintStatus::transition_by(Diterima, Diverifikasi, ActorRole::Citizen).unwrap_err();
        assert!(
            citizen
                .to_string()
                .ends_with("Pelapor hanya dapat membuka kembali pengaduan yang sudah selesai.")
        );
        let system = ComplaintStatus::transition_by(Diteruskan, Selesai, ActorRole::System).unwrap_err();
        assert!(
            system.to_string().ends_with("tidak termasuk wewenang tersebut."),
            "{system}"
        );
        // Where the role has other steps, the message names them.
        let early = ComplaintStatus::transition_by(Diterima, Diverifikasi, ActorRole::Citizen).unwrap_err();
        assert!(!early.to_string().contains("Yang dapat dilakukan"), "{early}");
        let system = ComplaintStatus::transition_by(Diterima, Ditolak, ActorRole::System).unwrap_err();
        assert!(
            system.to_string().ends_with("Yang dapat dilakukan: diverifikasi."),
            "{system}"
        );
    }

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
