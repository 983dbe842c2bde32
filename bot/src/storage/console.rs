//! The web console's reads over complaints (inbox with filters, counts, supervisor figures) and
//! officers' internal notes (`console_notes` of migration 0010).
//!
//! Kept apart from `complaints.rs` (intake and status changes): these are read models for
//! people at a screen. Every query is scoped to a list of handler ids, the same rule as the
//! handler API (a complaint routed elsewhere is never read). The inbox puts overdue complaints
//! first (most overdue first), then the rest newest first.

use anyhow::Context;

use super::complaints::{ComplaintRow, rows_to};
use super::{Complaint, Page, Store, StoreError, on_pool};
use crate::domain::{ComplaintStatus, TicketNumber};

/// What the inbox shows; every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxFilter {
    /// The handlers whose complaints may be read (an empty list reads nothing).
    pub handlers: Vec<String>,
    pub status: Option<ComplaintStatus>,
    pub service_id: Option<String>,
    /// Only complaints past their stage deadline.
    pub overdue: bool,
    /// Filed at or after (unix seconds).
    pub created_from: Option<i64>,
    /// Filed before (unix seconds).
    pub created_before: Option<i64>,
    /// A ticket number, or words of the title or description.
    pub search: Option<String>,
}

/// One page of the inbox and how many complaints match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxPage {
    pub complaints: Vec<Complaint>,
    pub total: u64,
}

/// Complaints per status and overdue, over the handlers (unfiltered).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxCounts {
    pub per_status: Vec<(ComplaintStatus, u64)>,
    pub overdue: u64,
    pub total: u64,
}

/// A supervisor's figures for one handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerFigures {
    pub handler_id: String,
    /// Not in a final or resolved state.
    pub open: u64,
    pub overdue: u64,
    /// Median seconds from filing to the first handler action (status change or reply).
    pub median_first_response_secs: Option<i64>,
    /// Median seconds from filing to `selesai`.
    pub median_resolution_secs: Option<i64>,
}

/// An officer's internal note: never sent to the citizen, never public.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsoleNote {
    pub id: i64,
    pub complaint_id: i64,
    pub author: String,
    pub note: String,
    pub at: i64,
}

/// Statuses that need nothing more from the handler.
const CLOSED: [&str; 4] = ["selesai", "ditutup", "ditolak", "bukan_wewenang"];

/// `%`, `_` and `\` taken literally in a LIKE pattern (with `ESCAPE '\'`).
fn like_pattern(words: &str) -> String {
    let mut escaped = String::with_capacity(words.len() + 2);
    escaped.push('%');
    for c in words.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

/// Appends ` AND ...` for every filter to a query over `complaints c`.
macro_rules! push_filters {
    ($q:expr, $filter:expr, $now:expr) => {{
        let q = &mut $q;
        let filter: &InboxFilter = $filter;
        q.push(" c.handler_id IN (");
        {
            let mut handlers = q.separated(", ");
            for h in &filter.handlers {
                handlers.push_bind(h.clone());
            }
        }
        q.push(")");
        if let Some(status) = filter.status {
            q.push(" AND c.status = ").push_bind(status.as_str().to_owned());
        }
        if let Some(service) = &filter.service_id {
            q.push(" AND c.service_id = ").push_bind(service.clone());
        }
        if filter.overdue {
            q.push(" AND c.due_at < ").push_bind($now);
        }
        if let Some(from) = filter.created_from {
            q.push(" AND c.created_at >= ").push_bind(from);
        }
        if let Some(before) = filter.created_before {
            q.push(" AND c.created_at < ").push_bind(before);
        }
        if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            match TicketNumber::parse(search) {
                Ok(ticket) => {
                    q.push(" AND c.ticket = ").push_bind(ticket.as_str().to_owned());
                }
                Err(_) => {
                    let pattern = like_pattern(search);
                    q.push(" AND (LOWER(c.title) LIKE ")
                        .push_bind(pattern.clone())
                        .push(" ESCAPE '\\' OR LOWER(c.description) LIKE ")
                        .push_bind(pattern)
                        .push(" ESCAPE '\\')");
                }
            }
        }
    }};
}

