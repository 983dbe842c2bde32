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
    // Citizens read the decree, never a file name or a line number (those stay in the fields).
    assert_eq!(
        citation.text,
        "Sumber: Keputusan Nomor 060/20/424.302/2023 tentang Standar Pelayanan Kecamatan Beji Kabupaten Pasuruan."
    );
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
    assert_eq!(ask("jazakallah khair").status, AnswerStatus::Smalltalk);
    assert_eq!(ask("hatur nuhun pisan").status, AnswerStatus::Smalltalk);
    assert_eq!(ask("").status, AnswerStatus::Smalltalk);
    assert_eq!(ask("ok sip").status, AnswerStatus::Smalltalk);
    // An acknowledgement with a question is a question.
    assert_ne!(ask("ok, syarat sktm apa").status, AnswerStatus::Smalltalk);
    // Asking leave to ask asks nothing yet, though "boleh" can ask what is allowed.
    assert_eq!(
        ask("assalamualaikum min, mau tanya2 boleh?").status,
        AnswerStatus::Smalltalk
    );
    assert_eq!(ask("boleh nanya kak?").status, AnswerStatus::Smalltalk);
    assert_ne!(ask("mau tanya syarat sktm boleh?").status, AnswerStatus::Smalltalk);
    // So does courtesy alone, however long: an apology for the trouble, questions announced.
    for courtesy in [
        "assalamualaikum bapak/ibu, mohon maaf mengganggu waktunya",
        "pagi min, mau nanya bbrp hal ya",
    ] {
        assert_eq!(ask(courtesy).status, AnswerStatus::Smalltalk, "{courtesy}");
    }
    assert_ne!(
        ask("maaf mengganggu, waktunya ngurus sktm brp lama").status,
        AnswerStatus::Smalltalk
    );
}

/// "gratis?" alone asks the fee, even when the question's other words are in the procedure.
#[test]
fn a_fee_word_alone_asks_the_fee() {
    let a = ask("ijin keramaian kecamatan beji gratis?");
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-ijin-keramaiaan", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Fee));
}

#[test]
fn glued_words_are_split_into_corpus_words() {
    let (tokens, _, _) = ENGINE.question_tokens("syarat ahliwaris apa");
    assert!(tokens.iter().any(|t| t == "waris"), "{tokens:?}");
    let a = ask("bikin surat ahliwaris di kecamatan beji bawa apa");
    assert_eq!(id(&a), "003_5e30365896fb6814:surat-keterangan-ahli-waris", "{}", a.text);
}

/// "gmn" is normalised to "bagaimana", which no decree uses; it was "corrected" to the
/// decrees' "sebagaimana", a naming word that diluted every question.
#[test]
fn known_words_are_never_spell_corrected() {
    let (tokens, _, _) = ENGINE.question_tokens("alurnya gmn");
    assert!(!tokens.iter().any(|t| t == "sebagaimana"), "{tokens:?}");
}

/// "karyawan" was "corrected" to "wartawan" (two edits, different first letter).
#[test]
fn corrections_keep_the_first_letter() {
    let (tokens, _, _) = ENGINE.question_tokens("cuti hamil karyawan toko");
    assert!(!tokens.iter().any(|t| t.starts_with("wartaw")), "{tokens:?}");
}

#[test]
fn leave_for_a_private_employee_is_refused() {
    let a = ask("cuti hamil buat karyawan swasta dapat berapa bulan");
    assert_eq!(a.status, AnswerStatus::NotFound, "{} {}", id(&a), a.text);
}

/// Both agencies offer "Konsultasi"; naming the Setda settles it (no tie).
#[test]
fn agency_named_in_the_question_breaks_the_tie() {
    let a = ask("konsultasi ke setda pasuruan bayar gak");
    assert_eq!(id(&a), "000_4d00da837d591dc0:konsultasi", "{:?} {}", a.status, a.text);
    assert_eq!(a.aspect, Some(Aspect::Fee));
}

/// Two names that hold every naming word of the question ("Fasilitasi Rapat BUMD dan BLUD",
/// "Fasilitasi Rapat Anggota DPRD") are offered together, however often their texts repeat
/// the words; a word only one name has settles it.
#[test]
fn names_holding_the_same_words_of_the_question_are_offered_together() {
    let a = ask("mau minta fasilitasi rapat, syaratnya apa?");
    assert_eq!(a.status, AnswerStatus::Ambiguous, "{} {}", id(&a), a.text);
    let offered: Vec<&str> = a.candidates.iter().map(|c| c.id.as_str()).collect();
    assert!(
        offered.contains(&"000_4d00da837d591dc0:fasilitasi-rapat-bumd-dan-blud"),
        "{offered:?}"
    );
    assert!(
        offered.contains(&"001_f4e4e6960aa12399:fasilitasi-rapat-anggota-dprd"),
        "{offered:?}"
    );
    let a = ask("mau minta fasilitasi rapat bumd, syaratnya apa?");
    assert_eq!(
        id(&a),
        "000_4d00da837d591dc0:fasilitasi-rapat-bumd-dan-blud",
        "{}",
        a.text
    );
}

/// "sekretariat daerah" is the Setda, not the "Sekretariat Dewan Perwakilan Rakyat Daerah".
#[test]
fn adjacent_name_words_beat_scattered_ones() {
    let a = ask("minta data ke sekretariat daerah berapa hari");
    assert_eq!(
        id(&a),
        "000_4d00da837d591dc0:data-dan-informasi",
        "{:?} {}",
        a.status,
        a.text
    );
}

/// The complaint service's own word "pengaduan" hid the asked duration.
#[test]
fn complaint_service_answers_the_asked_aspect() {
    let a = ask("pengaduan di kecamatan beji ditanggapi berapa lama");
    assert_eq!(
        id(&a),
        "003_5e30365896fb6814:penanganan-pengaduan",
        "{:?} {}",
        a.status,
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Duration));
    let b = ask("penanganan pengaduan sekretariat dprd berapa lama");
    assert_eq!(
        id(&b),
        "001_f4e4e6960aa12399:penanganan-dan-pengaduan",
        "{:?} {}",
        b.status,
        b.text
    );
    assert_eq!(b.aspect, Some(Aspect::Duration));
}

/// "lelang jabatan" is rewritten to the service's name, whose "terbuka" is no question of hours.
#[test]
fn phrase_naming_the_service_asks_nothing() {
    let a = ask("lelang jabatan syaratnya apa aja");
    assert_eq!(a.aspect, Some(Aspect::Requirements), "{}", a.text);
}

/// "syarat" names the requirements: asked so, the requirements answer, though the question's
/// other words ("ujian cat") are found in the procedure; a word read as "syarat" ("berkas")
/// names nothing, and the component holding the details still decides.
#[test]
fn a_component_named_by_its_own_noun_is_asked() {
    let a = ask("syarat ikut ujian cat pengadaan asn di pasuruan apa");
    assert_eq!(a.aspect, Some(Aspect::Requirements), "{}", a.text);
    assert_eq!(aspect::names_component("Persyaratannya"), Some(Aspect::Requirements));
    assert_eq!(aspect::names_component("berkas"), None);
}

/// "syaratnya?": the noun with its clitic asks for the component, whatever cue the story holds
/// ("daftar" is a step of a procedure) and though the service's name holds the noun
/// ("Pengantar Persyaratan PNS/TNI/POLRI").
#[test]
fn a_component_asked_with_a_clitic_is_asked_whatever_the_story() {
    let a = ask("adikku mau daftar polri, butuh pengantar dr kecamatan. syaratnya?");
    assert_eq!(
        id(&a),
        "003_5e30365896fb6814:pengantar-persyaratan-pns-tni-polri",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Requirements), "{}", a.text);
    assert_eq!(aspect::asked_with_clitic("biayane"), Some(Aspect::Fee));
    assert_eq!(aspect::asked_with_clitic("Persyaratannya?"), Some(Aspect::Requirements));
    // The bare noun only names the component (or the service whose name holds it).
    assert_eq!(aspect::asked_with_clitic("persyaratan"), None);
    assert_eq!(aspect::asked_with_clitic("syarat"), None);
}

/// "dibiayai" is context, "brp lama" at the end is the question.
#[test]
fn the_last_strong_cue_is_the_question() {
    let a = ask("tugas belajar dibiayai pemda, prosesnya brp lama");
    assert_eq!(id(&a), "002_81250e56fc566e31:izin-tugas-belajar", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Duration));
}

#[test]
fn help_word_among_service_words_is_no_smalltalk() {
    assert_eq!(ask("minta bantuan modal usaha warung").status, AnswerStatus::NotFound);
    assert_eq!(ask("ini chatbot ya").status, AnswerStatus::Smalltalk);
}

/// Family, time and chat words ("bapak", "thn depan") sank a question about a real service
/// below the answer threshold.
#[test]
fn everyday_words_do_not_sink_a_long_question() {
    let a = ask("bapak sy pns mau purna tugas thn depan, berkasnya apa aja");
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:usulan-pensiun-bup-aps-dan-janda-duda",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Requirements));
}

