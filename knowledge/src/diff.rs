//! Change detection between two versions of the standards, and the citizen announcement
//! that tells subscribers what changed.
//!
//! This module owns three things, all pure (no I/O, no clock):
//!
//! - [`service_fingerprint`]: a content hash per component kind plus a whole-service hash,
//!   computed over *normalised* content (whitespace runs collapsed, markup already removed by
//!   the parser, case kept, source line numbers ignored). Whitespace-only edits and line
//!   shifts therefore never count as changes. Fingerprints are serde types so the storage
//!   layer can keep one per service version;
//! - [`diff`] / [`diff_services`]: added, removed and changed services between two versions,
//!   with one-line Indonesian summaries per changed component ("Biaya: Gratis → Rp 10.000",
//!   "Persyaratan: + Fotokopi KK", "Jangka waktu: 3 hari kerja → 1 hari kerja");
//! - [`announcement`]: the plain-text Telegram announcement per agency, with the service ids
//!   kept alongside so the bot can add a "lihat layanan" button per service.
//!
//! Services are matched by [`ServiceId`], which is derived from the source file stem and the
//! service title. Consequently:
//!
//! - a renamed service (a title change that changes the slug) is reported as one removed and
//!   one added service: the same id with a different title cannot happen, except for a change
//!   of case or punctuation, which keeps the slug and is reported as a change of name;
//! - a renamed decree file, or a service moved to another file, is removed + added too;
//! - when two services of one file share a title the parser suffixes the later id (`-2`), so
//!   removing the first one shifts the id of the second.
//!
//! Summaries need the old *content*, not only its fingerprint: the storage layer should keep
//! the serialized [`ServiceStandard`] next to its [`ServiceFingerprint`] and hand both versions
//! to [`diff_services`]. The fingerprint alone answers "did anything change, and in which
//! component?".

use crate::document::{Component, ComponentKind, Document, ServiceId, ServiceStandard};
use crate::values::{describe_duration, describe_fee};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Version of the normalisation and hashing rules behind [`ServiceFingerprint`].
///
/// Bump it whenever [`service_fingerprint`] would hash unchanged content differently; the
/// storage layer must then recompute stored fingerprints from stored content instead of
/// comparing hashes of different versions (which would announce spurious changes).
pub const FINGERPRINT_VERSION: u32 = 1;

/// Most change lines shown per component before "dan N perubahan lain".
pub const MAX_LINES_PER_COMPONENT: usize = 5;

/// Upper bound of an announcement's text, in UTF-16 code units (Telegram's unit; its hard
/// limit is 4,096). Every [`Announcement::text`] stays at or below it.
pub const ANNOUNCEMENT_MAX_LEN: usize = 4000;

/// Longest quoted decree text in a change line, in characters.
const MAX_QUOTE_CHARS: usize = 100;

/// Content hashes of one service version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFingerprint {
    /// [`FINGERPRINT_VERSION`] the hashes were computed with.
    pub version: u32,
    /// The service.
    pub id: ServiceId,
    /// SHA-256 (hex) over the normalised title, unit, agency and every component hash: equal
    /// hashes mean nothing a citizen can see has changed.
    pub service: String,
    /// SHA-256 (hex) per component kind present in the service, over the normalised text of
    /// every component of that kind in file order (for [`ComponentKind::Other`] the labels
    /// are included, since they are what tells those rows apart).
    pub components: BTreeMap<ComponentKind, String>,
}

impl ServiceFingerprint {
    /// The component kinds whose hashes differ between `self` and `other` (present in only
    /// one of them counts), in [`ComponentKind::ALL`] order; for storage that keeps only
    /// fingerprints. Meaningful only when both have the same [`version`](Self::version).
    pub fn changed_components(&self, other: &ServiceFingerprint) -> Vec<ComponentKind> {
        ComponentKind::ALL
            .into_iter()
            .filter(|kind| self.components.get(kind) != other.components.get(kind))
            .collect()
    }
}

/// Computes the fingerprint of a service. Source line ranges, the source file name and
/// component labels (other than for `Other`) are not hashed; whitespace runs count as one
/// space; case is kept.
pub fn service_fingerprint(s: &ServiceStandard) -> ServiceFingerprint {
    let mut contents: BTreeMap<ComponentKind, String> = BTreeMap::new();
    for component in &s.components {
        let entry = contents.entry(component.kind).or_default();
        if !entry.is_empty() {
            entry.push('\u{1e}');
        }
        if component.kind == ComponentKind::Other {
            entry.push_str(&normalise(&component.label));
            entry.push('\u{1f}');
        }
        entry.push_str(&normalise(&component.text));
    }
    let components: BTreeMap<ComponentKind, String> = contents
        .into_iter()
        .map(|(kind, content)| (kind, sha256_hex(&content)))
        .collect();
    let mut whole = format!(
        "loket-fingerprint-v{FINGERPRINT_VERSION}\u{1e}{}\u{1e}{}\u{1e}{}",
        normalise(&s.title),
        normalise(&s.unit),
        normalise(&s.agency)
    );
    for (kind, hash) in &components {
        whole.push('\u{1e}');
        whole.push_str(kind.as_str());
        whole.push('=');
        whole.push_str(hash);
    }
    ServiceFingerprint {
        version: FINGERPRINT_VERSION,
        id: s.id.clone(),
        service: sha256_hex(&whole),
        components,
    }
}