impl Store {
    /// One page of the handlers' complaints matching `filter`: overdue first, then newest.
    ///
    /// The order is read from two index-ordered parts, each cut at the end of the page: the
    /// overdue complaints by deadline (`complaints_due`), then the others newest first (the
    /// primary key, backwards). Sorting every complaint of the handlers by a computed key would
    /// read them all for each page (measured by `loket bench --only console`).
    pub async fn inbox(&self, filter: &InboxFilter, page: Page) -> Result<InboxPage, StoreError> {
        if filter.handlers.is_empty() {
            return Ok(InboxPage {
                complaints: Vec::new(),
                total: 0,
            });
        }
        let now = self.now();
        let size = i64::from(page.size.clamp(1, Page::MAX_SIZE));
        let offset = i64::from(page.number.max(1) - 1) * size;
        let (rows, total) = on_pool!(self, |pool| {
            let mut q = sqlx::QueryBuilder::new("SELECT * FROM (SELECT * FROM (SELECT c.* FROM complaints c WHERE");
            push_filters!(q, filter, now);
            q.push(" AND c.due_at < ")
                .push_bind(now)
                .push(" ORDER BY c.due_at, c.id DESC LIMIT ")
                .push_bind(offset + size)
                .push(") AS late");
            if !filter.overdue {
                q.push(" UNION ALL SELECT * FROM (SELECT c.* FROM complaints c WHERE");
                push_filters!(q, filter, now);
                q.push(" AND (c.due_at IS NULL OR c.due_at >= ")
                    .push_bind(now)
                    .push(") ORDER BY c.id DESC LIMIT ")
                    .push_bind(offset + size)
                    .push(") AS rest");
            }
            q.push(") AS c ORDER BY CASE WHEN c.due_at < ")
                .push_bind(now)
                .push(" THEN c.due_at ELSE ")
                .push_bind(i64::MAX)
                .push(" END, c.id DESC LIMIT ")
                .push_bind(size)
                .push(" OFFSET ")
                .push_bind(offset);
            let rows = q
                .build_query_as::<ComplaintRow>()
                .fetch_all(pool)
                .await
                .context("cannot read the inbox")?;
            let mut q = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM complaints c WHERE");
            push_filters!(q, filter, now);
            let (total,): (i64,) = q
                .build_query_as()
                .fetch_one(pool)
                .await
                .context("cannot count the inbox")?;
            (rows, total)
        });
        Ok(InboxPage {
            complaints: rows_to(rows)?,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// Complaints per status and overdue for `handlers`, in one pass over the
    /// `complaints_inbox_counts` index.
    pub async fn inbox_counts(&self, handlers: &[String]) -> Result<InboxCounts, StoreError> {
        if handlers.is_empty() {
            return Ok(InboxCounts::default());
        }
        let now = self.now();
        let filter = InboxFilter {
            handlers: handlers.to_vec(),
            ..InboxFilter::default()
        };
        let rows = on_pool!(self, |pool| {
            let mut q = sqlx::QueryBuilder::new("SELECT c.status, COUNT(*), SUM(CASE WHEN c.due_at < ");
            q.push_bind(now).push(" THEN 1 ELSE 0 END) FROM complaints c WHERE");
            push_filters!(q, &filter, now);
            q.push(" GROUP BY c.status");
            let rows: Vec<(String, i64, i64)> = q
                .build_query_as()
                .fetch_all(pool)
                .await
                .context("cannot count complaints per status")?;
            rows
        });
        let mut counts = InboxCounts::default();
        for status in ComplaintStatus::ALL {
            let (n, late) = rows
                .iter()
                .find(|(s, _, _)| s == status.as_str())
                .map_or((0, 0), |(_, n, late)| {
                    (u64::try_from(*n).unwrap_or(0), u64::try_from(*late).unwrap_or(0))
                });
            counts.total += n;
            counts.overdue += late;
            counts.per_status.push((status, n));
        }
        Ok(counts)
    }

    /// Per handler: open, overdue and the median times to first response and to resolution
    /// (over complaints filed at or after `since`).
    pub async fn handler_figures(&self, handlers: &[String], since: i64) -> Result<Vec<HandlerFigures>, StoreError> {
        let now = self.now();
        let mut figures = Vec::new();
        for handler in handlers {
            let (open, overdue): (i64, i64) = on_pool!(self, |pool| {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT COALESCE(SUM(CASE WHEN status NOT IN ('{closed}') THEN 1 ELSE 0 END), 0),
                            COALESCE(SUM(CASE WHEN due_at < $2 THEN 1 ELSE 0 END), 0)
                       FROM complaints WHERE handler_id = $1",
                    closed = CLOSED.join("', '")
                )))
                .bind(handler)
                .bind(now)
                .fetch_one(pool)
                .await
                .context("cannot count the handler's complaints")?
            });
            // The first event not by the citizen or the system after filing.
            let first: Vec<(i64,)> = on_pool!(self, |pool| {
                sqlx::query_as(
                    "SELECT MIN(e.at) - c.created_at FROM complaints c
                       JOIN complaint_events e ON e.complaint_id = c.id
                      WHERE c.handler_id = $1 AND c.created_at >= $2
                        AND (e.actor LIKE 'handler:%' OR e.actor LIKE 'officer:%' OR e.actor LIKE 'account:%'
                             OR e.actor LIKE 'admin:%')
                      GROUP BY c.id, c.created_at",
                )
                .bind(handler)
                .bind(since)
                .fetch_all(pool)
                .await
                .context("cannot read first responses")?
            });
            let resolved: Vec<(i64,)> = on_pool!(self, |pool| {
                sqlx::query_as(
                    "SELECT MIN(e.at) - c.created_at FROM complaints c
                       JOIN complaint_events e ON e.complaint_id = c.id
                      WHERE c.handler_id = $1 AND c.created_at >= $2
                        AND e.kind = 'status' AND e.to_status = 'selesai'
                      GROUP BY c.id, c.created_at",
                )
                .bind(handler)
                .bind(since)
                .fetch_all(pool)
                .await
                .context("cannot read resolutions")?
            });
            figures.push(HandlerFigures {
                handler_id: handler.clone(),
                open: u64::try_from(open).unwrap_or(0),
                overdue: u64::try_from(overdue).unwrap_or(0),
                median_first_response_secs: median(first.into_iter().map(|(s,)| s).collect()),
                median_resolution_secs: median(resolved.into_iter().map(|(s,)| s).collect()),
            });
        }
        Ok(figures)
    }

