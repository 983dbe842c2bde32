//! Personal data (UU 27/2022): what loket holds about one Telegram chat ([`Store::citizen_data`],
//! for `/dataku`) and erasing the citizen from closed complaints ([`Store::purge_closed`], for
//! `loket purge`).
//!
//! Purging keeps the complaint as an anonymous record: its text, service, statuses and the
//! append-only events stay, so statistics and the audit trail survive. What goes: the chat id and
//! the Open311 contact on the complaint, the chat id in the events' actor (`citizen:<id>` becomes
//! `citizen`, the one update migration 0006 allows on `complaint_events`), the notifications sent
//! to the chat (with their send markers) and the citizen block of the forwarding payloads. A
//! complaint with a delivery still pending or in flight is skipped and purged on a later run, so
//! a purge never pulls a message out from under a worker. Each complaint is purged in its own
//! transaction and at most once (`purged_at`), so running the purge again changes nothing.

use anyhow::Context;

use super::complaints::{Complaint, ComplaintRow, rows_to};
use super::{Dialect, Store, StoreError, on_pool};
use crate::domain::ComplaintStatus;

/// Statuses a complaint can be purged in: closed for good (`ComplaintStatus::is_final`).
/// The SQL below spells the same list; a test keeps them together.
pub const PURGEABLE: [ComplaintStatus; 3] = [
    ComplaintStatus::Ditolak,
    ComplaintStatus::Ditutup,
    ComplaintStatus::BukanWewenang,
];

const SELECT_PURGEABLE: &str = "
    SELECT id FROM complaints
     WHERE purged_at IS NULL AND status IN ('ditolak', 'ditutup', 'bukan_wewenang') AND updated_at < $1
     ORDER BY id";

const ERASE_CITIZEN: &str = "
    UPDATE complaints SET chat_id = 0, contact = NULL, citizen_name = NULL, purged_at = $2
     WHERE id = $1 AND purged_at IS NULL AND status IN ('ditolak', 'ditutup', 'bukan_wewenang')
       AND updated_at < $3";

/// What one `loket purge` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PurgeReport {
    /// Complaints whose citizen identity and contact were removed.
    pub complaints: u64,
    /// Events whose actor no longer names the chat.
    pub events: u64,
    /// Notifications to the citizen removed.
    pub notifications: u64,
    /// Forwarding payloads rewritten without the citizen.
    pub forwards: u64,
    /// Closed complaints left for a later run because a delivery is still pending or in flight.
    pub skipped_pending: u64,
}

/// The chat's row in `chats`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRecord {
    /// `active` or `blocked`.
    pub status: String,
    pub created_at: i64,
}

/// Everything loket holds about one Telegram chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenData {
    pub chat: Option<ChatRecord>,
    /// Subscription topics (`all` or `agency:<name>`).
    pub subscriptions: Vec<String>,
    /// The chat's complaints, newest first (purged ones no longer name the chat).
    pub complaints: Vec<Complaint>,
    /// When the dialogue state (the complaint draft, the question context) was last saved.
    pub dialogue_updated_at: Option<i64>,
}

/// At most this many complaints in `/dataku` (no citizen comes close).
const MAX_COMPLAINTS: i64 = 500;