/// What happened to a service or a component between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Present only in the new version.
    Added,
    /// Present only in the old version.
    Removed,
    /// Present in both, with different content.
    Modified,
}

/// The differences between two versions of the standards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardsDiff {
    /// Services only in the new version, in new file order.
    pub added: Vec<ServiceSummary>,
    /// Services only in the old version, in old file order.
    pub removed: Vec<ServiceSummary>,
    /// Services in both versions whose content differs, in new file order.
    pub changed: Vec<ServiceChange>,
}

impl StandardsDiff {
    /// True when nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// An added or removed service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    /// The service id (of the new version when added, of the old one when removed).
    pub id: ServiceId,
    /// Service title.
    pub title: String,
    /// Issuing agency, used to group announcements.
    pub agency: String,
    /// Key facts in Indonesian for an added service ("Biaya: Gratis", "Jangka waktu: 1 hari
    /// kerja"); empty for a removed one.
    pub lines: Vec<String>,
}

/// A service present in both versions whose content changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChange {
    /// The service id (the same in both versions).
    pub id: ServiceId,
    /// Title in the new version.
    pub title: String,
    /// Issuing agency in the new version, used to group announcements.
    pub agency: String,
    /// Changes outside the components, one Indonesian line each: name written differently
    /// (same id), delivering unit, issuing agency.
    pub notes: Vec<String>,
    /// Changed components, in [`ComponentKind::ALL`] order.
    pub components: Vec<ComponentChange>,
}

impl ServiceChange {
    /// Every change line of the service: notes first, then each component's lines.
    pub fn lines(&self) -> Vec<String> {
        self.notes
            .iter()
            .chain(self.components.iter().flat_map(|c| c.lines.iter()))
            .cloned()
            .collect()
    }
}

/// One changed component of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentChange {
    /// Which component.
    pub kind: ComponentKind,
    /// Whether it appeared, disappeared or was modified.
    pub change: ChangeKind,
    /// Indonesian lines a citizen understands, each starting with the component's name, e.g.
    /// "Biaya: Gratis → Rp 10.000" or "Persyaratan: + Fotokopi KK" (at most
    /// [`MAX_LINES_PER_COMPONENT`] item lines plus one "dan N perubahan lain").
    pub lines: Vec<String>,
}

/// Compares two versions of the parsed decrees (see [`diff_services`]).
pub fn diff(old: &[Document], new: &[Document]) -> StandardsDiff {
    let old_services: Vec<&ServiceStandard> = old.iter().flat_map(|d| &d.services).collect();
    let new_services: Vec<&ServiceStandard> = new.iter().flat_map(|d| &d.services).collect();
    diff_refs(&old_services, &new_services)
}

/// Compares two versions of the services, matched by [`ServiceId`]. A service whose
/// fingerprint is unchanged is not reported; for a changed one every component whose hash
/// differs gets its summary lines. A renamed service is removed + added (see the module docs).
pub fn diff_services(old: &[ServiceStandard], new: &[ServiceStandard]) -> StandardsDiff {
    let old: Vec<&ServiceStandard> = old.iter().collect();
    let new: Vec<&ServiceStandard> = new.iter().collect();
    diff_refs(&old, &new)
}

fn diff_refs(old: &[&ServiceStandard], new: &[&ServiceStandard]) -> StandardsDiff {
    let mut old_by_id: HashMap<&ServiceId, &ServiceStandard> = HashMap::new();
    for s in old {
        old_by_id.entry(&s.id).or_insert(s);
    }
    let mut new_by_id: HashMap<&ServiceId, &ServiceStandard> = HashMap::new();
    for s in new {
        new_by_id.entry(&s.id).or_insert(s);
    }
    let mut result = StandardsDiff::default();
    for s in new {
        if !std::ptr::eq(new_by_id[&s.id], *s) {
            continue; // a duplicate id: the first one stands for it
        }
        match old_by_id.get(&s.id) {
            None => result.added.push(ServiceSummary {
                id: s.id.clone(),
                title: s.title.clone(),
                agency: s.agency.clone(),
                lines: key_facts(s),
            }),
            Some(before) => {
                if let Some(change) = service_change(before, s) {
                    result.changed.push(change);
                }
            }
        }
    }
    for s in old {
        if std::ptr::eq(old_by_id[&s.id], *s) && !new_by_id.contains_key(&s.id) {
            result.removed.push(ServiceSummary {
                id: s.id.clone(),
                title: s.title.clone(),
                agency: s.agency.clone(),
                lines: Vec::new(),
            });
        }
    }
    result
}

