//! MockBot tests of every command and dialogue transition (teloxide_tests), in one module
//! because MockBot holds a global lock: they run one at a time anyway.
//!
//! Each test gets a fresh SQLite store with a manual clock, the real corpus
//! (`knowledge/standards`, built once) and a small handlers file with one officer chat.

use std::sync::{Arc, LazyLock};

use super::catalog::Catalog;

static CATALOG: LazyLock<Arc<Catalog>> = LazyLock::new(|| {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
    let report = loket_knowledge::parse::parse_dir(&dir).expect("cannot read knowledge/standards");
    let engine = loket_knowledge::answer::Engine::build(report.documents).expect("cannot build the engine");
    Arc::new(Catalog::new(engine))
});

/// The catalog over the shipped corpus, built once per test binary.
pub(crate) fn catalog() -> Arc<Catalog> {
    CATALOG.clone()
}

use std::path::Path;

use teloxide::types::{InlineKeyboardButtonKind, InlineKeyboardMarkup, ReplyMarkup};
use teloxide_tests::{
    MockBot, MockCallbackQuery, MockGroupChat, MockMessageDocument, MockMessagePhoto, MockMessageText, MockUser,
};

use super::keyboards::{Callback, ComplaintChoice};
use super::run::{BotConfig, TelegramDeps};
use super::state::{Draft, State};
use super::{BotError, render, schema, text};
use crate::conversation::Context;
use crate::domain::{ComplaintStatus, TicketNumber};
use crate::routing::Routing;
use crate::storage::{Clock, Store};
use loket_knowledge::aspect::Aspect;

/// The citizen of every test: teloxide_tests' default private chat.
const CITIZEN: i64 = MockUser::ID as i64;
const OFFICER_CHAT: i64 = -100_777;
const OFFICER: u64 = 4242;
/// 2025-08-20 09:00 WIB.
const NOW: i64 = 1_755_655_200;
const AHLI_WARIS: &str = "003_5e30365896fb6814:surat-keterangan-ahli-waris";

const HANDLERS: &str = r#"
[[handler]]
id = "kecamatan-beji"
name = "Kecamatan Beji"
default = true
agencies = ["Kecamatan Beji Kabupaten Pasuruan"]
officer_chat_ids = [-100777]
officer_user_ids = [4242]
"#;

struct Harness {
    store: Store,
    deps: TelegramDeps,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("loket.db").display());
        let store = Store::connect(&url).await.unwrap().with_clock(Clock::manual(NOW));
        let routing = Arc::new(Routing::from_toml(HANDLERS, Path::new("handlers.toml")).unwrap());
        let deps = TelegramDeps {
            store: store.clone(),
            catalog: catalog().into(),
            routing,
            config: BotConfig::default(),
            sender: None,
        };
        Self { store, deps, _dir: dir }
    }

    fn bot(
        &self,
        update: impl teloxide_tests::IntoUpdate,
    ) -> MockBot<BotError, teloxide_tests::mock_bot::DistributionKey> {
        let mut bot = MockBot::new(update, schema());
        bot.dependencies(self.deps.dependency_map());
        bot
    }
}

