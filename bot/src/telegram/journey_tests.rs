//! MockBot tests of the complaint journey's officer and resolution flows (issue 15): the note
//! prompt addressed to the officer who pressed, short notes refused, used prompts, hints,
//! "Bukan wewenang" with a redirect, one notification per officer action, reopen, rating with a
//! comment, and duplicate support. Kept apart from `tests.rs` (the citizen dialogue, which is
//! moving into the conversation core); MockBot's global lock serialises them with those.

use std::path::Path;
use std::sync::Arc;

use teloxide::types::ReplyMarkup;
use teloxide_tests::{MockBot, MockCallbackQuery, MockGroupChat, MockMessageText, MockUser};

use super::keyboards::Callback;
use super::run::{BotConfig, TelegramDeps};
use super::{BotError, render, schema, text};
use crate::domain::{Actor, ComplaintStatus, NewComplaint, RawComplaint, StatusNote, TicketNumber};
use crate::routing::Routing;
use crate::storage::{Clock, DeliveryKind, StatusChange, Store, SubmitOptions};

const CITIZEN: i64 = MockUser::ID as i64;
const OFFICER_CHAT: i64 = -100_777;
const OFFICER: u64 = 4242;
const PU_CHAT: i64 = -100_888;
/// 2025-08-20 09:00 WIB.
const NOW: i64 = 1_755_655_200;

const HANDLERS: &str = r#"
[[handler]]
id = "kecamatan-beji"
name = "Kecamatan Beji"
default = true
officer_chat_ids = [-100777]
officer_user_ids = [4242]

[[handler]]
id = "dinas-pu"
name = "Dinas Pekerjaan Umum"
officer_chat_ids = [-100888]
officer_user_ids = [5151]
"#;

type Bot = MockBot<BotError, teloxide_tests::mock_bot::DistributionKey>;

struct Harness {
    store: Store,
    deps: TelegramDeps,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("loket.db").display());
        let sla = crate::calendar::Sla::new(
            crate::calendar::SlaSettings::default(),
            crate::calendar::WorkingCalendar::embedded(),
        );
        let store = Store::connect(&url)
            .await
            .unwrap()
            .with_clock(Clock::manual(NOW))
            .with_deadlines(Arc::new(sla));
        let routing = Arc::new(Routing::from_toml(HANDLERS, Path::new("handlers.toml")).unwrap());
        let deps = TelegramDeps {
            store: store.clone(),
            catalog: super::tests::catalog().into(),
            routing,
            config: BotConfig::default(),
            sender: None,
        };
        Self { store, deps, _dir: dir }
    }

    fn bot(&self, update: impl teloxide_tests::IntoUpdate) -> Bot {
        let mut bot = MockBot::new(update, schema());
        bot.dependencies(self.deps.dependency_map());
        bot
    }

    async fn file(&self, chat: i64) -> TicketNumber {
        let raw = RawComplaint {
            chat_id: chat,
            category: "Infrastruktur".into(),
            title: "Jalan berlubang".into(),
            description: "Jalan berlubang besar di depan SDN 2 Beji. Sudah sebulan tidak diperbaiki.".into(),
            ..RawComplaint::default()
        };
        let new = NewComplaint::parse(&raw, chrono::NaiveDate::from_ymd_opt(2025, 8, 20).unwrap()).unwrap();
        let options = SubmitOptions {
            handler_id: Some("kecamatan-beji".into()),
            auto_verify: true,
        };
        self.store.submit_complaint(&new, &options).await.unwrap().ticket
    }

    async fn resolve(&self, ticket: &TicketNumber) {
        for to in [ComplaintStatus::Diteruskan, ComplaintStatus::Selesai] {
            let mut change = StatusChange::new(ticket.clone(), to, Actor::Handler("kecamatan-beji".into()));
            change.note = StatusNote::parse("Lubang sudah ditambal oleh tim jalan.").ok();
            self.store.change_status(&change).await.unwrap();
        }
    }

    async fn notifications(&self, ticket: &TicketNumber) -> Vec<serde_json::Value> {
        let c = self.store.get_by_ticket(ticket).await.unwrap().unwrap();
        self.store
            .deliveries_for_complaint(c.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.kind == DeliveryKind::Notify)
            .map(|d| serde_json::from_str(&d.payload).unwrap())
            .collect()
    }

    async fn status(&self, ticket: &TicketNumber) -> ComplaintStatus {
        self.store.get_by_ticket(ticket).await.unwrap().unwrap().status
    }
}

fn escaped(raw: &str) -> String {
    render::plain(raw).concat()
}