/// The change of one service, or `None` when its fingerprint is unchanged.
fn service_change(old: &ServiceStandard, new: &ServiceStandard) -> Option<ServiceChange> {
    let (old_fp, new_fp) = (service_fingerprint(old), service_fingerprint(new));
    if old_fp.service == new_fp.service {
        return None;
    }
    let mut notes = Vec::new();
    for (name, before, after) in [
        ("Nama layanan", &old.title, &new.title),
        ("Unit pelaksana", &old.unit, &new.unit),
        ("Instansi", &old.agency, &new.agency),
    ] {
        if normalise(before) != normalise(after) {
            notes.push(format!(
                "{name}: {} → {}",
                shorten(before, MAX_QUOTE_CHARS),
                shorten(after, MAX_QUOTE_CHARS)
            ));
        }
    }
    let mut components = Vec::new();
    for kind in ComponentKind::ALL {
        let (before, after) = (old_fp.components.get(&kind), new_fp.components.get(&kind));
        if before == after {
            continue;
        }
        let change = match (before, after) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            _ => ChangeKind::Modified,
        };
        let lines = component_lines(kind, change, old, new);
        components.push(ComponentChange { kind, change, lines });
    }
    Some(ServiceChange {
        id: new.id.clone(),
        title: new.title.clone(),
        agency: new.agency.clone(),
        notes,
        components,
    })
}

/// The citizen-facing name of a component in change lines ("Biaya", "Persyaratan", ...).
fn label(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Fee => "Biaya",
        other => other.label_id(),
    }
}

fn components_of(s: &ServiceStandard, kind: ComponentKind) -> Vec<&Component> {
    s.components.iter().filter(|c| c.kind == kind).collect()
}

/// The summary lines of one changed component.
fn component_lines(
    kind: ComponentKind,
    change: ChangeKind,
    old: &ServiceStandard,
    new: &ServiceStandard,
) -> Vec<String> {
    let name = label(kind);
    match change {
        ChangeKind::Added => vec![format!("{name}: ditambahkan — {}", short_value(kind, new))],
        ChangeKind::Removed => vec![format!(
            "{name}: tidak lagi dicantumkan (sebelumnya: {})",
            short_value(kind, old)
        )],
        ChangeKind::Modified => match kind {
            ComponentKind::Fee | ComponentKind::Duration => {
                let (before, after) = (short_value(kind, old), short_value(kind, new));
                if before != after {
                    vec![format!("{name}: {before} → {after}")]
                } else {
                    vec![format!(
                        "{name}: tetap {after}, keterangan kini \"{}\"",
                        shorten(&joined_text(new, kind), MAX_QUOTE_CHARS)
                    )]
                }
            }
            _ => {
                let (before, after) = (units(old, kind), units(new, kind));
                if kind == ComponentKind::Requirements || before.len() > 1 || after.len() > 1 {
                    item_lines(name, &before, &after).unwrap_or_else(|| vec![text_line(name, new, kind)])
                } else {
                    vec![text_line(name, new, kind)]
                }
            }
        },
    }
}

/// "Produk layanan: diubah menjadi "…"".
fn text_line(name: &str, new: &ServiceStandard, kind: ComponentKind) -> String {
    format!(
        "{name}: diubah menjadi \"{}\"",
        shorten(&joined_text(new, kind), MAX_QUOTE_CHARS)
    )
}

/// The value of a component stated briefly: the fee or duration in plain words when it can be
/// read, otherwise the decree's own (shortened) words; for lists the items joined by "; ".
fn short_value(kind: ComponentKind, s: &ServiceStandard) -> String {
    let plain = match kind {
        ComponentKind::Fee => s.fee.as_ref().and_then(|fee| match fee.rupiah {
            Some(0) => Some("Gratis".to_owned()),
            _ => describe_fee(fee),
        }),
        ComponentKind::Duration => s.duration.as_ref().and_then(describe_duration),
        _ => None,
    };
    plain.unwrap_or_else(|| shorten(&units(s, kind).join("; "), MAX_QUOTE_CHARS))
}

