//! Decrees published as JSON by a service-catalogue API (a regional "SIPP" or portal export
//! saved from the browser).
//!
//! Such an export holds the standards as records: an array of objects, one per service, whose
//! keys are the component labels in snake case ("nama_layanan", "persyaratan",
//! "waktu_penyelesaian", "biaya_tarif") or a list of components each with its own label and
//! text (`"komponen": [{"nama": "Persyaratan", "uraian": "1. ...\n2. ..."}]`); missing
//! components are `null`, values carry escaped newlines and HTML fragments, and an envelope
//! around the records ("meta") names the agency and the decree. Several saved pages may follow
//! each other in one file, pretty-printed or minified.
//!
//! [`split`] writes such a file as the lines the rest of the parser reads: the envelope's
//! texts as front matter (names alone, as on a letterhead; numbers after their key), then for every record a service-name row
//! ("Jenis Pelayanan<TAB>title") and a label row per component, continuation lines after it.
//! A record is a service when one of its keys names the service ([`is_service_name_label`]) and
//! at least two others are component labels; a block of the envelope that states it holds for
//! every service ("berlaku untuk seluruh layanan") is written as a shared section. Each line
//! remembers the source line its record or key was found on, so citations point into the file.
//!
//! A chat or channel export with no such records (Telegram Desktop's `result.json`) is written
//! as its messages' texts one after the other, each line citing its message, for the text
//! parser to read as it reads broadcasts pasted from a chat.

use super::html::Split;
use super::labels::{classify, is_service_name_label};
use serde_json::{Map, Value};

/// Fewest component keys a record needs to be read as a service.
const MIN_COMPONENTS: usize = 2;

/// The file as lines of text, or `None` when it is not JSON holding service records.
pub(crate) fn split(text: &str) -> Option<Split> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if !body.starts_with(['{', '[']) {
        return None;
    }
    let values: Vec<Value> = serde_json::Deserializer::from_str(body)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .ok()?;
    split_values(&values, text)
}

/// The records of parsed values (JSON, or YAML read into the same values by [`super::yaml`])
/// as lines of text citing `text`, the source; `None` when they hold no records and no
/// messages.
pub(crate) fn split_values(values: &[Value], text: &str) -> Option<Split> {
    let mut out = Writer {
        source: text,
        searched_from: 0,
        text: String::new(),
        source_lines: Vec::new(),
    };
    let mut records = Vec::new();
    for value in values {
        collect_records(value, &mut records);
    }
    if records.is_empty() {
        return messages(values, &mut out);
    }
    // Front matter first: the first envelope's own texts, where the agency and the decree are
    // named (later pages repeat them).
    if let Some(Value::Object(map)) = values.first() {
        out.front(map, 0);
    }
    out.searched_from = 0;
    if let Some(Value::Object(map)) = values.first() {
        out.shared(map);
    }
    out.searched_from = 0;
    for record in records {
        out.record(record);
    }
    Some(Split {
        text: out.text,
        source_lines: out.source_lines,
    })
}

/// Keys that hold the text of a message or post in a chat or channel export.
const TEXT_KEYS: &[&str] = &["text", "message", "caption", "content", "body"];
/// Fewest messages with text that make an export of messages.
const MIN_MESSAGES: usize = 3;

/// A chat or channel export (Telegram Desktop's `result.json`, a page's posts) holding no
/// service records: the texts of its messages one after the other, a blank line between two,
/// each line remembering the source line of its message, for the text parser to read as it
/// reads broadcasts pasted from a chat. A message's text may be a string or a list of
/// fragments, strings and formatted pieces (`{"type": "bold", "text": "Persyaratan:"}`),
/// written on as one text.
fn messages(values: &[Value], out: &mut Writer) -> Option<Split> {
    let mut found = Vec::new();
    for value in values {
        collect_messages(value, &mut found);
    }
    if found.len() < MIN_MESSAGES {
        return None;
    }
    for (id, text) in found {
        let line = match id {
            Some(id) => out.line_of_id(id),
            None => out.line_of("text"),
        };
        for piece in text.split('\n') {
            out.push(piece.trim_end(), line);
        }
        out.push("", line);
    }
    Some(Split {
        text: std::mem::take(&mut out.text),
        source_lines: std::mem::take(&mut out.source_lines),
    })
}

