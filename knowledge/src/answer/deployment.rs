//! Deployment aliases: phrases an administrator maps to services ("surat miskin" -> the SKTM
//! service), added as extra name text of that service when the engine is built.
//!
//! Citizens keep asking in words no decree uses; a deployment learns them from its own
//! unanswered questions and names the service they mean, without a code change. The phrase is
//! indexed like the service's derived short forms ([`crate::aliases::Aliases::name_forms`]): in
//! the search index's name field and in the name words the engine checks coverage against, and
//! its words join the corpus vocabulary so the spelling corrector keeps them as they are. It
//! goes through the same analysis as a question, so a question containing the phrase finds the
//! service as if the phrase were in its title. See [`super::Engine::build_with_aliases`].

use super::EngineError;
use crate::document::{ServiceId, ServiceStandard};
use rustc_hash::FxHashMap as HashMap;

/// The extra name text of every service, by position: its deployment phrases, one per line
/// (empty for services without any). An alias for a service the corpus does not have is an
/// error: the caller validated the file against the same documents, so this is a mistake.
pub(super) fn names_by_service(
    services: &[ServiceStandard],
    aliases: &[(String, ServiceId)],
) -> Result<Vec<String>, EngineError> {
    let mut names = vec![String::new(); services.len()];
    if aliases.is_empty() {
        return Ok(names);
    }
    let position: HashMap<&ServiceId, usize> = services.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
    for (phrase, id) in aliases {
        let &i = position
            .get(id)
            .ok_or_else(|| EngineError::UnknownAliasService(id.clone()))?;
        names[i].push('\n');
        names[i].push_str(phrase);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::super::{AnswerStatus, Engine, EngineError};
    use crate::aspect::Aspect;
    use crate::document::ServiceId;
    use crate::parse::parse_dir;

    const AHLI_WARIS: &str = "003_5e30365896fb6814:surat-keterangan-ahli-waris";

    fn documents() -> Vec<crate::document::Document> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("standards");
        parse_dir(&dir).unwrap().documents
    }

    /// "kertas zamrud" is made up: no decree says it, so only the alias can lead to the service.
    #[test]
    fn a_deployment_alias_finds_its_service_and_nothing_else_does() {
        let question = "syarat ngurus kertas zamrud apa aja";
        let plain = Engine::build(documents()).unwrap();
        let without = plain.answer(question, None);
        assert!(
            without.service.as_ref().is_none_or(|s| s.id.as_str() != AHLI_WARIS)
                && without.candidates.iter().all(|c| c.id.as_str() != AHLI_WARIS),
            "the phrase alone must not find the service: {without:?}"
        );
        let aliased = Engine::build_with_aliases(
            documents(),
            &[("Kertas   Zamrud".to_owned(), ServiceId(AHLI_WARIS.to_owned()))],
        )
        .unwrap();
        let with = aliased.answer(question, None);
        assert_eq!(with.status, AnswerStatus::Answered, "{}", with.text);
        assert_eq!(with.service.as_ref().map(|s| s.id.as_str()), Some(AHLI_WARIS));
        assert_eq!(with.aspect, Some(Aspect::Requirements));
        // The alias adds a name; the service's own words still find it.
        let own = aliased.answer("syarat bikin surat waris apa aja kak", None);
        assert_eq!(own.service.as_ref().map(|s| s.id.as_str()), Some(AHLI_WARIS));
    }

    #[test]
    fn an_alias_for_an_unknown_service_is_refused() {
        let err = Engine::build_with_aliases(documents(), &[("apa saja".to_owned(), ServiceId("nope:x".to_owned()))])
            .err()
            .expect("unknown service must fail");
        assert!(
            matches!(err, EngineError::UnknownAliasService(ref id) if id.as_str() == "nope:x"),
            "{err}"
        );
    }
}
