//! `loket ask` and `loket chat`: the answer engine from the command line.
//!
//! `ask` answers one question (or, with no question, one per stdin line, building the index
//! once; with `--conversation` the lines are one conversation's messages, a blank line starting
//! the next). `chat` is a local console that talks exactly like the
//! Telegram bot: same engine, same text, the previous answer's service kept as context,
//! and a numbered reply picks one of the offered services.

use loket_knowledge::answer::{Answer, Engine};
use loket_knowledge::dialogue::Dialogue;
use std::io::{BufRead, Write};

/// The answer as a citizen sees it: the text, then the citation line.
pub(crate) fn render(answer: &Answer) -> String {
    match &answer.citation {
        Some(citation) => format!("{}\n\n{}", answer.text, citation.text),
        None => answer.text.clone(),
    }
}

pub(crate) fn run_ask(
    engine: &Engine,
    question: Option<String>,
    as_json: bool,
    conversation: bool,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut print = |answer: &Answer| -> anyhow::Result<()> {
        if as_json {
            writeln!(out, "{}", serde_json::to_string(answer)?)?;
        } else {
            writeln!(out, "{}\n", render(answer))?;
        }
        Ok(())
    };
    match question {
        Some(question) => print(&engine.answer(&question, None))?,
        None => {
            // With --conversation the lines are the messages of one conversation and a blank
            // line starts the next; without it every line stands alone.
            let mut dialogue = Dialogue::default();
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                let message = line.trim();
                if !conversation {
                    print(&engine.answer(message, None))?;
                } else if message.is_empty() {
                    dialogue = Dialogue::default();
                } else {
                    print(&dialogue.reply(engine, message))?;
                }
            }
        }
    }
    Ok(())
}

pub(crate) fn run_chat(engine: &Engine) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    writeln!(
        out,
        "loket — konsol lokal ({} layanan). Tulis pertanyaan Anda; ketik /keluar untuk selesai.\n",
        engine.services().len()
    )?;
    let mut conversation = Dialogue::default();
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