/// The messages with text anywhere in a value, in document order: each with its numeric id,
/// when it has one, and its text.
fn collect_messages(value: &Value, found: &mut Vec<(Option<i64>, String)>) {
    match value {
        Value::Object(map) => {
            let text = TEXT_KEYS.iter().find_map(|key| map.get(*key).and_then(message_text));
            match text {
                Some(text) => found.push((map.get("id").and_then(Value::as_i64), text)),
                None => map.values().for_each(|v| collect_messages(v, found)),
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_messages(v, found)),
        _ => {}
    }
}

/// A message's text: a string, or a list of fragments (strings and objects with a `text`)
/// joined as written; `None` when empty.
fn message_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Some(s.as_str()),
                Value::Object(piece) => piece.get("text").and_then(Value::as_str),
                _ => None,
            })
            .collect::<Option<Vec<&str>>>()?
            .concat(),
        _ => return None,
    };
    Some(text).filter(|t| t.chars().any(char::is_alphanumeric))
}

/// Why a text that opens as JSON is not valid JSON (the first error, where it is): a page
/// saved before it finished loading. `None` for valid JSON and for other text.
pub(crate) fn damaged(text: &str) -> Option<super::ParseError> {
    let body = text.trim_start_matches('\u{feff}');
    if !body.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let error = serde_json::Deserializer::from_str(body)
        .into_iter::<Value>()
        .find_map(Result::err)?;
    Some(super::ParseError::DamagedJson {
        line: error.line(),
        column: error.column(),
        reason: format!("{:?}", error.classify()).to_lowercase(),
    })
}

/// The service records anywhere in a value, in document order.
fn collect_records<'a>(value: &'a Value, records: &mut Vec<&'a Map<String, Value>>) {
    match value {
        // A record no longer in force is left out, and nothing inside it is looked for.
        Value::Object(map) if title_of(map).is_some() && component_keys(map) >= MIN_COMPONENTS => {
            records.extend((!inactive(map)).then_some(map));
        }
        Value::Object(map) => map.values().for_each(|v| collect_records(v, records)),
        Value::Array(items) => items.iter().for_each(|v| collect_records(v, records)),
        _ => {}
    }
}

/// A key as the words of a label: "waktu_penyelesaian", "waktuPenyelesaian" -> "waktu
/// penyelesaian". The schema.org properties of a `GovernmentService` (JSON-LD in a web page)
/// name their components in English: `offers` is the fee, `hoursAvailable` the hours,
/// `serviceOutput` the product.
fn label(key: &str) -> String {
    match key {
        "offers" => return "biaya".to_owned(),
        "hoursAvailable" => return "jam layanan".to_owned(),
        "serviceOutput" => return "produk".to_owned(),
        _ => {}
    }
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_uppercase() && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push(if matches!(c, '_' | '-') {
            ' '
        } else {
            c.to_ascii_lowercase()
        });
    }
    out
}

/// The service's name in a record: the value of its service-name key, or of a bare "nama" /
/// "judul" key when the record also has a component a citizen asks for (requirements,
/// procedure, duration, fee or product): an item of a list of services (`layanan: - nama:
/// ...`), not an office's block (`instansi: nama: ...`, its hours and legal basis).
fn title_of(map: &Map<String, Value>) -> Option<&str> {
    use crate::document::ComponentKind::*;
    let asked_for = || {
        map.keys()
            .filter_map(|k| classify(&label(k)))
            .any(|kind| matches!(kind, Requirements | Procedure | Duration | Fee | Product))
    };
    map.iter()
        .find(|(k, v)| {
            v.is_string()
                && (is_service_name_label(&label(k))
                    || matches!(k.as_str(), "nama" | "judul" | "name" | "title") && asked_for())
        })
        .and_then(|(_, v)| v.as_str())
        .filter(|t| !t.trim().is_empty())
}

/// Whether a record says it is no longer in force (`aktif: false`, `status: nonaktif`): no
/// citizen is answered from it.
fn inactive(map: &Map<String, Value>) -> bool {
    map.iter().any(|(k, v)| {
        matches!(k.as_str(), "aktif" | "active" | "status" | "berlaku")
            && match v {
                Value::Bool(b) => !b,
                Value::String(s) => {
                    let s = s.to_lowercase();
                    matches!(
                        s.trim(),
                        "nonaktif" | "non-aktif" | "tidak aktif" | "inactive" | "tidak berlaku"
                    )
                }
                _ => false,
            }
    })
}