fn officer_press(callback: Callback, chat: i64, user: u64) -> MockCallbackQuery {
    let post = MockMessageText::new()
        .text("Pengaduan baru")
        .chat(MockGroupChat::new().id(chat).build())
        .build();
    MockCallbackQuery::new()
        .data(callback.encode())
        .message(post)
        .from(MockUser::new().id(user).first_name("Sari").build())
}

fn status_press(to: ComplaintStatus, ticket: &TicketNumber) -> MockCallbackQuery {
    officer_press(
        Callback::Officer {
            to,
            ticket: ticket.clone(),
        },
        OFFICER_CHAT,
        OFFICER,
    )
}

fn group_message(text: &str, user: u64) -> MockMessageText {
    MockMessageText::new()
        .text(text)
        .chat(MockGroupChat::new().id(OFFICER_CHAT).build())
        .from(MockUser::new().id(user).build())
}

fn last_answer(bot: &Bot) -> Option<String> {
    bot.get_responses()
        .answered_callback_queries
        .last()
        .and_then(|a| a.text.clone())
}

#[tokio::test]
async fn the_note_prompt_addresses_the_officer_and_a_short_or_second_note_is_refused() {
    let h = Harness::new().await;
    let ticket = h.file(CITIZEN).await;
    let mut bot = h.bot(status_press(ComplaintStatus::Selesai, &ticket));
    bot.dispatch().await;
    let responses = bot.get_responses();
    let prompt = responses.sent_messages.last().unwrap().clone();
    let sent = responses.sent_messages_text.last().unwrap();
    assert!(
        sent.bot_request
            .text
            .starts_with(&format!("<a href=\"tg://user?id={OFFICER}\">Sari")),
        "{}",
        sent.bot_request.text
    );
    assert!(sent.bot_request.text.ends_with(&escaped(&text::officer_ask_note(
        ticket.as_str(),
        ComplaintStatus::Selesai
    ))));
    match &sent.bot_request.reply_markup {
        Some(ReplyMarkup::ForceReply(force)) => assert!(force.selective),
        other => panic!("expected a selective ForceReply: {other:?}"),
    }

    // Too short: refused with the reason, nothing changes, the prompt stays open.
    let answer = |text: &str| group_message(text, OFFICER).reply_to_message(prompt.clone());
    bot.update(answer("ok"));
    bot.dispatch_and_check_last_text(&escaped(text::OFFICER_NOTE_TOO_SHORT))
        .await;
    assert_eq!(h.status(&ticket).await, ComplaintStatus::Diverifikasi);

    bot.update(answer("Lubang sudah ditambal tim jalan pagi ini."));
    bot.dispatch_and_check_last_text(&escaped(text::OFFICER_NOTE_RECEIVED))
        .await;
    assert_eq!(h.status(&ticket).await, ComplaintStatus::Selesai);

    // A second answer to the used prompt is told so and changes nothing.
    let events = h.store.events(&ticket).await.unwrap().len();
    bot.update(answer("Catatan kedua yang terlambat dikirim."));
    bot.dispatch_and_check_last_text(&escaped(text::OFFICER_PROMPT_USED))
        .await;
    assert_eq!(h.store.events(&ticket).await.unwrap().len(), events);
}

#[tokio::test]
async fn a_note_written_without_replying_gets_a_hint_and_chatter_is_left_alone() {
    let h = Harness::new().await;
    let ticket = h.file(CITIZEN).await;
    let mut bot = h.bot(group_message("Rapat jam 10 ya teman-teman", 777));
    bot.dispatch().await;
    assert!(
        bot.get_responses().sent_messages.is_empty(),
        "officers' talk is not answered"
    );

    bot.update(status_press(ComplaintStatus::Selesai, &ticket));
    bot.dispatch().await;
    bot.update(group_message("Sudah pernah dilaporkan dengan nomor lain.", OFFICER));
    bot.dispatch_and_check_last_text(&escaped(&text::officer_hint(Some(ticket.as_str()))))
        .await;
    assert_eq!(h.status(&ticket).await, ComplaintStatus::Diverifikasi);
}

#[tokio::test]
async fn one_officer_action_sends_one_notification_with_its_deadline() {
    let h = Harness::new().await;
    let ticket = h.file(CITIZEN).await;
    let mut bot = h.bot(status_press(ComplaintStatus::Ditindaklanjuti, &ticket));
    bot.dispatch().await;
    assert_eq!(last_answer(&bot).as_deref(), Some(text::OFFICER_DONE));
    let path: Vec<_> = h.store.events(&ticket).await.unwrap().iter().map(|e| e.to).collect();
    assert_eq!(
        path,
        [
            ComplaintStatus::Diterima,
            ComplaintStatus::Diverifikasi,
            ComplaintStatus::Diteruskan,
            ComplaintStatus::Ditindaklanjuti
        ]
    );
    let notices = h.notifications(&ticket).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["to"], "ditindaklanjuti");
    assert!(notices[0]["due_at"].as_i64().is_some());
}