impl Store {
    /// What loket holds about `chat_id`: the chat row, subscriptions, complaints and whether a
    /// dialogue state is stored.
    pub async fn citizen_data(&self, chat_id: i64) -> Result<CitizenData, StoreError> {
        on_pool!(self, |pool| {
            let chat: Option<(String, i64)> = sqlx::query_as("SELECT status, created_at FROM chats WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .context("cannot read the chat")?;
            let subscriptions: Vec<(String,)> =
                sqlx::query_as("SELECT topic FROM subscriptions WHERE chat_id = $1 ORDER BY topic")
                    .bind(chat_id)
                    .fetch_all(pool)
                    .await
                    .context("cannot read subscriptions")?;
            let complaints = sqlx::query_as::<_, ComplaintRow>(
                "SELECT * FROM complaints WHERE chat_id = $1 AND channel = 'telegram' AND purged_at IS NULL
                  ORDER BY id DESC LIMIT $2",
            )
            .bind(chat_id)
            .bind(MAX_COMPLAINTS)
            .fetch_all(pool)
            .await
            .context("cannot read complaints")?;
            let dialogue: Option<(i64,)> = sqlx::query_as("SELECT updated_at FROM dialogues WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .context("cannot read the dialogue state")?;
            Ok(CitizenData {
                chat: chat.map(|(status, created_at)| ChatRecord { status, created_at }),
                subscriptions: subscriptions.into_iter().map(|(t,)| t).collect(),
                complaints: rows_to(complaints)?,
                dialogue_updated_at: dialogue.map(|(at,)| at),
            })
        })
    }

    /// Removes the citizen's identity and contact from every complaint closed for good
    /// ([`PURGEABLE`]) whose last change is before `before` (unix seconds); see the module docs.
    pub async fn purge_closed(&self, before: i64) -> Result<PurgeReport, StoreError> {
        let candidates: Vec<(i64,)> = on_pool!(self, |pool| {
            sqlx::query_as(SELECT_PURGEABLE)
                .bind(before)
                .fetch_all(pool)
                .await
                .context("cannot list complaints to purge")?
        });
        let mut report = PurgeReport::default();
        for (id,) in candidates {
            self.purge_one(id, before, &mut report).await?;
        }
        Ok(report)
    }

    async fn purge_one(&self, id: i64, before: i64, report: &mut PurgeReport) -> Result<(), StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            let (busy,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM deliveries WHERE complaint_id = $1 AND status IN ('pending', 'in_flight')",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .context("cannot check pending deliveries")?;
            if busy > 0 {
                report.skipped_pending += 1;
                return Ok(());
            }
            let erased = sqlx::query(ERASE_CITIZEN)
                .bind(id)
                .bind(now)
                .bind(before)
                .execute(&mut *tx)
                .await
                .context("cannot erase the citizen from the complaint")?
                .rows_affected();
            if erased == 0 {
                // Changed since it was listed (reopened, re-routed, purged by another process).
                return Ok(());
            }
            sqlx::query("DELETE FROM complaint_supporters WHERE complaint_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .context("cannot erase the supporters")?;
            let events = sqlx::query(
                "UPDATE complaint_events SET actor = 'citizen' WHERE complaint_id = $1 AND actor LIKE 'citizen:%'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("cannot erase the citizen from the events")?
            .rows_affected();
            sqlx::query(
                "DELETE FROM telegram_sends WHERE key IN
                   (SELECT 'notify:' || id FROM deliveries WHERE complaint_id = $1 AND kind = 'notify')",
            )
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("cannot remove send markers")?;
            let notifications = sqlx::query("DELETE FROM deliveries WHERE complaint_id = $1 AND kind = 'notify'")
                .bind(id)
                .execute(&mut *tx)
                .await
                .context("cannot remove notifications")?
                .rows_affected();
            let forwards: Vec<(String, String)> =
                sqlx::query_as("SELECT id, payload FROM deliveries WHERE complaint_id = $1 AND kind = 'forward'")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await
                    .context("cannot read forwarding payloads")?;
            let mut rewritten = 0;
            for (delivery, payload) in forwards {
                let Some(scrubbed) = without_citizen(&payload) else {
                    continue;
                };
                sqlx::query("UPDATE deliveries SET payload = $2, chat_id = NULL WHERE id = $1")
                    .bind(&delivery)
                    .bind(&scrubbed)
                    .execute(&mut *tx)
                    .await
                    .context("cannot rewrite a forwarding payload")?;
                rewritten += 1;
            }
            tx.commit().await.context("cannot commit the purge")?;
            report.complaints += 1;
            report.events += events;
            report.notifications += notifications;
            report.forwards += rewritten;
            Ok(())
        })
    }
}

/// The forwarding payload with `complaint.citizen` set to null, or `None` when it names nobody.
fn without_citizen(payload: &str) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(payload).ok()?;
    let citizen = value.get_mut("complaint")?.get_mut("citizen")?;
    if citizen.is_null() {
        return None;
    }
    *citizen = serde_json::Value::Null;
    value["complaint"]["citizen_name"] = serde_json::Value::Null;
    value["complaint"]["purged"] = serde_json::Value::Bool(true);
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, Citizen, Contact, NewComplaint, StatusNote, fixtures};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{DeliveryKind, StatusChange, SubmitOptions};

