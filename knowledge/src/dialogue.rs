//! The question-and-answer context of one conversation: last service, last choices, region.
//!
//! Every front end (Telegram, `loket chat`, `loket ask --conversation`, the evaluation) keeps
//! one [`Dialogue`] per citizen and answers through [`Dialogue::reply`], so a follow-up means the
//! same thing everywhere. The rules:
//!
//! - A reply that picks from the list just offered ("2", "yang kedua", "no 3", or words that
//!   only one offered service has, like its agency: "yg kecamatan") answers that service, for the
//!   aspect asked then or now; so does one clause of a longer reply ("yg di dprd kak, penelitian
//!   sy ..."), unless the message asks about a service that was not offered. A reply that only asks more ("brp hari?") answers the one
//!   service offered, or offers the same list again for what it asks.
//! - A message that only says where the citizen is or which agency they mean ("saya di kecamatan
//!   beji", "yg di setda aja", "sy tinggal di desa X kec beji", "eh maksud sy yg di kecamatan")
//!   sets the region; it then decides between services offered by several agencies, in this
//!   message's list and in later questions; said right after an answer about another agency's
//!   service, it moves that answer to the same service where the citizen is. A kecamatan,
//!   regency or city no agency here serves ("sy dr kecamatan bangil") is answered as such and
//!   clears the region.
//! - A message that names a service and asks nothing ("kalo TPP?", "yg karis?") asks what
//!   the previous message asked: elliptical, as chat questions are. So does one that asks
//!   nothing but a detail the previous question's component holds at least as much of as any
//!   other ("kalo yg III/d?" after who sets a promotion to IV/b).
//! - A single service offered ("maybe this one?") is the context of the reply, as an answered
//!   one would be ("pas fotonya brp lembar" goes on asking about it).
//! - A message refused while still talking about the previous service (a fifth of its naming
//!   weight is in that service's text, words no decree uses that name no institution or
//!   document left out: "pas fotonya latar merah ato biru?", see [`Engine::still_about`])
//!   keeps that service as the topic, so the next "brp hari?" asks about it; one about
//!   something the service lacks ("kalo paspor") moves on.
//! - A follow-up asked by an interrogative alone ("nanti diterima siapa"), with a word clipped
//!   from the service's title ("konsulnya brp lama"), with words as common as everyday ones
//!   ("hasil akhirnya apa") or with a detail in the citizen's words that names no service,
//!   institution or document ("brp lama dpt balesan?", "pas fotonya latar merah ato biru?":
//!   the decree's component is shown) is about the previous service when no other service is
//!   named by much of its title.
//! - A short follow-up that asks something ("brp hari dpt jawaban") and would otherwise be
//!   offered a list of services none of which its words name, nor any service's name, stays
//!   with the previous service: its words touched those services' texts, not their names.
//! - A message refused or left to a choice alone is read together with the question before it
//!   when that names one service ("pengurus mushola mau minta bantuan renovasi" / "yg pengantar
//!   dr kecamatan beji"): it completes or corrects that question. Never to give the service
//!   already answered again (see [`completed`]).
//! - The previous service is used only when the new message names no service and no other topic
//!   ("trus biayanya?", "yang tadi berapa lama"); anything else is answered on its own, or
//!   refused, never with the previous service (the engine decides that, see
//!   [`Engine::answer_in`]).
//!
//! Serialisable, with every field defaulted, because chat front ends persist it between
//! messages and older stored states lack newer fields.

use crate::answer::{Answer, AnswerStatus, Engine};
use crate::aspect::Aspect;
use crate::document::ServiceId;
use serde::{Deserialize, Serialize};

/// Context kept between the messages of one conversation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialogue {
    /// The service of the last answered question.
    #[serde(default)]
    pub last_service: Option<String>,
    /// Candidates of the last list offered, in order.
    #[serde(default)]
    pub choices: Vec<String>,
    /// The aspect asked when the list was offered.
    #[serde(default)]
    pub pending_aspect: Option<Aspect>,
    /// Analysed words of the region or agency the citizen said they mean ("camat beji").
    #[serde(default)]
    pub region: Vec<String>,
    /// The aspect of the last answer, for a region that moves it to another agency.
    #[serde(default)]
    pub last_aspect: Option<Aspect>,
    /// The last question typed, answered or refused, kept for one message only: the next one
    /// may complete or correct it ("yg dari kecamatan aja"). Not a choice picked from a list
    /// or a button pressed.
    #[serde(default)]
    pub previous: Option<String>,
}

impl Dialogue {
    /// A dialogue whose last answer was about `service`.
    pub fn about(service: Option<String>) -> Self {
        Self {
            last_service: service,
            ..Self::default()
        }
    }