/// "syarat" asked the requirements but also counted as naming "Pengantar Persyaratan PNS TNI
/// POLRI", which then tied with the service the question is about.
#[test]
fn asked_cue_word_does_not_name_a_title() {
    let a = ask("pns mau cerai syaratnya apa");
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert!(
        id(&a).starts_with("002_81250e56fc566e31:penyelesaian-permohonan-perkawinan"),
        "{}",
        id(&a)
    );
    assert_eq!(a.aspect, Some(Aspect::Requirements));
    // Asked with another aspect, the title's cue word names it again.
    let b = ask("pengaduan ke sekretariat dprd diproses brp lama");
    assert_eq!(id(&b), "001_f4e4e6960aa12399:penanganan-dan-pengaduan", "{}", b.text);
    assert_eq!(b.aspect, Some(Aspect::Duration));
}

/// "bukan WNA": the negated word counted for the WNA service instead of against it.
#[test]
fn negated_word_rules_out_the_service_it_names() {
    let a = ask("surat keterangan domisili buat warga biasa (bukan WNA) dimana");
    assert_eq!(a.status, AnswerStatus::NotFound, "{}", id(&a));
    let b = ask("surat keterangan domisili untuk wna syaratnya apa");
    assert_eq!(
        id(&b),
        "003_5e30365896fb6814:rekomendasi-surat-keterangan-domisili-untuk-wna"
    );
}

/// "minta data ke sekretariat daerah": BM25 preferred the DPRD secretariat's service, whose
/// name lacks the pair "sekretariat daerah", and the answer was ambiguous.
#[test]
fn candidate_naming_more_question_words_beats_a_higher_bm25() {
    let a = ask("minta data ke sekretariat daerah pasuruan brp hari");
    assert_eq!(id(&a), "000_4d00da837d591dc0:data-dan-informasi", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Duration));
}

/// Jakarta-style verb forms were unknown words that weighed against every service.
#[test]
fn chat_verb_forms_are_read_as_standard_words() {
    assert_eq!(ENGINE.colloquial_base("ngajuin").as_deref(), Some("aju"));
    assert_eq!(ENGINE.colloquial_base("ijinnya").as_deref(), Some("izin"));
    assert_eq!(ENGINE.colloquial_base("miskin"), None);
    // Javanese "-ke" follows a consonant; after a vowel the "e" is the clitic.
    assert_eq!(ENGINE.colloquial_base("netepke").as_deref(), Some("tetap"));
    assert_eq!(ENGINE.colloquial_base("masuke").as_deref(), Some("masuk"));
    let a = ask("alur ngajuin cuti di bkppd gmn");
    assert_eq!(id(&a), "002_81250e56fc566e31:pemrosesan-cuti", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Procedure));
}

/// Questions that ask the steps or the paperwork without a cue word got an overview.
#[test]
fn procedure_and_requirements_asked_without_a_cue_word() {
    let a = ask("mau demo di dprd kab pasuruan, harus ngapain dulu");
    assert_eq!(a.aspect, Some(Aspect::Procedure), "{}", id(&a));
    let b = ask("laporan IKM triwulan diserahkan ke bagian organisasi, lampirannya apa");
    assert_eq!(id(&b), "000_4d00da837d591dc0:pelaporan-indeks-kepuasan-masyarakat");
    // "lampirannya apa" asks what the citizen attaches: the interrogative's verb says it,
    // although the procedure holds the question's other words (handing the report over).
    assert_eq!(b.aspect, Some(Aspect::Requirements));
    let c = ask("laporan IKM triwulan diserahkan ke bagian organisasi, terus diapain");
    assert_eq!(c.aspect, Some(Aspect::Procedure), "{}", id(&c));
}

/// "lapor" was a synonym of "adu", so filing a report ("lapor LHKPN") was answered with the
/// complaint channel. It is now a complaint hint: it decides only when nothing else is asked.
#[test]
fn filing_a_report_is_not_a_complaint() {
    let a = ask("syarat lapor lhkpn apa aja");
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:penyelesaian-laporan-harta-kekayaan-penyelenggara-negara",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Requirements));
    let b = ask("lapor absen bulanan asn gimana caranya");
    assert_eq!(b.aspect, Some(Aspect::Procedure), "{}", id(&b));
    let c = ask("pelayanan sktm di kecamatan lambat banget, lapor ke mana");
    assert_eq!(id(&c), "003_5e30365896fb6814:pengantar-permohonan-sktm", "{}", c.text);
    assert_eq!(c.aspect, Some(Aspect::ComplaintChannel));
}

/// "antar" ("between") was read as the stem of "pengantar" and named the Kecamatan's
/// cover-letter services.
#[test]
fn antar_between_is_not_a_cover_letter() {
    assert_eq!(analyze("surat pengantar"), ["surat", "pengantar"]);
    assert_eq!(analyze("antar kabupaten"), ["kabupaten"]);
    let a = ask("syarat mutasi antar daerah buat pns");
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:kenaikan-jenjang-jabatan-dan-mutasi",
        "{}",
        a.text
    );
    let b = ask("surat pengantar skck brp lama");
    assert_eq!(id(&b), "003_5e30365896fb6814:pengantar-skck", "{}", b.text);
    assert_eq!(b.aspect, Some(Aspect::Duration));
}

/// "Calon Pegawai Negeri Sipil" was also aliased "pns", so the CPNS appointment named every
/// "pns" question word.
#[test]
fn a_long_form_inside_a_longer_one_names_only_the_longer() {
    let aliases = aliases_for("Pengangkatan Calon Pegawai Negeri Sipil");
    assert!(aliases.split(' ').any(|w| w == "cpns"), "{aliases}");
    assert!(!aliases.split(' ').any(|w| w == "pns"), "{aliases}");
    assert!(
        aliases_for("Pengangkatan Pegawai Negeri Sipil")
            .split(' ')
            .any(|w| w == "pns")
    );
}

/// "cpns jadi pns" picked the CPNS appointment: in "X jadi Y" the service is about Y.
#[test]
fn the_state_left_in_x_jadi_y_is_background() {
    let a = ask("pengangkatan cpns menjadi pns dasar hukumnya");
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:pengangkatan-pegawai-negeri-sipil",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::LegalBasis));
    let b = ask("pengangkatan cpns syaratnya apa");
    assert_eq!(
        id(&b),
        "002_81250e56fc566e31:pengangkatan-calon-pegawai-negeri-sipil",
        "{}",
        b.text
    );
}

/// "cuti besar buat umroh", "sktm untuk berobat": a purpose no service is named after
/// weighed against the right service like an unknown service word.
#[test]
fn a_purpose_no_service_names_is_background() {
    let a = ask("cuti besar untuk naik haji syaratnya");
    assert_eq!(id(&a), "002_81250e56fc566e31:pemrosesan-cuti", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Requirements));
    // An institution or sector in the purpose still counts against the service.
    let b = ask("bantuan hukum buat CV yang lagi digugat");
    assert_eq!(b.status, AnswerStatus::NotFound, "{}", id(&b));
}

/// "nikah di KUA", "bantuan hukum untuk perusahaan", "domisili usaha buat PT": the KUA in a
/// requirement gave the dispensation letter partial credit, and two distinctive name words
/// answered a service that does not serve a company.
#[test]
fn an_institution_the_service_does_not_serve_is_refused() {
    for q in [
        "cara daftar nikah di kua",
        "bantuan hukum untuk perusahaan yang kena gugatan",
        "bikin surat keterangan domisili usaha buat PT",
    ] {
        let a = ask(q);
        assert_eq!(a.status, AnswerStatus::NotFound, "{q}: {}", id(&a));
    }
    // A requirement from that institution is still evidence when it is not the place to go.
    let b = ask("dispensasi nikah perlu surat dari kua gak");
    assert_eq!(
        id(&b),
        "003_5e30365896fb6814:pengantar-surat-dispensasi-nikah",
        "{}",
        b.text
    );
}

/// "benerin" (fix) was an unknown word; "berapa jam" asked the opening hours.
#[test]
fn chat_words_for_fixing_and_minutes() {
    let a = ask("tanggal lahir di data pegawai saya keliru, cara benerinnya gimana");
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:usulan-perbaikan-data-pegawai",
        "{}",
        a.text
    );
    let b = ask("pengantar skck di kecamatan jadinya berapa menit");
    assert_eq!(b.aspect, Some(Aspect::Duration), "{}", id(&b));
}

#[test]
fn generic_word_counts_for_a_service_named_after_it() {
    // "informasi" is a generic word, except for the services named "Data dan Informasi".
    let a = ask("pengen dapet informasi dari kecamatan beji, bawa apa aja");
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(id(&a), "003_5e30365896fb6814:data-dan-informasi");
    assert_eq!(a.aspect, Some(Aspect::Requirements));
    // "surat" is in too many names to say which service: a death letter is not an heir letter.
    let a = ask("cara dapet surat keterangan meninggal dari desa");
    assert_eq!(a.status, AnswerStatus::NotFound, "{}", a.text);
}

