//! The deployment aliases file (`LOKET_ALIASES`, setting `aliases`): words citizens use for a
//! service, mapped by the administrator to its id, so the answer engine finds it next time.
//!
//! Format: UTF-8 text, one `phrase<TAB>service_id` per line; `#` starts a comment line; blank
//! lines are skipped. Example (`<TAB>` stands for one tab character):
//!
//! ```text
//! # kata warga<TAB>id layanan (loket standards --json)
//! surat warisan nenek<TAB>003_5e30365896fb6814:surat-keterangan-ahli-waris
//! ```
//!
//! The whole file is checked before it is used: a line without the tab, with more than two
//! columns, an empty phrase, a phrase with no word the engine reads, or a service id no decree
//! has is an [`AliasesError`] naming the file and the line. `loket serve` then refuses to start,
//! and a hot reindex keeps serving the previous index (see `reindex`). The phrases reach the
//! engine through [`Engine::build_with_aliases`]; `loket eval` never reads the file, as it
//! measures the engine alone.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context;
use loket_knowledge::answer::Engine;
use loket_knowledge::document::{Document, ServiceId};

/// A line of the aliases file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("aliases file {}, line {line}: {problem}", file.display())]
pub struct AliasesError {
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    pub problem: String,
}

/// One alias as read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub phrase: String,
    pub service: ServiceId,
    /// 1-based line in the file.
    pub line: usize,
}

/// Reads the file's lines (syntax only; see [`check_services`] for the ids).
pub fn parse(text: &str, file: &Path) -> Result<Vec<Alias>, AliasesError> {
    let error = |line: usize, problem: String| AliasesError {
        file: file.to_path_buf(),
        line,
        problem,
    };
    let mut aliases = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let columns: Vec<&str> = raw.split('\t').collect();
        let [phrase, service] = columns[..] else {
            return Err(error(
                line,
                if columns.len() == 1 {
                    "missing column: write `phrase<TAB>service_id` (the two separated by one tab)".to_owned()
                } else {
                    format!(
                        "{} columns; write `phrase<TAB>service_id` (two columns, one tab)",
                        columns.len()
                    )
                },
            ));
        };
        let (phrase, service) = (phrase.trim(), service.trim());
        if phrase.is_empty() {
            return Err(error(line, "the phrase (first column) is empty".to_owned()));
        }
        if service.is_empty() {
            return Err(error(line, "the service id (second column) is empty".to_owned()));
        }
        if loket_knowledge::analysis::analyze(phrase).is_empty() {
            return Err(error(
                line,
                format!("the phrase {phrase:?} has no word the engine reads (only small words or punctuation)"),
            ));
        }
        aliases.push(Alias {
            phrase: phrase.to_owned(),
            service: ServiceId(service.to_owned()),
            line,
        });
    }
    Ok(aliases)
}

/// Refuses an alias whose service id none of `documents` has.
pub fn check_services(aliases: &[Alias], documents: &[Document], file: &Path) -> Result<(), AliasesError> {
    let known: HashSet<&str> = documents
        .iter()
        .flat_map(|d| d.services.iter().map(|s| s.id.as_str()))
        .collect();
    match aliases.iter().find(|a| !known.contains(a.service.as_str())) {
        Some(alias) => Err(AliasesError {
            file: file.to_path_buf(),
            line: alias.line,
            problem: format!(
                "unknown service id {:?}: no decree has it (`loket standards --json` lists the ids)",
                alias.service.as_str()
            ),
        }),
        None => Ok(()),
    }
}

/// Reads and checks the aliases file against the documents it will be used with.
pub fn load(file: &Path, documents: &[Document]) -> anyhow::Result<Vec<(String, ServiceId)>> {
    let text = std::fs::read_to_string(file).with_context(|| {
        format!(
            "cannot read the aliases file {} (LOKET_ALIASES / setting `aliases`): fix the path or unset it",
            file.display()
        )
    })?;
    let aliases = parse(&text, file)?;
    check_services(&aliases, documents, file)?;
    Ok(aliases.into_iter().map(|a| (a.phrase, a.service)).collect())
}