/// Normalised text of every component of the kind, joined by spaces.
fn joined_text(s: &ServiceStandard, kind: ComponentKind) -> String {
    normalise(
        &components_of(s, kind)
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The comparable units of a component kind: its list items, or its text lines when it is
/// not a list; normalised, empty ones dropped.
fn units(s: &ServiceStandard, kind: ComponentKind) -> Vec<String> {
    let mut out = Vec::new();
    for c in components_of(s, kind) {
        if c.items.is_empty() {
            out.extend(c.text.lines().map(normalise));
        } else {
            out.extend(c.items.iter().map(|i| normalise(&i.text)));
        }
    }
    out.retain(|u| !u.is_empty());
    out
}

/// Item-level lines: removals ("−") then additions ("+"), compared as multisets of normalised
/// text, capped at [`MAX_LINES_PER_COMPONENT`]. A reworded item is a removal plus an addition;
/// a pure reordering gives "urutan diubah". `None` when the items are identical (the change
/// lies in something else, e.g. an `Other` label).
fn item_lines(name: &str, before: &[String], after: &[String]) -> Option<Vec<String>> {
    let mut remaining: HashMap<&str, usize> = HashMap::new();
    for item in after {
        *remaining.entry(item).or_default() += 1;
    }
    let mut removed = Vec::new();
    for item in before {
        match remaining.get_mut(item.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => removed.push(item),
        }
    }
    let mut remaining_old: HashMap<&str, usize> = HashMap::new();
    for item in before {
        *remaining_old.entry(item).or_default() += 1;
    }
    let mut added = Vec::new();
    for item in after {
        match remaining_old.get_mut(item.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => added.push(item),
        }
    }
    if removed.is_empty() && added.is_empty() {
        return (before != after).then(|| vec![format!("{name}: urutan diubah")]);
    }
    let all: Vec<String> = removed
        .iter()
        .map(|i| format!("{name}: − {}", shorten(i, MAX_QUOTE_CHARS)))
        .chain(
            added
                .iter()
                .map(|i| format!("{name}: + {}", shorten(i, MAX_QUOTE_CHARS))),
        )
        .collect();
    Some(cap_lines(name, all))
}

/// Keeps the first [`MAX_LINES_PER_COMPONENT`] lines and counts the rest.
fn cap_lines(name: &str, mut lines: Vec<String>) -> Vec<String> {
    if lines.len() > MAX_LINES_PER_COMPONENT {
        let rest = lines.len() - MAX_LINES_PER_COMPONENT;
        lines.truncate(MAX_LINES_PER_COMPONENT);
        lines.push(format!("{name}: dan {rest} perubahan lain"));
    }
    lines
}

/// Key facts of an added service: its fee and duration, when given.
fn key_facts(s: &ServiceStandard) -> Vec<String> {
    [ComponentKind::Fee, ComponentKind::Duration]
        .into_iter()
        .filter(|&kind| s.component(kind).is_some())
        .map(|kind| format!("{}: {}", label(kind), short_value(kind, s)))
        .collect()
}

/// Whether an announced service is new, changed or gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    /// A new service.
    Added,
    /// An existing service whose standard changed.
    Changed,
    /// A service no longer in the standards (its card cannot be shown any more).
    Removed,
}

/// A service mentioned in an announcement, for a "lihat layanan" button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncedService {
    /// The service id the button opens.
    pub id: ServiceId,
    /// Title as written in the announcement.
    pub title: String,
    /// New, changed or removed; the bot should not offer a button for a removed service.
    pub status: ServiceStatus,
}

/// One Telegram message announcing changed standards to one agency's subscribers.
///
/// An agency whose changes do not fit in [`ANNOUNCEMENT_MAX_LEN`] gets several parts, split
/// between services; each part lists exactly the services it mentions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    /// The agency whose subscribers receive it.
    pub agency: String,
    /// 1-based number of this part among the agency's announcements.
    pub part: u32,
    /// How many parts the agency's announcement has.
    pub parts: u32,
    /// Plain text (no markup; send without a parse mode or escape it), at most
    /// [`ANNOUNCEMENT_MAX_LEN`] UTF-16 code units.
    pub text: String,
    /// The services mentioned in `text`, in the order they appear.
    pub services: Vec<AnnouncedService>,
}

/// A service's block in an announcement, before packing into parts.
struct Block {
    service: AnnouncedService,
    text: String,
}

/// Builds the announcements of a diff: one per agency (agencies in alphabetical order, more
/// parts when the text would be too long), each listing its changed, then new, then removed
/// services with their change lines. An empty diff gives no announcement.
pub fn announcement(diff: &StandardsDiff) -> Vec<Announcement> {
    let mut by_agency: BTreeMap<&str, Vec<Block>> = BTreeMap::new();
    for change in &diff.changed {
        by_agency.entry(&change.agency).or_default().push(block(
            &change.id,
            &change.title,
            ServiceStatus::Changed,
            &change.lines(),
        ));
    }
    for added in &diff.added {
        by_agency.entry(&added.agency).or_default().push(block(
            &added.id,
            &added.title,
            ServiceStatus::Added,
            &added.lines,
        ));
    }
    for removed in &diff.removed {
        by_agency.entry(&removed.agency).or_default().push(block(
            &removed.id,
            &removed.title,
            ServiceStatus::Removed,
            &["Layanan ini tidak lagi tercantum dalam standar pelayanan.".to_owned()],
        ));
    }
    by_agency
        .into_iter()
        .flat_map(|(agency, blocks)| pack(agency, blocks))
        .collect()
}

const FOOTER: &str = "Ketuk tombol di bawah untuk melihat rincian layanan.";