/// Stops a dispatcher running in `running` and waits for it, failing the test after a minute
/// rather than hanging CI. The future `shutdown` returns is not awaited: teloxide wakes it only
/// if it is already waiting when dispatching ends, so a dispatcher that stops quickly would
/// leave it pending for ever. `shutdown` refuses while the dispatcher is idle (not started yet,
/// or already stopped by itself); then ask again unless the task has ended.
async fn stop_dispatching(token: &teloxide::dispatching::ShutdownToken, running: tokio::task::JoinHandle<()>) {
    while !running.is_finished() && token.shutdown().is_err() {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    tokio::time::timeout(std::time::Duration::from_secs(60), running)
        .await
        .expect("the dispatcher stops within a minute of being asked")
        .expect("the dispatcher task does not panic");
}

fn msg(text: &str) -> MockMessageText {
    MockMessageText::new().text(text)
}

fn button(data: impl Into<String>) -> MockCallbackQuery {
    MockCallbackQuery::new().data(data.into())
}

fn escaped(raw: &str) -> String {
    render::plain(raw).concat()
}

fn last_markup(bot: &MockBot<BotError, teloxide_tests::mock_bot::DistributionKey>) -> InlineKeyboardMarkup {
    let responses = bot.get_responses();
    match responses
        .sent_messages_text
        .last()
        .and_then(|m| m.bot_request.reply_markup.clone())
    {
        Some(ReplyMarkup::InlineKeyboard(k)) => k,
        other => panic!("no inline keyboard: {other:?}"),
    }
}

fn callback_data(markup: &InlineKeyboardMarkup) -> Vec<String> {
    markup
        .inline_keyboard
        .iter()
        .flatten()
        .filter_map(|b| match &b.kind {
            InlineKeyboardButtonKind::CallbackData(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

fn edited_data(bot: &MockBot<BotError, teloxide_tests::mock_bot::DistributionKey>) -> Vec<String> {
    match bot
        .get_responses()
        .edited_messages_text
        .last()
        .and_then(|m| m.bot_request.reply_markup.clone())
    {
        Some(ReplyMarkup::InlineKeyboard(k)) => callback_data(&k),
        other => panic!("no inline keyboard: {other:?}"),
    }
}

fn idle(last_service: Option<&str>) -> State {
    State::Idle {
        context: Context::about(last_service.map(str::to_owned)),
    }
}

/// The state after an answer about `service` for `aspect`: the conversation's context.
fn answered(service: &str, aspect: loket_knowledge::aspect::Aspect) -> State {
    State::Idle {
        context: Context {
            last_aspect: Some(aspect),
            ..Context::about(Some(service.to_owned()))
        },
    }
}

/// The state after `question`, typed, was answered about `service` for `aspect`: the context,
/// with the question kept for a message that completes it.
fn asked(question: &str, service: &str, aspect: loket_knowledge::aspect::Aspect) -> State {
    State::Idle {
        context: Context {
            last_aspect: Some(aspect),
            previous: Some(question.to_owned()),
            ..Context::about(Some(service.to_owned()))
        },
    }
}

fn draft_until_place() -> Draft {
    Draft {
        category: Some("Kebersihan & lingkungan".into()),
        description: Some("Sampah di depan kantor kelurahan tidak diangkut dua minggu.".into()),
        place: Some("Kantor Kelurahan Beji".into()),
        ..Draft::default()
    }
}

fn answer_text(question: &str, context: Option<&str>) -> (String, loket_knowledge::answer::Answer) {
    let id = context.map(|c| loket_knowledge::document::ServiceId(c.to_owned()));
    let answer = catalog().engine().answer(question, id.as_ref());
    (render::answer(catalog().engine(), &answer).concat(), answer)
}

/// A requirements answer too long for a phone screen: its first part with [Selengkapnya] (an
/// inline button above the service card), which sends the next part as a new message.
#[tokio::test]
async fn a_long_answer_is_cut_with_a_selengkapnya_button_that_sends_the_rest() {
    let h = Harness::new().await;
    let catalog = catalog();
    let engine = catalog.engine();
    let long = engine
        .services()
        .iter()
        .find(|s| {
            engine
                .answer_for(&s.id, loket_knowledge::aspect::Aspect::Requirements)
                .is_some_and(|a| a.text.chars().count() > 2000)
        })
        .expect("a long requirements answer in the corpus");
    let key = catalog.service_key(long.id.as_str()).unwrap().to_owned();
    let mut bot = h.bot(button(format!("svc:{key}:requirements")));
    bot.dispatch().await;
    let first = bot
        .get_responses()
        .sent_messages_text
        .last()
        .unwrap()
        .message
        .text()
        .unwrap()
        .to_owned();
    assert!(first.chars().count() < 1700, "{}", first.chars().count());
    let data = callback_data(&last_markup(&bot));
    assert_eq!(data[0], format!("mr:{key}:requirements:1"));
    assert!(
        data.contains(&format!("svc:{key}:procedure")),
        "the service card stays: {data:?}"
    );

    bot.update(button(data[0].clone()));
    bot.dispatch().await;
    let second = bot
        .get_responses()
        .sent_messages_text
        .last()
        .unwrap()
        .message
        .text()
        .unwrap()
        .to_owned();
    assert!(second.contains("(lanjutan)"), "{second}");
    assert_ne!(first, second);
}

// ---- start / help / cancel ------------------------------------------------------------------

#[tokio::test]
async fn start_welcomes_and_activates_the_chat() {
    let h = Harness::new().await;
    super::store::TelegramStore(&h.store).block_chat(CITIZEN).await.unwrap();
    let mut bot = h.bot(msg("/start"));
    bot.dispatch_and_check_last_text_and_state(&escaped(text::WELCOME), State::default())
        .await;
    assert!(!super::store::TelegramStore(&h.store).is_blocked(CITIZEN).await.unwrap());
}

#[tokio::test]
async fn help_lists_the_commands() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("/bantuan"));
    bot.dispatch_and_check_last_text(&escaped(text::HELP)).await;
}

#[tokio::test]
async fn cancel_leaves_any_dialogue_and_says_so_when_there_is_none() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("/batal"));
    bot.dispatch_and_check_last_text_and_state(&escaped(text::NOTHING_TO_CANCEL), State::default())
        .await;
    bot.set_state(State::ComplaintPlace {
        draft: Draft {
            offered_service: Some(AHLI_WARIS.into()),
            ..Draft::default()
        },
    })
    .await;
    bot.dispatch_and_check_last_text_and_state(&escaped(text::CANCELLED), idle(Some(AHLI_WARIS)))
        .await;
}

// ---- questions ------------------------------------------------------------------------------

#[tokio::test]
async fn a_question_is_answered_like_the_console_and_becomes_the_context() {
    let h = Harness::new().await;
    let (expected, answer) = answer_text("syarat surat keterangan ahli waris", None);
    let mut bot = h.bot(msg("syarat surat keterangan ahli waris"));
    bot.dispatch_and_check_last_text_and_state(
        &expected,
        asked("syarat surat keterangan ahli waris", AHLI_WARIS, Aspect::Requirements),
    )
    .await;
    assert_eq!(answer.service.unwrap().id.0, AHLI_WARIS);
    let responses = bot.get_responses();
    assert_eq!(
        responses.sent_messages_text[0].bot_request.parse_mode,
        Some(teloxide::types::ParseMode::Html)
    );
    let key = catalog().service_key(AHLI_WARIS).unwrap().to_owned();
    assert!(callback_data(&last_markup(&bot)).contains(&format!("svc:{key}:fee")));

    // Follow-up without a service name uses the context.
    let (expected, answer) = answer_text("kalau biayanya?", Some(AHLI_WARIS));
    assert_eq!(answer.aspect, Some(loket_knowledge::aspect::Aspect::Fee));
    bot.update(msg("kalau biayanya?"));
    bot.dispatch_and_check_last_text_and_state(&expected, asked("kalau biayanya?", AHLI_WARIS, Aspect::Fee))
        .await;
}

#[tokio::test]
async fn an_ambiguous_question_offers_buttons_and_a_number_or_a_button_picks_one() {
    let h = Harness::new().await;
    // The corpus and the engine evolve: take the first of these that is ambiguous today among
    // services of one agency (a choice between agencies also sets the region: tested in the
    // dialogue's own tests).
    let one_agency = |q: &str| {
        let answer = answer_text(q, None).1;
        let choices: Vec<loket_knowledge::document::ServiceId> =
            answer.candidates.iter().map(|c| c.id.clone()).collect();
        answer.status == loket_knowledge::answer::AnswerStatus::Ambiguous
            && choices
                .iter()
                .all(|chosen| catalog().engine().agency_words(chosen, &choices).is_none())
    };
    let question = [
        "surat keterangan",
        "penyusunan",
        "rekomendasi",
        "pelatihan",
        "izin",
        "fasilitasi",
        "evaluasi",
    ]
    .into_iter()
    .find(|q| one_agency(q))
    .expect("no question left in the list offers services of one agency");
    let (expected, answer) = answer_text(question, None);
    let ids: Vec<String> = answer.candidates.iter().map(|c| c.id.0.clone()).collect();
    let mut bot = h.bot(msg(question));
    let state = State::Idle {
        context: Context {
            choices: ids.clone(),
            ..Context::default()
        },
    };
    bot.dispatch_and_check_last_text_and_state(&expected, state).await;
    let data = callback_data(&last_markup(&bot));
    assert_eq!(data.len(), ids.len());
    assert!(data.iter().all(|d| d.len() <= 64));

    // "2" picks the second candidate, as in the console.
    let second = catalog()
        .engine()
        .answer_for(
            &loket_knowledge::document::ServiceId(ids[1].clone()),
            loket_knowledge::aspect::Aspect::Overview,
        )
        .unwrap();
    bot.update(msg("2"));
    bot.dispatch_and_check_last_text_and_state(
        &render::answer(catalog().engine(), &second).concat(),
        answered(&ids[1], Aspect::Overview),
    )
    .await;

    // Pressing the first button answers the first candidate.
    let first = catalog()
        .engine()
        .answer_for(
            &loket_knowledge::document::ServiceId(ids[0].clone()),
            loket_knowledge::aspect::Aspect::Overview,
        )
        .unwrap();
    bot.update(button(data[0].clone()));
    bot.dispatch_and_check_last_text_and_state(
        &render::answer(catalog().engine(), &first).concat(),
        answered(&ids[0], Aspect::Overview),
    )
    .await;
    assert_eq!(bot.get_responses().answered_callback_queries.len(), 1);
}

/// `/wilayah` sets, shows and clears the region, and the region decides between agencies.
#[tokio::test]
async fn the_region_command_sets_shows_and_clears_the_region() {
    let h = Harness::new().await;
    let catalog = catalog();
    let engine = catalog.engine();
    let set = engine.set_region("kecamatan beji").expect("the kecamatan is a unit");
    let mut bot = h.bot(msg("/wilayah kecamatan beji"));
    let with_region = State::Idle {
        context: Context {
            region: set.region.clone(),
            ..Context::default()
        },
    };
    bot.dispatch_and_check_last_text_and_state(&escaped(&set.text), with_region.clone())
        .await;

    // A service several agencies offer is answered for the region.
    let mut dialogue = Context {
        region: set.region.clone(),
        ..Context::default()
    };
    let answer = dialogue.reply(engine, "konsultasi bayar gak");
    assert_eq!(answer.status, loket_knowledge::answer::AnswerStatus::Answered);
    bot.update(msg("konsultasi bayar gak"));
    bot.dispatch_and_check_last_text(&render::answer(catalog.engine(), &answer).concat())
        .await;

    bot.update(msg("/wilayah"));
    bot.dispatch().await;
    let responses = bot.get_responses();
    let shown = responses.sent_messages_text.last().unwrap().message.text().unwrap();
    assert!(shown.contains("Kecamatan Beji"), "{shown}");

    bot.update(msg("/wilayah hapus"));
    bot.dispatch_and_check_last_text(&escaped(text::REGION_CLEARED)).await;
    bot.update(msg("/wilayah planet mars"));
    bot.dispatch_and_check_last_text(&escaped(text::REGION_UNKNOWN)).await;
}

/// A refusal reaches the unanswered log, normalised and masked, with no chat id (issue 12).
#[tokio::test]
async fn a_refused_question_is_counted_in_the_unanswered_log() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("Resep RENDANG  081234567890"));
    bot.dispatch().await;
    // Recording runs in the background so the reply never waits: poll for it (no time asserted;
    // the bound only keeps a lost write from hanging the suite, and is generous because a
    // loaded CI machine once took more than five seconds to commit it).
    let mut summary = Vec::new();
    for _ in 0..6_000 {
        summary = h.store.unanswered_summary(86_400, 10).await.unwrap();
        if !summary.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(summary.len(), 1, "{summary:?}");
    assert_eq!(summary[0].question, "resep rendang [nomor]");
    assert_eq!(summary[0].outcome, crate::storage::UnansweredOutcome::NotFound);
    assert_eq!(summary[0].count, 1);
}

