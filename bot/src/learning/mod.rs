//! Learning from real traffic (issue 12): what citizens asked that loket could not answer
//! outright, and the deployment's own aliases that teach the engine their words.
//!
//! - [`record_unanswered`]: the Telegram answer path counts every question answered `not_found`
//!   or with a choice list (ties and "maybe one of these") in the database, normalised and
//!   masked ([`question`]), with the services offered; kept 90 days. It runs in its own task:
//!   recording never delays or fails an answer, an error is a logged warning. `loket chat` and
//!   `loket ask` have no database (they answer offline), so they record nothing: the log is
//!   what real citizens asked.
//! - `loket unanswered` lists the most frequent of them (`cli/unanswered.rs`).
//! - [`aliases`]: the administrator's answer, a TSV file mapping "kata warga" to a service id,
//!   indexed with that service's name by `loket serve` (and its hot reindex), `ask` and `chat`.

pub mod aliases;
pub mod question;

use loket_knowledge::answer::{Answer, AnswerStatus};

use crate::storage::{Store, UnansweredOutcome, UnansweredQuestion};

/// What the log keeps of an answer, or `None` when the answer is not one to learn from
/// (answered, small talk, a region) or nothing of the question is left after normalising.
pub fn unanswered_entry(question: &str, answer: &Answer) -> Option<UnansweredQuestion> {
    let outcome = match answer.status {
        AnswerStatus::NotFound => UnansweredOutcome::NotFound,
        AnswerStatus::Ambiguous => UnansweredOutcome::Ambiguous,
        AnswerStatus::Answered | AnswerStatus::Smalltalk | AnswerStatus::Region => return None,
    };
    let question = question::normalise(question);
    (!question.is_empty()).then(|| UnansweredQuestion {
        question,
        outcome,
        offered: answer.candidates.iter().map(|c| c.id.0.clone()).collect(),
    })
}

/// Counts the question when the answer was a refusal or a choice list, in a task of its own so
/// the reply never waits for the database. A failed write (a busy database under load) is tried
/// again twice, a little later each time; a last failure is logged as a warning, never shown.
pub fn record_unanswered(store: &Store, question: &str, answer: &Answer) {
    let Some(entry) = unanswered_entry(question, answer) else {
        return;
    };
    let store = store.clone();
    tokio::spawn(async move {
        for delay_ms in [250, 1_000, 0] {
            match store.record_unanswered(&entry).await {
                Ok(()) => return,
                Err(error) if delay_ms == 0 => {
                    tracing::warn!(error = %format!("{error:#}"), outcome = entry.outcome.as_str(), "cannot count an unanswered question");
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use loket_knowledge::answer::Engine;
    use std::sync::LazyLock;

    static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
        Engine::build(loket_knowledge::parse::parse_dir(&dir).unwrap().documents).unwrap()
    });

    #[test]
    fn refusals_are_logged_masked_without_offers() {
        let answer = ENGINE.answer("resep rendang", None);
        assert_eq!(answer.status, AnswerStatus::NotFound);
        let entry = unanswered_entry("Resep  RENDANG dari 081234567890", &answer).unwrap();
        assert_eq!(entry.question, "resep rendang dari [nomor]");
        assert_eq!(entry.outcome, UnansweredOutcome::NotFound);
        assert!(entry.offered.is_empty());
    }

    #[test]
    fn choice_lists_are_logged_with_what_was_offered() {
        let answer = ENGINE.answer("mau konsultasi", None);
        assert_eq!(answer.status, AnswerStatus::Ambiguous, "{}", answer.text);
        let entry = unanswered_entry("mau konsultasi", &answer).unwrap();
        assert_eq!(entry.outcome, UnansweredOutcome::Ambiguous);
        assert_eq!(
            entry.offered,
            answer.candidates.iter().map(|c| c.id.0.clone()).collect::<Vec<_>>()
        );
        assert!(!entry.offered.is_empty());
    }

    #[test]
    fn answers_and_small_talk_are_not_logged() {
        let answered = ENGINE.answer("syarat bikin surat waris apa aja kak", None);
        assert_eq!(answered.status, AnswerStatus::Answered);
        assert_eq!(
            unanswered_entry("syarat bikin surat waris apa aja kak", &answered),
            None
        );
        let hello = ENGINE.answer("halo", None);
        assert_eq!(hello.status, AnswerStatus::Smalltalk);
        assert_eq!(unanswered_entry("halo", &hello), None);
    }
}