    /// Answers one message in this conversation and updates the context.
    pub fn reply(&mut self, engine: &Engine, message: &str) -> Answer {
        let message = message.trim();
        let previous = self.previous.take();
        let before = self.last_service.clone();
        if !self.choices.is_empty() {
            let picked = ordinal(message)
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| self.choices.get(i))
                .cloned()
                .or_else(|| {
                    let choices: Vec<ServiceId> = self.choices.iter().cloned().map(ServiceId).collect();
                    engine
                        .pick(message, &choices)
                        .or_else(|| picked_in_a_clause(engine, message, &choices))
                        .map(|id| id.0)
                });
            if let Some(id) = picked {
                let aspect = engine
                    .asked_of(message, &ServiceId(id.clone()))
                    .or(self.pending_aspect)
                    .unwrap_or(Aspect::Overview);
                if let Some(mut answer) = engine.answer_for(&ServiceId(id.clone()), aspect) {
                    answer.question = message.to_owned();
                    self.remember_choice(engine, &id);
                    self.remember(&answer);
                    return answer;
                }
            }
        }
        // Asked more before choosing ("brp hari prosesnya" after "maybe one of these"): a
        // single service offered is the one meant; several are offered again for this aspect.
        if !self.choices.is_empty()
            && let Some(asked) = engine.asks_only(message)
        {
            let choices: Vec<ServiceId> = self.choices.iter().cloned().map(ServiceId).collect();
            let answer = match choices.as_slice() {
                [only] => engine.answer_for(only, asked).map(|mut answer| {
                    answer.question = message.to_owned();
                    answer
                }),
                _ => engine.offer_again(message, asked, &choices),
            };
            if let Some(answer) = answer {
                self.remember(&answer);
                return answer;
            }
        }
        // A single service offered ("maybe this one?") is the context of a reply that goes on
        // asking about it ("fotonya brp lembar"), as an answered one would be.
        let last = match self.choices.as_slice() {
            [only] => Some(only.clone()),
            _ => self.last_service.clone(),
        }
        .map(ServiceId);
        let answer = engine.answer_in(message, last.as_ref(), &self.region);
        if answer.status == AnswerStatus::Region {
            self.region = answer.region.clone();
            // The region may settle the list just offered.
            let matching: Vec<&String> = self
                .choices
                .iter()
                .filter(|id| engine.serves_region(&ServiceId((*id).clone()), &self.region))
                .collect();
            if let [only] = matching.as_slice()
                && let Some(mut answer) = engine.answer_for(
                    &ServiceId((*only).clone()),
                    self.pending_aspect.unwrap_or(Aspect::Overview),
                )
            {
                answer.question = message.to_owned();
                self.remember(&answer);
                return answer;
            }
            // Said right after an answer about another agency's service: the same service
            // where the citizen is ("yang kecamatan beji").
            if self.choices.is_empty()
                && let Some(last) = &last
                && let Some(there) = engine.counterpart(last, &self.region)
                && let Some(mut answer) = engine.answer_for(&there, self.last_aspect.unwrap_or(Aspect::Overview))
            {
                answer.question = message.to_owned();
                self.remember(&answer);
                return answer;
            }
            return answer;
        }
        // "kalo TPP?" after "gaji prosesnya brp lama": a message that names a service and asks
        // nothing leaves its question out, the one just asked.
        // So does one that asks nothing but a detail the previous question's component holds
        // ("kalo yg III/d?" after who sets a promotion to IV/b).
        let answer = match (&answer.service, self.last_aspect) {
            (Some(service), Some(previous))
                if answer.status == AnswerStatus::Answered
                    && previous != Aspect::Overview
                    && answer.aspect != Some(previous)
                    && (answer.aspect == Some(Aspect::Overview) && engine.asked_aspect(message).is_none()
                        || answer.aspect.is_some_and(|inferred| {
                            engine.goes_on_asking(message, &service.id, previous, inferred)
                        })) =>
            {
                engine
                    .answer_for(&service.id, previous)
                    .map(|mut carried| {
                        carried.question = message.to_owned();
                        carried
                    })
                    .unwrap_or(answer)
            }
            _ => answer,
        };
        let answer = completed(
            engine,
            message,
            answer,
            previous.as_deref(),
            before.as_deref(),
            &self.region,
        );
        self.remember(&answer);
        // A typed question answered or refused may be completed by the next message.
        if matches!(answer.status, AnswerStatus::Answered | AnswerStatus::NotFound) {
            self.previous = Some(message.to_owned());
        }
        // A message refused while still talking about the previous service keeps it as the
        // topic: the citizen's next "brp hari?" is about that service, not a new one.
        if answer.status == AnswerStatus::NotFound
            && let Some(last) = last.filter(|last| engine.still_about(message, last))
        {
            self.last_service = Some(last.0);
        }
        answer
    }

    /// Records an answer given some other way (a button): same rules as a typed message.
    pub fn remember(&mut self, answer: &Answer) {
        match answer.status {
            AnswerStatus::Answered => {
                self.last_service = answer.service.as_ref().map(|s| s.id.0.clone());
                self.last_aspect = answer.aspect;
                self.choices.clear();
                self.pending_aspect = None;
            }
            AnswerStatus::Ambiguous => {
                self.choices = answer.candidates.iter().map(|c| c.id.0.clone()).collect();
                self.pending_aspect = answer.aspect;
            }
            AnswerStatus::NotFound => {
                // The engine refuses with a context service only when the message is about
                // something else: that old service is no longer the topic. A refusal naming a
                // service (a detail its standard does not state) keeps that service.
                self.last_service = answer.service.as_ref().map(|s| s.id.0.clone());
                self.choices.clear();
            }
            AnswerStatus::Smalltalk | AnswerStatus::Region => {}
        }
    }

    /// A choice among services of different agencies says which agency the citizen means.
    fn remember_choice(&mut self, engine: &Engine, id: &str) {
        let choices: Vec<ServiceId> = self.choices.iter().cloned().map(ServiceId).collect();
        if let Some(region) = engine.agency_words(&ServiceId(id.to_owned()), &choices) {
            self.region = region;
        }
    }
}