#[tokio::test]
async fn bukan_wewenang_redirects_to_the_chosen_handler_and_tells_the_citizen() {
    let h = Harness::new().await;
    let ticket = h.file(CITIZEN).await;
    let mut bot = h.bot(officer_press(
        Callback::OfficerRedirect { ticket: ticket.clone() },
        OFFICER_CHAT,
        OFFICER,
    ));
    bot.dispatch().await;
    let responses = bot.get_responses();
    let offer = responses.sent_messages_text.last().unwrap();
    assert_eq!(
        offer.bot_request.text,
        escaped(&text::officer_redirect_choice(ticket.as_str()))
    );
    let Some(ReplyMarkup::InlineKeyboard(k)) = &offer.bot_request.reply_markup else {
        panic!("no choices");
    };
    let labels: Vec<&str> = k.inline_keyboard.iter().flatten().map(|b| b.text.as_str()).collect();
    assert_eq!(labels, ["Dinas Pekerjaan Umum", text::BUTTON_OTHER_AGENCY]);

    // Someone else's officer cannot redirect it.
    let to_pu = Callback::OfficerRedirectTo {
        ticket: ticket.clone(),
        handler: "dinas-pu".into(),
    };
    bot.update(officer_press(to_pu.clone(), OFFICER_CHAT, 5151));
    bot.dispatch().await;
    assert_eq!(last_answer(&bot).as_deref(), Some(text::OFFICER_NOT_ALLOWED));

    bot.update(officer_press(to_pu, OFFICER_CHAT, OFFICER));
    bot.dispatch().await;
    assert_eq!(last_answer(&bot).as_deref(), Some(text::OFFICER_REDIRECTED));
    let c = h.store.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(
        (c.status, c.handler_id.as_deref()),
        (ComplaintStatus::Diteruskan, Some("dinas-pu"))
    );
    let forwards: Vec<_> = h
        .store
        .deliveries_for_complaint(c.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.kind == DeliveryKind::Forward && d.handler_id.as_deref() == Some("dinas-pu"))
        .collect();
    assert_eq!(forwards.len(), 1);
    assert!(forwards[0].payload.contains("complaint.rerouted"));
    // One notice for the two steps, naming where it went.
    let notices = h.notifications(&ticket).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(
        (notices[0]["from"].as_str(), notices[0]["to"].as_str()),
        (Some("bukan_wewenang"), Some("diteruskan"))
    );
    assert_eq!(notices[0]["note"], text::redirect_note("Dinas Pekerjaan Umum"));
    // The new handler's officers may act on it now; the old ones may not.
    bot.update(officer_press(
        Callback::Officer {
            to: ComplaintStatus::Ditindaklanjuti,
            ticket: ticket.clone(),
        },
        PU_CHAT,
        5151,
    ));
    bot.dispatch().await;
    assert_eq!(last_answer(&bot).as_deref(), Some(text::OFFICER_DONE));
    bot.update(status_press(ComplaintStatus::Selesai, &ticket));
    bot.dispatch().await;
    assert_eq!(last_answer(&bot).as_deref(), Some(text::OFFICER_NOT_ALLOWED));
}

#[tokio::test]
async fn not_fixed_reopens_the_same_ticket_and_tells_the_handler() {
    let h = Harness::new().await;
    let ticket = h.file(CITIZEN).await;
    h.resolve(&ticket).await;
    let reopen = Callback::Resolution {
        ticket: ticket.clone(),
        fixed: false,
    };
    let mut bot = h.bot(MockCallbackQuery::new().data(reopen.encode()));
    bot.dispatch().await;
    assert_eq!(last_answer(&bot).as_deref(), Some(text::REOPENED));
    let c = h.store.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(c.status, ComplaintStatus::Ditindaklanjuti);
    let events = h.store.events(&ticket).await.unwrap();
    assert_eq!(events.last().unwrap().actor, format!("citizen:{CITIZEN}"));
    assert_eq!(events.len(), 5, "the history continues on the same ticket");
    let reopened = h
        .store
        .deliveries_for_complaint(c.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.kind == DeliveryKind::Forward && d.payload.contains("complaint.reopened"))
        .count();
    assert_eq!(reopened, 1);

    // Pressed again: it is no longer resolved.
    bot.update(MockCallbackQuery::new().data(reopen.encode()));
    bot.dispatch().await;
    assert_eq!(last_answer(&bot).as_deref(), Some(text::NOT_RESOLVED_ANY_MORE));
}

