//! The Telegram adapter of the conversation core: a citizen's message, command or button in a
//! private chat becomes an [`Event`], the core answers with an [`Outcome`], and this file
//! persists the new state through the dialogue storage and sends the replies as HTML with
//! inline keyboards (a paging reply edits the list message in place), through the [`Replier`].
//!
//! An internal failure is logged and answered with the fixed apology; a button is always
//! answered (Telegram shows a spinner until it is), with the core's notice when it has one.

use teloxide::prelude::*;
use teloxide::types::{MaybeInaccessibleMessage, ParseMode, User};

use super::{answer_callback, callback_chat, guarded, send_html, send_text};
use crate::conversation::{Channel, Choice, Citizen, Command as Core, Conversation, Event, Outcome, State};
use crate::telegram::commands::Command;
use crate::telegram::reply::Replier;
use crate::telegram::{BotDialogue, HandlerResult, keyboards, render};

/// The citizen of a chat, named as Telegram shows them (first and last name) when the update
/// says who sent it.
fn citizen(chat: ChatId, from: Option<&User>) -> Citizen {
    Citizen::new(Channel::Telegram, chat.0).named(from.map(User::full_name).as_deref())
}

/// What a message is, for the core: text, a photo (its largest size) or document, a location.
fn event_of(msg: &Message) -> Event {
    if let Some(text) = msg.text() {
        return Event::Text(text.to_owned());
    }
    if let Some(photo) = msg.photo().and_then(|sizes| sizes.last()) {
        return Event::Attachment {
            id: photo.file.id.to_string(),
        };
    }
    if let Some(document) = msg.document() {
        return Event::Attachment {
            id: document.file.id.to_string(),
        };
    }
    if let Some(location) = msg.location() {
        return Event::Location {
            latitude: location.latitude,
            longitude: location.longitude,
        };
    }
    Event::Unsupported
}

fn core_command(command: Command) -> Core {
    match command {
        Command::Start => Core::Start,
        Command::Bantuan => Core::Help,
        Command::Layanan => Core::Services,
        Command::Tanya(question) => Core::Ask(question),
        Command::Lapor => Core::Report,
        Command::Status(ticket) => Core::Status(ticket),
        Command::Laporanku => Core::MyComplaints,
        Command::Langganan(place) => Core::Subscribe(place),
        Command::Berhenti => Core::Unsubscribe,
        Command::Dataku => Core::MyData,
        Command::Wilayah(place) => Core::Region(place),
        Command::Batal => Core::Cancel,
    }
}

/// Persists the new state, then sends the replies; `edit` is the list message a paging reply
/// replaces.
async fn deliver(
    bot: &Replier,
    dialogue: &BotDialogue,
    chat: ChatId,
    outcome: Outcome,
    edit: Option<&MaybeInaccessibleMessage>,
) -> HandlerResult {
    if let Some(state) = outcome.state {
        dialogue.update(state).await?;
    }
    for reply in outcome.replies {
        let messages = render::lines(&reply.lines);
        let markup = keyboards::markup(&reply.buttons);
        match edit.filter(|_| reply.replaces) {
            Some(message) => {
                let mut request = bot
                    .inner()
                    .edit_message_text(chat, message.id(), messages.concat())
                    .parse_mode(ParseMode::Html);
                if let Some(markup) = markup {
                    request = request.reply_markup(markup);
                }
                bot.send(Some(chat), request).await?;
            }
            None => send_html(bot, chat, messages, markup).await?,
        }
    }
    Ok(())
}

/// Handles one event of the chat's citizen and sends what the core answered.
async fn run(
    bot: &Replier,
    dialogue: &BotDialogue,
    msg: &Message,
    state: &State,
    event: Event,
    core: &Conversation,
) -> HandlerResult {
    let chat = msg.chat.id;
    let result = async {
        let mut outcome = core.handle(citizen(chat, msg.from.as_ref()), state, event).await?;
        if let Some(notice) = outcome.notice.take() {
            send_text(bot, chat, &notice, None).await?;
        }
        deliver(bot, dialogue, chat, outcome, None).await
    }
    .await;
    guarded(bot, chat, result).await
}

/// A message in a private chat that is not a command: a question, or the answer to a step.
pub(crate) async fn message(
    bot: Replier,
    dialogue: BotDialogue,
    msg: Message,
    state: State,
    core: Conversation,
) -> HandlerResult {
    run(&bot, &dialogue, &msg, &state, event_of(&msg), &core).await
}

pub(crate) async fn command(
    bot: Replier,
    dialogue: BotDialogue,
    msg: Message,
    command: Command,
    state: State,
    core: Conversation,
) -> HandlerResult {
    let event = Event::Command(core_command(command));
    run(&bot, &dialogue, &msg, &state, event, &core).await
}

/// A citizen's button.
pub(crate) async fn choice(
    bot: Replier,
    dialogue: BotDialogue,
    q: CallbackQuery,
    choice: Choice,
    state: State,
    core: Conversation,
) -> HandlerResult {
    let Some(chat) = callback_chat(&q) else {
        answer_callback(&bot, &q, Some(crate::telegram::text::STALE_BUTTON)).await?;
        return Ok(());
    };
    let outcome = core
        .handle(citizen(chat, Some(&q.from)), &state, Event::Choice(choice))
        .await;
    let notice = outcome.as_ref().ok().and_then(|o| o.notice.clone());
    answer_callback(&bot, &q, notice.as_deref()).await?;
    let result = match outcome {
        Ok(outcome) => deliver(&bot, &dialogue, chat, outcome, q.message.as_ref()).await,
        Err(error) => Err(error.into()),
    };
    guarded(&bot, chat, result).await
}
