//! Duplicates and supporters (migration 0011): finding an open complaint about the same problem,
//! and citizens who support it instead of filing the same complaint again.
//!
//! [`Store::similar_open`] compares a new complaint with the open complaints of the handler it
//! would go to ([`crate::domain::similarity`], same service when both name one); the dialogue
//! shows the best one above the threshold without anyone's identity. A supporter
//! ([`Store::support`]) is counted for the handler and gets a notification of every later
//! status change (`change_status` writes them). Supporters of a purged complaint are erased
//! with its citizen (`loket purge`).

use anyhow::Context;

use super::complaints::{ComplaintRow, rows_to};
use super::{Complaint, Store, StoreError, on_pool};
use crate::domain::{DUPLICATE_THRESHOLD, TicketNumber, similarity};

/// How many of a handler's newest open complaints a new one is compared with.
const CANDIDATES: i64 = 300;

/// What [`Store::support`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportOutcome {
    /// Counted; the number of supporters now.
    Added(u64),
    /// This chat already supports it.
    Already(u64),
    /// The chat filed it itself.
    OwnComplaint,
    /// Closed, rejected, resolved or not found: nothing to support any more.
    NotOpen,
}

/// A handler's newest complaints that can still be supported: someone is working on them or
/// will (`diterima`, `diverifikasi`, `diteruskan`, `ditindaklanjuti`, `ditunda`).
const OPEN_OF_HANDLER: &str = "
    SELECT * FROM complaints
     WHERE handler_id = $1 AND status IN ('diterima', 'diverifikasi', 'diteruskan', 'ditindaklanjuti', 'ditunda')
     ORDER BY id DESC LIMIT $2";

/// The text an open complaint is compared on: title, description and place.
fn comparable(title: &str, description: &str, place: Option<&str>) -> String {
    format!("{title}\n{description}\n{}", place.unwrap_or_default())
}

