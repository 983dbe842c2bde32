//! `Command`: the slash commands citizens type, parsed by teloxide's `BotCommands` derive.
//!
//! The descriptions registered with Telegram (the "/" menu) come from `text.rs`, so the menu is
//! Indonesian like everything else; [`Command::menu`] lists them for `setMyCommands`.

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use super::text;

#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub(crate) enum Command {
    Start,
    Bantuan,
    Layanan,
    /// `/tanya syarat sktm`: a question, also in the middle of a complaint.
    Tanya(String),
    Lapor,
    /// `/status LKT-XXXX-XXXX`; empty when the number is missing.
    Status(String),
    Laporanku,
    /// `/langganan pasuruan` subscribes to what it names; `/langganan` shows the list.
    Langganan(String),
    Berhenti,
    /// What loket holds about this chat (UU 27/2022 right of access).
    Dataku,
    /// `/wilayah kecamatan beji` sets the region or agency answers are for; `/wilayah` shows
    /// it, `/wilayah hapus` clears it.
    Wilayah(String),
    Batal,
}

impl Command {
    /// The command menu for `setMyCommands`, with Indonesian descriptions.
    pub(crate) fn menu() -> Vec<BotCommand> {
        [
            ("start", text::CMD_START),
            ("bantuan", text::CMD_HELP),
            ("layanan", text::CMD_SERVICES),
            ("tanya", text::CMD_ASK),
            ("lapor", text::CMD_REPORT),
            ("status", text::CMD_STATUS),
            ("laporanku", text::CMD_MY_REPORTS),
            ("langganan", text::CMD_SUBSCRIBE),
            ("berhenti", text::CMD_UNSUBSCRIBE),
            ("dataku", text::CMD_MY_DATA),
            ("wilayah", text::CMD_REGION),
            ("batal", text::CMD_CANCEL),
        ]
        .into_iter()
        .map(|(command, description)| BotCommand::new(command, description))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_and_without_arguments() {
        let parse = |s: &str| Command::parse(s, "loket_bot").ok();
        assert_eq!(parse("/start"), Some(Command::Start));
        assert_eq!(
            parse("/status LKT-ABCD-EFGH"),
            Some(Command::Status("LKT-ABCD-EFGH".into()))
        );
        assert_eq!(parse("/status"), Some(Command::Status(String::new())));
        assert_eq!(parse("/batal@loket_bot"), Some(Command::Batal));
        assert_eq!(
            parse("/wilayah kecamatan beji"),
            Some(Command::Wilayah("kecamatan beji".into()))
        );
        assert_eq!(parse("/unknown"), None);
    }

    #[test]
    fn the_menu_names_every_command() {
        let menu: Vec<String> = Command::menu().into_iter().map(|c| c.command).collect();
        let derived: Vec<String> = Command::bot_commands()
            .into_iter()
            .map(|c| c.command.trim_start_matches('/').to_owned())
            .collect();
        assert_eq!(menu, derived);
    }
}
