//! `loket ask` and `loket chat`: the answer engine from the command line.
//!
//! `ask` answers one question (or, with `--json` and no question, one per stdin line,
//! building the index once). `chat` is a local console that talks exactly like the
//! Telegram bot: same engine, same text, the previous answer's service kept as context,
//! and a numbered reply picks one of the offered services.

use loket_knowledge::answer::{Answer, AnswerStatus, Engine};
use loket_knowledge::aspect::Aspect;
use loket_knowledge::document::ServiceId;
use std::io::{BufRead, Write};

/// The answer as a citizen sees it: the text, then the citation line.
pub(crate) fn render(answer: &Answer) -> String {
    match &answer.citation {
        Some(citation) => format!("{}\n\n{}", answer.text, citation.text),
        None => answer.text.clone(),
    }
}

pub(crate) fn run_ask(engine: &Engine, question: Option<String>, as_json: bool) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match question {
        Some(question) => {
            let answer = engine.answer(&question, None);
            if as_json {
                writeln!(out, "{}", serde_json::to_string(&answer)?)?;
            } else {
                writeln!(out, "{}", render(&answer))?;
            }
        }
        None => {
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                let answer = engine.answer(line.trim(), None);
                if as_json {
                    writeln!(out, "{}", serde_json::to_string(&answer)?)?;
                } else {
                    writeln!(out, "{}\n", render(&answer))?;
                }
            }
        }
    }
    Ok(())
}

/// One conversation: the context a chat keeps between messages.
#[derive(Debug, Default)]
pub(crate) struct Conversation {
    last_service: Option<ServiceId>,
    choices: Vec<ServiceId>,
    pending_aspect: Option<Aspect>,
}

impl Conversation {
    /// Answers one message, updating the context.
    pub(crate) fn reply(&mut self, engine: &Engine, message: &str) -> Answer {
        let trimmed = message.trim();
        if let Ok(choice) = trimmed.parse::<usize>()
            && let Some(id) = choice.checked_sub(1).and_then(|i| self.choices.get(i)).cloned()
            && let Some(answer) = engine.answer_for(&id, self.pending_aspect.unwrap_or(Aspect::Overview))
        {
            self.remember(&answer);
            return answer;
        }
        let answer = engine.answer(trimmed, self.last_service.as_ref());
        self.remember(&answer);
        answer
    }

    fn remember(&mut self, answer: &Answer) {
        match answer.status {
            AnswerStatus::Answered => {
                self.last_service = answer.service.as_ref().map(|s| s.id.clone());
                self.choices.clear();
            }
            AnswerStatus::Ambiguous => {
                self.choices = answer.candidates.iter().map(|c| c.id.clone()).collect();
                self.pending_aspect = answer.aspect;
            }
            _ => {}
        }
    }
}

pub(crate) fn run_chat(engine: &Engine) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    writeln!(
        out,
        "loket — konsol lokal ({} layanan). Tulis pertanyaan Anda; ketik /keluar untuk selesai.\n",
        engine.services().len()
    )?;
    let mut conversation = Conversation::default();
    loop {
        write!(out, "> ")?;
        out.flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            break;
        }
        let message = line.trim();
        if matches!(message, "/keluar" | "/exit" | "/quit") {
            break;
        }
        if message.is_empty() {
            continue;
        }
        let answer = conversation.reply(engine, message);
        writeln!(out, "\n{}\n", render(&answer))?;
    }
    Ok(())
}