/// A message that completes or corrects the question just before ("pengurus TPQ mau minta
/// bantuan renovasi" / "yg pengantar dr kecamatan aja"): when this message alone is refused or
/// left to a choice, both read together may name one service. Never the service already
/// answered: a message that only adds to it is a follow-up, and a new topic is not about it;
/// and not when either message only asks (an aspect, a detail).
fn completed(
    engine: &Engine,
    message: &str,
    answer: Answer,
    previous: Option<&str>,
    answered: Option<&str>,
    region: &[String],
) -> Answer {
    let Some(previous) = previous else {
        return answer;
    };
    if !matches!(answer.status, AnswerStatus::NotFound | AnswerStatus::Ambiguous) || answer.service.is_some() {
        return answer;
    }
    // Two messages that only ask ("sampai ttd brp lama" / "dasar hukumnya") name nothing
    // together either: their cue words must not name a service ("hukum").
    if engine.asks_only(message).is_some() || engine.asks_only(previous).is_some() {
        return answer;
    }
    let together = engine.answer_in(&format!("{previous}. {message}"), None, region);
    if together.status == AnswerStatus::Answered && together.service.as_ref().map(|s| s.id.as_str()) != answered {
        Answer {
            question: message.to_owned(),
            ..together
        }
    } else {
        answer
    }
}

/// A choice made in one clause of a longer reply ("yg di dprd kak, penelitian sy ttg fungsi
/// pengawasan dewan"): the first clause that picks one offered service, unless the whole
/// message asks about a service that was not offered.
fn picked_in_a_clause(engine: &Engine, message: &str, choices: &[ServiceId]) -> Option<ServiceId> {
    let clauses: Vec<&str> = message
        .split([',', '.', '?', '!', ';'])
        .filter(|c| c.chars().any(char::is_alphanumeric))
        .collect();
    if clauses.len() < 2 {
        return None;
    }
    let picked = clauses.iter().find_map(|clause| engine.pick(clause, choices))?;
    // A clause that gives the reason ("soalnya ttg risalah rapat paripurna") asks nothing
    // else: only the others may ask about a service not offered.
    let asking: Vec<&str> = clauses.iter().copied().filter(|clause| !gives_reason(clause)).collect();
    let elsewhere = engine.answer(&asking.join(", "), None);
    let other = elsewhere.status == AnswerStatus::Answered
        && elsewhere.service.as_ref().is_some_and(|s| !choices.contains(&s.id));
    (!other).then_some(picked)
}

/// Whether a clause opens with a conjunction of reason ("soalnya", "karena", Javanese
/// "soale"): it says why, not what is asked. (Purpose, "buat ngurus skck", may name a service.)
fn gives_reason(clause: &str) -> bool {
    const REASONS: &[&str] = &["soalnya", "soale", "karena", "karna", "krn", "sebab"];
    clause
        .split_whitespace()
        .next()
        .is_some_and(|first| REASONS.contains(&first.to_lowercase().as_str()))
}

