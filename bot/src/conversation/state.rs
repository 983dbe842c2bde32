//! `State`: where each citizen is in their dialogue, on any channel, persisted as JSON in the
//! `dialogues` table (keyed by the citizen's chat id).
//!
//! One variant per step. `Idle` carries the question context (the last service discussed and
//! the choices just offered), so follow-up questions work across restarts; the complaint steps
//! carry the [`Draft`] collected so far (a pause to ask whether to leave the complaint keeps the
//! step it paused, with its draft, inside `ComplaintLeave`). The JSON is a persisted schema: renaming a variant or a
//! field makes old rows unreadable, and the stores then reset that chat to the default state
//! (logged) instead of failing every update.

use serde::{Deserialize, Serialize};

/// The question context a citizen keeps between messages: the answer engine's own
/// [`Dialogue`](loket_knowledge::dialogue::Dialogue) (last service, last choices, region), so every
/// channel, `loket chat` and `loket ask --conversation` follow up in exactly the same way. Every
/// field is defaulted, so states stored before a field existed load.
pub use loket_knowledge::dialogue::Dialogue as Context;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum State {
    /// No dialogue running: free text is a question.
    Idle { context: Context },
    /// `/lapor`: choose a category or the related service.
    ComplaintTopic { draft: Draft },
    /// Waiting for the description (isi/kronologi).
    ComplaintDescription { draft: Draft },
    /// Waiting for the place (lokasi).
    ComplaintPlace { draft: Draft },
    /// Waiting for the incident date, or "Lewati".
    ComplaintDate { draft: Draft },
    /// Collecting photos and documents until "Selesai".
    ComplaintAttachments { draft: Draft },
    /// Anonymous or not.
    ComplaintAnonymous { draft: Draft },
    /// Confidential (the default) or published without the citizen's identity.
    ComplaintPublic { draft: Draft },
    /// Summary shown; waiting for "Kirim" or "Batal".
    ComplaintConfirm { draft: Draft },
    /// The description step got a message that reads like a question about a service:
    /// waiting for [Jawab pertanyaan] or [Ini isi laporan saya]. `message` is kept as typed.
    ComplaintQuestion { draft: Draft, message: String },
    /// The description is written and an open complaint about the same problem was shown:
    /// waiting for [Dukung laporan ini] or [Tetap kirim laporan baru].
    ComplaintDuplicate { draft: Draft, ticket: String },
    /// A command (or a button) that would start something else arrived mid-complaint:
    /// waiting for [Lanjutkan laporan] (back to `resume`, the step it came from) or
    /// [Tinggalkan] (drop the draft, then do `detour`).
    ComplaintLeave { resume: Box<State>, detour: Detour },
    /// A resolved complaint was just rated: the next typed message (before `until`, unix
    /// seconds) is the rating's optional comment, [Lewati] declines. Anything else, or a message
    /// after `until`, is handled as in `Idle` with `context` (no dialogue to cancel).
    RatingComment {
        ticket: String,
        context: Context,
        until: i64,
    },
}

/// What a citizen asked for in the middle of a complaint, kept as they sent it (a typed
/// command, or a choice id) until they decide whether to leave the draft for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "sent", rename_all = "snake_case")]
pub enum Detour {
    Command(String),
    Choice(String),
}

impl Default for State {
    fn default() -> Self {
        Self::Idle {
            context: Context::default(),
        }
    }
}

impl State {
    /// Whether a complaint dialogue is running (what `/batal` cancels).
    pub(crate) fn in_dialogue(&self) -> bool {
        !matches!(self, Self::Idle { .. } | Self::RatingComment { .. })
    }

    /// The question context to keep when a dialogue ends.
    pub(crate) fn context(&self) -> Context {
        match self.draft() {
            None => match self {
                Self::Idle { context } | Self::RatingComment { context, .. } => context.clone(),
                _ => Context::default(),
            },
            Some(draft) => Context::about(draft.offered_service.clone()),
        }
    }

    /// The complaint draft of a complaint step.
    pub(crate) fn draft(&self) -> Option<&Draft> {
        match self {
            Self::Idle { .. } | Self::RatingComment { .. } => None,
            Self::ComplaintTopic { draft }
            | Self::ComplaintDescription { draft }
            | Self::ComplaintPlace { draft }
            | Self::ComplaintDate { draft }
            | Self::ComplaintAttachments { draft }
            | Self::ComplaintAnonymous { draft }
            | Self::ComplaintPublic { draft }
            | Self::ComplaintConfirm { draft }
            | Self::ComplaintQuestion { draft, .. }
            | Self::ComplaintDuplicate { draft, .. } => Some(draft),
            Self::ComplaintLeave { resume, .. } => resume.draft(),
        }
    }
}

/// The complaint as collected so far; validated field by field with the domain types as it is
/// typed, and once more as a whole on submit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The service of the last question, offered as the complaint's subject.
    pub offered_service: Option<String>,
    /// The related service, when the citizen chose it.
    pub service_id: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub place: Option<String>,
    /// Latitude and longitude of a location the citizen shared at the place step, as decimal
    /// text (the draft stays `Eq` and round-trips exactly).
    #[serde(default)]
    pub coordinates: Option<(String, String)>,
    /// As typed (validated), e.g. `17-08-2025`.
    pub incident_date: Option<String>,
    /// Attachment ids as the channel names them (Telegram file ids, `wa:<media id>` on WhatsApp).
    pub attachments: Vec<String>,
    pub anonymous: bool,
    /// The citizen agreed to publish the complaint (without identity); confidential otherwise.
    /// Drafts saved before this question existed read as `false`.
    #[serde(default)]
    pub public: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_json() {
        let draft = Draft {
            category: Some("kebersihan".into()),
            attachments: vec!["AgAC".into()],
            ..Draft::default()
        };
        for state in [
            State::default(),
            State::ComplaintAttachments { draft: draft.clone() },
            State::ComplaintQuestion {
                draft: draft.clone(),
                message: "syarat sktm apa ya".into(),
            },
            State::ComplaintDuplicate {
                draft: draft.clone(),
                ticket: "LKT-ABCD-EFGH".into(),
            },
            State::ComplaintLeave {
                resume: Box::new(State::ComplaintDescription { draft: draft.clone() }),
                detour: Detour::Command("/layanan".into()),
            },
            State::ComplaintConfirm { draft },
            State::RatingComment {
                ticket: "LKT-ABCD-EFGH".into(),
                context: Context::default(),
                until: 1_755_700_000,
            },
        ] {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(serde_json::from_str::<State>(&json).unwrap(), state, "{json}");
        }
    }

    #[test]
    fn drafts_saved_before_the_publish_question_stay_confidential() {
        let old = r#"{"step":"complaint_confirm","draft":{"offered_service":null,"service_id":null,
            "category":"Lainnya","description":"x","place":"y","incident_date":null,"attachments":[],
            "anonymous":false}}"#;
        let State::ComplaintConfirm { draft } = serde_json::from_str::<State>(old).unwrap() else {
            panic!("not the confirm step");
        };
        assert!(!draft.public);
    }

    #[test]
    fn default_is_idle_without_context() {
        assert!(!State::default().in_dialogue());
        assert_eq!(State::default().context(), Context::default());
    }
}