/// How many components a record holds: keys that are component labels, and the entries of a
/// list of labelled components.
fn component_keys(map: &Map<String, Value>) -> usize {
    map.iter()
        .map(|(key, value)| match value {
            Value::Array(items) if items.iter().any(|i| labelled(i).is_some()) => {
                items.iter().filter(|i| labelled(i).is_some()).count()
            }
            // A list under a component's key ("persyaratan": ["KTP", "KK"]) is one component.
            _ => usize::from(classify(&label(key)).is_some()),
        })
        .sum()
}

/// A component given as an object with its own label and text (`{"nama": "Persyaratan",
/// "uraian": "..."}`): the label and the text.
fn labelled(item: &Value) -> Option<(&str, &Value)> {
    let map = item.as_object()?;
    let (_, name) = map
        .iter()
        .filter_map(|(_, v)| v.as_str().map(|s| (v, s)))
        .find(|(_, s)| classify(s).is_some())?;
    let text = map
        .iter()
        .filter(|(_, v)| v.as_str() != Some(name))
        .map(|(_, v)| v)
        .find(|v| v.is_string() || v.is_array())?;
    Some((name, text))
}

/// The text of a value: strings as they are, lists one item per line, objects by their
/// texts; `None` for null, numbers and booleans.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()).filter(|s| !s.trim().is_empty()),
        // A fee written as a bare number (`biaya: 0`, `"biaya": 25000`).
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => {
            let lines: Vec<String> = items.iter().filter_map(text_of).collect();
            (!lines.is_empty()).then(|| lines.join("\n"))
        }
        // Linked data's own keys ("@type": "Offer") are no text.
        Value::Object(map) => {
            let lines: Vec<String> = map
                .iter()
                .filter(|(key, _)| !key.starts_with('@'))
                .filter_map(|(_, value)| text_of(value))
                .collect();
            (!lines.is_empty()).then(|| lines.join("\n"))
        }
        _ => None,
    }
}

/// Whether a key holds the records, not front matter.
fn holds_records(value: &Value) -> bool {
    let mut found = Vec::new();
    collect_records(value, &mut found);
    !found.is_empty()
}

/// Whether a block of the envelope says it holds for every service.
fn for_every_service(map: &Map<String, Value>) -> bool {
    map.values().filter_map(Value::as_str).any(|s| {
        let lower = s.to_lowercase();
        lower.contains("berlaku") && ["seluruh", "semua", "setiap"].iter().any(|w| lower.contains(w))
    })
}

struct Writer<'a> {
    source: &'a str,
    /// Byte offset in `source` from which the next key is looked for.
    searched_from: usize,
    text: String,
    source_lines: Vec<u32>,
}