#[test]
fn village_officials_and_public_information_requests() {
    let a = ask("kasun di dusun kami mau diganti, rekomendasi camatnya perlu berkas apa");
    assert_eq!(
        id(&a),
        "003_5e30365896fb6814:rekomendasi-pengangkatan-mutasi-dan-pemberhentian-perangkat",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Requirements));
    // The village head keeps his own service.
    let a = ask("pemberhentian kades lewat kecamatan gimana alurnya");
    assert_eq!(
        id(&a),
        "003_5e30365896fb6814:pengantar-pengangkatan-dan-pemberhentian-kepala-desa-bpd",
        "{}",
        a.text
    );
    let a = ask("ngajuin permintaan informasi publik ke sekretariat dprd brp hari");
    assert_eq!(id(&a), "001_f4e4e6960aa12399:data-dan-informasi", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Duration));
}

/// Abbreviations the decrees never spell out, derived from every decree's titles by rule
/// (initials and syllable blends, see `crate::aliases`): no list of them is kept.
#[test]
fn abbreviations_of_titles_from_every_decree() {
    for (question, expected) in [
        (
            "skj itu syaratnya apa",
            "000_4d00da837d591dc0:penyusunan-standar-kompetensi-jabatan",
        ),
        (
            "unras di depan kantor dprd syaratnya apa",
            "001_f4e4e6960aa12399:fasilitas-unjuk-rasa-penyampaian-pendapat-di-muka-umum",
        ),
        ("itb brp lama prosesnya", "002_81250e56fc566e31:izin-tugas-belajar"),
        (
            "skaw di kecamatan beji syaratnya apa",
            "003_5e30365896fb6814:surat-keterangan-ahli-waris",
        ),
    ] {
        let a = ask(question);
        assert_eq!(a.status, AnswerStatus::Answered, "{question}: {}", a.text);
        assert_eq!(id(&a), expected, "{question}");
    }
}

#[test]
fn a_detail_only_a_component_holds_is_answered_when_one_service_is_far_ahead() {
    // "paraf" and "sebelum camat" are in the procedure, not the name; the SKTM is far ahead.
    let a = ask("yang paraf berkas sktm sebelum camat siapa");
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-permohonan-sktm");
    // One word a title happens to contain ("kerasa" -> "Unjuk Rasa") is no evidence.
    let a = ask("gempa kemarin kerasa sampai kecamatan");
    assert_eq!(a.status, AnswerStatus::NotFound, "{}", a.text);
}

#[test]
fn javanese_clitics_and_time_words_are_read() {
    let a = ask("alure pengantar skck piye");
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-skck", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Procedure));
    let a = ask("sakdurunge diteken camat, surat ahli waris diparaf sopo");
    assert_eq!(id(&a), "003_5e30365896fb6814:surat-keterangan-ahli-waris", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Procedure));
}

#[test]
fn krama_possessives_and_words_are_read() {
    // "-ipun" after a consonant, "-nipun" after a vowel: the decree's word, not what the
    // stemmer would make of the suffix ("berkasipun" is no "kasi").
    let a = ask("ibu kula badhe ngurus pensiun janda, berkasipun menapa kemawon?");
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:usulan-pensiun-bup-aps-dan-janda-duda",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Requirements));
    let a = ask("pengantar skck saking kecamatan punika wonten biayanipun?");
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-skck", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Fee));
}

#[test]
fn a_clitic_typed_in_haste_is_the_clitic() {
    // "-ny" for "-nya": "prosesny" is "prosesnya", no word of another service.
    let a = ask("stlh sy ngadu ke kecamatan beji prosesny gmn");
    assert_eq!(id(&a), "003_5e30365896fb6814:penanganan-pengaduan", "{}", a.text);
}

#[test]
fn setting_right_is_repairing_in_any_form() {
    // "betulkan", "benerin", "pembetulan" and "perbaikan" are one verb of setting right.
    let a = ask("tanggal lahir di data kepegawaian salah, mau dibetulkan, berkas apa saja?");
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:usulan-perbaikan-data-pegawai",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Requirements));
}

#[test]
fn english_of_code_switching_citizens_is_read() {
    let a = ask("pengantar skck prosesnya how long?");
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-skck", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Duration));
    let a = ask("pengantar skck requirements apa aja?");
    assert_eq!(a.aspect, Some(Aspect::Requirements), "{}", a.text);
}

#[test]
fn sundanese_clitics_and_words_are_read() {
    let a = ask("alurna pengantar skck kumaha");
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-skck", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Procedure));
    let a = ask("pengantar skck kudu mawa naon");
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-skck", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Requirements));
}

#[test]
fn title_words_are_clipped_to_three_letters_only_when_unambiguous() {
    let words: Vec<String> = ["laboratorium", "rekomendasi", "rekrutmen", "uji", "lingkungan"]
        .iter()
        .map(|w| (*w).to_owned())
        .collect();
    let clips: HashMap<String, String> = clippings(&words).into_iter().collect();
    assert_eq!(clips.get("lab").map(String::as_str), Some("laboratorium"));
    assert_eq!(clips.get("lin").map(String::as_str), Some("lingkungan"));
    assert!(!clips.contains_key("rek"), "two title words start with rek");
    assert!(!clips.contains_key("uji"), "short words are not clipped");
}

#[test]
fn nasal_chat_forms_are_read_as_their_base() {
    // n- for t- and m- for p-, as chat Indonesian and Javanese nasalise verbs.
    let (tokens, _, _) = ENGINE.question_tokens("nulis surat, milih penyedia");
    assert!(tokens.contains(&"tulis".to_owned()), "{tokens:?}");
    assert!(tokens.contains(&"pilih".to_owned()), "{tokens:?}");
}

#[test]
fn a_strong_cue_for_a_value_is_never_overridden_by_component_words() {
    // "ijazah", "transkrip" and "legalisir" are in the requirements, but "berapa hari" asks a
    // duration.
    let a = ask("ijazah dan transkrip dilegalisir dulu, izin belajar berapa hari");
    assert_eq!(a.aspect, Some(Aspect::Duration), "{}", a.text);
}

#[test]
fn where_the_asker_works_is_background() {
    // "dinas pendidikan" says who asks; "Pendidikan Kedinasan" is not meant.
    for question in [
        "saya pengelola kepegawaian di dinas pendidikan, ppk pegawai dikirim ke mana",
        "saya dari dinas pendidikan mau tanya sumpah pns kapan",
    ] {
        let a = ask(question);
        assert_eq!(a.status, AnswerStatus::Answered, "{question}: {}", a.text);
        assert_ne!(id(&a), "002_81250e56fc566e31:pendidikan-kedinasan", "{question}");
    }
}

/// A passive verb ("diwakilin", in its Jakarta form) asks about the previous service, though
/// its root is a word of other names ("Wakil Ketua").
#[test]
fn a_passive_verb_names_no_service() {
    let skck = ask("syarat pengantar skck").service.unwrap().id;
    let a = ENGINE.answer("kalo diwakilin adik ngurusnya boleh ga?", Some(&skck));
    assert_eq!(a.service.as_ref().map(|s| &s.id), Some(&skck), "{}", a.text);
    assert!(passive_verbs("kalo diwakilin adik").contains("wakil"));
}

/// "Pengaduan" as the titles write it names the complaint services when another aspect is
/// asked with it; "ngadu" as a verb still asks where to complain about the previous service.
#[test]
fn a_title_word_that_is_a_cue_names_its_service_when_another_aspect_is_asked() {
    let skck = ask("syarat pengantar skck").service.unwrap().id;
    let a = ENGINE.answer("kalo pengaduan brp hari", Some(&skck));
    assert_eq!(a.aspect, Some(Aspect::Duration), "{}", a.text);
    let offered: Vec<String> = match a.service.as_ref() {
        Some(s) => vec![s.id.to_string()],
        None => a.candidates.iter().map(|c| c.id.to_string()).collect(),
    };
    assert!(
        !offered.is_empty() && offered.iter().all(|id| id.contains("pengaduan")),
        "{offered:?}"
    );
    let b = ENGINE.answer("lama banget, mau ngadu kemana", Some(&skck));
    assert_eq!(b.service.as_ref().map(|s| &s.id), Some(&skck), "{}", b.text);
    assert_eq!(b.aspect, Some(Aspect::ComplaintChannel));
}

/// "-nya" makes a noun definite: "audiensinya" is the hearing of the service just answered,
/// although another service is named "Permohonan Audiensi".
#[test]
fn a_definite_noun_points_back_at_the_previous_service() {
    let demo = ask("mau demo di depan gedung dprd syaratnya apa").service.unwrap().id;
    assert!(demo.as_str().contains("unjuk-rasa"), "{demo}");
    let a = ENGINE.answer("audiensinya brp lama", Some(&demo));
    assert_eq!(a.service.as_ref().map(|s| &s.id), Some(&demo), "{}", a.text);
    let b = ENGINE.answer("kalau permohonan audiensi brp lama", Some(&demo));
    assert_ne!(b.service.as_ref().map(|s| &s.id), Some(&demo), "{}", b.text);
}

/// "Dinas <field>" is shortened "Dis"/"Din" + a clip of the field: where the asker works,
/// not which service ("dispendukcapil", "dinkes" are in no service name here).
#[test]
fn a_dinas_short_name_says_where_the_asker_works() {
    let a = ask(
        "assalamualaikum pak, sy pns di dispendukcapil masa kerja 6 th, mau cuti besar buat umroh. lampirannya apa aja ya?",
    );
    assert_eq!(id(&a), "002_81250e56fc566e31:pemrosesan-cuti", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Requirements));
}