fn heading(agency: &str, part: u32, parts: u32) -> String {
    let agency = shorten(agency, 200);
    if parts > 1 {
        format!("Pembaruan Standar Pelayanan — {agency} (bagian {part}/{parts})")
    } else {
        format!("Pembaruan Standar Pelayanan — {agency}")
    }
}

/// Telegram measures message length in UTF-16 code units.
fn tg_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The room a service block may take: the limit minus the longest heading and the footer.
fn block_budget(agency: &str) -> usize {
    let fixed = tg_len(&heading(agency, 999, 999)) + tg_len(FOOTER) + 4;
    ANNOUNCEMENT_MAX_LEN.saturating_sub(fixed).max(200)
}

/// One service's text: "• Title (diubah)" and its lines indented; lines that do not fit the
/// budget are dropped with a note.
fn block(id: &ServiceId, title: &str, status: ServiceStatus, lines: &[String]) -> Block {
    let tag = match status {
        ServiceStatus::Added => "layanan baru",
        ServiceStatus::Changed => "diubah",
        ServiceStatus::Removed => "dihapus",
    };
    Block {
        service: AnnouncedService {
            id: id.clone(),
            title: title.to_owned(),
            status,
        },
        text: std::iter::once(format!("• {} ({tag})", shorten(title, 200)))
            .chain(lines.iter().map(|l| format!("  {l}")))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Fits a block into `budget`, dropping its last lines behind a note when needed.
fn fit_block(text: &str, budget: usize) -> String {
    if tg_len(text) <= budget {
        return text.to_owned();
    }
    let lines: Vec<&str> = text.lines().collect();
    for keep in (1..lines.len()).rev() {
        let note = format!("  … dan {} perubahan lain, lihat rincian layanan.", lines.len() - keep);
        let mut candidate = lines[..keep].join("\n");
        candidate.push('\n');
        candidate.push_str(&note);
        if tg_len(&candidate) <= budget {
            return candidate;
        }
    }
    // Not even the title line fits: cut it (a char is at most two UTF-16 units).
    shorten(lines[0], budget / 2)
}

/// Packs an agency's blocks greedily into parts of at most [`ANNOUNCEMENT_MAX_LEN`].
fn pack(agency: &str, blocks: Vec<Block>) -> Vec<Announcement> {
    let budget = block_budget(agency);
    let mut groups: Vec<(String, Vec<AnnouncedService>)> = Vec::new();
    for Block { service, text } in blocks {
        let text = fit_block(&text, budget);
        match groups.last_mut() {
            Some((body, services)) if tg_len(body) + 2 + tg_len(&text) <= budget => {
                body.push_str("\n\n");
                body.push_str(&text);
                services.push(service);
            }
            _ => groups.push((text, vec![service])),
        }
    }
    let parts = groups.len() as u32;
    groups
        .into_iter()
        .enumerate()
        .map(|(index, (body, services))| {
            let part = index as u32 + 1;
            let mut text = format!("{}\n\n{body}", heading(agency, part, parts));
            if services.iter().any(|s| s.status != ServiceStatus::Removed) {
                text.push_str("\n\n");
                text.push_str(FOOTER);
            }
            Announcement {
                agency: agency.to_owned(),
                part,
                parts,
                text,
                services,
            }
        })
        .collect()
}

/// Collapses every whitespace run (spaces, tabs, newlines, NBSP) to one space and trims.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sha256_hex(content: &str) -> String {
    hex::encode(Sha256::digest(content.as_bytes()))
}

/// The normalised text cut to at most `max` characters at a word boundary, with "…".
fn shorten(text: &str, max: usize) -> String {
    let text = normalise(text);
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_text;

    const F000: &str = include_str!("../standards/000_4d00da837d591dc0.txt");
    const F001: &str = include_str!("../standards/001_f4e4e6960aa12399.txt");
    const F002: &str = include_str!("../standards/002_81250e56fc566e31.txt");
    const F003: &str = include_str!("../standards/003_5e30365896fb6814.txt");
    const N003: &str = "003_5e30365896fb6814.txt";

    const SKCK: &str = "003_5e30365896fb6814:pengantar-skck";
    const AHLI_WARIS: &str = "003_5e30365896fb6814:surat-keterangan-ahli-waris";
    const SOSIALISASI: &str = "003_5e30365896fb6814:sosialisasi";

    fn parse(name: &str, text: &str) -> Document {
        parse_text(name, text).expect("decree parses")
    }

    fn shipped() -> Vec<Document> {
        SHIPPED.into_iter().map(|(name, text)| parse(name, text)).collect()
    }

    /// Replaces the first `from` after `anchor` (which must occur once) with `to`.
    fn replace_after(text: &str, anchor: &str, from: &str, to: &str) -> String {
        assert_eq!(text.matches(anchor).count(), 1, "anchor {anchor:?} must be unique");
        let start = text.find(anchor).unwrap();
        let offset = text[start..].find(from).expect("text to replace follows the anchor");
        let at = start + offset;
        format!("{}{to}{}", &text[..at], &text[at + from.len()..])
    }

    fn diff_003(edited: &str) -> StandardsDiff {
        diff(&[parse(N003, F003)], &[parse(N003, edited)])
    }

    fn ids(summaries: &[ServiceSummary]) -> Vec<&str> {
        summaries.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn same_files_give_an_empty_diff() {
        let (a, b) = (shipped(), shipped());
        let d = diff(&a, &b);
        assert!(d.is_empty(), "{d:#?}");
        assert!(announcement(&d).is_empty());
    }

    const SHIPPED: [(&str, &str); 4] = [
        ("000_4d00da837d591dc0.txt", F000),
        ("001_f4e4e6960aa12399.txt", F001),
        ("002_81250e56fc566e31.txt", F002),
        (N003, F003),
    ];

    /// Applies `edit` to every line and puts `prefix` before the text.
    fn edit_lines(text: &str, prefix: &str, edit: impl Fn(&str) -> String) -> String {
        let edited: Vec<String> = text.split('\n').map(edit).collect();
        format!("{prefix}{}", edited.join("\n"))
    }

    fn assert_no_change(name: &str, text: &str, edited: &str) {
        let (old, new) = (parse(name, text), parse(name, edited));
        let d = diff(&[old], &[new]);
        assert!(d.is_empty(), "{name}: {d:#?}");
    }

    #[test]
    fn whitespace_only_edit_gives_an_empty_diff() {
        for (name, text) in SHIPPED {
            // Blank lines on top shift every line; trailing spaces on text lines, a tab on
            // blank lines, doubled spaces inside lines.
            let edited = edit_lines(text, "\n\n\n", |line| {
                if line.trim().is_empty() {
                    format!("{line} \t")
                } else {
                    format!("{}   ", line.replace(". ", ".  "))
                }
            });
            let (old, new) = (parse(name, text), parse(name, &edited));
            assert_ne!(old.services[0].lines, new.services[0].lines, "{name}: lines shift");
            assert_no_change(name, text, &edited);
        }
        // On 003 also a trailing tab on every table row and one more blank line per gap.
        let edited = edit_lines(F003, "", |line| {
            if line.contains('\t') {
                format!("{line} \t")
            } else {
                line.to_owned()
            }
        })
        .replace("\n\n", "\n\n\n");
        assert_no_change(N003, F003, &edited);
    }

    /// Regression: a trailing tab once turned a "STANDAR PELAYANAN" heading into a table row
    /// (000, 001, 003 lost every service), and a run of more than three blank lines ended a
    /// component early (000, 001). The diff can only be as whitespace-blind as the parser.
    #[test]
    fn whitespace_edits_at_line_ends_and_blank_runs_are_no_change() {
        for (name, text) in SHIPPED {
            let edited = edit_lines(text, "", |line| format!("{line}\t"));
            assert_no_change(name, text, &edited);
            let edited = text.replace("\n\n", "\n\n\n");
            assert_no_change(name, text, &edited);
        }
    }

    #[test]
    fn fee_change_is_stated_plainly() {
        let edited = replace_after(F003, "\nPENGANTAR SKCK\n", "<i>Gratis</i>", "Rp. 10.000,-");
        let d = diff_003(&edited);
        assert!(d.added.is_empty() && d.removed.is_empty(), "{d:#?}");
        assert_eq!(d.changed.len(), 1, "{d:#?}");
        let change = &d.changed[0];
        assert_eq!(change.id.as_str(), SKCK);
        assert_eq!(change.title, "Pengantar SKCK");
        assert_eq!(change.components.len(), 1);
        assert_eq!(change.components[0].kind, ComponentKind::Fee);
        assert_eq!(change.components[0].change, ChangeKind::Modified);
        assert_eq!(change.lines(), vec!["Biaya: Gratis → Rp 10.000"]);
    }

    #[test]
    fn duration_change_is_stated_plainly() {
        let edited = replace_after(F003, "\nSURAT KETERANGAN AHLI WARIS\n", "1 Hari Kerja", "3 Hari Kerja");
        let d = diff_003(&edited);
        assert_eq!(d.changed.len(), 1, "{d:#?}");
        assert_eq!(d.changed[0].id.as_str(), AHLI_WARIS);
        assert_eq!(d.changed[0].lines(), vec!["Jangka waktu: 1 hari kerja → 3 hari kerja"]);
    }

    #[test]
    fn added_requirement_is_one_plus_line() {
        let edited = replace_after(
            F003,
            "\nPENGANTAR SKCK\n",
            "5. Pas foto 4 x 6 (1 lembar)",
            "5. Pas foto 4 x 6 (1 lembar) 6. Fotokopi Akta Kelahiran",
        );
        let d = diff_003(&edited);
        assert_eq!(d.changed.len(), 1, "{d:#?}");
        let change = &d.changed[0];
        assert_eq!(change.id.as_str(), SKCK);
        assert_eq!(change.components[0].kind, ComponentKind::Requirements);
        assert_eq!(change.lines(), vec!["Persyaratan: + Fotokopi Akta Kelahiran"]);
    }

    #[test]
    fn reworded_requirement_is_a_removal_and_an_addition() {
        let edited = replace_after(
            F003,
            "\nPENGANTAR SKCK\n",
            "1. Surat Pengantar dari Desa/Kelurahan",
            "1. Surat Pengantar dari RT/RW",
        );
        let d = diff_003(&edited);
        assert_eq!(
            d.changed[0].lines(),
            vec![
                "Persyaratan: − Surat Pengantar dari Desa/Kelurahan",
                "Persyaratan: + Surat Pengantar dari RT/RW",
            ]
        );
    }

    #[test]
    fn many_item_changes_are_capped() {
        let before: Vec<String> = (1..=4).map(|i| format!("Dokumen {i}")).collect();
        let after: Vec<String> = (5..=8).map(|i| format!("Dokumen {i}")).collect();
        let lines = item_lines("Persyaratan", &before, &after).unwrap();
        assert_eq!(lines.len(), MAX_LINES_PER_COMPONENT + 1);
        assert_eq!(lines[0], "Persyaratan: − Dokumen 1");
        assert_eq!(lines[4], "Persyaratan: + Dokumen 5");
        assert_eq!(lines[5], "Persyaratan: dan 3 perubahan lain");
        let reordered: Vec<String> = before.iter().rev().cloned().collect();
        assert_eq!(
            item_lines("Persyaratan", &before, &reordered).unwrap(),
            vec!["Persyaratan: urutan diubah"]
        );
        assert_eq!(item_lines("Persyaratan", &before, &before), None);
    }

    #[test]
    fn changed_product_shows_the_new_text() {
        let edited = replace_after(
            F003,
            "\nSURAT KETERANGAN AHLI WARIS\n",
            "Berkas Surat Keterangan Ahli Waris",
            "Surat Keterangan Ahli Waris yang ditandatangani Camat",
        );
        let d = diff_003(&edited);
        assert_eq!(
            d.changed[0].lines(),
            vec!["Produk layanan: diubah menjadi \"Surat Keterangan Ahli Waris yang ditandatangani Camat\""]
        );
    }

    /// The text of the service block that starts at `heading`, up to the next heading.
    fn block_of(text: &str, heading: &str) -> (usize, usize) {
        let start = text.find(heading).expect("heading present");
        let next = text[start + heading.len()..]
            .find("STANDAR PELAYANAN")
            .map_or(text.len(), |i| start + heading.len() + i);
        (start, next)
    }

    #[test]
    fn cut_service_is_removed_and_nothing_else_changes() {
        let (start, end) = block_of(F003, "STANDAR PELAYANAN\n\nSOSIALISASI");
        let edited = format!("{}{}", &F003[..start], &F003[end..]);
        let d = diff_003(&edited);
        assert!(d.added.is_empty() && d.changed.is_empty(), "{d:#?}");
        assert_eq!(ids(&d.removed), vec![SOSIALISASI]);
        assert_eq!(d.removed[0].title, "Sosialisasi");
    }

    #[test]
    fn appended_service_is_added_and_nothing_else_changes() {
        let (start, end) = block_of(F003, "STANDAR PELAYANAN\n\nPENGANTAR SKCK");
        let new_block = F003[start..end]
            .replace("PENGANTAR SKCK", "LEGALISIR DOKUMEN KEPENDUDUKAN")
            .replace("<i>Gratis</i>", "Rp. 5.000,-");
        let edited = format!("{F003}\n\n{new_block}");
        let d = diff_003(&edited);
        assert!(d.removed.is_empty() && d.changed.is_empty(), "{d:#?}");
        assert_eq!(
            ids(&d.added),
            vec!["003_5e30365896fb6814:legalisir-dokumen-kependudukan"]
        );
        assert_eq!(d.added[0].lines, vec!["Biaya: Rp 5.000", "Jangka waktu: 20 menit"]);
    }

    #[test]
    fn renamed_service_is_removed_and_added() {
        let edited = F003.replace("\nPENGANTAR SKCK\n", "\nPENGANTAR SURAT KELAKUAN BAIK\n");
        let d = diff_003(&edited);
        assert!(d.changed.is_empty(), "{d:#?}");
        assert_eq!(ids(&d.removed), vec![SKCK]);
        assert_eq!(
            ids(&d.added),
            vec!["003_5e30365896fb6814:pengantar-surat-kelakuan-baik"]
        );
    }

    #[test]
    fn fingerprint_changes_only_in_the_edited_component_and_round_trips() {
        let edited = replace_after(F003, "\nPENGANTAR SKCK\n", "<i>Gratis</i>", "Rp. 10.000,-");
        let (old, new) = (parse(N003, F003), parse(N003, &edited));
        let find = |d: &Document| service_fingerprint(d.services.iter().find(|s| s.id.as_str() == SKCK).unwrap());
        let (a, b) = (find(&old), find(&new));
        assert_eq!(a.version, FINGERPRINT_VERSION);
        assert_ne!(a.service, b.service);
        assert_eq!(a.changed_components(&b), vec![ComponentKind::Fee]);
        assert!(a.changed_components(&a).is_empty());
        assert_eq!(a.service.len(), 64);
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains("\"requirements\""), "{json}");
        let back: ServiceFingerprint = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn announcement_groups_by_agency_and_keeps_ids() {
        let old = shipped();
        let mut new = shipped();
        let edited = replace_after(F003, "\nPENGANTAR SKCK\n", "<i>Gratis</i>", "Rp. 10.000,-");
        let (start, end) = block_of(&edited, "STANDAR PELAYANAN\n\nSOSIALISASI");
        let edited = format!("{}{}", &edited[..start], &edited[end..]);
        new[3] = parse(N003, &edited);
        let removed_001 = new[1].services.pop().unwrap();
        let d = diff(&old, &new);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.removed.len(), 2);
        let announcements = announcement(&d);
        assert_eq!(announcements.len(), 2, "{announcements:#?}");
        let agencies: Vec<&str> = announcements.iter().map(|a| a.agency.as_str()).collect();
        let beji = &new[3].services[0].agency;
        assert!(agencies.contains(&beji.as_str()), "{agencies:?}");
        assert!(agencies.contains(&removed_001.agency.as_str()), "{agencies:?}");
        assert_ne!(beji, &removed_001.agency);

        let a = announcements.iter().find(|a| &a.agency == beji).unwrap();
        assert_eq!((a.part, a.parts), (1, 1));
        assert!(
            a.text.starts_with(&format!("Pembaruan Standar Pelayanan — {beji}\n\n")),
            "{}",
            a.text
        );
        assert!(
            a.text
                .contains("• Pengantar SKCK (diubah)\n  Biaya: Gratis → Rp 10.000"),
            "{}",
            a.text
        );
        assert!(a.text.contains("• Sosialisasi (dihapus)"), "{}", a.text);
        let services: Vec<(&str, ServiceStatus)> = a.services.iter().map(|s| (s.id.as_str(), s.status)).collect();
        assert_eq!(
            services,
            vec![(SKCK, ServiceStatus::Changed), (SOSIALISASI, ServiceStatus::Removed)]
        );

        let other = announcements.iter().find(|a| a.agency == removed_001.agency).unwrap();
        assert_eq!(other.services.len(), 1);
        assert_eq!(other.services[0].id, removed_001.id);
        assert!(other.text.contains(&removed_001.title));
        // Only removed services: no button to tap.
        assert!(!other.text.contains(FOOTER));
    }

    #[test]
    fn long_announcements_are_split_and_every_service_appears_once() {
        let d = diff(&[], &shipped());
        let total = d.added.len();
        assert_eq!(total, 43 + 6 + 31 + 17);
        let announcements = announcement(&d);
        assert!(
            announcements.iter().any(|a| a.parts > 1),
            "the largest decree should need several parts"
        );
        let mut seen = Vec::new();
        for a in &announcements {
            assert!(tg_len(&a.text) <= ANNOUNCEMENT_MAX_LEN, "{} is too long", a.agency);
            assert!(a.part >= 1 && a.part <= a.parts);
            if a.parts > 1 {
                assert!(a.text.contains(&format!("(bagian {}/{})", a.part, a.parts)));
            }
            for s in &a.services {
                assert!(a.text.contains(&format!("• {} (layanan baru)", shorten(&s.title, 200))));
                seen.push(s.id.clone());
            }
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), total);
    }

    #[test]
    fn an_oversized_service_block_is_truncated_with_a_note() {
        let lines: Vec<String> = (0..300)
            .map(|i| format!("Persyaratan: + Dokumen pendukung nomor {i} yang sangat panjang"))
            .collect();
        let d = StandardsDiff {
            changed: vec![ServiceChange {
                id: ServiceId("x:layanan".to_owned()),
                title: "Layanan Uji".to_owned(),
                agency: "Dinas Uji".to_owned(),
                notes: Vec::new(),
                components: vec![ComponentChange {
                    kind: ComponentKind::Requirements,
                    change: ChangeKind::Modified,
                    lines,
                }],
            }],
            ..StandardsDiff::default()
        };
        let announcements = announcement(&d);
        assert_eq!(announcements.len(), 1);
        let text = &announcements[0].text;
        assert!(tg_len(text) <= ANNOUNCEMENT_MAX_LEN);
        assert!(text.contains("perubahan lain, lihat rincian layanan."), "{text}");
        assert!(text.ends_with(FOOTER));
    }

    #[test]
    fn shorten_cuts_at_a_word_boundary() {
        assert_eq!(shorten("  a   b ", 10), "a b");
        let s = shorten("Surat pengantar dari desa atau kelurahan setempat", 20);
        assert!(s.chars().count() <= 20, "{s}");
        assert_eq!(s, "Surat pengantar…");
    }
}