    const DAY: i64 = 24 * 3600;

    fn routed() -> SubmitOptions {
        SubmitOptions {
            handler_id: Some("dukcapil".into()),
            auto_verify: false,
        }
    }

    async fn reject(db: &TestDb, complaint: &Complaint) {
        let mut change = StatusChange::new(
            complaint.ticket.clone(),
            ComplaintStatus::Ditolak,
            Actor::Handler("dukcapil".into()),
        );
        change.note = StatusNote::parse("Laporan ganda.").ok();
        db.store.change_status(&change).await.unwrap();
    }

    /// Marks every delivery of the complaint done, as the workers would.
    async fn deliver_all(db: &TestDb, complaint: &Complaint) {
        on_pool!(db.store, |pool| {
            sqlx::query("UPDATE deliveries SET status = 'done' WHERE complaint_id = $1")
                .bind(complaint.id)
                .execute(pool)
                .await
                .unwrap();
        });
    }

    #[test]
    fn purgeable_statuses_are_the_final_ones_and_match_the_sql() {
        for status in ComplaintStatus::ALL {
            assert_eq!(PURGEABLE.contains(&status), status.is_final(), "{status}");
        }
        let sql: Vec<String> = PURGEABLE.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let list = format!("status IN ({})", sql.join(", "));
        assert!(SELECT_PURGEABLE.contains(&list) && ERASE_CITIZEN.contains(&list));
    }

