//! `Context`: the question context a chat keeps between messages, as in `loket chat`.
//!
//! The rules are the console's (`cli/ask.rs`): an answered question makes its service the
//! context for the next one ("kalau biayanya?"); an ambiguous one remembers the offered
//! candidates and the asked aspect, so a reply "2" (or pressing the second button) answers that
//! service for that aspect. Kept serialisable because it lives in the persisted [`State`].
//!
//! [`State`]: super::State

use loket_knowledge::answer::{Answer, AnswerStatus, Engine};
use loket_knowledge::aspect::Aspect;
use loket_knowledge::document::ServiceId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// The service of the last answered question.
    pub last_service: Option<String>,
    /// Candidates of the last ambiguous answer, in the order offered.
    pub choices: Vec<String>,
    /// The aspect asked in the last ambiguous question.
    pub pending_aspect: Option<Aspect>,
}

impl Context {
    pub(crate) fn about(service: Option<String>) -> Self {
        Self {
            last_service: service,
            ..Self::default()
        }
    }

    /// Answers one message exactly as the console does, updating the context.
    pub(crate) fn reply(&mut self, engine: &Engine, message: &str) -> Answer {
        let trimmed = message.trim();
        if let Ok(choice) = trimmed.parse::<usize>()
            && let Some(id) = choice.checked_sub(1).and_then(|i| self.choices.get(i)).cloned()
            && let Some(answer) = engine.answer_for(&ServiceId(id), self.pending_aspect.unwrap_or(Aspect::Overview))
        {
            self.remember(&answer);
            return answer;
        }
        let last = self.last_service.clone().map(ServiceId);
        let answer = engine.answer(trimmed, last.as_ref());
        self.remember(&answer);
        answer
    }

    /// Records an answer given some other way (a button): same rules as a typed question.
    pub(crate) fn remember(&mut self, answer: &Answer) {
        match answer.status {
            AnswerStatus::Answered => {
                self.last_service = answer.service.as_ref().map(|s| s.id.0.clone());
                self.choices.clear();
            }
            AnswerStatus::Ambiguous => {
                self.choices = answer.candidates.iter().map(|c| c.id.0.clone()).collect();
                self.pending_aspect = answer.aspect;
            }
            _ => {}
        }
    }
}