#[tokio::test]
async fn a_service_button_inside_a_dialogue_answers_without_leaving_it() {
    let h = Harness::new().await;
    let key = catalog().service_key(AHLI_WARIS).unwrap().to_owned();
    let fee = catalog()
        .engine()
        .answer_for(
            &loket_knowledge::document::ServiceId(AHLI_WARIS.into()),
            loket_knowledge::aspect::Aspect::Fee,
        )
        .unwrap();
    let mut bot = h.bot(button(format!("svc:{key}:fee")));
    let state = State::ComplaintPlace {
        draft: Draft::default(),
    };
    bot.set_state(state.clone()).await;
    bot.dispatch_and_check_last_text_and_state(&render::answer(catalog().engine(), &fee).concat(), state)
        .await;
}

#[tokio::test]
async fn non_text_outside_a_dialogue_gets_the_text_only_reply() {
    let h = Harness::new().await;
    let mut bot = h.bot(MockMessagePhoto::new());
    bot.dispatch_and_check_last_text_and_state(&escaped(text::ONLY_TEXT), State::default())
        .await;
}

#[tokio::test]
async fn stale_buttons_are_answered_and_change_nothing() {
    let h = Harness::new().await;
    let mut bot = h.bot(button("svc:00000000:fee"));
    bot.dispatch_and_check_state(State::default()).await;
    let answered = bot.get_responses().answered_callback_queries;
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].text.as_deref(), Some(text::STALE_BUTTON));
    bot.update(button("garbage"));
    bot.dispatch().await;
    assert_eq!(
        bot.get_responses().answered_callback_queries[0].text.as_deref(),
        Some(text::STALE_BUTTON)
    );
}

// ---- browsing -------------------------------------------------------------------------------

#[tokio::test]
async fn browsing_goes_agencies_then_services_then_a_card() {
    let h = Harness::new().await;
    let catalog = catalog();
    let mut bot = h.bot(msg("/layanan"));
    bot.dispatch_and_check_last_text(&escaped(text::CHOOSE_AGENCY)).await;
    let data = callback_data(&last_markup(&bot));
    assert_eq!(data.len(), catalog.agencies().len());
    let agency = catalog.agencies().iter().max_by_key(|a| a.services.len()).unwrap();

    bot.update(button(format!("ag:{}:0", agency.key)));
    bot.dispatch().await;
    let edited = bot.get_responses().edited_messages_text;
    assert_eq!(
        edited.last().unwrap().message.text(),
        Some(escaped(&text::choose_service(&agency.name)).as_str())
    );
    let data = edited_data(&bot);
    assert_eq!(
        data.len(),
        super::keyboards::PAGE_SIZE + 2,
        "a full page, next and back: {data:?}"
    );
    assert!(data.contains(&format!("ag:{}:1", agency.key)));

    bot.update(button(format!("ag:{}:1", agency.key)));
    bot.dispatch().await;
    assert!(edited_data(&bot).contains(&format!("ag:{}:0", agency.key)));

    bot.update(button("agp:0"));
    bot.dispatch().await;
    let edited = bot.get_responses().edited_messages_text;
    assert_eq!(edited.last().unwrap().message.text(), Some(text::CHOOSE_AGENCY));

    // A service of the list: its overview with the card buttons.
    let position = agency.services[0];
    let service = &catalog.engine().services()[position];
    let overview = catalog
        .engine()
        .answer_for(&service.id, loket_knowledge::aspect::Aspect::Overview)
        .unwrap();
    bot.update(button(format!("svc:{}:overview", catalog.key_of_position(position))));
    bot.dispatch_and_check_last_text_and_state(
        &render::answer(catalog.engine(), &overview).concat(),
        answered(service.id.as_str(), Aspect::Overview),
    )
    .await;
    assert_eq!(callback_data(&last_markup(&bot)).len(), 5);
}

// ---- complaint dialogue ---------------------------------------------------------------------

#[tokio::test]
async fn report_without_context_offers_categories() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("/lapor"));
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_TOPIC),
        State::ComplaintTopic {
            draft: Draft::default(),
        },
    )
    .await;
    assert_eq!(callback_data(&last_markup(&bot)).len(), text::CATEGORIES.len());
}

#[tokio::test]
async fn report_after_a_question_offers_its_service_and_the_button_takes_it() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("/lapor"));
    bot.set_state(idle(Some(AHLI_WARIS))).await;
    let draft = Draft {
        offered_service: Some(AHLI_WARIS.into()),
        ..Draft::default()
    };
    bot.dispatch_and_check_last_text_and_state(
        &escaped(&text::ask_topic_with_service("Surat Keterangan Ahli Waris")),
        State::ComplaintTopic { draft: draft.clone() },
    )
    .await;
    assert_eq!(callback_data(&last_markup(&bot))[0], "lp:svc");

    bot.update(button("lp:svc"));
    let next = Draft {
        service_id: Some(AHLI_WARIS.into()),
        category: Some(text::CATEGORY_SERVICE.into()),
        ..draft
    };
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_DESCRIPTION),
        State::ComplaintDescription { draft: next },
    )
    .await;
}

#[tokio::test]
async fn report_from_a_service_card_offers_that_service() {
    let h = Harness::new().await;
    let key = catalog().service_key(AHLI_WARIS).unwrap().to_owned();
    let mut bot = h.bot(button(Callback::ReportAbout { key }.encode()));
    let draft = Draft {
        offered_service: Some(AHLI_WARIS.into()),
        ..Draft::default()
    };
    bot.dispatch_and_check_last_text_and_state(
        &escaped(&text::ask_topic_with_service("Surat Keterangan Ahli Waris")),
        State::ComplaintTopic { draft },
    )
    .await;
}

#[tokio::test]
async fn topic_by_button_or_typed_and_a_bad_category_is_explained() {
    let h = Harness::new().await;
    let topic = State::ComplaintTopic {
        draft: Draft::default(),
    };
    let mut bot = h.bot(button(Callback::Complaint(ComplaintChoice::Category(4)).encode()));
    bot.set_state(topic.clone()).await;
    let chosen = |c: &str| State::ComplaintDescription {
        draft: Draft {
            category: Some(c.into()),
            ..Draft::default()
        },
    };
    bot.dispatch_and_check_last_text_and_state(&escaped(text::ASK_DESCRIPTION), chosen(text::CATEGORIES[4]))
        .await;

    bot.set_state(topic.clone()).await;
    bot.update(msg("<script>"));
    let error = crate::domain::Category::parse("<script>").unwrap_err().to_string();
    bot.dispatch_and_check_last_text_and_state(&escaped(&error), topic.clone())
        .await;

    bot.update(msg("Parkir liar"));
    bot.dispatch_and_check_last_text_and_state(&escaped(text::ASK_DESCRIPTION), chosen("Parkir liar"))
        .await;
}

