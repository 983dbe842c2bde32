//! Console accounts as the command line and the administrator's page create them: username and
//! role rules, handler and agency checks against the handlers file, and one-time setup links.

use crate::routing::Routing;
use crate::storage::{AccountRole, NewAccount, SetupToken};

use super::password::{new_token, token_digest};

/// Why an account cannot be created as asked (English: the command line's errors).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccountInputError {
    #[error("username must be 3-64 characters of a-z, 0-9, '.', '-' or '_' (got {0:?})")]
    Username(String),
    #[error("name must be 1-100 characters")]
    Name,
    #[error("an officer needs at least one --handler (ids from the handlers file)")]
    NoHandler,
    #[error("unknown handler {0:?}: not in the handlers file (LOKET_HANDLERS)")]
    UnknownHandler(String),
    #[error("a supervisor needs --agency, an agency named by a handler in the handlers file")]
    NoAgency,
    #[error("no handler in the handlers file lists agency {0:?}")]
    UnknownAgency(String),
    #[error("--handler is for officers and --agency for supervisors")]
    Misplaced,
}

/// Validates a new account against the handlers file.
pub fn new_account(
    username: &str,
    name: &str,
    role: AccountRole,
    handlers: &[String],
    agency: Option<&str>,
    routing: &Routing,
) -> Result<NewAccount, AccountInputError> {
    let username = username.trim().to_lowercase();
    let valid = (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'));
    if !valid {
        return Err(AccountInputError::Username(username));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AccountInputError::Name);
    }
    let agency = agency.map(str::trim).filter(|a| !a.is_empty());
    match role {
        AccountRole::Officer => {
            if agency.is_some() {
                return Err(AccountInputError::Misplaced);
            }
            if handlers.is_empty() {
                return Err(AccountInputError::NoHandler);
            }
            if let Some(unknown) = handlers.iter().find(|h| routing.get(h).is_none()) {
                return Err(AccountInputError::UnknownHandler(unknown.clone()));
            }
        }
        AccountRole::Supervisor => {
            if !handlers.is_empty() {
                return Err(AccountInputError::Misplaced);
            }
            let agency = agency.ok_or(AccountInputError::NoAgency)?;
            if routing.handlers_of_agency(agency).is_empty() {
                return Err(AccountInputError::UnknownAgency(agency.to_owned()));
            }
        }
        AccountRole::Administrator => {
            if !handlers.is_empty() || agency.is_some() {
                return Err(AccountInputError::Misplaced);
            }
        }
    }
    let mut handlers = handlers.to_vec();
    handlers.sort();
    handlers.dedup();
    Ok(NewAccount {
        username,
        name: name.to_owned(),
        role,
        handlers,
        agency: agency.map(str::to_owned),
    })
}

/// A fresh setup link: the token to print (once) and what the database keeps.
pub fn setup_link(now: i64, ttl_secs: i64) -> (String, SetupToken) {
    let token = new_token();
    let stored = SetupToken {
        sha256: token_digest(&token),
        expires_at: now + ttl_secs,
    };
    (token, stored)
}

/// The console path of a setup link.
pub fn setup_path(token: &str) -> String {
    format!("/console/setup/{token}")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn routing() -> Routing {
        Routing::from_toml(
            "[[handler]]\nid = \"dukcapil\"\nname = \"Dukcapil\"\nagencies = [\"Dinas Kependudukan\"]\n\
             [[handler]]\nid = \"dinsos\"\nname = \"Dinsos\"\n",
            Path::new("t.toml"),
        )
        .unwrap()
    }

    #[test]
    fn accounts_are_checked_against_the_handlers_file() {
        let r = routing();
        let ok = new_account(" Budi ", "Budi", AccountRole::Officer, &["dukcapil".into()], None, &r).unwrap();
        assert_eq!(ok.username, "budi");
        type Case = (
            &'static str,
            AccountRole,
            Vec<String>,
            Option<&'static str>,
            AccountInputError,
        );
        let cases: [Case; 6] = [
            (
                "b",
                AccountRole::Officer,
                vec!["dukcapil".into()],
                None,
                AccountInputError::Username("b".into()),
            ),
            ("budi", AccountRole::Officer, vec![], None, AccountInputError::NoHandler),
            (
                "budi",
                AccountRole::Officer,
                vec!["pu".into()],
                None,
                AccountInputError::UnknownHandler("pu".into()),
            ),
            (
                "sari",
                AccountRole::Supervisor,
                vec![],
                None,
                AccountInputError::NoAgency,
            ),
            (
                "sari",
                AccountRole::Supervisor,
                vec![],
                Some("Dinas PU"),
                AccountInputError::UnknownAgency("Dinas PU".into()),
            ),
            (
                "ani",
                AccountRole::Administrator,
                vec!["dinsos".into()],
                None,
                AccountInputError::Misplaced,
            ),
        ];
        for (user, role, handlers, agency, expected) in cases {
            assert_eq!(new_account(user, "Nama", role, &handlers, agency, &r), Err(expected));
        }
        let sari = new_account(
            "sari",
            "Sari",
            AccountRole::Supervisor,
            &[],
            Some("dinas kependudukan"),
            &r,
        )
        .unwrap();
        assert_eq!(sari.agency.as_deref(), Some("dinas kependudukan"));
    }

    #[test]
    fn setup_links_keep_only_the_digest() {
        let (token, stored) = setup_link(100, 60);
        assert_eq!(stored.expires_at, 160);
        assert_ne!(stored.sha256, token);
        assert_eq!(setup_path(&token), format!("/console/setup/{token}"));
    }
}