/// A service said to be had at an office its decree never mentions ("di pengadilan agama")
/// is delivered elsewhere: refused, not answered with the look-alike; where the asker works
/// ("sy staf di pabrik ...") says nothing of where the service is.
#[test]
fn a_service_at_an_office_the_decree_never_mentions_is_elsewhere() {
    let a = ask("penetapan ahli waris di pengadilan agama biayanya brp");
    assert_ne!(a.status, AnswerStatus::Answered, "{}", a.text);
    let b = ask("syarat surat keterangan ahli waris di kecamatan beji apa");
    assert_eq!(id(&b), "003_5e30365896fb6814:surat-keterangan-ahli-waris", "{}", b.text);
}

/// Words no decree uses do not hide a service the question names more than anything else: it
/// is offered ("maybe one of these") instead of refused; a passport is still refused.
#[test]
fn unknown_words_beside_a_named_service_still_offer_it() {
    let a = ask("pka totalnya brp JP to? brp hari?");
    let offered: Vec<String> = match a.service.as_ref() {
        Some(s) => vec![s.id.to_string()],
        None => a.candidates.iter().map(|c| c.id.to_string()).collect(),
    };
    assert!(
        offered
            .iter()
            .any(|id| id == "002_81250e56fc566e31:pelatihan-kepemimpinan-administrator"),
        "{offered:?}: {}",
        a.text
    );
    let b = ask("syarat bikin paspor apa aja");
    assert_eq!(b.status, AnswerStatus::NotFound, "{}", b.text);
}

#[test]
fn words_of_the_citizens_story_are_told_from_words_that_narrow_a_name() {
    // Words no decree uses, away from a service name: what happened to the citizen.
    let story = ENGINE.story_words("surat waris bapak saya lecek kena banjir, syaratnya apa");
    assert!(story.contains("lecek") && story.contains("banjir"), "{story:?}");
    // Right after a name word ("pajak motor") or a preposition ("buat PT") a word says which
    // thing is meant, and institutions are never story.
    let story = ENGINE.story_words("pajak motor buat PT ke polisi, syaratnya apa");
    assert!(story.is_empty(), "{story:?}");
    // A question naming a service with such words is answered; a message that asks nothing
    // with words no decree uses is not.
    let a = ask("surat waris bapak saya lecek kena banjir, syaratnya apa");
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(id(&a), "003_5e30365896fb6814:surat-keterangan-ahli-waris");
    assert_ne!(
        ask("gempa barusan kerasa gak di pasuruan?").status,
        AnswerStatus::Answered
    );
    assert_ne!(
        ask("surat keterangan usaha buat pinjem KUR").status,
        AnswerStatus::Answered
    );
}

#[test]
fn a_compound_written_apart_is_the_word_the_decree_writes_as_one() {
    let kgb = ServiceId("002_81250e56fc566e31:kenaikan-gaji-berkala".to_owned());
    let a = ENGINE.answer("yg tanda tangan siapa", Some(&kgb));
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(id(&a), kgb.as_str());
    assert_eq!(a.aspect, Some(Aspect::Procedure));
    // A number and its unit are no compound, though one decree glues them ("2tahun").
    let (tokens, _, _) = ENGINE.question_tokens("udh PNS 2 th tp blm punya karpeg");
    assert!(!tokens.iter().any(|t| t.starts_with('2') && t.len() > 1), "{tokens:?}");
}

#[test]
fn a_follow_up_of_actions_stays_with_the_service_and_a_new_noun_does_not() {
    let karis = ServiceId("002_81250e56fc566e31:pemrosesan-karis-karsu".to_owned());
    let a = ENGINE.answer("berkasnya dikirim ke bkn mana?", Some(&karis));
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(id(&a), karis.as_str());
    // The verb alone is not enough: a document the previous service does not handle is a new topic.
    let karpeg = ServiceId("002_81250e56fc566e31:pemrosesan-karpeg".to_owned());
    let b = ENGINE.answer("kl ktp el blm jadi2 gmn min", Some(&karpeg));
    assert_ne!(id(&b), karpeg.as_str(), "{}", b.text);
    assert_eq!(
        action_words("berkasnya dikirim ke bkn", |_| None),
        ["kirim".to_owned()].into_iter().collect()
    );
    assert_eq!(
        action_words("ngumpulinnya lewat mana", |w| ENGINE.colloquial_base(w)),
        ["umpul".to_owned()].into_iter().collect()
    );
}

#[test]
fn verbs_alone_stay_with_the_previous_service_whatever_they_match() {
    // "dikirim" matches the hibah's procedure best; it names no service, so the IP ASN is meant.
    let ip_asn = ServiceId("002_81250e56fc566e31:pengukuran-indeks-profesional-asn-ip-asn".to_owned());
    let a = ENGINE.answer("hasilnya dikirim ke mana", Some(&ip_asn));
    assert_eq!(id(&a), ip_asn.as_str(), "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Procedure));
}

#[test]
fn the_clause_with_the_interrogative_asks_not_the_story_before_it() {
    let a = ask("mas aku PNS perawat mau lanjut S1 keperawatan biaya dewe, ngurus ijin belajar piye");
    assert_eq!(id(&a), "002_81250e56fc566e31:izin-belajar", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Procedure), "{}", a.text);
    // One clause: every cue counts as before.
    let b = ask("biaya ijin belajar brp");
    assert_eq!(b.aspect, Some(Aspect::Fee), "{}", b.text);
}

#[test]
fn colloquial_e_stands_for_the_a_of_a_last_syllable() {
    assert_eq!(ENGINE.colloquial_base("ditanggepin").as_deref(), Some("ditanggap"));
    let pengaduan = ServiceId("003_5e30365896fb6814:penanganan-pengaduan".to_owned());
    let a = ENGINE.answer("brp lama ditanggepin", Some(&pengaduan));
    assert_eq!(id(&a), pengaduan.as_str(), "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Duration));
}

#[test]
fn an_institution_in_what_the_citizen_will_do_is_story() {
    // "buat ngelamar kerja pabrik": the factory is where they will apply, not whom the
    // service must serve.
    let a = ask("mau bikin pengantar skck buat ngelamar kerja pabrik, syarate opo");
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-skck", "{}", a.text);
    assert_eq!(a.status, AnswerStatus::Answered);
}

#[test]
fn a_deadline_asked_of_the_citizen_in_the_asking_clause() {
    let a = ask("minta sosialisasi kebijakan pemda dari setda, suratnya paling lambat kapan");
    assert_eq!(id(&a), "000_4d00da837d591dc0:sosialisasi", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Requirements), "{}", a.text);
}

#[test]
fn a_title_acronym_typed_names_the_whole_title() {
    // "lengkap" is also the stem of another title's "Perlengkapan"; the acronym the title
    // gives in parentheses names its service as fully as the title would.
    let a = ask("propemperda brp hari jadi kalo berkas lgsg lengkap");
    assert_eq!(
        id(&a),
        "000_4d00da837d591dc0:penerbitan-usulan-program-pembentukan-peraturan-daerah",
        "{}",
        a.text
    );
    assert_eq!(
        title_acronym("SPPL (Surat Pernyataan Kesanggupan)").as_deref(),
        Some("sppl")
    );
    assert_eq!(title_acronym("Pembayaran PBB (Pajak Bumi dan Bangunan)"), None);
    assert_eq!(title_acronym("Pengujian Berkala (Uji KIR)"), None);
}

#[test]
fn facilities_asked_by_name_are_the_facilities_component() {
    let waris = ServiceId("003_5e30365896fb6814:surat-keterangan-ahli-waris".to_owned());
    let a = ENGINE.answer("fasilitasnya apa aja", Some(&waris));
    assert_eq!(id(&a), waris.as_str(), "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Facilities));
    // The other service-management components, asked by their words.
    for (question, aspect) in [
        ("pelaksananya ada brp org", Aspect::Staffing),
        ("yg ngawasin siapa", Aspect::InternalSupervision),
        ("berkas sy dijamin rahasia ga", Aspect::SecurityGuarantee),
        ("itu yg mereviu siapa", Aspect::PerformanceEvaluation),
    ] {
        let a = ENGINE.answer(question, Some(&waris));
        assert_eq!(
            (id(&a), a.aspect),
            (waris.as_str(), Some(aspect)),
            "{question}: {}",
            a.text
        );
    }
    let staff = ENGINE.answer("pelaksananya ada brp org", Some(&waris));
    assert!(staff.text.contains("Orang"), "{}", staff.text);
    // A word naming the service asks nothing of a management component ("Kartu Pengawasan"
    // would be a product, "Evaluasi Jabatan" a service).
    assert_eq!(
        aspect::detect_for_title(
            &["hasil".to_owned(), "awas".to_owned()],
            &[],
            &["kartu".to_owned(), "awas".to_owned()]
        ),
        Some(Aspect::Product)
    );
    // Named with its title words, "fasilitas" still names that service.
    let b = ask("fasilitas kerjasama daerah syaratnya apa");
    assert_eq!(id(&b), "000_4d00da837d591dc0:fasilitas-kerjasama-daerah", "{}", b.text);
    assert_eq!(b.aspect, Some(Aspect::Requirements));
}

#[test]
fn an_interrogative_frame_decides_the_aspect_over_the_words_around_it() {
    // "berkas" is a requirement word; "lewat mana" asks the way the file goes.
    let a = ask("berkas karpeg dikumpulin lewat mana");
    assert_eq!(id(&a), "002_81250e56fc566e31:pemrosesan-karpeg", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Procedure));
    // "hasil akhirnya apa": what comes out.
    let b = ask("penetapan perda itu hasil akhirnya apa");
    assert_eq!(b.aspect, Some(Aspect::Product), "{}", b.text);
}