/// Wrong input at a step (issue 15): a sticker at the description says what the step needs, a
/// photo is kept for the complaint; `/layanan` mid-complaint asks before leaving the draft.
#[tokio::test]
async fn wrong_input_mid_complaint_is_explained_and_nothing_is_lost() {
    let h = Harness::new().await;
    let description = State::ComplaintDescription {
        draft: Draft {
            category: Some("Lainnya".into()),
            ..Draft::default()
        },
    };
    let mut bot = h.bot(teloxide_tests::MockMessageSticker::new());
    bot.set_state(description.clone()).await;
    bot.dispatch_and_check_last_text_and_state(&escaped(text::DESCRIPTION_NEEDS_TEXT), description.clone())
        .await;

    bot.update(MockMessagePhoto::new());
    bot.dispatch().await;
    let shown = bot
        .get_responses()
        .sent_messages_text
        .last()
        .unwrap()
        .message
        .text()
        .unwrap()
        .to_owned();
    assert!(shown.starts_with(&escaped(&text::attachment_kept(1))), "{shown}");
    let State::ComplaintDescription { draft } = bot.get_state().await else {
        panic!("not the description step any more");
    };
    assert_eq!(draft.attachments.len(), 1);

    bot.update(msg("/layanan"));
    bot.dispatch().await;
    assert_eq!(
        bot.get_responses().sent_messages_text.last().unwrap().message.text(),
        Some(escaped(text::ASK_LEAVE_DRAFT).as_str())
    );
    assert_eq!(callback_data(&last_markup(&bot)), vec!["lp:resume", "lp:leave"]);
    bot.update(button("lp:resume"));
    bot.dispatch_and_check_last_text_and_state(&escaped(text::ASK_DESCRIPTION), State::ComplaintDescription { draft })
        .await;
}

#[tokio::test]
async fn description_and_place_are_validated_then_stored() {
    let h = Harness::new().await;
    let start = Draft {
        category: Some("Kebersihan & lingkungan".into()),
        ..Draft::default()
    };
    let mut bot = h.bot(msg("kotor"));
    bot.set_state(State::ComplaintDescription { draft: start.clone() })
        .await;
    let error = crate::domain::ComplaintDescription::parse("kotor")
        .unwrap_err()
        .to_string();
    bot.dispatch_and_check_last_text_and_state(&escaped(&error), State::ComplaintDescription { draft: start.clone() })
        .await;

    let description = "Sampah di depan kantor kelurahan tidak diangkut dua minggu.";
    bot.update(msg(description));
    let with_description = Draft {
        description: Some(description.into()),
        ..start
    };
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_PLACE),
        State::ComplaintPlace {
            draft: with_description.clone(),
        },
    )
    .await;

    bot.update(msg("ab"));
    let error = crate::domain::Place::parse("ab").unwrap_err().to_string();
    bot.dispatch_and_check_last_text_and_state(
        &escaped(&error),
        State::ComplaintPlace {
            draft: with_description.clone(),
        },
    )
    .await;

    bot.update(msg("Kantor Kelurahan Beji"));
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_DATE),
        State::ComplaintDate {
            draft: draft_until_place(),
        },
    )
    .await;
    assert_eq!(
        callback_data(&last_markup(&bot)),
        vec!["lp:date:0", "lp:date:1", "lp:skip"]
    );
}

#[tokio::test]
async fn date_is_validated_against_today_or_skipped() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("21-08-2025"));
    bot.set_state(State::ComplaintDate {
        draft: draft_until_place(),
    })
    .await;
    bot.dispatch_and_check_last_text_and_state(
        &escaped("Tanggal kejadian tidak boleh di masa depan."),
        State::ComplaintDate {
            draft: draft_until_place(),
        },
    )
    .await;
    // The buttons stay under the reason.
    assert_eq!(
        callback_data(&last_markup(&bot)),
        vec!["lp:date:0", "lp:date:1", "lp:skip"]
    );

    // Stored as the date itself, whatever the citizen wrote.
    let dated = |date: &str| Draft {
        incident_date: Some(date.into()),
        ..draft_until_place()
    };
    bot.update(msg("17-08-2025"));
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_ATTACHMENTS),
        State::ComplaintAttachments {
            draft: dated("2025-08-17"),
        },
    )
    .await;

    // 2025-08-20 is a Wednesday: "senin lalu" is the 18th, [Kemarin] the 19th.
    bot.set_state(State::ComplaintDate {
        draft: draft_until_place(),
    })
    .await;
    bot.update(msg("senin lalu"));
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_ATTACHMENTS),
        State::ComplaintAttachments {
            draft: dated("2025-08-18"),
        },
    )
    .await;
    bot.set_state(State::ComplaintDate {
        draft: draft_until_place(),
    })
    .await;
    bot.update(button("lp:date:1"));
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_ATTACHMENTS),
        State::ComplaintAttachments {
            draft: dated("2025-08-19"),
        },
    )
    .await;

    bot.set_state(State::ComplaintDate {
        draft: draft_until_place(),
    })
    .await;
    bot.update(button("lp:skip"));
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_ATTACHMENTS),
        State::ComplaintAttachments {
            draft: draft_until_place(),
        },
    )
    .await;
}

#[tokio::test]
async fn photos_and_documents_are_collected_until_done() {
    let h = Harness::new().await;
    let mut bot = h.bot(MockMessagePhoto::new());
    bot.set_state(State::ComplaintAttachments {
        draft: draft_until_place(),
    })
    .await;
    let with = |ids: &[&str]| State::ComplaintAttachments {
        draft: Draft {
            attachments: ids.iter().map(|s| (*s).to_owned()).collect(),
            ..draft_until_place()
        },
    };
    bot.dispatch_and_check_last_text_and_state(
        &escaped(&text::attachment_received(1)),
        with(&[teloxide_tests::MockPhotoSize::FILE_ID]),
    )
    .await;

    bot.update(MockMessageDocument::new());
    let both = with(&[teloxide_tests::MockPhotoSize::FILE_ID, MockMessageDocument::FILE_ID]);
    bot.dispatch_and_check_last_text_and_state(&escaped(&text::attachment_received(2)), both.clone())
        .await;

    bot.update(msg("ini fotonya"));
    bot.dispatch_and_check_last_text_and_state(&escaped(text::ATTACHMENT_EXPECTED), both.clone())
        .await;

    bot.update(button("lp:done"));
    let State::ComplaintAttachments { draft } = both else {
        unreachable!()
    };
    bot.dispatch_and_check_last_text_and_state(&escaped(text::ASK_ANONYMOUS), State::ComplaintAnonymous { draft })
        .await;
}

