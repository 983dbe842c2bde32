//! Satisfaction ratings of resolved complaints (migration 0011): one per complaint, 1-5 and an
//! optional comment, attributed to the handler the complaint was with when rated.
//!
//! Only the citizen who filed may rate, and only once the complaint is `selesai` or `ditutup`;
//! rating again replaces the score (a citizen may change their mind while the buttons are
//! there). The comment is asked with a prompt message whose id is kept with the rating, so the
//! citizen's answer to that prompt finds its complaint ([`Store::rating_for_prompt`]). A
//! complaint's rating reaches its handler (officer post, handler API) and, averaged per handler,
//! `loket stats` and `/metrics`.

use anyhow::Context;

use super::{Complaint, Store, StoreError, on_pool};
use crate::domain::{ComplaintStatus, Satisfaction, TicketNumber};

/// A complaint's rating as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rating {
    pub score: u8,
    pub comment: Option<String>,
    pub handler_id: Option<String>,
    pub at: i64,
}

/// Ratings of one handler: how many and the sum of their scores (exact; see [`Self::average`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HandlerRating {
    pub handler_id: String,
    pub count: u64,
    pub sum: u64,
}

impl HandlerRating {
    /// The mean score, 1 to 5 (0 without ratings).
    pub fn average(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }
}

/// Why a rating was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingRefusal {
    /// Not this chat's complaint (or no such ticket).
    NotYours,
    /// Not resolved yet: there is nothing to rate.
    NotResolved,
}

const MAX_COMMENT_CHARS: usize = 1000;

impl Store {
    /// The chat's own complaint with `ticket`, if any.
    async fn own_complaint(&self, ticket: &TicketNumber, chat_id: i64) -> Result<Option<Complaint>, StoreError> {
        Ok(self
            .get_by_ticket(ticket)
            .await?
            .filter(|c| c.citizen.telegram_chat() == Some(chat_id)))
    }