#[test]
fn a_place_no_decree_names_is_story() {
    let story = ENGINE.story_words("syarat mutasi pns pindah ke kab sidoarjo");
    assert!(story.contains("sidoarjo"), "{story:?}");
    assert!(!story.contains("mutasi"), "{story:?}");
}

#[test]
fn a_level_the_question_names_rules_out_another_level() {
    assert_eq!(levels("Pelatihan Kepemimpinan Nasional Tingkat II"), [("tingkat", 2)]);
    assert_eq!(levels("pencairan dd tahap 2"), [("tahap", 2)]);
    let a = ask("PKN tingkat I daftarnya gmn");
    assert_ne!(
        id(&a),
        "002_81250e56fc566e31:pelatihan-kepemimpinan-nasional-tingkat-ii",
        "{}",
        a.text
    );
    let b = ask("pkn tingkat 2 syaratnya apa");
    assert_eq!(
        id(&b),
        "002_81250e56fc566e31:pelatihan-kepemimpinan-nasional-tingkat-ii",
        "{}",
        b.text
    );
}

/// An engine over the shipped decrees and one more.
fn engine_with(document: crate::document::Document) -> Engine {
    let mut documents = parse_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("standards"))
        .unwrap()
        .documents;
    documents.push(document);
    Engine::build(documents).unwrap()
}

/// A decree whose titles write a chat filler as an acronym ("sip" is "ok" in a chat).
fn engine_with_sip() -> Engine {
    let text = "\
KEPUTUSAN KEPALA DINAS PENANAMAN MODAL DAN PTSP KABUPATEN CONTOH

A. Penerbitan Surat Izin Praktik Dokter (SIP Dokter)
1. Persyaratan\tSTR yang masih berlaku; rekomendasi IDI
2. Jangka Waktu\t5 (lima) hari kerja
3. Biaya\tTidak dipungut biaya

B. Izin Penyelenggaraan Reklame
1. Persyaratan\tDesain reklame; foto lokasi
2. Jangka Waktu\t3 (tiga) hari kerja
3. Biaya\tSesuai Perda
";
    engine_with(crate::parse::parse_text("900_dpmptsp.txt", text).unwrap())
}

#[test]
fn a_chat_filler_a_title_writes_as_an_acronym_names_that_service() {
    let engine = engine_with_sip();
    let a = engine.answer("ngurus SIP brp lama", None);
    assert_eq!(
        id(&a),
        "900_dpmptsp:penerbitan-surat-izin-praktik-dokter-sip-dokter",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Duration));
    // Still "ok" where it reads as a reply: thanks stay small talk, a follow-up keeps its service.
    assert_eq!(engine.answer("sip makasih min", None).status, AnswerStatus::Smalltalk);
    let reklame = engine.answer("izin reklame berapa lama", None).service.unwrap().id;
    let follow = engine.answer("sip, kalau biayanya?", Some(&reklame));
    assert_eq!(follow.service.map(|s| s.id), Some(reklame));
}

/// What the citizen was asked to bring names the service; the clause before it says why, and
/// its institutions and cue words are not what is asked.
#[test]
fn the_reason_before_what_was_requested_is_story() {
    let a = ask("adik sy mau masuk kerja di perusahaan swasta, disuruh bawa skck. pengantar di kecamatan beji gmn");
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-skck");
    let a = ask("ibu sy mau minta keringanan biaya rumah sakit, diminta sktm dari kecamatan beji");
    assert_eq!(id(&a), "003_5e30365896fb6814:pengantar-permohonan-sktm", "{}", a.text);
    assert_ne!(a.aspect, Some(Aspect::Fee), "{}", a.text);
    // Without a reason before it, the verb changes nothing; one's own need is no request,
    // a need someone reported is.
    assert!(requested("diminta sktm").is_none());
    assert!(requested("sy mahasiswa semester akhir, butuh data dari setda").is_none());
    assert!(requested("anak sy mau nikah bulan depan, katanya butuh surat dari kecamatan").is_some());
}

/// Asked more before choosing: the list is offered again for the new aspect, never refused and
/// never answered with an older service.
#[test]
fn a_follow_up_to_a_list_offers_the_list_again() {
    let mut dialogue = crate::dialogue::Dialogue::about(Some("002_81250e56fc566e31:pemrosesan-cuti".to_owned()));
    let first = dialogue.reply(&ENGINE, "mau minta data dan informasi, syaratnya apa?");
    assert_eq!(first.status, AnswerStatus::Ambiguous, "{}", first.text);
    let again = dialogue.reply(&ENGINE, "trus brp hari jadinya?");
    assert_eq!(again.status, AnswerStatus::Ambiguous, "{}", again.text);
    assert_eq!(again.aspect, Some(Aspect::Duration));
    let ids = |a: &Answer| a.candidates.iter().map(|c| c.id.0.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&first));
    // Picking then answers the aspect asked last.
    let picked = dialogue.reply(&ENGINE, "1");
    assert_eq!(picked.status, AnswerStatus::Answered, "{}", picked.text);
    assert_eq!(picked.aspect, Some(Aspect::Duration));
}

/// A long story around a service named by its title ("kir"), far ahead of every other
/// service: offered as "maybe this one", not refused for its unknown words (a slide deck of
/// layouts-r11, indexed with the shipped decrees).
#[test]
fn a_service_far_ahead_in_a_long_story_is_offered() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut documents = parse_dir(&root.join("standards")).unwrap().documents;
    documents.push(crate::parse::parse_file(&root.join("eval/blind/layouts-r11/132_dishub-watugede.txt")).unwrap());
    let engine = Engine::build(documents).unwrap();
    let a = engine.answer(
        "min mau tanya kir buat colt diesel engkel brp ya skrg? truk sy bak kayu, jbb nya 7 ton an",
        None,
    );
    assert_eq!(a.status, AnswerStatus::Ambiguous, "{}", a.text);
    assert_eq!(
        a.candidates[0].id.as_str(),
        "132_dishub-watugede:pengujian-berkala-kendaraan-bermotor-uji-kir"
    );
    // Nothing named: still refused.
    assert_eq!(
        engine.answer("syarat bikin paspor buat umroh", None).status,
        AnswerStatus::NotFound
    );
}

/// A single service offered ("maybe this one?") is what a reply that goes on asking about it
/// means, as an answered one would be; a reply about something else is not answered with it.
#[test]
fn a_reply_to_a_single_suggestion_asks_about_it() {
    let karis = "002_81250e56fc566e31:pemrosesan-karis-karsu";
    let mut dialogue = crate::dialogue::Dialogue::default();
    let offered = dialogue.reply(&ENGINE, "sy baru nikah, istri minta dibikinin karis gmn caranya");
    assert_eq!(offered.status, AnswerStatus::Ambiguous, "{}", offered.text);
    assert_eq!(offered.candidates.len(), 1, "{}", offered.text);
    let photo = dialogue.reply(&ENGINE, "pas fotonya hrs brp lembar");
    assert_eq!(photo.status, AnswerStatus::Answered, "{}", photo.text);
    assert_eq!(id(&photo), karis);
    let mut dialogue = crate::dialogue::Dialogue::default();
    dialogue.reply(&ENGINE, "sy baru nikah, istri minta dibikinin karis gmn caranya");
    let passport = dialogue.reply(&ENGINE, "kalo paspor syaratnya apa");
    assert_eq!(passport.status, AnswerStatus::NotFound, "{}", passport.text);
}

/// A message refused while still talking about the previous service (its known words are in
/// that service's text, the rest is the citizen's story) keeps that service as the topic; a
/// message about something the service lacks moves on.
#[test]
fn a_refused_follow_up_about_the_same_service_keeps_it() {
    let waris = "003_5e30365896fb6814:surat-keterangan-ahli-waris";
    assert!(ENGINE.still_about(
        "akta kelahiran saudara2 hrs dibawa semua? kakakku kerja di kalimantan",
        &ServiceId(waris.to_owned())
    ));
    assert!(!ENGINE.still_about("kalo bikin paspor gmn", &ServiceId(waris.to_owned())));
    let mut dialogue = crate::dialogue::Dialogue::about(Some(waris.to_owned()));
    dialogue.reply(&ENGINE, "kalo bikin paspor gmn");
    assert_eq!(dialogue.last_service, None);
}