#[tokio::test]
async fn anonymity_is_chosen_by_button_and_the_summary_shown() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("ya"));
    bot.set_state(State::ComplaintAnonymous {
        draft: draft_until_place(),
    })
    .await;
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::CHOOSE_WITH_BUTTONS),
        State::ComplaintAnonymous {
            draft: draft_until_place(),
        },
    )
    .await;

    bot.update(button("lp:anon:1"));
    let draft = Draft {
        anonymous: true,
        ..draft_until_place()
    };
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_PUBLIC),
        State::ComplaintPublic { draft: draft.clone() },
    )
    .await;
    // Keeping it confidential is the first button.
    assert_eq!(callback_data(&last_markup(&bot)), vec!["lp:pub:0", "lp:pub:1"]);

    bot.update(button("lp:pub:0"));
    let summary = text::summary(&text::Summary {
        category: "Kebersihan & lingkungan",
        service: None,
        description: "Sampah di depan kantor kelurahan tidak diangkut dua minggu.",
        place: "Kantor Kelurahan Beji",
        date: None,
        attachments: 0,
        anonymous: true,
        public: false,
    });
    assert!(summary.contains("Publikasi: rahasia"), "{summary}");
    bot.dispatch_and_check_last_text_and_state(&escaped(&summary), State::ComplaintConfirm { draft: draft.clone() })
        .await;
    assert_eq!(callback_data(&last_markup(&bot)), vec!["lp:ok", "lp:no"]);

    bot.update(msg("kirim"));
    bot.dispatch_and_check_last_text_and_state(&escaped(text::CHOOSE_WITH_BUTTONS), State::ComplaintConfirm { draft })
        .await;
}

#[tokio::test]
async fn confirming_submits_routes_and_returns_the_ticket() {
    let h = Harness::new().await;
    let draft = Draft {
        offered_service: Some(AHLI_WARIS.into()),
        service_id: Some(AHLI_WARIS.into()),
        anonymous: true,
        attachments: vec!["AgACAgUAAxkBAAIB".into()],
        incident_date: Some("17-08-2025".into()),
        ..draft_until_place()
    };
    let mut bot = h.bot(button("lp:ok"));
    bot.set_state(State::ComplaintConfirm { draft }).await;
    bot.dispatch_and_check_state(idle(Some(AHLI_WARIS))).await;
    let complaints = h.store.list_for_chat(CITIZEN).await.unwrap();
    assert_eq!(complaints.len(), 1);
    let c = &complaints[0];
    assert_eq!(c.handler_id.as_deref(), Some("kecamatan-beji"));
    assert_eq!(c.service_id.as_deref(), Some(AHLI_WARIS));
    assert_eq!(c.title, "Sampah di depan kantor kelurahan tidak diangkut dua minggu.");
    assert_eq!(c.incident_date.as_deref(), Some("2025-08-17"));
    assert!(c.anonymous);
    assert_eq!(c.citizen_name, None, "an anonymous complaint keeps no name");
    let responses = bot.get_responses();
    assert_eq!(
        responses.sent_messages.last().unwrap().text(),
        Some(escaped(&text::submitted(c.ticket.as_str())).as_str())
    );

    // A second press of the same button finds no confirmation step: nothing is filed twice.
    bot.update(button("lp:ok"));
    bot.dispatch().await;
    assert_eq!(h.store.list_for_chat(CITIZEN).await.unwrap().len(), 1);
}

#[tokio::test]
async fn publishing_is_asked_with_buttons_and_only_a_yes_publishes() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("boleh"));
    let draft = Draft {
        anonymous: false,
        ..draft_until_place()
    };
    bot.set_state(State::ComplaintPublic { draft: draft.clone() }).await;
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::CHOOSE_WITH_BUTTONS),
        State::ComplaintPublic { draft: draft.clone() },
    )
    .await;
    bot.update(button("lp:pub:1"));
    let public = Draft {
        public: true,
        ..draft.clone()
    };
    bot.dispatch_and_check_state(State::ComplaintConfirm { draft: public })
        .await;
    bot.update(button("lp:ok"));
    bot.dispatch().await;
    // The same step's button pressed again in the wrong step is stale; nothing changes.
    bot.update(button("lp:pub:1"));
    bot.dispatch().await;
    let complaints = h.store.list_for_chat(CITIZEN).await.unwrap();
    assert_eq!(complaints.len(), 1);
    assert!(!complaints[0].confidential, "the citizen said yes");
    // The display name Telegram gave with the button reaches the complaint (and the post).
    assert_eq!(complaints[0].citizen_name.as_deref(), Some(MockUser::FIRST_NAME));
}

/// Regression (issue 13): every complaint filed on Telegram used to be public.
#[tokio::test]
async fn complaints_are_confidential_unless_the_citizen_agrees() {
    let h = Harness::new().await;
    let mut bot = h.bot(button("lp:ok"));
    bot.set_state(State::ComplaintConfirm {
        draft: draft_until_place(),
    })
    .await;
    bot.dispatch().await;
    let complaints = h.store.list_for_chat(CITIZEN).await.unwrap();
    assert_eq!(complaints.len(), 1);
    assert!(complaints[0].confidential);
}

#[tokio::test]
async fn my_data_shows_complaints_subscriptions_and_settings() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("/dataku"));
    bot.dispatch().await;
    let empty = bot
        .get_responses()
        .sent_messages
        .last()
        .unwrap()
        .text()
        .unwrap()
        .to_owned();
    assert!(empty.contains("Pengaduan: tidak ada"), "{empty}");
    assert!(empty.contains("Langganan pengumuman: tidak ada"), "{empty}");

    let ticket = file_complaint(&h.store, CITIZEN).await;
    let other = file_complaint(&h.store, CITIZEN + 1).await;
    crate::telegram::store::TelegramStore(&h.store)
        .subscribe(CITIZEN, crate::telegram::store::TOPIC_ALL)
        .await
        .unwrap();
    bot.update(msg("/dataku"));
    bot.dispatch().await;
    let shown = bot
        .get_responses()
        .sent_messages
        .last()
        .unwrap()
        .text()
        .unwrap()
        .to_owned();
    assert!(shown.starts_with("Data Anda yang disimpan loket"), "{shown}");
    assert!(shown.contains(&format!("ID chat: {CITIZEN}")), "{shown}");
    assert!(shown.contains(ticket.as_str()), "{shown}");
    assert!(!shown.contains(other.as_str()), "another chat's complaint: {shown}");
    assert!(shown.contains("Langganan pengumuman: semua instansi"), "{shown}");
    assert!(shown.contains("rahasia bagi publik"), "{shown}");
}

#[tokio::test]
async fn the_cancel_button_leaves_the_dialogue() {
    let h = Harness::new().await;
    let mut bot = h.bot(button("lp:no"));
    bot.set_state(State::ComplaintConfirm {
        draft: draft_until_place(),
    })
    .await;
    bot.dispatch_and_check_last_text_and_state(&escaped(text::CANCELLED), State::default())
        .await;
}

#[tokio::test]
async fn a_restart_mid_dialogue_loses_nothing() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("Kantor Kelurahan Beji"));
    bot.set_state(State::ComplaintPlace {
        draft: Draft {
            place: None,
            ..draft_until_place()
        },
    })
    .await;
    bot.dispatch().await;
    drop(bot);
    // A new dispatcher over the same database continues where the chat was.
    let mut bot = h.bot(button("lp:skip"));
    bot.dispatch_and_check_last_text_and_state(
        &escaped(text::ASK_ATTACHMENTS),
        State::ComplaintAttachments {
            draft: draft_until_place(),
        },
    )
    .await;
}

// ---- status ---------------------------------------------------------------------------------

async fn file_complaint(store: &Store, chat: i64) -> TicketNumber {
    let raw = crate::domain::RawComplaint {
        chat_id: chat,
        category: "kebersihan".into(),
        title: "Sampah tidak diangkut".into(),
        description: "Sampah di depan kantor kelurahan tidak diangkut dua minggu.".into(),
        ..Default::default()
    };
    let new = crate::domain::NewComplaint::parse(&raw, chrono::NaiveDate::from_ymd_opt(2025, 8, 20).unwrap()).unwrap();
    let options = crate::storage::SubmitOptions {
        handler_id: Some("kecamatan-beji".into()),
        auto_verify: false,
    };
    store.submit_complaint(&new, &options).await.unwrap().ticket
}