    /// Records an internal note on a complaint.
    pub async fn add_console_note(
        &self,
        complaint_id: i64,
        author: &str,
        note: &str,
    ) -> Result<ConsoleNote, StoreError> {
        let now = self.now();
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, ConsoleNote>(
                "INSERT INTO console_notes (complaint_id, author, note, at) VALUES ($1, $2, $3, $4)
                 RETURNING id, complaint_id, author, note, at",
            )
            .bind(complaint_id)
            .bind(author)
            .bind(note)
            .bind(now)
            .fetch_one(pool)
            .await
            .context("cannot store the note")?
        });
        Ok(row)
    }

    /// A complaint's internal notes, oldest first.
    pub async fn console_notes(&self, complaint_id: i64) -> Result<Vec<ConsoleNote>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, ConsoleNote>(
                "SELECT id, complaint_id, author, note, at FROM console_notes WHERE complaint_id = $1 ORDER BY id",
            )
            .bind(complaint_id)
            .fetch_all(pool)
            .await
            .context("cannot read the notes")?
        });
        Ok(rows)
    }
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, NewComplaint, StatusNote, fixtures};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{StatusChange, SubmitOptions};

    async fn submit(db: &TestDb, handler: &str, title_word: &str) -> Complaint {
        let mut raw = fixtures::raw();
        raw.title = format!("{} {title_word}", raw.title);
        let new = NewComplaint::parse(&raw, fixtures::today()).unwrap();
        let options = SubmitOptions {
            handler_id: Some(handler.into()),
            auto_verify: false,
        };
        db.store.submit_complaint(&new, &options).await.unwrap()
    }

    fn scope(handlers: &[&str]) -> InboxFilter {
        InboxFilter {
            handlers: handlers.iter().map(|h| h.to_string()).collect(),
            ..InboxFilter::default()
        }
    }

    async fn change(db: &TestDb, c: &Complaint, to: ComplaintStatus, note: Option<&str>) {
        let mut change = StatusChange::new(c.ticket.clone(), to, Actor::Handler(c.handler_id.clone().unwrap()));
        change.note = note.map(|n| StatusNote::parse(n).unwrap());
        db.store.change_status(&change).await.unwrap();
    }

    async fn inbox_is_scoped_filtered_searched_and_paged(db: TestDb) {
        let a = submit(&db, "dukcapil", "jalan berlubang").await;
        let b = submit(&db, "dukcapil", "lampu_mati 100%").await;
        let theirs = submit(&db, "dinsos", "jalan berlubang").await;
        change(&db, &a, ComplaintStatus::Diverifikasi, None).await;

        let all = db.store.inbox(&scope(&["dukcapil"]), Page::default()).await.unwrap();
        assert_eq!(all.total, 2);
        assert!(
            all.complaints
                .iter()
                .all(|c| c.handler_id.as_deref() == Some("dukcapil"))
        );
        assert_eq!(all.complaints[0].ticket, b.ticket, "newest first");
        assert_eq!(db.store.inbox(&scope(&[]), Page::default()).await.unwrap().total, 0);
        let both = db
            .store
            .inbox(&scope(&["dukcapil", "dinsos"]), Page::default())
            .await
            .unwrap();
        assert_eq!(both.total, 3);

        let mut f = scope(&["dukcapil"]);
        f.status = Some(ComplaintStatus::Diverifikasi);
        let page = db.store.inbox(&f, Page::default()).await.unwrap();
        assert_eq!(
            page.complaints.iter().map(|c| &c.ticket).collect::<Vec<_>>(),
            vec![&a.ticket]
        );

        let mut f = scope(&["dukcapil"]);
        f.search = Some("BERLUBANG".into());
        assert_eq!(db.store.inbox(&f, Page::default()).await.unwrap().total, 1);
        f.search = Some("100%".into());
        assert_eq!(
            db.store.inbox(&f, Page::default()).await.unwrap().complaints[0].ticket,
            b.ticket
        );
        f.search = Some("%".into());
        assert_eq!(
            db.store.inbox(&f, Page::default()).await.unwrap().total,
            1,
            "% is literal"
        );
        f.search = Some(theirs.ticket.to_string().to_lowercase());
        assert_eq!(
            db.store.inbox(&f, Page::default()).await.unwrap().total,
            0,
            "another handler's ticket"
        );
        f.search = Some(a.ticket.to_string());
        assert_eq!(db.store.inbox(&f, Page::default()).await.unwrap().total, 1);

        let mut f = scope(&["dukcapil"]);
        f.created_from = Some(db.clock.now() + 1);
        assert_eq!(db.store.inbox(&f, Page::default()).await.unwrap().total, 0);
        f.created_from = Some(db.clock.now() - 1);
        f.created_before = Some(db.clock.now() + 1);
        assert_eq!(db.store.inbox(&f, Page::default()).await.unwrap().total, 2);

        let second = db
            .store
            .inbox(&scope(&["dukcapil"]), Page { number: 2, size: 1 })
            .await
            .unwrap();
        assert_eq!((second.total, second.complaints.len()), (2, 1));
        assert_eq!(second.complaints[0].ticket, a.ticket);

        let counts = db.store.inbox_counts(&["dukcapil".to_string()]).await.unwrap();
        assert_eq!(counts.total, 2);
        let count = |s| counts.per_status.iter().find(|(x, _)| *x == s).unwrap().1;
        assert_eq!(
            (count(ComplaintStatus::Diterima), count(ComplaintStatus::Diverifikasi)),
            (1, 1)
        );
    }

    async fn overdue_complaints_come_first(db: TestDb) {
        let old = submit(&db, "dukcapil", "lama").await;
        let new = submit(&db, "dukcapil", "baru").await;
        // A deadline in the past for the older one only.
        on_pool!(db.store, |pool| {
            sqlx::query("UPDATE complaints SET due_at = $1 WHERE id = $2")
                .bind(db.clock.now() - 60)
                .bind(old.id)
                .execute(pool)
                .await
                .unwrap();
            sqlx::query("UPDATE complaints SET due_at = $1 WHERE id = $2")
                .bind(db.clock.now() + 3600)
                .bind(new.id)
                .execute(pool)
                .await
                .unwrap();
        });
        let page = db.store.inbox(&scope(&["dukcapil"]), Page::default()).await.unwrap();
        assert_eq!(page.complaints[0].ticket, old.ticket);
        let mut f = scope(&["dukcapil"]);
        f.overdue = true;
        assert_eq!(db.store.inbox(&f, Page::default()).await.unwrap().total, 1);
        assert_eq!(db.store.inbox_counts(&f.handlers).await.unwrap().overdue, 1);
        let figures = db.store.handler_figures(&f.handlers, 0).await.unwrap();
        assert_eq!((figures[0].open, figures[0].overdue), (2, 1));
    }

    async fn set_due(db: &TestDb, c: &Complaint, due_at: Option<i64>) {
        on_pool!(db.store, |pool| {
            sqlx::query("UPDATE complaints SET due_at = $1 WHERE id = $2")
                .bind(due_at)
                .bind(c.id)
                .execute(pool)
                .await
                .unwrap();
        });
    }

    /// Regression: the inbox reads its order from two parts (overdue by deadline, the rest newest
    /// first); every page across the seam must be the one the single order gives.
    async fn pages_follow_one_order_across_overdue_and_the_rest(db: TestDb) {
        let now = db.clock.now();
        let mut filed = Vec::new();
        for i in 0..7 {
            filed.push(submit(&db, "dukcapil", &format!("nomor{i}")).await);
        }
        // Overdue: #4 most, then #1, then #6; #2 is due later; the others have no deadline.
        for (i, due) in [(4, now - 900), (1, now - 600), (6, now - 300), (2, now + 3600)] {
            set_due(&db, &filed[i], Some(due)).await;
        }
        for i in [0, 3, 5] {
            set_due(&db, &filed[i], None).await;
        }
        let expected: Vec<&TicketNumber> = [4, 1, 6, 5, 3, 2, 0].iter().map(|&i| &filed[i].ticket).collect();
        for size in 1..=4 {
            let mut seen = Vec::new();
            for number in 1..=8 {
                let page = db
                    .store
                    .inbox(&scope(&["dukcapil"]), Page { number, size })
                    .await
                    .unwrap();
                assert_eq!(page.total, 7);
                seen.extend(page.complaints.into_iter().map(|c| c.ticket));
            }
            assert_eq!(seen.iter().collect::<Vec<_>>(), expected, "page size {size}");
        }
        let mut overdue = scope(&["dukcapil"]);
        overdue.overdue = true;
        let page = db.store.inbox(&overdue, Page { number: 2, size: 2 }).await.unwrap();
        assert_eq!(page.total, 3);
        assert_eq!(
            page.complaints.iter().map(|c| &c.ticket).collect::<Vec<_>>(),
            vec![&filed[6].ticket]
        );
        let counts = db.store.inbox_counts(&overdue.handlers).await.unwrap();
        assert_eq!((counts.total, counts.overdue), (7, 3));
    }

    async fn figures_measure_first_response_and_resolution(db: TestDb) {
        let c = submit(&db, "dukcapil", "x").await;
        db.clock.advance(3600);
        // The first response from a console account counts like the handler's own.
        let verify = StatusChange::new(c.ticket.clone(), ComplaintStatus::Diverifikasi, Actor::Account(1));
        db.store.change_status(&verify).await.unwrap();
        change(&db, &c, ComplaintStatus::Diteruskan, None).await;
        db.clock.advance(7200);
        change(&db, &c, ComplaintStatus::Selesai, Some("Sudah diperbaiki.")).await;
        submit(&db, "dukcapil", "y").await;
        let figures = db.store.handler_figures(&["dukcapil".to_string()], 0).await.unwrap();
        assert_eq!(figures[0].median_first_response_secs, Some(3600));
        assert_eq!(figures[0].median_resolution_secs, Some(10800));
        assert_eq!(figures[0].open, 1);
    }

    async fn notes_stay_with_their_complaint(db: TestDb) {
        let c = submit(&db, "dukcapil", "x").await;
        let d = submit(&db, "dukcapil", "y").await;
        db.store
            .add_console_note(c.id, "budi", "Cek ke lapangan besok.")
            .await
            .unwrap();
        let notes = db.store.console_notes(c.id).await.unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            (notes[0].author.as_str(), notes[0].note.as_str()),
            ("budi", "Cek ke lapangan besok.")
        );
        assert!(db.store.console_notes(d.id).await.unwrap().is_empty());
        let deliveries = db.store.deliveries_for_complaint(c.id).await.unwrap();
        assert_eq!(deliveries.len(), 1, "only the forwarding task: a note notifies nobody");
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
    }

    both_backends!(
        inbox_is_scoped_filtered_searched_and_paged,
        overdue_complaints_come_first,
        pages_follow_one_order_across_overdue_and_the_rest,
        figures_measure_first_response_and_resolution,
        notes_stay_with_their_complaint,
    );
}