/// A message that asks nothing names what the citizen needs: the overview, not the component
/// its story's words happen to be found in ("meninggal" is in the requirements).
#[test]
fn a_message_that_asks_nothing_gets_the_overview() {
    let a = ask("bapak sy meninggal, mau ngurus surat keterangan ahli waris");
    assert_eq!(id(&a), "003_5e30365896fb6814:surat-keterangan-ahli-waris", "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Overview), "{}", a.text);
    let a = ask("bapak sy meninggal, mau ngurus surat keterangan ahli waris, bawa apa");
    assert_eq!(a.aspect, Some(Aspect::Requirements), "{}", a.text);
    assert!(crate::analysis::frames::asks("bisa lewat online?"));
    assert!(crate::analysis::frames::asks("syaratnya gmn"));
    assert!(!crate::analysis::frames::asks("mau ngurus surat ahli waris"));
}

/// A greeting word in a message that asks something is no small talk: it asks which service.
#[test]
fn a_question_with_a_greeting_word_is_no_small_talk() {
    let a = ask("mau nyampein keluhan, prosedurnya gmn min");
    assert_ne!(a.status, AnswerStatus::Smalltalk, "{}", a.text);
    assert_eq!(ask("halo min").status, AnswerStatus::Smalltalk);
}

/// A clause without a verb says who the asker is ("sy pejabat eselon III golongan IV/a umur
/// 54"): its words are background, and the service the question names is answered.
#[test]
fn a_clause_without_a_verb_about_the_asker_is_story() {
    let a = ask(
        "sy pejabat eselon III golongan IV/a umur 54, msh bisa diusulkan ikut PKN tk II? aturan usia pensiunnya gmn",
    );
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:pelatihan-kepemimpinan-nasional-tingkat-ii"
    );
}

/// The CPNS test or selection is "pengadaan ASN" in the decrees.
#[test]
fn the_cpns_test_is_the_procurement_of_civil_servants() {
    let a = ask("pengumuman hasil tes cpns di pasuruan lewat mana min");
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(id(&a), "002_81250e56fc566e31:penyampaian-hasil-pengadaan-asn");
}

/// An office named by its short name as where the service is had decides between offices
/// whose services are named alike ("Permohonan Audiensi" at the Setda, "Fasilitasi Audiensi
/// ..." at the Kesbangpol).
#[test]
fn an_office_named_by_its_short_name_decides_between_offices() {
    let text = "\
Berikut Standar Pelayanan pada Badan Kesatuan Bangsa dan Politik Kabupaten Contoh sebagaimana ditetapkan dengan Keputusan Kepala Badan.

A. Fasilitasi Audiensi dan Penyampaian Aspirasi Masyarakat
1. Persyaratan\tSurat permohonan audiensi; fotokopi KTP koordinator
2. Prosedur\tPermohonan disampaikan langsung atau via WA; penjadwalan audiensi
3. Jangka Waktu\t3 (tiga) hari kerja
4. Biaya\tGratis

B. Pendaftaran Organisasi Kemasyarakatan
1. Persyaratan\tAkta pendirian; susunan pengurus
2. Jangka Waktu\t15 (lima belas) hari kerja
3. Biaya\tGratis
";
    let document = crate::parse::parse_text("901_kesbangpol.txt", text).unwrap();
    assert_eq!(
        document.agency.as_deref(),
        Some("Badan Kesatuan Bangsa dan Politik Kabupaten Contoh")
    );
    let engine = engine_with(document);
    let a = engine.answer("audiensi lewat kesbangpol caranya gmn", None);
    assert_eq!(
        a.candidates
            .first()
            .map(|c| c.id.as_str())
            .or(a.service.as_ref().map(|s| s.id.as_str())),
        Some("901_kesbangpol:fasilitasi-audiensi-dan-penyampaian-aspirasi-masyarakat"),
        "{:?} {}",
        a.status,
        a.text
    );
    assert!(
        a.candidates.iter().all(|c| c.id.as_str().starts_with("901_")),
        "{:?}",
        a.candidates
    );
    // Said of the asker, the office is where they work, not where the service is had.
    let b = engine.answer("audiensi ke setda caranya gmn", None);
    assert_eq!(
        id(&b),
        "000_4d00da837d591dc0:permohonan-audiensi",
        "{:?} {}",
        b.status,
        b.text
    );
}

/// A question about the bot itself is small talk, and an everyday word alone names no service.
#[test]
fn asking_whether_anyone_is_there_is_small_talk() {
    for question in [
        "kamu bot ya? apa orang beneran",
        "pagi... ada org ga nih",
        "kamu manusia apa robot sih?",
    ] {
        let a = ask(question);
        assert_eq!(a.status, AnswerStatus::Smalltalk, "{question}: {}", a.text);
    }
    // A help word among words of a service still asks for that service.
    assert_eq!(ask("bantuan hukum syaratnya apa").status, AnswerStatus::Answered);
}

/// A document no service is named after, found only in a requirement list ("akta kelahiran
/// anak" for a pension), is not what that service gives: refused, not answered with it.
#[test]
fn a_document_only_a_requirement_mentions_is_no_answer() {
    let a = ask("bikin akta kelahiran anak yg udh umur 3 th syaratnya apa");
    assert_ne!(a.status, AnswerStatus::Answered, "{} {}", id(&a), a.text);
}

/// An office's short name is a word of that office's services, not a word the question adds:
/// "ke damkar" names the fire service's services; the fire the citizen tells of is theirs too.
#[test]
fn an_offices_short_name_names_its_services() {
    let text = "\
Berikut Standar Pelayanan pada Dinas Pemadam Kebakaran dan Penyelamatan Kabupaten Contoh.

A. Penyuluhan dan Kunjungan Edukasi Pencegahan Kebakaran
1. Persyaratan\tSurat permohonan dari sekolah; daftar peserta
2. Prosedur\tSurat diterima; jadwal dikonfirmasi
3. Jangka Waktu\t3 (tiga) hari kerja
4. Biaya\tTidak dipungut biaya

B. Pemadaman Kebakaran
1. Persyaratan\tLaporan melalui 113
2. Jangka Waktu\t15 (lima belas) menit
3. Biaya\tGratis
";
    let engine = engine_with(crate::parse::parse_text("902_damkar.txt", text).unwrap());
    for (question, expected) in [
        (
            "kunjungan anak paud ke damkar bayar ga?",
            "902_damkar:penyuluhan-dan-kunjungan-edukasi-pencegahan-kebakaran",
        ),
        (
            "abis rumah kebakaran, damkar nagih biaya ga?",
            "902_damkar:pemadaman-kebakaran",
        ),
    ] {
        let a = engine.answer(question, None);
        assert_eq!(
            (a.status, id(&a)),
            (AnswerStatus::Answered, expected),
            "{question}: {}",
            a.text
        );
        assert_eq!(a.aspect, Some(Aspect::Fee));
    }
}

/// Follow-ups that name no other service: asked by an interrogative alone ("nanti diterima
/// siapa"), with a word clipped from the service's title ("konsulnya"), or with words as
/// common as everyday ones ("hasil akhirnya apa").
#[test]
fn follow_ups_asked_by_interrogatives_clippings_and_common_words() {
    let banding = ServiceId("001_f4e4e6960aa12399:fasilitasi-tamu-study-banding-kunjungan-kerja".to_owned());
    let a = ENGINE.answer("nanti diterima siapa", Some(&banding));
    assert_eq!(id(&a), banding.as_str(), "{:?} {}", a.status, a.text);
    let konsultasi = ServiceId("003_5e30365896fb6814:konsultasi".to_owned());
    let b = ENGINE.answer("konsulnya brp lama biasanya", Some(&konsultasi));
    assert_eq!(
        (id(&b), b.aspect),
        (konsultasi.as_str(), Some(Aspect::Duration)),
        "{}",
        b.text
    );
    let tender = ServiceId("000_4d00da837d591dc0:pemilihan-penyedia-pascakualifikasi".to_owned());
    let c = ENGINE.answer("hasil akhirnya apa", Some(&tender));
    assert_eq!(
        (id(&c), c.aspect),
        (tender.as_str(), Some(Aspect::Product)),
        "{}",
        c.text
    );
    // Still a new topic: a passport is no clipping of any title word.
    assert_ne!(
        ENGINE.answer("kalo paspor brp lama", Some(&konsultasi)).status,
        AnswerStatus::Answered
    );
}

/// Where the asker is ("sy ... di desa") is background up to where the clause goes on: what
/// they want ("mau bikin koperasi") is no part of the place.
#[test]
fn the_askers_place_ends_where_the_clause_goes_on() {
    let background = ENGINE.background_words("sy sm ibu2 pkk di desa mau bikin koperasi, syaratnya apa");
    assert!(background.contains("desa"), "{background:?}");
    assert!(!background.contains("koperasi"), "{background:?}");
}

/// The asker's own office by its possessive ("dari dinas kami") says who asks: "dinas" then
/// names no "Kendaraan Dinas", wherever the clause stands.
#[test]
fn the_askers_own_office_is_background() {
    let background = ENGINE.background_words("draft SK bupati dari dinas kami udah jadi, diajukan kemana");
    assert!(background.contains("dinas"), "{background:?}");
    let a = ask("draft SK bupati dari dinas kami udah jadi, diajukan kemana");
    assert_ne!(
        id(&a),
        "000_4d00da837d591dc0:pemeliharaan-kendaraan-dinas-sekretariat-daerah",
        "{}",
        a.text
    );
    let b = ask("mobil dinas kami mau servis, ngajuinnya gmn");
    assert!(!ENGINE.background_words("mobil dinas kami mau servis").contains("mobil"));
    assert_eq!(
        id(&b),
        "000_4d00da837d591dc0:pemeliharaan-kendaraan-dinas-sekretariat-daerah",
        "{}",
        b.text
    );
}