#[tokio::test]
async fn fixed_asks_for_a_rating_and_a_comment_which_reach_the_handler() {
    let h = Harness::new().await;
    let ticket = h.file(CITIZEN).await;
    let theirs = h.file(CITIZEN + 1).await;
    h.resolve(&ticket).await;
    h.resolve(&theirs).await;

    let fixed = |ticket: &TicketNumber| {
        MockCallbackQuery::new().data(
            Callback::Resolution {
                ticket: ticket.clone(),
                fixed: true,
            }
            .encode(),
        )
    };
    let mut bot = h.bot(fixed(&theirs));
    bot.dispatch().await;
    assert_eq!(last_answer(&bot).as_deref(), Some(text::NOT_YOUR_COMPLAINT));

    bot.update(fixed(&ticket));
    bot.dispatch_and_check_last_text(&escaped(&text::ask_rating(ticket.as_str())))
        .await;
    let data: Vec<String> = match bot
        .get_responses()
        .sent_messages_text
        .last()
        .unwrap()
        .bot_request
        .reply_markup
        .clone()
    {
        Some(ReplyMarkup::InlineKeyboard(k)) => k
            .inline_keyboard
            .iter()
            .flatten()
            .filter_map(|b| match &b.kind {
                teloxide::types::InlineKeyboardButtonKind::CallbackData(d) => Some(d.clone()),
                _ => None,
            })
            .collect(),
        other => panic!("no rating buttons: {other:?}"),
    };
    assert_eq!(data.len(), 5);

    bot.update(MockCallbackQuery::new().data(data[3].clone()));
    bot.dispatch_and_check_last_text(&escaped(&text::rating_thanks(4)))
        .await;
    let thanks = bot.get_responses().sent_messages.last().unwrap().clone();
    assert_eq!(h.store.rating(&ticket).await.unwrap().unwrap().score, 4);

    bot.update(
        MockMessageText::new()
            .text("Cepat ditangani, terima kasih.")
            .reply_to_message(thanks),
    );
    bot.dispatch_and_check_last_text(&escaped(text::RATING_COMMENT_SAVED))
        .await;
    let rating = h.store.rating(&ticket).await.unwrap().unwrap();
    assert_eq!(rating.comment.as_deref(), Some("Cepat ditangani, terima kasih."));
    assert_eq!(rating.handler_id.as_deref(), Some("kecamatan-beji"));
}

#[tokio::test]
async fn the_support_button_counts_the_citizen_once() {
    let h = Harness::new().await;
    let ticket = h.file(CITIZEN + 1).await;
    let mut bot = h.bot(MockCallbackQuery::new().data(Callback::Support { ticket: ticket.clone() }.encode()));
    bot.dispatch_and_check_last_text(&escaped(&text::supported(ticket.as_str(), 1)))
        .await;
    bot.update(MockCallbackQuery::new().data(Callback::Support { ticket: ticket.clone() }.encode()));
    bot.dispatch_and_check_last_text(&escaped(text::ALREADY_SUPPORTED))
        .await;
    let own = h.file(CITIZEN).await;
    bot.update(MockCallbackQuery::new().data(Callback::Support { ticket: own }.encode()));
    bot.dispatch_and_check_last_text(&escaped(text::SUPPORT_OWN)).await;
    let c = h.store.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(h.store.supporter_count(c.id).await.unwrap(), 1);
}

#[tokio::test]
async fn an_officer_reply_is_a_reply_in_the_history_not_a_status() {
    let h = Harness::new().await;
    let ticket = h.file(CITIZEN).await;
    let message = StatusNote::parse("Mohon kirim foto lokasi yang lebih jelas.").unwrap();
    h.store
        .add_reply(
            &ticket,
            &Actor::Officer(i64::try_from(OFFICER).unwrap()),
            &message,
            None,
        )
        .await
        .unwrap();
    let mut bot = h.bot(MockMessageText::new().text(format!("/status {ticket}")));
    bot.dispatch().await;
    let history = bot
        .get_responses()
        .sent_messages_text
        .last()
        .unwrap()
        .bot_request
        .text
        .clone();
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(
        lines.last().copied(),
        Some(escaped(&text::status_reply("20-08-2025", message.as_str())).as_str()),
        "{history}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains(ComplaintStatus::Diverifikasi.label()))
            .count(),
        2,
        "the status line and its one event, not the reply: {history}"
    );
}