#[tokio::test]
async fn status_shows_only_the_citizens_own_tickets() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("/status"));
    bot.dispatch_and_check_last_text(&escaped(text::STATUS_USAGE)).await;

    bot.update(msg("/status LKT-AAAA-AAAA"));
    let error = TicketNumber::parse("LKT-AAAA-AAAA").unwrap_err().to_string();
    bot.dispatch_and_check_last_text(&escaped(&error)).await;

    let theirs = file_complaint(&h.store, 999).await;
    bot.update(msg(&format!("/status {theirs}")));
    bot.dispatch_and_check_last_text(&escaped(text::TICKET_NOT_FOUND)).await;

    let mine = file_complaint(&h.store, CITIZEN).await;
    bot.update(msg(&format!("/status {}", mine.as_str().to_lowercase())));
    let expected = format!(
        "{}\n{}",
        text::status_header(mine.as_str(), "Sampah tidak diangkut", ComplaintStatus::Diterima),
        text::status_event("20-08-2025", ComplaintStatus::Diterima, None)
    );
    bot.dispatch_and_check_last_text(&escaped(&expected)).await;
}

/// A ticket written in an ordinary message is answered with its status, not as a question.
#[tokio::test]
async fn a_ticket_in_free_text_shows_its_status() {
    let h = Harness::new().await;
    let mine = file_complaint(&h.store, CITIZEN).await;
    let mut bot = h.bot(msg(&format!("min, cek laporan {mine} udah sampai mana ya")));
    let expected = format!(
        "{}\n{}",
        text::status_header(mine.as_str(), "Sampah tidak diangkut", ComplaintStatus::Diterima),
        text::status_event("20-08-2025", ComplaintStatus::Diterima, None)
    );
    bot.dispatch_and_check_last_text(&escaped(&expected)).await;

    // Someone else's ticket is "not found", as with /status.
    let theirs = file_complaint(&h.store, 999).await;
    bot.update(msg(&format!("status {theirs}?")));
    bot.dispatch_and_check_last_text(&escaped(text::TICKET_NOT_FOUND)).await;

    // A mistyped ticket says so instead of being searched as a question.
    bot.update(msg("cek laporan LKT-AAAA-AAAA"));
    let error = TicketNumber::parse("LKT-AAAA-AAAA").unwrap_err().to_string();
    bot.dispatch_and_check_last_text(&escaped(&error)).await;
}

#[tokio::test]
async fn my_complaints_lists_newest_first() {
    let h = Harness::new().await;
    let mut bot = h.bot(msg("/laporanku"));
    bot.dispatch_and_check_last_text(&escaped(text::NO_COMPLAINTS)).await;
    let first = file_complaint(&h.store, CITIZEN).await;
    let second = file_complaint(&h.store, CITIZEN).await;
    let expected = format!(
        "{}\n{}\n{}\n\n{}",
        text::MY_COMPLAINTS_HEADER,
        text::status_line(second.as_str(), ComplaintStatus::Diterima, "Sampah tidak diangkut"),
        text::status_line(first.as_str(), ComplaintStatus::Diterima, "Sampah tidak diangkut"),
        text::MY_COMPLAINTS_FOOTER
    );
    bot.dispatch_and_check_last_text(&escaped(&expected)).await;
}

// ---- subscriptions --------------------------------------------------------------------------

#[tokio::test]
async fn subscribe_to_all_or_one_agency_and_stop() {
    let h = Harness::new().await;
    let t = super::store::TelegramStore(&h.store);
    let mut bot = h.bot(msg("/langganan"));
    bot.dispatch_and_check_last_text(&escaped(text::CHOOSE_SUBSCRIPTION))
        .await;
    let data = callback_data(&last_markup(&bot));
    assert_eq!(data[0], "sub:all");
    let listed: Vec<String> = crate::conversation::choice::subscriptions(&catalog(), 0)
        .iter()
        .flatten()
        .map(|b| b.choice.encode())
        .collect();
    assert_eq!(data, listed);

    bot.update(button("sub:all"));
    bot.dispatch_and_check_last_text(&escaped(text::SUBSCRIBED_ALL)).await;
    let catalog = catalog();
    let agency = &catalog.agencies()[0];
    bot.update(button(format!("sub:{}", agency.key)));
    bot.dispatch_and_check_last_text(&escaped(&text::subscribed_agency(&agency.name)))
        .await;
    assert_eq!(t.subscriptions(CITIZEN).await.unwrap().len(), 2);

    bot.update(msg("/berhenti"));
    bot.dispatch_and_check_last_text(&escaped(text::UNSUBSCRIBED)).await;
    assert!(t.subscriptions(CITIZEN).await.unwrap().is_empty());
    bot.dispatch_and_check_last_text(&escaped(text::NOT_SUBSCRIBED)).await;
}

// ---- officers -------------------------------------------------------------------------------

fn officer_button(to: ComplaintStatus, ticket: &TicketNumber, user: u64) -> MockCallbackQuery {
    let chat = MockGroupChat::new().id(OFFICER_CHAT).build();
    let post = MockMessageText::new().text("Pengaduan baru").chat(chat).build();
    MockCallbackQuery::new()
        .data(
            Callback::Officer {
                to,
                ticket: ticket.clone(),
            }
            .encode(),
        )
        .message(post)
        .from(MockUser::new().id(user).build())
}

#[tokio::test]
async fn only_listed_officers_may_press_status_buttons() {
    let h = Harness::new().await;
    let ticket = file_complaint(&h.store, CITIZEN).await;
    let mut bot = h.bot(officer_button(ComplaintStatus::Diverifikasi, &ticket, 1));
    bot.dispatch().await;
    let answered = bot.get_responses().answered_callback_queries;
    assert_eq!(answered[0].text.as_deref(), Some(text::OFFICER_NOT_ALLOWED));
    assert_eq!(
        h.store.get_by_ticket(&ticket).await.unwrap().unwrap().status,
        ComplaintStatus::Diterima
    );
}

#[tokio::test]
async fn an_officer_verifies_then_resolves_with_a_note() {
    let h = Harness::new().await;
    let ticket = file_complaint(&h.store, CITIZEN).await;
    let t = super::store::TelegramStore(&h.store);

    let mut bot = h.bot(officer_button(ComplaintStatus::Diverifikasi, &ticket, OFFICER));
    bot.dispatch().await;
    // The post the button sits under is the one the fake server knows; record it as our post.
    let responses = bot.get_responses();
    assert_eq!(
        responses.answered_callback_queries[0].text.as_deref(),
        Some(text::OFFICER_DONE)
    );
    let complaint = h.store.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(complaint.status, ComplaintStatus::Diverifikasi);
    let events = h.store.events(&ticket).await.unwrap();
    assert_eq!(events.last().unwrap().actor, format!("officer:{OFFICER}"));

    // Selesai needs a note: the bot asks, the officer replies, the change is applied.
    t.record_officer_post(&ticket, OFFICER_CHAT, 1).await.unwrap();
    bot.update(officer_button(ComplaintStatus::Selesai, &ticket, OFFICER));
    bot.dispatch().await;
    let responses = bot.get_responses();
    let prompt = responses.sent_messages.last().unwrap().clone();
    let asked = &responses.sent_messages_text.last().unwrap().bot_request.text;
    assert!(asked.ends_with(&escaped(&text::officer_ask_note(
        ticket.as_str(),
        ComplaintStatus::Selesai
    ))));
    assert_eq!(
        h.store.get_by_ticket(&ticket).await.unwrap().unwrap().status,
        ComplaintStatus::Diverifikasi
    );

    let reply = MockMessageText::new()
        .text("Sampah sudah diangkut pagi ini.")
        .chat(MockGroupChat::new().id(OFFICER_CHAT).build())
        .from(MockUser::new().id(OFFICER).build())
        .reply_to_message(prompt);
    bot.update(reply);
    bot.dispatch_and_check_last_text(&escaped(text::OFFICER_NOTE_RECEIVED))
        .await;
    let complaint = h.store.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(complaint.status, ComplaintStatus::Selesai);
    let events = h.store.events(&ticket).await.unwrap();
    let path: Vec<_> = events.iter().map(|e| e.to).collect();
    assert_eq!(
        path,
        vec![
            ComplaintStatus::Diterima,
            ComplaintStatus::Diverifikasi,
            ComplaintStatus::Diteruskan,
            ComplaintStatus::Selesai
        ]
    );
    assert_eq!(
        events.last().unwrap().note.as_deref(),
        Some("Sampah sudah diangkut pagi ini.")
    );
    // The recorded post was edited to the new status, without buttons left to press.
    let edited = bot.get_responses().edited_messages_text;
    let last = edited.last().unwrap();
    assert!(
        last.bot_request.text.contains("Status: Selesai"),
        "{}",
        last.bot_request.text
    );
}