    /// Records (or replaces) the citizen's score for their resolved complaint.
    pub async fn rate(
        &self,
        ticket: &TicketNumber,
        chat_id: i64,
        score: Satisfaction,
    ) -> Result<Result<Rating, RatingRefusal>, StoreError> {
        let Some(complaint) = self.own_complaint(ticket, chat_id).await? else {
            return Ok(Err(RatingRefusal::NotYours));
        };
        if !matches!(complaint.status, ComplaintStatus::Selesai | ComplaintStatus::Ditutup) {
            return Ok(Err(RatingRefusal::NotResolved));
        }
        let now = self.now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO complaint_ratings (complaint_id, handler_id, score, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $4)
                 ON CONFLICT (complaint_id) DO UPDATE SET score = excluded.score, handler_id = excluded.handler_id,
                     updated_at = excluded.updated_at",
            )
            .bind(complaint.id)
            .bind(complaint.handler_id.as_deref())
            .bind(i32::from(score.get()))
            .bind(now)
            .execute(pool)
            .await
            .context("cannot store rating")?;
        });
        Ok(self.rating(ticket).await?.ok_or(RatingRefusal::NotYours))
    }

    /// Remembers the message that asks for the rating's comment.
    pub async fn set_rating_prompt(
        &self,
        ticket: &TicketNumber,
        chat_id: i64,
        message_id: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE complaint_ratings SET comment_chat_id = $2, comment_message_id = $3
                  WHERE complaint_id = (SELECT id FROM complaints WHERE ticket = $1)",
            )
            .bind(ticket.as_str())
            .bind(chat_id)
            .bind(message_id)
            .execute(pool)
            .await
            .context("cannot remember rating prompt")?;
        });
        Ok(())
    }

    /// The complaint whose comment prompt is message `message_id` of `chat_id`.
    pub async fn rating_for_prompt(&self, chat_id: i64, message_id: i64) -> Result<Option<TicketNumber>, StoreError> {
        let row: Option<(String,)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT c.ticket FROM complaint_ratings r JOIN complaints c ON c.id = r.complaint_id
                  WHERE r.comment_chat_id = $1 AND r.comment_message_id = $2",
            )
            .bind(chat_id)
            .bind(message_id)
            .fetch_optional(pool)
            .await
            .context("cannot find rating prompt")?
        });
        row.map(|(t,)| {
            TicketNumber::parse(&t)
                .context("corrupt ticket")
                .map_err(StoreError::from)
        })
        .transpose()
    }

    /// Adds the citizen's comment to their rating (cut at 1,000 characters); false when the
    /// complaint has no rating from this chat.
    pub async fn comment_rating(&self, ticket: &TicketNumber, chat_id: i64, comment: &str) -> Result<bool, StoreError> {
        let Some(complaint) = self.own_complaint(ticket, chat_id).await? else {
            return Ok(false);
        };
        let comment: String = crate::domain::strip_invisible(comment.trim())
            .chars()
            .take(MAX_COMMENT_CHARS)
            .collect();
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query("UPDATE complaint_ratings SET comment = $2, updated_at = $3 WHERE complaint_id = $1")
                .bind(complaint.id)
                .bind(&comment)
                .bind(now)
                .execute(pool)
                .await
                .context("cannot store rating comment")?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// The complaint's rating, if the citizen gave one.
    pub async fn rating(&self, ticket: &TicketNumber) -> Result<Option<Rating>, StoreError> {
        let row: Option<(i32, Option<String>, Option<String>, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT r.score, r.comment, r.handler_id, r.updated_at
                   FROM complaint_ratings r JOIN complaints c ON c.id = r.complaint_id
                  WHERE c.ticket = $1",
            )
            .bind(ticket.as_str())
            .fetch_optional(pool)
            .await
            .context("cannot read rating")?
        });
        Ok(row.map(|(score, comment, handler_id, at)| Rating {
            score: u8::try_from(score).unwrap_or_default(),
            comment,
            handler_id,
            at,
        }))
    }

    /// Count and mean score per handler, by handler id.
    pub async fn ratings_per_handler(&self) -> Result<Vec<HandlerRating>, StoreError> {
        let rows: Vec<(String, i64, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT handler_id, COUNT(*), CAST(SUM(score) AS BIGINT)
                   FROM complaint_ratings WHERE handler_id IS NOT NULL
                  GROUP BY handler_id ORDER BY handler_id",
            )
            .fetch_all(pool)
            .await
            .context("cannot summarise ratings")?
        });
        Ok(rows
            .into_iter()
            .map(|(handler_id, count, sum)| HandlerRating {
                handler_id,
                count: u64::try_from(count).unwrap_or_default(),
                sum: u64::try_from(sum).unwrap_or_default(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, NewComplaint, StatusNote, fixtures};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{StatusChange, SubmitOptions};

    async fn resolved(db: &TestDb, handler: &str) -> Complaint {
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let options = SubmitOptions {
            handler_id: Some(handler.into()),
            auto_verify: true,
        };
        let c = db.store.submit_complaint(&new, &options).await.unwrap();
        for to in [ComplaintStatus::Diteruskan, ComplaintStatus::Selesai] {
            let mut change = StatusChange::new(c.ticket.clone(), to, Actor::Handler(handler.into()));
            change.note = Some(StatusNote::parse("Berkas sudah selesai diproses.").unwrap());
            db.store.change_status(&change).await.unwrap();
        }
        c
    }

    fn score(n: i64) -> Satisfaction {
        Satisfaction::parse(n).unwrap()
    }

    async fn only_the_citizen_rates_a_resolved_complaint_and_may_change_it(db: TestDb) {
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let open = db
            .store
            .submit_complaint(&new, &SubmitOptions::default())
            .await
            .unwrap();
        assert_eq!(
            db.store.rate(&open.ticket, 424242, score(5)).await.unwrap(),
            Err(RatingRefusal::NotResolved)
        );
        let c = resolved(&db, "dukcapil").await;
        assert_eq!(
            db.store.rate(&c.ticket, 999, score(5)).await.unwrap(),
            Err(RatingRefusal::NotYours)
        );
        let rating = db.store.rate(&c.ticket, 424242, score(2)).await.unwrap().unwrap();
        assert_eq!((rating.score, rating.handler_id.as_deref()), (2, Some("dukcapil")));
        let rating = db.store.rate(&c.ticket, 424242, score(4)).await.unwrap().unwrap();
        assert_eq!(rating.score, 4, "a second press replaces the score");

        db.store.set_rating_prompt(&c.ticket, 424242, 77).await.unwrap();
        assert_eq!(
            db.store.rating_for_prompt(424242, 77).await.unwrap(),
            Some(c.ticket.clone())
        );
        assert_eq!(db.store.rating_for_prompt(424242, 78).await.unwrap(), None);
        assert!(!db.store.comment_rating(&c.ticket, 999, "bukan saya").await.unwrap());
        assert!(
            db.store
                .comment_rating(&c.ticket, 424242, "  Cepat, terima kasih. ")
                .await
                .unwrap()
        );
        let stored = db.store.rating(&c.ticket).await.unwrap().unwrap();
        assert_eq!(stored.comment.as_deref(), Some("Cepat, terima kasih."));
    }

    async fn ratings_are_summarised_per_handler(db: TestDb) {
        for (handler, n) in [("a", 5), ("a", 2), ("b", 4)] {
            let c = resolved(&db, handler).await;
            db.store.rate(&c.ticket, 424242, score(n)).await.unwrap().unwrap();
        }
        let summary = db.store.ratings_per_handler().await.unwrap();
        assert_eq!(
            summary,
            vec![
                HandlerRating {
                    handler_id: "a".into(),
                    count: 2,
                    sum: 7
                },
                HandlerRating {
                    handler_id: "b".into(),
                    count: 1,
                    sum: 4
                },
            ]
        );
        assert_eq!(summary[0].average(), 3.5);
        let stats = db
            .store
            .ops_stats(crate::storage::AnnouncementScope::Recent(0))
            .await
            .unwrap();
        assert_eq!(stats.ratings, summary, "loket stats and /metrics read the same figures");
    }

    both_backends!(
        only_the_citizen_rates_a_resolved_complaint_and_may_change_it,
        ratings_are_summarised_per_handler,
    );
}