impl Writer<'_> {
    /// The 1-based source line of the next occurrence of `needle` (a JSON key or string),
    /// from which later searches go on.
    fn line_of(&mut self, needle: &str) -> u32 {
        self.searched_from = self.offset_of(needle);
        self.line_at(self.searched_from)
    }

    /// The 1-based source line of `needle` after the last [`Self::line_of`], leaving where
    /// searches go on: an object's keys come in any order.
    fn line_within(&self, needle: &str) -> u32 {
        self.line_at(self.offset_of(needle))
    }

    /// Where `needle` (a key or a string) next stands: quoted, as JSON writes it, or as a
    /// YAML key or plain value.
    fn offset_of(&self, needle: &str) -> usize {
        let rest = &self.source[self.searched_from..];
        let quoted = format!("\"{needle}\"");
        let key = format!("{needle}:");
        rest.find(&quoted)
            .or_else(|| rest.find(&key))
            .or_else(|| rest.find(needle))
            .map_or(self.searched_from, |at| self.searched_from + at)
    }

    /// The 1-based source line of the object with this numeric id (`"id": 5`), from which
    /// later searches go on.
    fn line_of_id(&mut self, id: i64) -> u32 {
        let rest = &self.source[self.searched_from..];
        let at = [
            format!("\"id\": {id},"),
            format!("\"id\":{id},"),
            format!("\"id\": {id}\n"),
        ]
        .iter()
        .filter_map(|needle| rest.find(needle.as_str()))
        .min();
        if let Some(at) = at {
            self.searched_from += at;
        }
        self.line_at(self.searched_from)
    }

    fn line_at(&self, offset: usize) -> u32 {
        self.source[..offset].matches('\n').count() as u32 + 1
    }

    fn push(&mut self, line: &str, source_line: u32) {
        self.text.push_str(line);
        self.text.push('\n');
        self.source_lines.push(source_line);
    }

    /// A label row and its continuation lines.
    fn row(&mut self, label: &str, text: &str, source_line: u32) {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let Some(first) = lines.next() else { return };
        self.push(&format!("{label}\t{first}"), source_line);
        for line in lines {
            self.push(&format!("\t{line}"), source_line);
        }
    }

    /// The envelope's texts, as "key : value" lines (no records, no shared block).
    fn front(&mut self, map: &Map<String, Value>, depth: usize) {
        for (key, value) in map {
            match value {
                Value::String(s) if !s.trim().is_empty() && !s.contains("://") => {
                    // A name stands alone, as on a letterhead ("Dinas Perdagangan Kabupaten
                    // ..."); a number keeps its label ("nomor : 500/112/KEP/2025").
                    let line = self.line_of(key);
                    let text = s.trim();
                    if text.chars().any(|c| c.is_ascii_digit()) {
                        self.push(&format!("{} : {text}", label(key)), line);
                    } else {
                        self.push(text, line);
                    }
                }
                Value::Object(inner) if depth < 3 && !holds_records(value) && !for_every_service(inner) => {
                    self.front(inner, depth + 1);
                }
                _ => {}
            }
        }
    }

    /// Blocks of the envelope that hold for every service, as a shared section.
    fn shared(&mut self, map: &Map<String, Value>) {
        for (key, value) in map {
            let Value::Object(inner) = value else { continue };
            if for_every_service(inner) {
                let kind_label = classify(&label(key)).map(|_| label(key));
                if let (Some(kind_label), Some(text)) = (kind_label, text_of(value)) {
                    let line = self.line_of(key);
                    self.push("Komponen yang berlaku untuk seluruh jenis pelayanan", line);
                    self.row(&kind_label, &text, line);
                }
            } else if !holds_records(value) {
                self.shared(inner);
            }
        }
    }

    /// One service record: its name row, then a row per component in the record's order.
    fn record(&mut self, map: &Map<String, Value>) {
        let Some(title) = title_of(map) else { return };
        let line = self.line_of(title);
        self.push(&format!("Jenis Pelayanan\t{}", title.trim()), line);
        for (key, value) in map {
            match value {
                Value::Array(items) if items.iter().any(|i| labelled(i).is_some()) => {
                    for (name, text) in items.iter().filter_map(labelled) {
                        if let Some(text) = text_of(text) {
                            let line = self.line_within(name);
                            self.row(name, &text, line);
                        }
                    }
                }
                _ => {
                    if classify(&label(key)).is_some()
                        && let Some(text) = text_of(value)
                    {
                        let line = self.line_within(key);
                        self.row(&label(key), &text, line);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_become_label_rows_and_the_envelope_front_matter() {
        let text = r#"{"meta": {"opd": {"nama": "Dinas Perdagangan Kabupaten Contoh"},
  "pengaduan_umum": {"keterangan": "berlaku untuk seluruh layanan", "telepon": "0285 1"}},
 "data": [
  {"id": 1, "nama_layanan": "Tera Ulang", "persyaratan": "1. KTP\n2. Formulir",
   "waktu_penyelesaian": "3 hari kerja", "biaya_tarif": null},
  {"id": 2, "nama_layanan": "Sewa Kios",
   "komponen": [{"nama": "Persyaratan", "uraian": "<ol><li>KTP</li></ol>"},
                {"nama": "Biaya/Tarif", "uraian": "Rp 50.000"}]}
 ]}
{"data": [{"nama_layanan": "Uji Mutu", "persyaratan": "Contoh barang", "produk": "Sertifikat"}]}"#;
        let split = split(text).unwrap();
        let lines: Vec<&str> = split.text.lines().collect();
        assert!(lines.contains(&"Dinas Perdagangan Kabupaten Contoh"), "{lines:?}");
        assert!(lines.contains(&"Jenis Pelayanan\tTera Ulang"));
        assert!(lines.contains(&"persyaratan\t1. KTP"));
        assert!(lines.contains(&"\t2. Formulir"));
        assert!(lines.contains(&"Biaya/Tarif\tRp 50.000"));
        assert!(lines.contains(&"Jenis Pelayanan\tUji Mutu"));
        assert!(
            !lines.iter().any(|l| l.starts_with("biaya tarif")),
            "null is no component"
        );
        let shared = lines
            .iter()
            .position(|l| l.contains("seluruh jenis pelayanan"))
            .unwrap();
        assert!(lines[shared + 1].starts_with("pengaduan umum\t"), "{lines:?}");
        assert_eq!(split.source_lines.len(), lines.len());
        assert_eq!(
            split.source_lines[lines.iter().position(|l| l.contains("Uji Mutu")).unwrap()],
            10
        );
    }

    #[test]
    fn a_json_export_parses_into_services_with_their_components() {
        let text = r#"{"meta": {"opd": {"nama": "Dinas Perdagangan Kabupaten Contoh"}},
 "data": [{"nama_layanan": "Tera Ulang", "persyaratan": "1. KTP\n2. Formulir",
           "waktu_penyelesaian": "3 hari kerja", "biaya_tarif": "Gratis"},
          {"nama_layanan": "Uji Mutu", "persyaratan": "Contoh barang", "produk": "Sertifikat"}]}"#;
        let document = crate::parse::parse_text("900_x.json", text).unwrap();
        assert_eq!(document.agency.as_deref(), Some("Dinas Perdagangan Kabupaten Contoh"));
        let titles: Vec<&str> = document.services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Tera Ulang", "Uji Mutu"]);
        let tera = &document.services[0];
        assert_eq!(tera.fee.as_ref().and_then(|f| f.rupiah), Some(0));
        assert_eq!(tera.lines.start, 2);
        assert!(tera.components.iter().any(|c| c.text.contains("Formulir")));
    }

    #[test]
    fn a_damaged_export_is_reported_with_where_it_breaks() {
        let text = "{\"data\": [{\"nama_layanan\": \"Tera Ulang\",\n  \"persyaratan\": \"KTP";
        let error = crate::parse::parse_text("900_x.json", text).unwrap_err();
        assert!(
            matches!(error, crate::parse::ParseError::DamagedJson { line: 2, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("export it again"), "{error}");
    }

    /// A channel exported by Telegram Desktop: messages whose text is a string or a list of
    /// fragments, service messages without text, one standard per message.
    const CHANNEL: &str = r##"{
 "name": "UPTD Puskesmas Sukamaju",
 "type": "public_channel",
 "messages": [
  {"id": 1, "type": "service", "action": "create_channel", "text": ""},
  {"id": 2, "type": "message", "text": "Selamat datang di kanal resmi Puskesmas Sukamaju."},
  {
   "id": 3,
   "type": "message",
   "text": [
    {"type": "bold", "text": "PELAYANAN POLI UMUM"},
    "\n\n",
    {"type": "bold", "text": "Persyaratan:"},
    "\n- KTP / KK\n- Kartu BPJS bila ada\n",
    {"type": "bold", "text": "Prosedur:"},
    " daftar di loket, diperiksa dokter\nWaktu: 30 menit\nBiaya: Rp 10.000\nProduk: Resep dan obat\n",
    {"type": "hashtag", "text": "#InfoLayanan"}
   ]
  },
  {
   "id": 4,
   "type": "message",
   "text": "PELAYANAN SURAT KETERANGAN SEHAT\n\nPersyaratan: KTP\nProsedur: daftar, diperiksa\nWaktu: 20 menit\nBiaya: Rp 20.000\nProduk: Surat Keterangan Sehat"
  }
 ]
}"##;

    #[test]
    fn a_channel_export_reads_its_messages_as_text() {
        let split = split(CHANNEL).expect("messages");
        assert!(split.text.contains("Persyaratan:\n- KTP / KK"));
        assert_eq!(split.text.lines().count(), split.source_lines.len());
        let document = super::super::parse_text("kanal.json", CHANNEL).expect("services");
        let titles: Vec<String> = document.services.iter().map(|s| s.title.to_lowercase()).collect();
        assert_eq!(titles, ["poli umum", "surat keterangan sehat"]);
        // Each service cites the message it was posted in.
        assert_eq!(document.services[1].lines.start, 21);
    }

    #[test]
    fn other_json_and_plain_text_are_left_alone() {
        assert!(split("{\"status\": \"ok\", \"items\": [1, 2]}").is_none());
        assert!(split("STANDAR PELAYANAN\n{catatan}").is_none());
    }
}