fn officer_reply_button(ticket: &TicketNumber, user: u64) -> MockCallbackQuery {
    let chat = MockGroupChat::new().id(OFFICER_CHAT).build();
    let post = MockMessageText::new().text("Pengaduan baru").chat(chat).build();
    MockCallbackQuery::new()
        .data(Callback::OfficerReply { ticket: ticket.clone() }.encode())
        .message(post)
        .from(MockUser::new().id(user).build())
}

#[tokio::test]
async fn officer_posts_offer_a_reply_button_until_closed() {
    let ticket = TicketNumber::generate();
    for (status, offered) in [
        (ComplaintStatus::Diterima, true),
        (ComplaintStatus::Selesai, true),
        (ComplaintStatus::Ditutup, false),
    ] {
        let data = callback_data(&super::keyboards::officer_actions(&ticket, status));
        assert_eq!(data.contains(&format!("ofm:{ticket}")), offered, "{status}: {data:?}");
    }
}

#[tokio::test]
async fn only_listed_officers_may_reply_to_the_citizen() {
    let h = Harness::new().await;
    let ticket = file_complaint(&h.store, CITIZEN).await;
    let mut bot = h.bot(officer_reply_button(&ticket, 1));
    bot.dispatch().await;
    let responses = bot.get_responses();
    assert_eq!(
        responses.answered_callback_queries[0].text.as_deref(),
        Some(text::OFFICER_NOT_ALLOWED)
    );
    assert!(responses.sent_messages.is_empty());
}

#[tokio::test]
async fn an_officer_replies_to_an_anonymous_citizen_without_seeing_who_it_is() {
    let h = Harness::new().await;
    let raw = crate::domain::RawComplaint {
        chat_id: CITIZEN,
        category: "kebersihan".into(),
        title: "Sampah tidak diangkut".into(),
        description: "Sampah di depan kantor kelurahan tidak diangkut dua minggu.".into(),
        anonymous: true,
        ..Default::default()
    };
    let new = crate::domain::NewComplaint::parse(&raw, chrono::NaiveDate::from_ymd_opt(2025, 8, 20).unwrap()).unwrap();
    let options = crate::storage::SubmitOptions {
        handler_id: Some("kecamatan-beji".into()),
        auto_verify: false,
    };
    let ticket = h.store.submit_complaint(&new, &options).await.unwrap().ticket;

    let mut bot = h.bot(officer_reply_button(&ticket, OFFICER));
    bot.dispatch().await;
    let responses = bot.get_responses();
    assert_eq!(responses.answered_callback_queries[0].text, None);
    let prompt = responses.sent_messages.last().unwrap().clone();
    let asked = &responses.sent_messages_text.last().unwrap().bot_request.text;
    assert!(asked.ends_with(&escaped(&text::officer_ask_reply(ticket.as_str()))));
    assert!(matches!(
        responses.sent_messages_text.last().unwrap().bot_request.reply_markup,
        Some(ReplyMarkup::ForceReply(_))
    ));

    // Another member of the chat answering the prompt is refused; the officer's answer goes out.
    let answer = |user: u64, text: &str| {
        MockMessageText::new()
            .text(text)
            .chat(MockGroupChat::new().id(OFFICER_CHAT).build())
            .from(MockUser::new().id(user).build())
            .reply_to_message(prompt.clone())
    };
    bot.update(answer(1, "Saya bukan petugas."));
    bot.dispatch_and_check_last_text(&escaped(text::OFFICER_NOT_ALLOWED))
        .await;
    bot.update(answer(OFFICER, "Mohon kirim foto lokasi yang lebih jelas."));
    bot.dispatch_and_check_last_text(&escaped(text::OFFICER_REPLY_SENT))
        .await;
    for sent in bot.get_responses().sent_messages {
        let text = sent.text().unwrap_or_default();
        assert!(!text.contains(&CITIZEN.to_string()), "{text}");
    }

    // Stored as the handler's reply, with a notification to the citizen's chat; status unchanged.
    let events = h.store.events(&ticket).await.unwrap();
    let reply = events.last().unwrap();
    assert_eq!(reply.kind, crate::storage::EventKind::Reply);
    assert_eq!(reply.actor, format!("officer:{OFFICER}"));
    assert_eq!(reply.note.as_deref(), Some("Mohon kirim foto lokasi yang lebih jelas."));
    let complaint = h.store.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(complaint.status, ComplaintStatus::Diterima);
    let notify: Vec<_> = h
        .store
        .deliveries_for_complaint(complaint.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.kind == crate::storage::DeliveryKind::Notify)
        .collect();
    assert_eq!(notify.len(), 1);
    assert_eq!(notify[0].chat_id, Some(CITIZEN));
    assert!(notify[0].payload.contains("complaint.reply"), "{}", notify[0].payload);

    // The prompt is used up: answering it again is told so and does nothing.
    bot.update(answer(OFFICER, "Balasan kedua untuk pelapor."));
    bot.dispatch_and_check_last_text(&escaped(text::OFFICER_PROMPT_USED))
        .await;
    assert_eq!(h.store.events(&ticket).await.unwrap().len(), events.len());
}

/// The real dispatcher against the fake Bot API: a reply refused with 429 is sent again after
/// `retry_after` (once), and a chat answering 403 is marked blocked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_replies_wait_out_flood_control_and_mark_blocked_chats() {
    use std::time::Duration;

    use crate::telegram::fake_api::{FakeBotApi, Fault};
    use crate::telegram::{SenderLimits, TelegramSender, build_dispatcher};

    let mut h = Harness::new().await;
    let api = FakeBotApi::start().await.unwrap();
    h.deps.sender = Some(Arc::new(TelegramSender::new(api.bot(), SenderLimits::default())));
    api.fail_next_to("sendMessage", 10, 1, Fault::TooManyRequests { retry_after: 1 });
    api.block_chat(20);
    api.push_text(10, 10, "/start");
    api.push_text(20, 20, "/start");
    let mut dispatcher = build_dispatcher(api.bot(), &h.deps);
    let token = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });
    let to = |chat: i64| move |c: &&crate::telegram::fake_api::Call| c.is("sendMessage") && c.chat_id == Some(chat);
    api.wait_until(
        |calls| calls.iter().filter(to(10)).any(|c| c.ok()) && calls.iter().filter(to(20)).count() > 0,
        Duration::from_secs(30),
    )
    .await
    .unwrap();
    // Shutting down lets the updates in flight finish (the blocked flag is written after the 403).
    stop_dispatching(&token, running).await;

    let calls = api.calls();
    let welcome = |chat: i64| {
        calls
            .iter()
            .filter(to(chat))
            .map(|c| (c.status, c.text().map(str::to_owned)))
            .collect::<Vec<_>>()
    };
    let expected = Some(render::plain(text::WELCOME).concat());
    assert_eq!(welcome(10), vec![(429, expected.clone()), (200, expected.clone())]);
    assert_eq!(welcome(20), vec![(403, expected)]);
    let t = super::store::TelegramStore(&h.store);
    assert!(t.is_blocked(20).await.unwrap());
    assert!(!t.is_blocked(10).await.unwrap());
}