    #[test]
    fn forwarding_payloads_lose_the_citizen() {
        let payload = r#"{"event":"complaint.submitted","complaint":{"ticket":"T","citizen":{"channel":"telegram","chat_id":424242}}}"#;
        let scrubbed = without_citizen(payload).unwrap();
        assert!(!scrubbed.contains("424242"), "{scrubbed}");
        assert!(scrubbed.contains(r#""purged":true"#), "{scrubbed}");
        assert_eq!(without_citizen(&scrubbed), None, "nothing left to scrub");
        assert_eq!(without_citizen("not json"), None);
    }

    async fn purge_erases_the_citizen_of_closed_complaints_only(db: TestDb) {
        let store = &db.store;
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let closed = store.submit_complaint(&new, &routed()).await.unwrap();
        reject(&db, &closed).await;
        deliver_all(&db, &closed).await;
        let open = store.submit_complaint(&new, &routed()).await.unwrap();
        deliver_all(&db, &open).await;
        let contact = Contact::parse(Some("Siti"), None, Some("siti@contoh.id"), None).unwrap();
        let open311 =
            NewComplaint::parse_with_citizen(&fixtures::raw(), Citizen::Open311(contact), fixtures::today()).unwrap();
        let open311 = store.submit_complaint(&open311, &routed()).await.unwrap();
        reject(&db, &open311).await;
        deliver_all(&db, &open311).await;
        // Closed, but its closing notification has not gone out yet.
        let pending = store.submit_complaint(&new, &routed()).await.unwrap();
        reject(&db, &pending).await;

        db.clock.advance(30 * DAY);
        let report = store.purge_closed(store.now() - DAY).await.unwrap();
        assert_eq!(
            report,
            PurgeReport {
                complaints: 2,
                events: 1,
                notifications: 1,
                forwards: 2,
                skipped_pending: 1,
            }
        );

        let purged = store.get_by_ticket(&closed.ticket).await.unwrap().unwrap();
        assert_eq!(purged.citizen, Citizen::Purged);
        assert_eq!(purged.chat_id, 0);
        assert!(purged.purged_at.is_some());
        assert_eq!(purged.description, closed.description, "the anonymous record stays");
        let events = store.events(&closed.ticket).await.unwrap();
        assert_eq!(events.len(), 2, "the events stay");
        assert!(events.iter().all(|e| !e.actor.contains("424242")), "{events:?}");
        assert_eq!(events[0].actor, "citizen");
        let deliveries = store.deliveries_for_complaint(purged.id).await.unwrap();
        assert!(deliveries.iter().all(|d| d.kind == DeliveryKind::Forward));
        assert!(deliveries.iter().all(|d| !d.payload.contains("424242")));
        let erased = store.get_by_ticket(&open311.ticket).await.unwrap().unwrap();
        assert_eq!(erased.citizen, Citizen::Purged);
        let payloads: String = store
            .deliveries_for_complaint(erased.id)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.payload)
            .collect();
        assert!(!payloads.contains("siti"), "{payloads}");

        for untouched in [&open, &pending] {
            let c = store.get_by_ticket(&untouched.ticket).await.unwrap().unwrap();
            assert_eq!(c.citizen, Citizen::Telegram { chat_id: 424242 });
        }
        assert_eq!(
            store.list_for_chat(424242).await.unwrap().len(),
            2,
            "purged complaints no longer belong to the chat"
        );

        // Idempotent: nothing left to do; the pending one goes once its notification is done.
        let again = store.purge_closed(store.now() - DAY).await.unwrap();
        assert_eq!(
            again,
            PurgeReport {
                skipped_pending: 1,
                ..PurgeReport::default()
            }
        );
        deliver_all(&db, &pending).await;
        let last = store.purge_closed(store.now() - DAY).await.unwrap();
        assert_eq!(last.complaints, 1);
        assert_eq!(store.purge_closed(store.now()).await.unwrap(), PurgeReport::default());
    }

    async fn purge_respects_the_date(db: TestDb) {
        let store = &db.store;
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let closed = store.submit_complaint(&new, &routed()).await.unwrap();
        reject(&db, &closed).await;
        deliver_all(&db, &closed).await;
        let closed_at = store.now();
        assert_eq!(store.purge_closed(closed_at).await.unwrap().complaints, 0);
        assert_eq!(store.purge_closed(closed_at + 1).await.unwrap().complaints, 1);
    }

    async fn other_event_updates_stay_forbidden(db: TestDb) {
        let store = &db.store;
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let c = store.submit_complaint(&new, &routed()).await.unwrap();
        on_pool!(store, |pool| {
            for sql in [
                "UPDATE complaint_events SET note = 'diubah' WHERE complaint_id = $1",
                "UPDATE complaint_events SET actor = 'handler:x' WHERE complaint_id = $1",
                "UPDATE complaint_events SET actor = 'citizen', note = 'x' WHERE complaint_id = $1",
                "DELETE FROM complaint_events WHERE complaint_id = $1",
            ] {
                let result = sqlx::query(sql).bind(c.id).execute(pool).await;
                assert!(result.is_err(), "{sql} was allowed");
            }
        });
    }

    async fn citizen_data_lists_everything_about_the_chat(db: TestDb) {
        let store = &db.store;
        let empty = store.citizen_data(424242).await.unwrap();
        assert_eq!(
            empty,
            CitizenData {
                chat: None,
                subscriptions: vec![],
                complaints: vec![],
                dialogue_updated_at: None,
            }
        );
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let mine = store.submit_complaint(&new, &routed()).await.unwrap();
        let mut other = new.clone();
        other.citizen = Citizen::Telegram { chat_id: 7 };
        store.submit_complaint(&other, &routed()).await.unwrap();
        on_pool!(store, |pool| {
            for sql in [
                "INSERT INTO chats (chat_id, created_at, updated_at) VALUES (424242, 1, 1)",
                "INSERT INTO subscriptions (chat_id, topic, created_at) VALUES (424242, 'all', 1)",
            ] {
                sqlx::query(sql).execute(pool).await.unwrap();
            }
        });
        let data = store.citizen_data(424242).await.unwrap();
        assert_eq!(data.chat.as_ref().map(|c| c.status.as_str()), Some("active"));
        assert_eq!(data.subscriptions, vec!["all".to_owned()]);
        assert_eq!(data.complaints.len(), 1);
        assert_eq!(data.complaints[0].ticket, mine.ticket);
    }

    both_backends!(
        purge_erases_the_citizen_of_closed_complaints_only,
        purge_respects_the_date,
        other_event_updates_stay_forbidden,
        citizen_data_lists_everything_about_the_chat,
    );
}
