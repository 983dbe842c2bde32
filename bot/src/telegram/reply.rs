//! Direct replies: what the handlers send straight back to the chat an update came from, within
//! Telegram's limits.
//!
//! Every handler gets a [`Replier`] (the `Bot` plus a shared [`ReplyGate`]) instead of the bare
//! `Bot`, and every call it makes goes through [`Replier::send`]:
//!
//! - **429** waits `retry_after` and tries again, at most [`ReplyPolicy::max_attempts`] calls
//!   in all; a `retry_after` longer than [`ReplyPolicy::max_retry_after`] is not waited out (the
//!   update would hold its chat's queue that long) and the error goes to the dispatcher. The
//!   shared [`TelegramSender`] (when there is one) is paused too: flood control is per bot.
//! - **Network and I/O errors** (nothing or an unknown part reached Telegram) retry after a short
//!   backoff, within the same attempt budget. A lost answer is worse than a rare duplicate.
//!   Server errors (5xx) are not retried: teloxide already waited 10 s before returning them.
//! - **403** (bot blocked, user deactivated, kicked) marks the chat blocked in the store, as the
//!   notifier and the broadcast do, and stops: the error ends the handler.
//! - Every call on the wire counts against the shared pacer
//!   ([`TelegramSender::note_unpaced_send`]), so notifications and broadcasts leave room for
//!   replies.

use std::sync::Arc;
use std::time::Duration;

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::requests::Output;

use super::sender::TelegramSender;
use super::store::TelegramStore;
use crate::storage::Store;

/// How hard a direct reply tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReplyPolicy {
    /// Calls in all, the first included.
    pub(crate) max_attempts: u32,
    /// The longest 429 `retry_after` waited out.
    pub(crate) max_retry_after: Duration,
    /// Wait before the first retry after a network error; doubles after each.
    pub(crate) network_backoff: Duration,
}

impl Default for ReplyPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            max_retry_after: Duration::from_secs(60),
            network_backoff: Duration::from_millis(200),
        }
    }
}

/// What every reply shares: the store (to mark chats blocked), the paced sender (to count and
/// honour flood control), the policy. Injected into the dispatcher's dependencies.
pub(crate) struct ReplyGate {
    store: Store,
    sender: Option<Arc<TelegramSender>>,
    policy: ReplyPolicy,
}

impl ReplyGate {
    pub(crate) fn new(store: Store, sender: Option<Arc<TelegramSender>>) -> Self {
        Self {
            store,
            sender,
            policy: ReplyPolicy::default(),
        }
    }

    #[cfg(test)]
    pub(crate) fn with_policy(mut self, policy: ReplyPolicy) -> Self {
        self.policy = policy;
        self
    }
}

/// The bot as handlers use it; see the module docs.
#[derive(Clone)]
pub(crate) struct Replier {
    bot: Bot,
    gate: Arc<ReplyGate>,
}

impl Replier {
    pub(crate) fn new(bot: Bot, gate: Arc<ReplyGate>) -> Self {
        Self { bot, gate }
    }

    /// The bare bot, for requests built here (`bot.inner().send_message(..)`) and calls that are
    /// not replies (refreshing officer posts in other chats).
    pub(crate) fn inner(&self) -> &Bot {
        &self.bot
    }