/// The core's scripted conversation ([`crate::conversation::tests::script`]) on Telegram: the
/// real dispatcher long-polling the fake Bot API, buttons pressed as callback queries under the
/// messages that carried them, the status notices sent by the Telegram notifier; the same
/// outcomes as on WhatsApp and the web chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_script_runs_on_telegram() {
    use std::time::Duration;

    use crate::conversation::tests::{Say, assert_script_outcome, resolve_filed, script};
    use crate::delivery::{ExecutionOutcome, RetryPolicy, Worker};
    use crate::storage::DeliveryKind;
    use crate::telegram::fake_api::{Call, FakeBotApi};
    use crate::telegram::{SenderLimits, TelegramNotifier, TelegramSender, build_dispatcher};

    /// The (label, data) of every button of a call.
    fn buttons(call: &Call) -> Vec<(String, String)> {
        let rows = call.params["reply_markup"]["inline_keyboard"].as_array().cloned();
        rows.unwrap_or_default()
            .iter()
            .filter_map(serde_json::Value::as_array)
            .flatten()
            .filter_map(|b| Some((b["text"].as_str()?.to_owned(), b["callback_data"].as_str()?.to_owned())))
            .collect()
    }
    /// The messages loket sent or edited into the chat since call number `from`.
    fn shown(calls: &[Call], from: usize, chat: i64) -> Vec<Call> {
        calls
            .iter()
            .skip(from)
            .filter(|c| (c.sends() || c.is("editMessageText")) && c.chat_id == Some(chat) && c.ok())
            .cloned()
            .collect()
    }
    fn words(calls: &[Call]) -> String {
        calls.iter().filter_map(Call::text).collect::<Vec<_>>().join("\n")
    }

    let mut h = Harness::new().await;
    let api = FakeBotApi::start().await.unwrap();
    let sender = Arc::new(TelegramSender::new(api.bot(), SenderLimits::default()));
    h.deps.sender = Some(sender.clone());
    let notify = Worker::new(
        h.store.clone(),
        DeliveryKind::Notify,
        Arc::new(TelegramNotifier::new(sender, h.store.clone())),
        RetryPolicy::default(),
        Duration::from_secs(60),
    );
    let mut dispatcher = build_dispatcher(api.bot(), &h.deps);
    let token = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });
    let chat = 31_337_i64;
    let mut last: Vec<Call> = Vec::new();
    for (i, turn) in script().into_iter().enumerate() {
        let before = api.call_count();
        match turn.say {
            Say::Text(text) => {
                api.push_text(chat, chat, text);
            }
            Say::Press(label) => {
                let (message_id, data) = last
                    .iter()
                    .find_map(|c| {
                        let (_, data) = buttons(c).into_iter().find(|(l, _)| l.starts_with(label))?;
                        Some((c.message_id?, data))
                    })
                    .unwrap_or_else(|| panic!("turn {i}: no button {label:?} in {last:?}"));
                api.push_callback(chat, chat, message_id, &data);
            }
            Say::Location(latitude, longitude) => {
                api.push_update(serde_json::json!({ "message": {
                    "message_id": 90_000 + i,
                    "date": NOW,
                    "chat": { "id": chat, "type": "private", "first_name": "Warga" },
                    "from": { "id": chat, "is_bot": false, "first_name": "Warga" },
                    "location": { "latitude": latitude, "longitude": longitude },
                }}));
            }
            Say::Photo(id) => {
                api.push_photo(chat, chat, id);
            }
            Say::StatusOfTicket => {
                let filed = h.store.list_for_chat(chat).await.unwrap();
                api.push_text(chat, chat, &format!("/status {}", filed[0].ticket));
            }
            Say::Resolved => {
                resolve_filed(&h.store, chat).await;
                loop {
                    match notify.try_execute_task().await.unwrap() {
                        ExecutionOutcome::EmptyQueue => break,
                        ExecutionOutcome::TaskCompleted => {}
                        other => panic!("turn {i}: notice not sent: {other:?}"),
                    }
                }
            }
        }
        let expect = turn.expect;
        let arrived = api
            .wait_until(
                |calls| {
                    let text = words(&shown(calls, before, chat));
                    expect.iter().all(|w| text.contains(w))
                },
                Duration::from_secs(20),
            )
            .await;
        assert!(
            arrived.is_ok(),
            "turn {i} ({:?}): {expect:?} not in {}",
            turn.say,
            words(&shown(&api.calls(), before, chat))
        );
        // Whatever else the turn sends (a second message) arrives right after.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let replies = shown(&api.calls(), before, chat);
        if !replies.is_empty() {
            last = replies;
        }
    }
    stop_dispatching(&token, running).await;
    assert_script_outcome(&h.store, chat).await;
    let filed = h.store.list_for_chat(chat).await.unwrap();
    let complaint = h.store.get_by_ticket(&filed[0].ticket).await.unwrap().unwrap();
    assert_eq!(complaint.attachments, ["AgACfoto1"]);
    assert!(
        complaint.location.is_some(),
        "the shared location is kept as coordinates"
    );
}

// ---- abuse limits (issue 13) ----------------------------------------------------------------

#[tokio::test]
async fn lapor_is_refused_politely_once_the_hourly_allowance_is_used() {
    let h = Harness::new().await;
    let raw = crate::domain::RawComplaint {
        chat_id: CITIZEN,
        ..crate::domain::fixtures::raw()
    };
    let new = crate::domain::NewComplaint::parse(&raw, crate::domain::fixtures::today()).unwrap();
    for _ in 0..10 {
        h.store
            .submit_complaint(&new, &crate::storage::SubmitOptions::default())
            .await
            .unwrap();
    }
    let mut bot = h.bot(msg("/lapor"));
    bot.dispatch_and_check_last_text_and_state(&escaped(&text::complaint_limit(10, 60)), State::default())
        .await;
}

/// A flood from one chat is dropped beyond its allowance (one notice), before any database work,
/// so it cannot fill the chat's queue and hold up the dispatcher for everyone else.
#[tokio::test]
async fn a_flood_from_one_chat_is_dropped_with_one_notice() {
    let mut h = Harness::new().await;
    h.deps.config.limits.messages_per_chat_per_minute = 2;
    let flood: Vec<MockMessageText> = (0..6).map(|_| msg("halo")).collect();
    let mut bot = h.bot(flood);
    bot.dispatch().await;
    let sent: Vec<String> = bot
        .get_responses()
        .sent_messages_text
        .iter()
        .map(|m| m.message.text().unwrap_or_default().to_owned())
        .collect();
    let notices = sent.iter().filter(|t| *t == text::TOO_MANY_MESSAGES).count();
    assert_eq!(notices, 1, "{sent:?}");
    assert_eq!(sent.len(), 3, "two answers and one notice: {sent:?}");
}
