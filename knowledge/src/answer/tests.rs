//! Engine tests on the shipped decrees: real citizen phrasings, follow-ups, refusals.

use super::*;
use crate::parse::parse_dir;
use std::sync::LazyLock;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("standards");
    Engine::build(parse_dir(&dir).unwrap().documents).unwrap()
});

fn ask(question: &str) -> Answer {
    ENGINE.answer(question, None)
}

fn id(answer: &Answer) -> &str {
    answer.service.as_ref().map_or("-", |s| s.id.as_str())
}

#[test]
fn requirements_of_ahli_waris_in_chat_language() {
    let a = ask("syarat bikin surat waris apa aja kak");
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(id(&a), "003_5e30365896fb6814:surat-keterangan-ahli-waris");
    assert_eq!(a.aspect, Some(Aspect::Requirements));
    assert!(a.text.contains("Buku Nikah"), "{}", a.text);
    let citation = a.citation.unwrap();
    assert_eq!(citation.lines, [303, 303]);
    assert!(citation.text.contains("060/20/424.302/2023"));
}

#[test]
fn duration_with_typos() {
    let a = ask("brp lama ngurus ijin keramaian");
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-ijin-keramaiaan", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Duration));
    assert!(a.text.contains("15 menit"), "{}", a.text);
}

#[test]
fn follow_up_uses_context() {
    let first = ask("syarat pengantar skck");
    let service = first.service.clone().unwrap().id;
    let follow = ENGINE.answer("kalau biayanya?", Some(&service));
    assert_eq!(follow.status, AnswerStatus::Answered);
    assert_eq!(follow.aspect, Some(Aspect::Fee));
    assert_eq!(follow.service.unwrap().id, service);
    assert!(follow.text.contains("Gratis"));
}

#[test]
fn same_service_in_two_agencies_is_ambiguous() {
    let a = ask("mau konsultasi");
    assert_eq!(a.status, AnswerStatus::Ambiguous, "{}", a.text);
    assert!(a.candidates.len() >= 2);
    let b = ask("konsultasi di kecamatan beji berapa lama");
    assert_eq!(id(&b), "003_5e30365896fb6814:konsultasi", "{}", b.text);
}

#[test]
fn services_not_in_the_decrees_are_refused() {
    for q in [
        "syarat bikin paspor",
        "cara perpanjang SIM",
        "harga tiket kereta ke surabaya",
    ] {
        let a = ask(q);
        assert_eq!(a.status, AnswerStatus::NotFound, "{q}: {} {}", id(&a), a.text);
    }
}

#[test]
fn smalltalk_gets_a_friendly_reply() {
    assert_eq!(ask("halo min").status, AnswerStatus::Smalltalk);
    assert_eq!(ask("makasih kak").status, AnswerStatus::Smalltalk);
    assert_eq!(ask("").status, AnswerStatus::Smalltalk);
}