/// The number a reply picks: "2", "no 2", "nomor 2", "yg ke-2", "yang kedua", "pertama".
fn ordinal(message: &str) -> Option<usize> {
    const ORDINALS: &[(&str, usize)] = &[
        ("pertama", 1),
        ("satu", 1),
        ("kedua", 2),
        ("dua", 2),
        ("ketiga", 3),
        ("tiga", 3),
        ("keempat", 4),
        ("empat", 4),
        ("kelima", 5),
        ("lima", 5),
    ];
    const FILLER: &[&str] = &[
        "no", "nomor", "nomer", "yg", "yang", "ke", "pilih", "itu", "aja", "saja", "deh", "kak", "min", "ya", "nah",
    ];
    let lower = message.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = None;
    for word in &words {
        let value = word
            .parse::<usize>()
            .ok()
            .or_else(|| ORDINALS.iter().find(|(w, _)| w == word).map(|(_, n)| *n));
        match value {
            Some(n) if found.is_none() => found = Some(n),
            Some(_) => return None,
            None if FILLER.contains(word) => {}
            None => return None,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::ordinal;

    #[test]
    fn ordinals_in_chat_forms() {
        assert_eq!(ordinal("2"), Some(2));
        assert_eq!(ordinal("no 3"), Some(3));
        assert_eq!(ordinal("yg ke-2"), Some(2));
        assert_eq!(ordinal("yang kedua aja kak"), Some(2));
        assert_eq!(ordinal("pertama"), Some(1));
        assert_eq!(ordinal("2 hari kerja"), None);
        assert_eq!(ordinal("syarat ktp"), None);
    }
}

#[cfg(test)]
mod conversation_tests {
    use super::*;
    use crate::parse::parse_dir;
    use std::sync::LazyLock;

    static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("standards");
        Engine::build(parse_dir(&dir).unwrap().documents).unwrap()
    });

    fn id(answer: &Answer) -> &str {
        answer.service.as_ref().map_or("-", |s| s.id.as_str())
    }

    #[test]
    fn a_follow_up_without_a_service_uses_the_previous_one() {
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "syarat sktm apa aja");
        assert_eq!(first.status, AnswerStatus::Answered);
        let next = d.reply(&ENGINE, "trus biayanya?");
        assert_eq!(id(&next), id(&first));
        assert_eq!(next.aspect, Some(Aspect::Fee));
    }

    #[test]
    fn a_service_named_without_a_question_asks_the_previous_question() {
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "pembayaran gaji asn setda brp lama prosesnya");
        assert_eq!(first.aspect, Some(Aspect::Duration), "{}", first.text);
        let next = d.reply(&ENGINE, "kalo TPP?");
        assert_eq!(
            id(&next),
            "000_4d00da837d591dc0:pembayaran-tpp-asn-setda",
            "{}",
            next.text
        );
        assert_eq!(next.aspect, Some(Aspect::Duration));
        // Asked on its own, the same words get the overview.
        let fresh = Dialogue::default().reply(&ENGINE, "kalo TPP?");
        assert_eq!(fresh.aspect, Some(Aspect::Overview));
    }

    #[test]
    fn a_detail_alone_goes_on_asking_what_was_asked_when_that_component_holds_it() {
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "kp ke golongan IV/b itu ditetapin sama siapa ya");
        assert_eq!(first.aspect, Some(Aspect::Procedure), "{}", first.text);
        let next = d.reply(&ENGINE, "kalo yg III/d?");
        assert_eq!(id(&next), id(&first));
        assert_eq!(next.aspect, Some(Aspect::Procedure), "{}", next.text);
        // Details another component holds more of are asked of that one.
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "syarat kenaikan pangkat apa aja");
        assert_eq!(first.aspect, Some(Aspect::Requirements), "{}", first.text);
        let next = d.reply(&ENGINE, "yg netapin SK gol IV/a siapa?");
        assert_eq!(next.aspect, Some(Aspect::Procedure), "{}", next.text);
    }

    #[test]
    fn another_topic_is_never_answered_with_the_previous_service() {
        for other in [
            "kalo paspor syaratnya apa",
            "perpanjang SIM biayanya brp",
            "bpjs kesehatan gmn daftarnya",
        ] {
            let mut d = Dialogue::default();
            d.reply(&ENGINE, "syarat sktm apa aja");
            let answer = d.reply(&ENGINE, other);
            assert_eq!(answer.status, AnswerStatus::NotFound, "{other}: {}", id(&answer));
            // And the old service is no longer the topic.
            let after = d.reply(&ENGINE, "biayanya?");
            assert_ne!(after.status, AnswerStatus::Answered, "{other}");
        }
    }

    #[test]
    fn a_follow_up_about_another_place_is_not_the_previous_places_service() {
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "bantuan hibah buat pondok pesantren syaratnya apa");
        assert_eq!(first.status, AnswerStatus::Answered, "{}", first.text);
        // The Kabupaten Pasuruan's grant is no answer for a branch in Kabupaten Malang.
        let other = d.reply(&ENGINE, "kalo pondok cabang kami di kab malang bisa ngajuin jg?");
        assert_ne!(other.status, AnswerStatus::Answered, "{}", other.text);
    }

    #[test]
    fn a_service_at_several_agencies_is_asked_with_the_agency_and_remembered() {
        let mut d = Dialogue::default();
        let list = d.reply(&ENGINE, "konsultasi bayar gak");
        assert_eq!(list.status, AnswerStatus::Ambiguous);
        assert!(list.candidates.len() <= 3);
        let units: std::collections::HashSet<&str> = list.candidates.iter().map(|c| c.unit.as_str()).collect();
        assert_eq!(units.len(), list.candidates.len(), "every choice names its own agency");
        let pick = list
            .candidates
            .iter()
            .position(|c| c.unit.contains("Kecamatan"))
            .expect("the kecamatan offers it");
        let chosen = d.reply(&ENGINE, &(pick + 1).to_string());
        assert_eq!(chosen.status, AnswerStatus::Answered);
        assert_eq!(chosen.aspect, Some(Aspect::Fee));
        // The agency chosen decides the next question about another shared service.
        let next = d.reply(&ENGINE, "kalau sosialisasi syaratnya apa");
        assert_eq!(next.status, AnswerStatus::Answered, "{}", next.text);
        assert!(next.service.as_ref().unwrap().unit.contains("Kecamatan"));
    }

    #[test]
    fn a_self_introduction_sets_the_region() {
        let mut d = Dialogue::default();
        let noted = d.reply(&ENGINE, "sy perangkat desa di wilayah kec beji");
        assert_eq!(noted.status, AnswerStatus::Region, "{}", noted.text);
        // A greeting before it changes nothing.
        let greeted = Dialogue::default().reply(&ENGINE, "halo min, sy dr desa di kec beji");
        assert_eq!(greeted.status, AnswerStatus::Region, "{}", greeted.text);
        // So does the place without a preposition.
        let resident = Dialogue::default().reply(&ENGINE, "sy warga kecamatan beji");
        assert_eq!(resident.status, AnswerStatus::Region, "{}", resident.text);
        let answer = d.reply(&ENGINE, "sosialisasi syaratnya apa");
        assert_eq!(answer.status, AnswerStatus::Answered, "{}", answer.text);
        assert!(answer.service.as_ref().unwrap().unit.contains("Kecamatan Beji"));
        // A question is not an introduction.
        let asked = Dialogue::default().reply(&ENGINE, "saya di kecamatan beji, syarat sktm apa?");
        assert_eq!(asked.status, AnswerStatus::Answered, "{}", asked.text);
    }

    #[test]
    fn a_village_inside_the_unit_that_serves_it_sets_that_unit() {
        // Places nest, the finest first: the village no agency is named after is left out.
        for said in [
            "sy tinggal di desa karangsono kec beji",
            "dari desa karangsono kec beji nih",
        ] {
            let mut d = Dialogue::default();
            let noted = d.reply(&ENGINE, said);
            assert_eq!(noted.status, AnswerStatus::Region, "{said}: {}", noted.text);
            let answer = d.reply(&ENGINE, "sosialisasi syaratnya apa");
            assert!(
                answer.service.as_ref().unwrap().unit.contains("Kecamatan Beji"),
                "{said}"
            );
        }
        // A village alone says which unit serves it no more than any other word.
        let alone = Dialogue::default().reply(&ENGINE, "sy tinggal di desa karangsono");
        assert_ne!(alone.status, AnswerStatus::Region, "{}", alone.text);
        // Another regency is no place of these agencies: said so, no region of theirs set.
        let mut d = Dialogue::default();
        let elsewhere = d.reply(&ENGINE, "sy tinggal di desa karangsono kab sidoarjo");
        assert!(elsewhere.text.contains("belum ada"), "{}", elsewhere.text);
        assert!(d.region.is_empty(), "{:?}", d.region);
    }

    #[test]
    fn a_correction_of_the_place_moves_the_answer_there() {
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "konsultasi di setda syaratnya apa");
        assert_eq!(first.status, AnswerStatus::Answered, "{}", first.text);
        assert!(first.service.as_ref().unwrap().unit.contains("Sekretariat Daerah"));
        let moved = d.reply(&ENGINE, "eh maksud sy yg di kecamatan");
        assert_eq!(moved.status, AnswerStatus::Answered, "{}", moved.text);
        assert!(
            moved.service.as_ref().unwrap().unit.contains("Kecamatan Beji"),
            "{}",
            moved.text
        );
        assert_eq!(moved.aspect, Some(Aspect::Requirements));
    }

    #[test]
    fn a_choice_between_agencies_sets_the_region() {
        let mut d = Dialogue::default();
        let list = d.reply(&ENGINE, "konsultasi bayar gak");
        assert_eq!(list.status, AnswerStatus::Ambiguous, "{}", list.text);
        let chosen = d.reply(&ENGINE, "2");
        assert_eq!(chosen.status, AnswerStatus::Answered, "{}", chosen.text);
        assert!(!d.region.is_empty(), "{:?}", d.region);
        let agency = chosen
            .service
            .as_ref()
            .map(|s| s.agency.to_lowercase())
            .unwrap_or_default();
        assert!(
            d.region.iter().any(|w| agency.contains(w.as_str())),
            "{:?} {agency}",
            d.region
        );
    }

    #[test]
    fn a_place_no_agency_here_serves_is_said_so() {
        let mut d = Dialogue::default();
        d.reply(&ENGINE, "sy di kecamatan beji");
        assert!(!d.region.is_empty());
        let noted = d.reply(&ENGINE, "sy dr kecamatan bangil");
        assert_eq!(noted.status, AnswerStatus::Region, "{}", noted.text);
        assert!(noted.text.contains("belum ada"), "{}", noted.text);
        // The citizen is no longer where they said before.
        assert!(d.region.is_empty(), "{:?}", d.region);
        // A preposition with no place after it is no place (and no crash).
        for unfinished in ["saya dari", "sy di"] {
            let answer = Dialogue::default().reply(&ENGINE, unfinished);
            assert_ne!(answer.status, AnswerStatus::Region, "{unfinished}: {}", answer.text);
        }
    }

    #[test]
    fn a_place_given_in_reply_sets_the_region() {
        // "setda" is also in a title, so only the shape of the reply says it is a place.
        let mut d = Dialogue::default();
        let noted = d.reply(&ENGINE, "di setda pasuruan");
        assert_eq!(noted.status, AnswerStatus::Region, "{}", noted.text);
        let answer = d.reply(&ENGINE, "sosialisasi syaratnya apa");
        assert_eq!(answer.status, AnswerStatus::Answered, "{}", answer.text);
        assert!(answer.service.as_ref().unwrap().unit.contains("Sekretariat Daerah"));
        // A question that starts with a place is not a place.
        let asked = Dialogue::default().reply(&ENGINE, "di kecamatan beji sktm syaratnya apa");
        assert_eq!(asked.status, AnswerStatus::Answered, "{}", asked.text);
    }

    #[test]
    fn a_short_follow_up_no_offered_service_is_named_by_stays_with_the_topic() {
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "mau audiensi dengan bupati, bagaimana caranya?");
        assert_eq!(first.status, AnswerStatus::Answered, "{}", first.text);
        // "Jawaban" is in services of the DPRD too, none named by it: the same audiensi.
        let next = d.reply(&ENGINE, "kira2 berapa hari dapat jawaban?");
        assert_eq!(next.status, AnswerStatus::Answered, "{}", next.text);
        assert_eq!(id(&next), id(&first));
        assert_eq!(next.aspect, Some(Aspect::Duration));
        // A word of another service's name is another topic, never the previous service.
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "pengajuan propemperda prosesnya gimana");
        let other = d.reply(&ENGINE, "kalo SK bupati biasa berapa lama");
        assert!(
            other.status != AnswerStatus::Answered || other.service != first.service,
            "{}",
            other.text
        );
    }

    #[test]
    fn a_detail_of_the_previous_service_is_a_follow_up() {
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "syarat surat keterangan ahli waris apa");
        assert_eq!(first.status, AnswerStatus::Answered);
        let next = d.reply(&ENGINE, "yang paraf nanti siapa");
        assert_eq!(next.status, AnswerStatus::Answered, "{}", next.text);
        assert_eq!(id(&next), id(&first));
        assert_eq!(next.aspect, Some(Aspect::Procedure));
    }

    #[test]
    fn a_region_after_an_answer_moves_it_to_the_same_service_there() {
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "syarat sosialisasi di setda pasuruan apa");
        assert_eq!(first.status, AnswerStatus::Answered, "{}", first.text);
        assert!(first.service.as_ref().unwrap().unit.contains("Sekretariat Daerah"));
        let moved = d.reply(&ENGINE, "yang kecamatan beji");
        assert_eq!(moved.status, AnswerStatus::Answered, "{}", moved.text);
        assert!(moved.service.as_ref().unwrap().unit.contains("Kecamatan Beji"));
        assert_eq!(moved.aspect, Some(Aspect::Requirements));
        // A place where no such service exists only sets the region.
        let mut d = Dialogue::default();
        d.reply(&ENGINE, "syarat karpeg apa");
        let noted = d.reply(&ENGINE, "saya di kecamatan beji");
        assert_eq!(noted.status, AnswerStatus::Region, "{}", noted.text);
    }

    #[test]
    fn the_citizen_can_say_where_they_are() {
        let mut d = Dialogue::default();
        let noted = d.reply(&ENGINE, "saya di kecamatan beji");
        assert_eq!(noted.status, AnswerStatus::Region, "{}", noted.text);
        let answer = d.reply(&ENGINE, "konsultasi bayar gak");
        assert_eq!(answer.status, AnswerStatus::Answered, "{}", answer.text);
        assert!(answer.service.as_ref().unwrap().unit.contains("Kecamatan Beji"));
    }

    #[test]
    fn a_choice_can_be_named_instead_of_numbered() {
        let mut d = Dialogue::default();
        let list = d.reply(&ENGINE, "konsultasi bayar gak");
        assert_eq!(list.status, AnswerStatus::Ambiguous);
        let answer = d.reply(&ENGINE, "yang kecamatan");
        assert_eq!(answer.status, AnswerStatus::Answered, "{}", answer.text);
        assert!(answer.service.as_ref().unwrap().unit.contains("Kecamatan"));
    }

    #[test]
    fn a_choice_named_by_a_cue_word_of_its_title() {
        // "pengawas" also asks about supervision; among leadership trainings it names one.
        let mut d = Dialogue::default();
        let list = d.reply(&ENGINE, "diklat pelatihan kepemimpinan syarat ikutnya apa");
        assert_eq!(list.status, AnswerStatus::Ambiguous, "{}", list.text);
        let answer = d.reply(&ENGINE, "yg pengawas");
        assert_eq!(answer.status, AnswerStatus::Answered, "{}", answer.text);
        assert_eq!(id(&answer), "002_81250e56fc566e31:pelatihan-kepemimpinan-pengawas");
        assert_eq!(answer.aspect, Some(Aspect::Requirements));
    }

    #[test]
    fn the_word_a_sibling_title_has_instead_moves_to_it() {
        let mut d = Dialogue::default();
        let first = d.reply(&ENGINE, "tender prakualifikasi brp hari");
        assert_eq!(id(&first), "000_4d00da837d591dc0:pemilihan-penyedia-prakualifikasi");
        let other = d.reply(&ENGINE, "pascakualifikasi?");
        assert_eq!(other.status, AnswerStatus::Answered, "{}", other.text);
        assert_eq!(id(&other), "000_4d00da837d591dc0:pemilihan-penyedia-pascakualifikasi");
        // A word of the previous service's own text that names no sibling stays with it.
        let mut d = Dialogue::default();
        d.reply(&ENGINE, "tender prakualifikasi brp hari");
        let same = d.reply(&ENGINE, "dokumen kualifikasinya apa aja");
        assert_eq!(id(&same), "000_4d00da837d591dc0:pemilihan-penyedia-prakualifikasi");
    }

    #[test]
    fn a_message_that_corrects_the_previous_question_is_read_with_it() {
        let mut d = Dialogue::default();
        let first = d.reply(
            &ENGINE,
            "pengurus mushola mau minta bantuan buat renovasi pake proposal",
        );
        assert_eq!(first.status, AnswerStatus::Answered, "{}", first.text);
        assert_eq!(
            id(&first),
            "000_4d00da837d591dc0:pemberian-bantuan-hibah-kepada-masjid-musholla-ponpes-dan"
        );
        // Alone, "the kecamatan's covering letter" could be any of its letters.
        assert_eq!(
            ENGINE.answer("yg pengantar dr kecamatan beji", None).status,
            AnswerStatus::Ambiguous
        );
        let corrected = d.reply(&ENGINE, "yg pengantar dr kecamatan beji");
        assert_eq!(corrected.status, AnswerStatus::Answered, "{}", corrected.text);
        assert_eq!(
            id(&corrected),
            "003_5e30365896fb6814:pengantar-permohonan-bantuan-sosial-keagamaan"
        );
        // Read together with an answered question, a new topic never gives that answer again.
        let mut d = Dialogue::default();
        d.reply(&ENGINE, "syarat skck apa aja");
        let other = d.reply(&ENGINE, "kalo paspor?");
        assert_eq!(other.status, AnswerStatus::NotFound, "{}", other.text);
        // Two messages that only ask name nothing together ("hukum" is no "Bantuan Hukum").
        let mut d = Dialogue::default();
        assert_eq!(d.reply(&ENGINE, "sampai ttd brp lama").status, AnswerStatus::NotFound);
        let asked = d.reply(&ENGINE, "dasar hukumnya");
        assert_ne!(asked.status, AnswerStatus::Answered, "{}", asked.text);
    }

    #[test]
    fn hours_a_decree_never_states_are_not_answered_and_the_service_stays_the_topic() {
        let mut d = Dialogue::default();
        d.reply(&ENGINE, "bayar pbb bisa di kecamatan beji?");
        let hours = d.reply(&ENGINE, "loketnya buka jam brp?");
        assert_eq!(hours.status, AnswerStatus::NotFound, "{}", hours.text);
        assert_eq!(
            id(&hours),
            "003_5e30365896fb6814:pembayaran-pbb-pajak-bumi-dan-bangunan"
        );
        assert!(hours.text.contains("tidak menyebutkan"), "{}", hours.text);
        let next = d.reply(&ENGINE, "syaratnya apa");
        assert_eq!(next.status, AnswerStatus::Answered, "{}", next.text);
        assert_eq!(id(&next), "003_5e30365896fb6814:pembayaran-pbb-pajak-bumi-dan-bangunan");
    }

    #[test]
    fn a_choice_in_one_clause_of_a_longer_reply() {
        let mut d = Dialogue::default();
        let list = d.reply(&ENGINE, "kak mau minta data buat skripsi, caranya gmn ya");
        assert_eq!(list.status, AnswerStatus::Ambiguous, "{}", list.text);
        let answer = d.reply(&ENGINE, "yg di dprd kak, penelitian sy ttg fungsi pengawasan dewan");
        assert_eq!(answer.status, AnswerStatus::Answered, "{}", answer.text);
        assert_eq!(
            answer.service.as_ref().unwrap().id.as_str(),
            "001_f4e4e6960aa12399:data-dan-informasi"
        );
        // A clause of reason names the topic of the data, not a service asked about.
        let mut d = Dialogue::default();
        d.reply(&ENGINE, "kak mau minta data buat skripsi, caranya gmn ya");
        let answer = d.reply(&ENGINE, "yg di DPRD min, soalnya ttg risalah rapat paripurna");
        assert_eq!(
            answer.service.as_ref().map(|s| s.id.as_str()),
            Some("001_f4e4e6960aa12399:data-dan-informasi"),
            "{}",
            answer.text
        );
        // A reply that asks about a service not offered is a new question.
        let mut d = Dialogue::default();
        d.reply(&ENGINE, "konsultasi bayar gak");
        let other = d.reply(&ENGINE, "yg kecamatan, kalo pengantar skck syaratnya apa");
        assert_eq!(
            other.service.as_ref().map(|s| s.id.as_str()),
            Some("003_5e30365896fb6814:pengantar-skck"),
            "{}",
            other.text
        );
    }

    #[test]
    fn a_detail_the_decree_does_not_give_keeps_the_topic() {
        let mut d = Dialogue::default();
        let skck = d.reply(&ENGINE, "mau ngurus pengantar skck buat lamaran kerja, syaratnya apa");
        assert_eq!(skck.status, AnswerStatus::Answered, "{}", skck.text);
        // The photo is in the requirements; its colour is not: the citizen is shown what the
        // decree does say (the requirements), still about the SKCK.
        let colour = d.reply(&ENGINE, "pas fotonya latar merah ato biru?");
        assert_eq!(
            (colour.service.as_ref().map(|s| s.id.as_str()), colour.aspect),
            (Some("003_5e30365896fb6814:pengantar-skck"), Some(Aspect::Requirements)),
            "{}",
            colour.text
        );
        let duration = d.reply(&ENGINE, "brp lama jadinya");
        assert_eq!(
            (duration.service.as_ref().map(|s| s.id.as_str()), duration.aspect),
            (Some("003_5e30365896fb6814:pengantar-skck"), Some(Aspect::Duration)),
            "{}",
            duration.text
        );
        // A passport is no detail of the SKCK: the next question is not answered with it.
        let mut d = Dialogue::default();
        d.reply(&ENGINE, "mau ngurus pengantar skck buat lamaran kerja, syaratnya apa");
        d.reply(&ENGINE, "kalo bikin paspor syaratnya apa");
        let after = d.reply(&ENGINE, "brp lama jadinya");
        assert_ne!(
            after.service.as_ref().map(|s| s.id.as_str()),
            Some("003_5e30365896fb6814:pengantar-skck"),
            "{}",
            after.text
        );
    }

    #[test]
    fn asking_a_detail_before_choosing_offers_the_list_again() {
        let mut d = Dialogue::default();
        let list = d.reply(&ENGINE, "mau konsultasi");
        assert_eq!(list.status, AnswerStatus::Ambiguous, "{}", list.text);
        let again = d.reply(&ENGINE, "balesannya brp lama?");
        assert_eq!(
            (again.status, again.aspect),
            (AnswerStatus::Ambiguous, Some(Aspect::Duration)),
            "{}",
            again.text
        );
        assert_eq!(again.candidates.len(), list.candidates.len());
    }
}
