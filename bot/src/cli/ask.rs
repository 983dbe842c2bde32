//! `loket ask` and `loket chat`: the answer engine from the command line.
//!
//! `ask` answers one question (or, with no question, one per stdin line, building the index
//! once; with `--conversation` the lines are one conversation's messages, a blank line starting
//! the next). `chat` is a local console on the conversation core, exactly what Telegram and
//! WhatsApp citizens get: same engine, same text, the Q&A context, /lapor and /status; buttons
//! are numbered and a number presses one.

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

/// `loket chat`: the conversation core on a terminal, with an in-memory database (complaints
/// filed here stay on this machine's memory and vanish at exit). Buttons are numbered; typing the
/// number presses one.
pub(crate) fn run_chat(engine: Engine) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(chat(engine))
}

async fn chat(engine: Engine) -> anyhow::Result<()> {
    use crate::conversation::{Channel, Citizen, Config, Conversation, Event, Reply, State};

    let options = crate::storage::ConnectOptions {
        max_connections: 1,
        ..crate::storage::ConnectOptions::default()
    };
    let store = crate::storage::Store::connect_with("sqlite::memory:", options).await?;
    let routing = crate::routing::Routing::from_toml("", std::path::Path::new("(none)"))?;
    let services = engine.services().len();
    let core = Conversation {
        store,
        catalog: std::sync::Arc::new(crate::conversation::Catalog::new(engine)),
        routing: std::sync::Arc::new(routing),
        config: std::sync::Arc::new(Config::default()),
    };
    let citizen = Citizen::new(Channel::Console, 1);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    writeln!(
        out,
        "loket — konsol lokal ({services} layanan). Tulis pertanyaan Anda; ketik /keluar untuk selesai.\n"
    )?;
    let mut state = State::default();
    let mut buttons = Vec::new();
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
        let event = match message
            .parse::<usize>()
            .ok()
            .and_then(|n| buttons.get(n.wrapping_sub(1)))
        {
            Some(choice) => Event::Choice(Clone::clone(choice)),
            None => match crate::conversation::Command::parse(message) {
                Some(command) => Event::Command(command),
                None => Event::Text(message.to_owned()),
            },
        };
        let outcome = match core.handle(citizen.clone(), &state, event).await {
            Ok(outcome) => outcome,
            Err(error) => {
                writeln!(out, "\n{}\n", crate::conversation::text::APOLOGY)?;
                tracing::error!(error.cause_chain = ?error, "console conversation failed");
                continue;
            }
        };
        if let Some(next) = outcome.state {
            state = next;
        }
        let mut shown: Vec<Reply> = outcome.replies;
        if let Some(notice) = outcome.notice {
            shown.insert(0, Reply::text(&notice));
        }
        if !shown.is_empty() {
            buttons.clear();
        }
        for reply in shown {
            writeln!(out, "\n{}", reply.plain())?;
            for button in reply.buttons.iter().flatten() {
                buttons.push(button.choice.clone());
                writeln!(out, "  [{}] {}", buttons.len(), button.label)?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