impl Store {
    /// The open complaint of `handler_id` most similar to a new complaint's `text` (its
    /// description, and its place when known) at least [`DUPLICATE_THRESHOLD`], about the same
    /// service when both name one, never one filed by `own_chat`; with its score.
    pub async fn similar_open(
        &self,
        text: &str,
        service_id: Option<&str>,
        own_chat: Option<i64>,
        handler_id: &str,
    ) -> Result<Option<(Complaint, f64)>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, ComplaintRow>(OPEN_OF_HANDLER)
                .bind(handler_id)
                .bind(CANDIDATES)
                .fetch_all(pool)
                .await
                .context("cannot list open complaints")?
        });
        let best = rows_to::<_, Complaint>(rows)?
            .into_iter()
            .filter(|c| own_chat.is_none() || c.citizen.telegram_chat() != own_chat)
            .filter(|c| match (service_id, &c.service_id) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            })
            .map(|c| {
                let score = similarity(text, &comparable(&c.title, &c.description, c.place.as_deref()));
                (c, score)
            })
            .filter(|(_, score)| *score >= DUPLICATE_THRESHOLD)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        Ok(best)
    }

    /// Adds `chat_id` as a supporter of the open complaint `ticket`.
    pub async fn support(&self, ticket: &TicketNumber, chat_id: i64) -> Result<SupportOutcome, StoreError> {
        let Some(complaint) = self.get_by_ticket(ticket).await? else {
            return Ok(SupportOutcome::NotOpen);
        };
        if complaint.citizen.telegram_chat() == Some(chat_id) {
            return Ok(SupportOutcome::OwnComplaint);
        }
        if complaint.status.is_final()
            || matches!(
                complaint.status,
                crate::domain::ComplaintStatus::Selesai | crate::domain::ComplaintStatus::Ditutup
            )
        {
            return Ok(SupportOutcome::NotOpen);
        }
        let now = self.now();
        let added = on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO complaint_supporters (complaint_id, chat_id, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(complaint.id)
            .bind(chat_id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot add supporter")?
            .rows_affected()
                == 1
        });
        let count = self.supporter_count(complaint.id).await?;
        Ok(if added {
            SupportOutcome::Added(count)
        } else {
            SupportOutcome::Already(count)
        })
    }

    /// How many citizens support the complaint (besides the one who filed it).
    pub async fn supporter_count(&self, complaint_id: i64) -> Result<u64, StoreError> {
        let (n,): (i64,) = on_pool!(self, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM complaint_supporters WHERE complaint_id = $1")
                .bind(complaint_id)
                .fetch_one(pool)
                .await
                .context("cannot count supporters")?
        });
        Ok(u64::try_from(n).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, ComplaintStatus, NewComplaint, RawComplaint, StatusNote};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{DeliveryKind, StatusChange, SubmitOptions};

    const POTHOLE: &str = "Jalan berlubang besar di depan SDN 2 Beji, sudah sebulan tidak diperbaiki.";
    const SAME_POTHOLE: &str = "Lubang besar di jalan depan SDN 2 Beji belum diperbaiki juga.";
    const RUBBISH: &str = "Sampah di depan kantor kelurahan tidak diangkut dua minggu lamanya.";

    fn complaint(chat: i64, description: &str) -> NewComplaint {
        let raw = RawComplaint {
            chat_id: chat,
            category: "Infrastruktur".into(),
            title: description.chars().take(40).collect(),
            description: description.into(),
            place: Some("Jl. Raya Beji".into()),
            ..RawComplaint::default()
        };
        NewComplaint::parse(&raw, crate::domain::fixtures::today()).unwrap()
    }

    async fn file(db: &TestDb, chat: i64, description: &str, handler: &str) -> Complaint {
        let options = SubmitOptions {
            handler_id: Some(handler.into()),
            auto_verify: false,
        };
        db.store
            .submit_complaint(&complaint(chat, description), &options)
            .await
            .unwrap()
    }

    async fn the_same_problem_at_the_same_handler_is_found(db: TestDb) {
        let open = file(&db, 1, POTHOLE, "pu").await;
        file(&db, 2, RUBBISH, "pu").await;
        file(&db, 3, SAME_POTHOLE, "kecamatan").await;

        let (found, score) = db
            .store
            .similar_open(SAME_POTHOLE, None, Some(9), "pu")
            .await
            .unwrap()
            .expect("the pothole is found");
        assert_eq!(found.ticket, open.ticket);
        assert!(score >= DUPLICATE_THRESHOLD);
        // Another handler's open complaints, a different problem, and one's own are not offered.
        assert!(
            db.store
                .similar_open(SAME_POTHOLE, None, Some(9), "dinsos")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            db.store
                .similar_open("Lampu jalan di gang Melati mati sudah seminggu.", None, Some(9), "pu")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            db.store
                .similar_open(SAME_POTHOLE, None, Some(1), "pu")
                .await
                .unwrap()
                .is_none()
        );

        // A resolved complaint is not open any more.
        for to in [
            ComplaintStatus::Diverifikasi,
            ComplaintStatus::Diteruskan,
            ComplaintStatus::Selesai,
        ] {
            let mut change = StatusChange::new(open.ticket.clone(), to, Actor::Handler("pu".into()));
            change.note = StatusNote::parse("Sudah ditambal hari ini oleh tim.").ok();
            db.store.change_status(&change).await.unwrap();
        }
        assert!(
            db.store
                .similar_open(SAME_POTHOLE, None, Some(9), "pu")
                .await
                .unwrap()
                .is_none()
        );
    }

    async fn supporters_are_counted_once_and_notified_without_private_notes(db: TestDb) {
        let c = file(&db, 1, POTHOLE, "pu").await;
        assert_eq!(
            db.store.support(&c.ticket, 1).await.unwrap(),
            SupportOutcome::OwnComplaint
        );
        assert_eq!(db.store.support(&c.ticket, 2).await.unwrap(), SupportOutcome::Added(1));
        assert_eq!(
            db.store.support(&c.ticket, 2).await.unwrap(),
            SupportOutcome::Already(1)
        );
        assert_eq!(db.store.support(&c.ticket, 3).await.unwrap(), SupportOutcome::Added(2));
        assert_eq!(db.store.supporter_count(c.id).await.unwrap(), 2);

        let mut change = StatusChange::new(c.ticket.clone(), ComplaintStatus::Ditolak, Actor::Handler("pu".into()));
        change.note = StatusNote::parse("Pak Ahmad, jalan itu milik provinsi.").ok();
        db.store.change_status(&change).await.unwrap();
        let notify: Vec<_> = db
            .store
            .deliveries_for_complaint(c.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.kind == DeliveryKind::Notify)
            .collect();
        let chats: Vec<_> = notify.iter().map(|d| d.chat_id).collect();
        assert_eq!(chats, vec![Some(1), Some(2), Some(3)]);
        for task in &notify[1..] {
            let payload: serde_json::Value = serde_json::from_str(&task.payload).unwrap();
            assert_eq!(payload["supporter"], true);
            assert!(
                payload["note"].is_null(),
                "the note was written to the citizen who filed"
            );
        }
        assert!(notify[0].payload.contains("Pak Ahmad"));
        assert_eq!(db.store.support(&c.ticket, 4).await.unwrap(), SupportOutcome::NotOpen);
        let unknown = TicketNumber::generate();
        assert_eq!(db.store.support(&unknown, 4).await.unwrap(), SupportOutcome::NotOpen);
    }

    both_backends!(
        the_same_problem_at_the_same_handler_is_found,
        supporters_are_counted_once_and_notified_without_private_notes,
    );
}