    /// Sends `request` (a call about `chat`, when it names one) with the retries of the module
    /// docs.
    pub(crate) async fn send<R>(&self, chat: Option<ChatId>, request: R) -> Result<Output<R>, RequestError>
    where
        R: Request<Err = RequestError>,
    {
        let policy = self.gate.policy;
        let mut backoff = policy.network_backoff;
        let mut attempt = 1;
        loop {
            if let Some(sender) = &self.gate.sender {
                sender.wait_out_flood_control().await;
                sender.note_unpaced_send();
            }
            let error = match request.send_ref().await {
                Ok(output) => return Ok(output),
                Err(error) => error,
            };
            let chat_id = chat.map(|c| c.0);
            let last = attempt >= policy.max_attempts;
            match &error {
                RequestError::RetryAfter(after) => {
                    let after = after.duration();
                    tracing::warn!(
                        chat_id,
                        retry_after = after.as_secs(),
                        attempt,
                        "telegram flood control on a reply"
                    );
                    if let Some(sender) = &self.gate.sender {
                        sender.note_retry_after(after);
                    }
                    if last || after > policy.max_retry_after {
                        return Err(error);
                    }
                    tokio::time::sleep(after).await;
                }
                RequestError::Network(_) | RequestError::Io(_) => {
                    tracing::warn!(chat_id, %error, attempt, "reply failed on the network");
                    if last {
                        return Err(error);
                    }
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                RequestError::Api(api) if api.to_string().starts_with("Forbidden") => {
                    if let Some(chat) = chat {
                        tracing::info!(chat_id = chat.0, reason = %api, "chat blocked the bot; reply dropped");
                        if let Err(e) = TelegramStore(&self.gate.store).block_chat(chat.0).await {
                            tracing::error!(chat_id = chat.0, error = %e, "cannot mark the chat blocked");
                        }
                    }
                    return Err(error);
                }
                _ => return Err(error),
            }
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testing::{TestDb, both_backends};
    use crate::telegram::fake_api::{FakeBotApi, Fault};

    const CHAT: i64 = 4242;

    fn policy() -> ReplyPolicy {
        ReplyPolicy {
            max_attempts: 3,
            max_retry_after: Duration::from_secs(5),
            network_backoff: Duration::from_millis(10),
        }
    }

    async fn replier(db: &TestDb, api: &FakeBotApi, sender: Option<Arc<TelegramSender>>) -> Replier {
        let gate = ReplyGate::new(db.store.clone(), sender).with_policy(policy());
        Replier::new(api.bot(), Arc::new(gate))
    }

    async fn a_429_waits_and_the_reply_arrives_once(db: TestDb) {
        let api = FakeBotApi::start().await.unwrap();
        api.fail_next("sendMessage", 1, Fault::TooManyRequests { retry_after: 1 });
        let sender = Arc::new(TelegramSender::new(api.bot(), crate::telegram::SenderLimits::default()));
        let r = replier(&db, &api, Some(sender)).await;
        let sent = r
            .send(Some(ChatId(CHAT)), r.inner().send_message(ChatId(CHAT), "halo"))
            .await
            .unwrap();
        assert_eq!(sent.text(), Some("halo"));
        let calls = api.calls_of("sendMessage");
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert!(!calls[0].ok() && calls[1].ok());
        assert_eq!(api.sent_to(CHAT).len(), 1);
        assert!(!TelegramStore(&db.store).is_blocked(CHAT).await.unwrap());
    }

    async fn repeated_429s_give_up_after_the_attempt_budget(db: TestDb) {
        let api = FakeBotApi::start().await.unwrap();
        api.fail_next("sendMessage", 3, Fault::TooManyRequests { retry_after: 0 });
        let r = replier(&db, &api, None).await;
        let error = r
            .send(Some(ChatId(CHAT)), r.inner().send_message(ChatId(CHAT), "halo"))
            .await
            .unwrap_err();
        assert!(matches!(error, RequestError::RetryAfter(_)), "{error}");
        assert_eq!(api.calls_of("sendMessage").len(), 3);
        // A retry_after beyond the policy is not waited out at all.
        api.fail_next("sendMessage", 1, Fault::TooManyRequests { retry_after: 3600 });
        let before = api.call_count();
        assert!(
            r.send(None, r.inner().send_message(ChatId(CHAT), "halo"))
                .await
                .is_err()
        );
        assert_eq!(api.call_count(), before + 1);
    }

    async fn a_403_marks_the_chat_blocked_and_stops(db: TestDb) {
        let api = FakeBotApi::start().await.unwrap();
        api.block_chat(CHAT);
        let r = replier(&db, &api, None).await;
        let error = r
            .send(Some(ChatId(CHAT)), r.inner().send_message(ChatId(CHAT), "halo"))
            .await
            .unwrap_err();
        assert!(error.to_string().contains("Forbidden"), "{error}");
        assert_eq!(api.calls_of("sendMessage").len(), 1);
        assert!(TelegramStore(&db.store).is_blocked(CHAT).await.unwrap());
    }

    async fn network_errors_retry_then_give_up(db: TestDb) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        drop(listener);
        let bot = Bot::new("123:abc").set_api_url(reqwest::Url::parse(&url).unwrap());
        let gate = ReplyGate::new(db.store.clone(), None).with_policy(policy());
        let r = Replier::new(bot, Arc::new(gate));
        let error = r
            .send(Some(ChatId(CHAT)), r.inner().send_message(ChatId(CHAT), "halo"))
            .await
            .unwrap_err();
        assert!(matches!(error, RequestError::Network(_)), "{error}");
        assert!(!TelegramStore(&db.store).is_blocked(CHAT).await.unwrap());
    }

    both_backends!(
        a_429_waits_and_the_reply_arrives_once,
        repeated_429s_give_up_after_the_attempt_budget,
        a_403_marks_the_chat_blocked_and_stops,
        network_errors_retry_then_give_up,
    );
}
