//! `Actor`: who caused a change (a status event, a reply), recorded in the append-only log.
//!
//! Stored as a short tagged string (`citizen:<chat id>`, `handler:<id>`, `officer:<user id>`,
//! `admin:<name>`, `open311`, `system`) so both backends keep it in one TEXT column and logs stay readable.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    Citizen(i64),
    Handler(String),
    Officer(i64),
    Admin(String),
    /// A citizen who filed through an Open311 client (no chat identity).
    Open311,
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown actor {0:?}")]
pub struct ActorError(String);

impl Actor {
    pub fn parse(raw: &str) -> Result<Self, ActorError> {
        let err = || ActorError(raw.to_owned());
        match raw {
            "system" => return Ok(Self::System),
            "open311" => return Ok(Self::Open311),
            _ => {}
        }
        let (tag, rest) = raw.split_once(':').ok_or_else(err)?;
        if rest.is_empty() {
            return Err(err());
        }
        match tag {
            "citizen" => rest.parse().map(Self::Citizen).map_err(|_| err()),
            "officer" => rest.parse().map(Self::Officer).map_err(|_| err()),
            "handler" => Ok(Self::Handler(rest.to_owned())),
            "admin" => Ok(Self::Admin(rest.to_owned())),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Citizen(chat) => write!(f, "citizen:{chat}"),
            Self::Handler(id) => write!(f, "handler:{id}"),
            Self::Officer(user) => write!(f, "officer:{user}"),
            Self::Admin(name) => write!(f, "admin:{name}"),
            Self::Open311 => f.write_str("open311"),
            Self::System => f.write_str("system"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_table() {
        let cases = [
            (Actor::Citizen(-100123), "citizen:-100123"),
            (Actor::Handler("dukcapil".into()), "handler:dukcapil"),
            (Actor::Officer(42), "officer:42"),
            (Actor::Admin("budi".into()), "admin:budi"),
            (Actor::Open311, "open311"),
            (Actor::System, "system"),
        ];
        for (actor, text) in cases {
            assert_eq!(actor.to_string(), text);
            assert_eq!(Actor::parse(text), Ok(actor));
        }
        for bad in ["", "citizen:", "citizen:abc", "robot:1", "handler"] {
            assert!(Actor::parse(bad).is_err(), "{bad}");
        }
    }
}