/// "X itu apa sih" asks what the service is; a requirement asked in the same words keeps
/// its own cue.
#[test]
fn what_a_service_is_asks_the_overview() {
    let a = ask("diklat kedinasan di bkppd itu maksudnya gmn? sy staf dinas pertanian");
    assert_eq!(a.aspect, Some(Aspect::Overview), "{} {}", id(&a), a.text);
    let b = ask("syarat izin belajar itu apa aja");
    assert_eq!(b.aspect, Some(Aspect::Requirements), "{} {}", id(&b), b.text);
}

/// A place of the kind of the agency's, but another, asks for that place's service.
#[test]
fn another_district_or_regency_named_is_not_answered_with_this_ones_service() {
    for question in [
        "sy warga kecamatan bangil, pengantar SKCK di kantor kecamatan bangil syaratnya apa?",
        "mau bikin pengantar SKTM di kecamatan gempol buat berobat, syaratnya?",
        "hibah buat gereja di kabupaten malang syaratnya gmn?",
    ] {
        let a = ask(question);
        assert_ne!(a.status, AnswerStatus::Answered, "{question}: {}", a.text);
    }
    // Its own place, or a chat word after the kind, keeps the service.
    assert_eq!(
        id(&ask("pengantar skck di kecamatan beji syaratnya apa")),
        "003_5e30365896fb6814:pengantar-skck"
    );
    let slow = ask("kalo pelayanan pengantar skck di kecamatan lelet ngadunya kemana min");
    assert_eq!(id(&slow), "003_5e30365896fb6814:pengantar-skck", "{}", slow.text);
    let then = ask("udah ngurus sktm di kecamatan, ntar dapetnya surat apa");
    assert_eq!(
        id(&then),
        "003_5e30365896fb6814:pengantar-permohonan-sktm",
        "{}",
        then.text
    );
    // A chat form of a decree's word after the kind ("diumumin") names no place.
    let announced = ask("pengumuman hasil seleksi cpns kabupaten diumumin lewat mana ya");
    assert_eq!(
        id(&announced),
        "002_81250e56fc566e31:penyampaian-hasil-pengadaan-asn",
        "{}",
        announced.text
    );
}

/// A follow-up that asks about a detail in the citizen's own words, naming no service and no
/// institution or document, asks about the previous service; a document names something else.
#[test]
fn a_detail_in_the_citizens_words_follows_the_previous_service() {
    let data = ServiceId("001_f4e4e6960aa12399:data-dan-informasi".to_owned());
    let a = ENGINE.answer("brp lama dpt balesan?", Some(&data));
    assert_eq!(a.service.as_ref().map(|s| &s.id), Some(&data), "{}", a.text);
    assert_eq!(a.aspect, Some(Aspect::Duration));
    let karpeg = ServiceId("002_81250e56fc566e31:pemrosesan-karpeg".to_owned());
    let b = ENGINE.answer("kl ktp el blm jadi2 gmn min", Some(&karpeg));
    assert_ne!(b.service.as_ref().map(|s| &s.id), Some(&karpeg), "{}", b.text);
}

/// How long a product is valid is asked of the product, not of the time the service takes.
#[test]
fn how_long_a_product_is_valid_asks_the_product() {
    for question in [
        "surat pengantar skck itu berlaku brp lama",
        "karpeg itu berlakunya brp taun",
    ] {
        let a = ask(question);
        assert_eq!(a.aspect, Some(Aspect::Product), "{question}: {}", a.text);
    }
    assert_eq!(ask("pengantar skck jadinya brp lama").aspect, Some(Aspect::Duration));
}

#[test]
fn asked_whether_a_service_exists_is_asked_about_the_whole_service() {
    // "gratis" describes the help sought; the question is whether there is such a service.
    let a = ask("bantuan hukum gratis buat org gak mampu di pemkab ada gak");
    assert_eq!(
        id(&a),
        "000_4d00da837d591dc0:bantuan-hukum-bagi-masyarakat-miskin",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Overview), "{}", a.text);
    // Asked whether a component has something, the component answers.
    let fee = ask("bantuan hukum gratis buat org gak mampu, ada biayanya gak");
    assert_eq!(fee.aspect, Some(Aspect::Fee), "{}", fee.text);
}

#[test]
fn a_cue_word_naming_a_division_asks_nothing() {
    // "Bagian Hukum" is where to call, not a question of legal basis.
    let a = ENGINE.answer(
        "nomor telp bagian hukum brp",
        Some(&ServiceId("000_4d00da837d591dc0:konsultasi".to_owned())),
    );
    assert_ne!(a.aspect, Some(Aspect::LegalBasis), "{}", a.text);
    assert_eq!(division_cues("nomor telp bagian hukum brp"), vec!["hukum".to_owned()]);
    assert!(division_cues("dasar hukumnya apa").is_empty());
}

#[test]
fn a_thing_is_no_place_a_service_is_had_at() {
    assert_eq!(entity_places("daftar nikah di KUA"), vec!["kua".to_owned()]);
    // Where the card is carried is no office: no service is put elsewhere by it.
    assert!(entity_places("kartunya harus dibawa di mobil?").is_empty());
}

#[test]
fn one_service_at_two_agencies_is_no_competitor_of_itself() {
    let at = |id: &str| ENGINE.by_id[&ServiceId(id.to_owned())];
    let setda = at("000_4d00da837d591dc0:data-dan-informasi");
    let dprd = at("001_f4e4e6960aa12399:data-dan-informasi");
    let konsultasi = at("000_4d00da837d591dc0:konsultasi");
    assert!(ENGINE.twins(setda, dprd));
    assert!(!ENGINE.twins(setda, konsultasi));
}

#[test]
fn an_address_in_lowercase_does_not_unmake_a_name() {
    let names = names_in(
        [
            "Dinas Perhubungan Kabupaten Sindangraja",
            "Email : dishub@sindangrajakab.go.id, Instagram @dishub.sindangraja",
            "Persyaratan: kendaraan bersih dan persyaratan lain",
        ]
        .into_iter(),
    );
    assert!(names.contains("sindangraja"));
    // A word written in lowercase too is no name.
    assert!(!names.contains("persyaratan") && !names.contains("kendaraan"));
}

#[test]
fn a_detail_only_one_services_text_holds_is_offered() {
    // "inaproc" and "blacklist" are only in the procedure of the providers' registration.
    let a = ask("inaproc blacklist gmn");
    assert_eq!(a.status, AnswerStatus::Ambiguous, "{}", a.text);
    assert_eq!(
        a.candidates.first().map(|c| c.id.as_str()),
        Some("000_4d00da837d591dc0:registrasi-dan-verifikasi-penyedia-barang-dan-jasa")
    );
}

#[test]
fn one_weak_name_word_with_the_rest_in_the_text_is_offered() {
    // "izin" alone names Izin Belajar weakly; "kuliah" and "S1" are in its text and no word
    // is unknown to the decrees: offered, not refused.
    let a = ask("PNS mau kuliah S1 lagi, ngurus izinnya ke bkppd gmn?");
    assert_eq!(a.status, AnswerStatus::Ambiguous, "{}", a.text);
    assert!(
        a.candidates
            .iter()
            .any(|c| c.id.as_str() == "002_81250e56fc566e31:izin-belajar"),
        "{:?}",
        a.candidates
    );
    // A word no decree uses still rules the offer out.
    assert_eq!(ask("syarat bikin paspor gmn").status, AnswerStatus::NotFound);
}

/// A service named by its title's acronym far ahead of every other is answered though an
/// ordinary word no decree uses weighs as much ("hilang": the card was lost).
#[test]
fn a_clear_winner_is_answered_when_an_unknown_word_weighs_as_much_as_its_name() {
    let a = ask("karpeg sy ilang, ngurus baru bawa apa");
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert_eq!(id(&a), "002_81250e56fc566e31:pemrosesan-karpeg");
    assert_eq!(a.aspect, Some(Aspect::Requirements));
}

/// A code the decree writes with a separator ("AK/1") is the same code typed glued ("ak1");
/// a code the decrees write glued ("B3") stays one word.
#[test]
fn a_code_typed_glued_meets_the_code_the_decree_writes_apart() {
    let text = "\
KEPUTUSAN KEPALA DINAS TENAGA KERJA KABUPATEN CONTOH

A. Penerbitan Kartu Tanda Bukti Pendaftaran Pencari Kerja (Kartu AK/1)
1. Persyaratan\tKTP; ijazah terakhir; pas foto
2. Jangka Waktu\t1 (satu) hari kerja
3. Biaya\tTidak dipungut biaya

B. Pengesahan Peraturan Perusahaan
1. Persyaratan\tDraf peraturan perusahaan
2. Jangka Waktu\t30 (tiga puluh) hari kerja
3. Biaya\tTidak dipungut biaya
";
    let engine = engine_with(crate::parse::parse_text("903_disnaker.txt", text).unwrap());
    let a = engine.answer("brp lama jadi kartu ak1?", None);
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    assert!(
        id(&a).starts_with("903_disnaker:penerbitan-kartu-tanda-bukti"),
        "{}",
        id(&a)
    );
    assert_eq!(a.aspect, Some(Aspect::Duration));
    assert_eq!(glued_code("ak1"), Some(("ak", "1")));
    assert_eq!(glued_code("b3"), Some(("b", "3")));
    assert_eq!(glued_code("1a"), None);
    assert_eq!(glued_code("kartu"), None);
}

