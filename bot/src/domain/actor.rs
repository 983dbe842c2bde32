//! `Actor`: who caused a change (a status event, a reply), recorded in the append-only log.
//!
//! Stored as a short tagged string (`citizen:<chat id>`, `handler:<id>`, `officer:<user id>`,
//! `account:<console account id>`, `admin:<name>`, `open311`, `system`) so both backends keep it
//! in one TEXT column and logs stay readable.
//!
//! Each actor plays one [`ActorRole`] in the status machine (see
//! [`super::ComplaintStatus::transition_by`]): a citizen (Telegram or Open311), a handler (its API
//! key, an officer in its Telegram chat or a console account), the system (automatic
//! verification and closing) or an administrator.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    Citizen(i64),
    Handler(String),
    Officer(i64),
    /// A web console account (officer or supervisor) acting for the complaint's handler, by its
    /// id in `console_accounts`: the timeline names the person who verified or resolved.
    Account(i64),
    Admin(String),
    /// A citizen who filed through an Open311 client (no chat identity).
    Open311,
    System,
}

/// Who may make which status change: transitions are allowed per role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorRole {
    /// The person who complained: only reopens a resolved complaint.
    Citizen,
    /// The agency the complaint is routed to (API key or officer chat).
    Handler,
    /// loket itself: verification at intake and the automatic close.
    System,
    /// The operator: any transition of the table, including corrections.
    Administrator,
}

impl ActorRole {
    pub const ALL: [ActorRole; 4] = [Self::Citizen, Self::Handler, Self::System, Self::Administrator];

    /// The role as an officer or citizen reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Citizen => "pelapor",
            Self::Handler => "instansi penangan",
            Self::System => "sistem",
            Self::Administrator => "administrator",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown actor {0:?}")]
pub struct ActorError(String);

impl Actor {
    /// The role this actor plays in the status machine.
    pub fn role(&self) -> ActorRole {
        match self {
            Self::Citizen(_) | Self::Open311 => ActorRole::Citizen,
            Self::Handler(_) | Self::Officer(_) | Self::Account(_) => ActorRole::Handler,
            Self::System => ActorRole::System,
            Self::Admin(_) => ActorRole::Administrator,
        }
    }

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
            "account" => rest.parse().map(Self::Account).map_err(|_| err()),
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
            Self::Account(id) => write!(f, "account:{id}"),
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
            (Actor::Account(7), "account:7"),
            (Actor::Admin("budi".into()), "admin:budi"),
            (Actor::Open311, "open311"),
            (Actor::System, "system"),
        ];
        for (actor, text) in cases {
            assert_eq!(actor.to_string(), text);
            assert_eq!(Actor::parse(text), Ok(actor));
        }
        for bad in ["", "citizen:", "citizen:abc", "robot:1", "handler", "account:budi"] {
            assert!(Actor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_actor_has_its_role() {
        let cases = [
            (Actor::Citizen(7), ActorRole::Citizen),
            (Actor::Open311, ActorRole::Citizen),
            (Actor::Handler("dukcapil".into()), ActorRole::Handler),
            (Actor::Officer(42), ActorRole::Handler),
            (Actor::Account(7), ActorRole::Handler),
            (Actor::System, ActorRole::System),
            (Actor::Admin("budi".into()), ActorRole::Administrator),
        ];
        for (actor, role) in cases {
            assert_eq!(actor.role(), role, "{actor}");
        }
    }
}