/// Builds the answer engine over `documents`, with the aliases of `file` when one is given.
pub fn build_engine(documents: Vec<Document>, file: Option<&Path>) -> anyhow::Result<Engine> {
    let aliases = match file {
        Some(file) => load(file, &documents)?,
        None => Vec::new(),
    };
    Ok(Engine::build_with_aliases(documents, &aliases)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AHLI_WARIS: &str = "003_5e30365896fb6814:surat-keterangan-ahli-waris";

    fn documents() -> Vec<Document> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
        loket_knowledge::parse::parse_dir(&dir).unwrap().documents
    }

    fn parse_error(text: &str) -> AliasesError {
        parse(text, Path::new("aliases.tsv")).expect_err("the file must be refused")
    }

    #[test]
    fn comments_blank_lines_and_spaces_around_columns_are_fine() {
        let text = "# kata warga\tid\n\n   \nsurat miskin\t a:b \r\n  # indented comment\nkertas zamrud\tc:d\n";
        let aliases = parse(text, Path::new("aliases.tsv")).unwrap();
        assert_eq!(
            aliases,
            [
                Alias {
                    phrase: "surat miskin".into(),
                    service: ServiceId("a:b".into()),
                    line: 4
                },
                Alias {
                    phrase: "kertas zamrud".into(),
                    service: ServiceId("c:d".into()),
                    line: 6
                },
            ]
        );
    }

    #[test]
    fn a_missing_column_names_the_file_and_line() {
        let err = parse_error("# aliases\nsurat miskin\ta:b\nkertas zamrud c:d\n");
        assert_eq!(err.line, 3);
        let message = err.to_string();
        assert!(
            message.contains("aliases.tsv") && message.contains("line 3") && message.contains("missing column"),
            "{message}"
        );
    }

    #[test]
    fn an_empty_phrase_is_refused_with_its_line() {
        let err = parse_error("surat miskin\ta:b\n\n \ta:b\n");
        assert_eq!(err.line, 3);
        assert!(err.problem.contains("phrase"), "{err}");
    }

    #[test]
    fn an_empty_service_id_or_extra_column_is_refused() {
        assert_eq!(parse_error("surat miskin\t \n").line, 1);
        let err = parse_error("kertas\ta:b\nsurat miskin\ta:b\tlagi\n");
        assert_eq!(err.line, 2);
        assert!(err.problem.contains("3 columns"), "{err}");
    }

    #[test]
    fn a_phrase_of_small_words_only_is_refused() {
        let err = parse_error("yang dan\ta:b\n");
        assert!(err.problem.contains("no word"), "{err}");
    }

    #[test]
    fn an_unknown_service_id_names_the_line() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(
            file.path(),
            format!("# ok\nkertas zamrud\t{AHLI_WARIS}\nsurat sakti\t003_5e30365896fb6814:tidak-ada\n"),
        )
        .unwrap();
        let err = load(file.path(), &documents()).unwrap_err();
        let err = err.downcast::<AliasesError>().expect("an AliasesError");
        assert_eq!(err.line, 3);
        assert!(err.problem.contains("unknown service id"), "{err}");
        assert!(err.to_string().contains(&file.path().display().to_string()), "{err}");
    }

    #[test]
    fn an_unreadable_file_says_which_setting() {
        let err = load(Path::new("no/such/aliases.tsv"), &documents()).unwrap_err();
        let message = format!("{err:#}");
        assert!(
            message.contains("no/such/aliases.tsv") && message.contains("LOKET_ALIASES"),
            "{message}"
        );
    }

    #[test]
    fn the_engine_uses_the_file() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), format!("kertas zamrud\t{AHLI_WARIS}\n")).unwrap();
        let engine = build_engine(documents(), Some(file.path())).unwrap();
        let answer = engine.answer("Kertas Zamrud syaratnya apa?", None);
        assert_eq!(answer.service.map(|s| s.id.0).as_deref(), Some(AHLI_WARIS));
    }
}
