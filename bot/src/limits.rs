//! Abuse limits (`[limits]`): how much one chat or one client address may ask of loket, so that
//! a flood from one source cannot crowd out everyone else.
//!
//! - **Complaints per chat** (`complaints_per_chat_per_hour`, 10): counted from the complaints
//!   filed in the last hour ([`crate::storage::Store::recent_intake_from_chat`]), so the limit
//!   holds across restarts and processes; `/lapor` and the final submit refuse politely,
//!   saying when the next complaint is possible ([`chat_intake`]).
//! - **Open311 intake per client address** (`complaints_per_address_per_hour`, 10): complaints
//!   filed through `POST /open311/v2/requests.json` in the last hour; beyond it the request is
//!   answered 429 with `Retry-After` ([`AddressGate`], in memory per process; the address is the
//!   peer's or the one the reverse proxy names, see `http.client_ip_header`; loopback addresses,
//!   i.e. a local proxy that names no client, are not limited). Only accepted
//!   complaints count, so a client correcting a refused form is not locked out; that needs a
//!   look before the request and a count after it, which a token bucket (governor) cannot give,
//!   hence the small sliding window here. Concurrent requests from one address may overshoot
//!   by the number in flight.
//! - **Messages per chat** (`messages_per_chat_per_minute`, 30): beyond it a chat's messages
//!   are dropped before any database work, with one notice a minute ([`ChatGate`]). Telegram
//!   paces replies at one a second per chat, and teloxide's dispatcher waits when one chat's
//!   queue is full, so an unchecked flood from one chat would hold up every other chat.
//! - **Question length** (`max_question_chars`, 500): the answer engine reads at most this much
//!   of a message ([`question_text`]), so a 5,000-character message costs what a short one does.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::storage::{Store, StoreError};

/// `[limits]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// Complaints one Telegram chat may file in an hour.
    pub complaints_per_chat_per_hour: u32,
    /// Open311 intake requests one client address may make in an hour.
    pub complaints_per_address_per_hour: u32,
    /// Messages one chat may send in a minute; more are ignored (with one notice).
    pub messages_per_chat_per_minute: u32,
    /// Characters of a question the answer engine reads.
    pub max_question_chars: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            complaints_per_chat_per_hour: 10,
            complaints_per_address_per_hour: 10,
            messages_per_chat_per_minute: 30,
            max_question_chars: 500,
        }
    }
}

impl LimitSettings {
    pub fn validate(&self) -> anyhow::Result<()> {
        for (value, key) in [
            (self.complaints_per_chat_per_hour, "limits.complaints_per_chat_per_hour"),
            (
                self.complaints_per_address_per_hour,
                "limits.complaints_per_address_per_hour",
            ),
            (self.messages_per_chat_per_minute, "limits.messages_per_chat_per_minute"),
        ] {
            anyhow::ensure!(value >= 1, "{key} must be at least 1");
        }
        anyhow::ensure!(
            (50..=4096).contains(&self.max_question_chars),
            "limits.max_question_chars must be between 50 and 4096"
        );
        Ok(())
    }
}

/// At most `max_chars` characters of `raw` (cut at a character boundary, then at the last word).
pub fn question_text(raw: &str, max_chars: usize) -> &str {
    match raw.char_indices().nth(max_chars) {
        None => raw,
        Some((cut, _)) => {
            let head = &raw[..cut];
            head.rfind(char::is_whitespace)
                .map_or(head, |space| &head[..space])
                .trim_end()
        }
    }
}

/// The chat filed its hour's allowance of complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeRefusal {
    /// The allowance (complaints per hour).
    pub per_hour: u32,
    /// Minutes until the oldest complaint of the hour leaves the window (at least 1).
    pub wait_minutes: u64,
}

const HOUR: i64 = 3600;

/// Whether `chat_id` may file another complaint now.
pub async fn chat_intake(
    store: &Store,
    settings: &LimitSettings,
    chat_id: i64,
) -> Result<Result<(), IntakeRefusal>, StoreError> {
    let now = store.clock().now();
    let recent = store.recent_intake_from_chat(chat_id, now - HOUR + 1).await?;
    if recent.count < u64::from(settings.complaints_per_chat_per_hour) {
        return Ok(Ok(()));
    }
    let free_at = recent.oldest_at.unwrap_or(now) + HOUR;
    let wait_secs = u64::try_from(free_at - now).unwrap_or(0);
    Ok(Err(IntakeRefusal {
        per_hour: settings.complaints_per_chat_per_hour,
        wait_minutes: wait_secs.div_ceil(60).max(1),
    }))
}

/// A per-key rate limit (in memory, per process) that forgets idle keys as it goes.
pub struct KeyedGate<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    /// One notice per key and minute when refusing repeatedly.
    notices: DefaultKeyedRateLimiter<K>,
    checks: AtomicU64,
}

/// Every this many checks, keys whose allowance is full again are dropped.
const CLEANUP_EVERY: u64 = 4096;