/// "Maybe one of these" always shows the way out: an officer, through /lapor; a single
/// suggestion reads as one.
#[test]
fn a_list_offered_shows_the_way_out() {
    let several = ask("konsultasi brp lama");
    assert_eq!(several.status, AnswerStatus::Ambiguous, "{}", several.text);
    assert!(several.text.starts_with("Ada beberapa layanan"), "{}", several.text);
    assert!(several.text.contains("/lapor"), "{}", several.text);
    let one = ask("ijin hiburan kuda lumping butuh nomor induk kesenian gak");
    assert_eq!(one.status, AnswerStatus::Ambiguous, "{}", one.text);
    assert_eq!(one.candidates.len(), 1, "{}", one.text);
    assert!(one.text.starts_with("Mungkin maksud Anda layanan ini?"), "{}", one.text);
    assert!(one.text.contains("/lapor"), "{}", one.text);
}

#[test]
fn an_institution_in_a_statement_before_the_request_is_where_the_story_happens() {
    // The factory is where the foreigner works; what is asked is the domicile letter for a
    // foreigner, which the request names distinctly.
    let a = ask("ada WNA dari jepang kerja di pabrik sepatu deket rumah. mau ngurus surat domisili, syaratnya apa?");
    assert_eq!(
        id(&a),
        "003_5e30365896fb6814:rekomendasi-surat-keterangan-domisili-untuk-wna",
        "{}",
        a.text
    );
    assert_eq!(a.status, AnswerStatus::Answered);
    // Said in the same sentence as what is asked, the factory is whom the letter is for.
    let a = ask("syarat surat domisili buat pabrik apa?");
    assert_ne!(a.status, AnswerStatus::Answered, "{}", a.text);
    // A request that names a service only by one word may still be about the institution of
    // the story: a factory worker's leave is no civil servant's leave.
    let a = ask("istri sy kerja di pabrik garmen. mau ngajuin cuti melahirkan, syaratnya apa");
    assert_ne!(a.status, AnswerStatus::Answered, "{}", a.text);
}

#[test]
fn an_institution_the_citizen_moves_to_is_where_they_go() {
    let a =
        ask("sy guru SD negeri, pgn pindah tugas ke sekolah yg lebih deket. mutasi antar unit kerja syaratnya apa ya");
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:kenaikan-jenjang-jabatan-dan-mutasi",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Requirements));
}

#[test]
fn a_message_is_cut_into_sentences_at_their_marks() {
    assert_eq!(
        sentences("sy di kab. pasuruan dekat jl. raya. mau tanya? brp lama"),
        [
            ("sy di kab. pasuruan dekat jl. raya", '.'),
            (" mau tanya", '?'),
            (" brp lama", ' ')
        ]
    );
    let names = |t: &str| t == "domisili";
    let story = told_before("ada wna kerja di pabrik. mau bikin surat domisili, syaratnya?", names);
    assert!(story.contains("pabrik") && !story.contains("domisili"), "{story:?}");
    // A question, or a sentence that wants something, is no story.
    assert!(told_before("wna di pabrik bisa? mau bikin surat domisili", names).is_empty());
    assert!(told_before("mau minta dari pabrik. surat domisili syaratnya?", names).is_empty());
}

#[test]
fn a_greeting_word_in_a_message_asking_where_is_no_small_talk() {
    let a = ask("min bikin paspor dmn ya");
    assert_eq!(a.status, AnswerStatus::NotFound, "{}", a.text);
    // Asking whether someone is there is still small talk.
    let a = ask("pagi... ada org ga nih");
    assert_eq!(a.status, AnswerStatus::Smalltalk, "{}", a.text);
}

#[test]
fn a_self_introduction_in_javanese_or_after_a_formal_greeting_says_where_the_citizen_is() {
    for message in [
        "sugeng enjang, kula saking desa Gununggangsir kecamatan Beji",
        "selamat siang, saya dari desa Kedungringin kecamatan Beji",
    ] {
        let a = ask(message);
        assert_eq!(a.status, AnswerStatus::Region, "{message}: {}", a.text);
    }
}

#[test]
fn a_document_a_service_asks_for_is_not_what_it_serves() {
    // The pension's requirements name a birth certificate; making one is another office's.
    let a = ask("bikin akta kelahiran anak yg udh umur 3 th syaratnya apa");
    assert_eq!(a.status, AnswerStatus::NotFound, "{}", a.text);
}

#[test]
fn a_short_form_typed_in_capitals_is_read_even_when_its_letters_are_a_word() {
    // "PAK" is the decrees' short form of "Peta Administrasi Kewilayahan"; "pak" is "sir".
    let (tokens, _, _) = ENGINE.question_tokens("mau minta PAK buat desa, syaratnya apa");
    assert!(tokens.iter().any(|t| t == "peta"), "{tokens:?}");
    let (tokens, _, _) = ENGINE.question_tokens("mau minta pak, syaratnya apa");
    assert!(!tokens.iter().any(|t| t == "peta"), "{tokens:?}");
    // A message all in capitals says nothing by its capitals.
    let (tokens, _, _) = ENGINE.question_tokens("MAU TANYA PAK SYARAT SKCK");
    assert!(!tokens.iter().any(|t| t == "peta"), "{tokens:?}");
}

#[test]
fn a_division_named_as_where_the_service_is_had_is_no_detail_asked() {
    // The complaint channel lists the Bagian Organisasi's phone; the question asks what the
    // service is.
    let a = ask("analisis jabatan di bag organisasi setda itu layanan apa ya?");
    assert_eq!(
        id(&a),
        "000_4d00da837d591dc0:penyusunan-analisis-jabatan-dan-analisis-beban-kerja",
        "{}",
        a.text
    );
    assert_eq!(a.aspect, Some(Aspect::Overview), "{}", a.text);
}

#[test]
fn the_institution_a_group_speaks_for_says_who_asks() {
    let a = ask("kami dari universitas swasta mau menjalin kerja sama dgn pemkab, persyaratannya apa?");
    assert_eq!(id(&a), "000_4d00da837d591dc0:fasilitas-kerjasama-daerah", "{}", a.text);
    // So does "<institution> kami" and "kami <institution>".
    let a = ask("kami serikat buruh mau unjuk rasa ke dprd soal upah, suratnya isi apa aja");
    assert_eq!(
        id(&a),
        "001_f4e4e6960aa12399:fasilitas-unjuk-rasa-penyampaian-pendapat-di-muka-umum",
        "{}",
        a.text
    );
    // Refused before: the university ruled the cooperation out.
    let a = ask("universitas kami mau MoU dengan pemkab pasuruan, prosedurnya lewat mana?");
    let offered: Vec<&str> = a.candidates.iter().map(|c| c.id.as_str()).collect();
    assert!(
        id(&a) == "000_4d00da837d591dc0:fasilitas-kerjasama-daerah"
            || offered == ["000_4d00da837d591dc0:fasilitas-kerjasama-daerah"],
        "{}",
        a.text
    );
    // One person's workplace may say whom the service would serve: a factory worker's leave
    // is no civil servant's.
    let a = ask("sy dr pabrik mau ngajuin cuti, syaratnya apa");
    assert_eq!(a.status, AnswerStatus::NotFound, "{}", a.text);
}

#[test]
fn a_kind_of_institution_the_service_names_is_served() {
    // A CV is a company; the supplier registration asks for the company's qualifications.
    let a = ask("perusahaan sy cv kontraktor baru, mau ikut tender pemkab pasuruan. daftar penyedianya gmn");
    assert_eq!(
        id(&a),
        "000_4d00da837d591dc0:registrasi-dan-verifikasi-penyedia-barang-dan-jasa",
        "{}",
        a.text
    );
    // A company still is no poor citizen: legal aid stays refused.
    let a = ask("bantuan hukum buat cv sy yg digugat supplier, syaratnya apa");
    assert_ne!(a.status, AnswerStatus::Answered, "{}", a.text);
}

#[test]
fn what_the_asker_says_they_are_before_what_they_want_says_who_asks() {
    let a = ask("sy PNS guru mau mutasi antar opd, syaratnya apa aja?");
    assert_eq!(
        id(&a),
        "002_81250e56fc566e31:kenaikan-jenjang-jabatan-dan-mutasi",
        "{}",
        a.text
    );
    assert_eq!(a.status, AnswerStatus::Answered, "{}", a.text);
    // An institution or sector in it still says whom the service would have to serve.
    let a = ask("sy buruh pabrik di pier mau ngajuin cuti melahirkan, lewat bkppd bs?");
    assert_ne!(a.status, AnswerStatus::Answered, "{}", a.text);
}