impl<K: Hash + Eq + Clone> KeyedGate<K> {
    pub fn new(quota: Quota) -> Self {
        Self {
            limiter: RateLimiter::keyed(quota),
            notices: RateLimiter::keyed(Quota::per_minute(NonZeroU32::MIN)),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one unit of `key`'s allowance, or says how long until the next is free.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % CLEANUP_EVERY == CLEANUP_EVERY - 1 {
            self.limiter.retain_recent();
            self.notices.retain_recent();
        }
        self.limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Whether a refused `key` should be told (at most once a minute).
    pub fn should_notice(&self, key: &K) -> bool {
        self.notices.check_key(key).is_ok()
    }
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// Messages per Telegram chat.
pub type ChatGate = KeyedGate<i64>;

/// Complaints filed over Open311 per client address in the last hour (see the module docs).
pub struct AddressGate {
    per_hour: usize,
    filed: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
    records: AtomicU64,
}

const HOUR_SPAN: Duration = Duration::from_secs(3600);

impl AddressGate {
    pub fn new(per_hour: u32) -> Self {
        Self {
            per_hour: usize::try_from(per_hour).unwrap_or(usize::MAX).max(1),
            filed: Mutex::default(),
            records: AtomicU64::new(0),
        }
    }

    /// Whether `ip` may file now; if not, how long until the oldest of its hour leaves the window.
    pub fn allowed(&self, ip: IpAddr) -> Result<(), Duration> {
        self.allowed_at(ip, Instant::now())
    }

    /// Counts one complaint filed by `ip`.
    pub fn record(&self, ip: IpAddr) {
        self.record_at(ip, Instant::now());
    }

    fn allowed_at(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut filed = self.filed.lock().unwrap_or_else(|e| e.into_inner());
        let Some(times) = filed.get_mut(&ip) else {
            return Ok(());
        };
        times.retain(|t| now.saturating_duration_since(*t) < HOUR_SPAN);
        match times.front() {
            Some(oldest) if times.len() >= self.per_hour => {
                Err(HOUR_SPAN.saturating_sub(now.saturating_duration_since(*oldest)))
            }
            _ => Ok(()),
        }
    }

    fn record_at(&self, ip: IpAddr, now: Instant) {
        let mut filed = self.filed.lock().unwrap_or_else(|e| e.into_inner());
        if self.records.fetch_add(1, Ordering::Relaxed) % CLEANUP_EVERY == CLEANUP_EVERY - 1 {
            filed.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.saturating_duration_since(*t) < HOUR_SPAN)
            });
        }
        let times = filed.entry(ip).or_default();
        times.push_back(now);
        while times.len() > self.per_hour {
            times.pop_front();
        }
    }
}

impl LimitSettings {
    pub fn chat_gate(&self) -> ChatGate {
        KeyedGate::new(Quota::per_minute(nonzero(self.messages_per_chat_per_minute)))
    }

    pub fn address_gate(&self) -> AddressGate {
        AddressGate::new(self.complaints_per_address_per_hour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewComplaint, fixtures};
    use crate::storage::SubmitOptions;
    use crate::storage::testing::{TestDb, both_backends};

    #[test]
    fn long_questions_are_cut_at_a_word() {
        assert_eq!(question_text("syarat KTP", 500), "syarat KTP");
        assert_eq!(question_text("syarat bikin KTP", 10), "syarat");
        assert_eq!(question_text("éééééééééééé", 5), "ééééé", "a character boundary");
        let flood = "ktp ".repeat(1250);
        assert!(question_text(&flood, 500).chars().count() <= 500);
    }

    #[test]
    fn a_gate_refuses_beyond_its_allowance_per_key() {
        let gate = LimitSettings {
            messages_per_chat_per_minute: 3,
            ..LimitSettings::default()
        }
        .chat_gate();
        for _ in 0..3 {
            assert_eq!(gate.check(&1), Ok(()));
        }
        let wait = gate.check(&1).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60), "{wait:?}");
        assert_eq!(gate.check(&2), Ok(()), "other chats are not affected");
        assert!(gate.should_notice(&1));
        assert!(!gate.should_notice(&1), "one notice a minute");
    }

    #[test]
    fn an_address_files_its_allowance_per_hour_and_refusals_do_not_count() {
        let gate = AddressGate::new(2);
        let ip = IpAddr::from([192, 0, 2, 1]);
        let start = Instant::now();
        // Looking does not count: only what was filed.
        for _ in 0..5 {
            assert_eq!(gate.allowed_at(ip, start), Ok(()));
        }
        gate.record_at(ip, start);
        gate.record_at(ip, start + Duration::from_secs(600));
        assert_eq!(
            gate.allowed_at(ip, start + Duration::from_secs(1200)),
            Err(Duration::from_secs(2400)),
            "until the first leaves the hour"
        );
        assert_eq!(gate.allowed_at(IpAddr::from([192, 0, 2, 2]), start), Ok(()));
        assert_eq!(gate.allowed_at(ip, start + HOUR_SPAN), Ok(()));
    }

    #[test]
    fn settings_are_checked() {
        assert!(LimitSettings::default().validate().is_ok());
        for bad in [
            LimitSettings {
                complaints_per_chat_per_hour: 0,
                ..LimitSettings::default()
            },
            LimitSettings {
                max_question_chars: 10,
                ..LimitSettings::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }

    async fn the_eleventh_complaint_in_an_hour_waits(db: TestDb) {
        let settings = LimitSettings::default();
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let chat = new.citizen.telegram_chat().unwrap();
        let first_at = db.clock.now();
        for _ in 0..10 {
            assert_eq!(chat_intake(&db.store, &settings, chat).await.unwrap(), Ok(()));
            db.store
                .submit_complaint(&new, &SubmitOptions::default())
                .await
                .unwrap();
            db.clock.advance(60);
        }
        let refusal = chat_intake(&db.store, &settings, chat).await.unwrap().unwrap_err();
        assert_eq!(
            refusal,
            IntakeRefusal {
                per_hour: 10,
                wait_minutes: 50
            }
        );
        assert_eq!(chat_intake(&db.store, &settings, chat + 1).await.unwrap(), Ok(()));
        db.clock.set(first_at + HOUR);
        assert_eq!(
            chat_intake(&db.store, &settings, chat).await.unwrap(),
            Ok(()),
            "the first complaint left the window"
        );
    }

    both_backends!(the_eleventh_complaint_in_an_hour_waits);
}
