//! The permissions the bot asks for, as Discord's bit flags.

const ADD_REACTIONS: u64 = 1 << 6;
const VIEW_CHANNEL: u64 = 1 << 10;
const SEND_MESSAGES: u64 = 1 << 11;
const EMBED_LINKS: u64 = 1 << 14;
const ATTACH_FILES: u64 = 1 << 15;
const READ_MESSAGE_HISTORY: u64 = 1 << 16;
const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;

/// View and read the design channels, post prompts (with embeds and export files), and
/// open and write in checklist threads, and confirm a recorded answer with a ✅ reaction.
/// Nothing else: no mentions, no management.
pub const REQUIRED: u64 = ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS;

const ADMINISTRATOR: u64 = 1 << 3;

/// The permission bits that matter in a watched channel, by name.
const NAMES: [(u64, &str); 5] = [
    (VIEW_CHANNEL, "View Channel"),
    (SEND_MESSAGES, "Send Messages"),
    (CREATE_PUBLIC_THREADS, "Create Public Threads"),
    (SEND_MESSAGES_IN_THREADS, "Send Messages in Threads"),
    (ADD_REACTIONS, "Add Reactions"),
];

/// What the bot cannot do in a watched channel, and what that costs the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Names of the missing permissions, as Discord's settings show them.
    pub missing: Vec<&'static str>,
    pub effect: &'static str,
}

/// What the bot needs in a watched channel, grouped by what breaks without it; most
/// serious first.
const NEEDS: [(u64, &str); 3] = [
    (
        VIEW_CHANNEL | SEND_MESSAGES,
        "I can't read or post there, so I stay silent",
    ),
    (
        CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS,
        "checklists open in the channel itself instead of a thread",
    ),
    (
        ADD_REACTIONS,
        "answers given as replies are recorded without a ✅",
    ),
];

/// The gaps in `perms`, the bot's computed permissions in a channel (role permissions with
/// the channel's overwrites applied). Administrator has every permission.
pub fn gaps_in_watched_channel(perms: u64) -> Vec<Gap> {
    if perms & ADMINISTRATOR != 0 {
        return Vec::new();
    }
    NEEDS
        .iter()
        .filter(|(bits, _)| perms & bits != *bits)
        .map(|&(bits, effect)| Gap {
            missing: NAMES
                .iter()
                .filter(|(bit, _)| bits & bit != 0 && perms & bit == 0)
                .map(|&(_, name)| name)
                .collect(),
            effect,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_the_channel_needs_means_no_gap() {
        assert_eq!(gaps_in_watched_channel(REQUIRED), vec![]);
        assert_eq!(gaps_in_watched_channel(ADMINISTRATOR), vec![]);
    }

    #[test]
    fn each_missing_permission_is_named_with_its_effect_most_serious_first() {
        let gaps = gaps_in_watched_channel(REQUIRED & !SEND_MESSAGES & !ADD_REACTIONS);
        assert_eq!(gaps.len(), 2);
        assert_eq!(gaps[0].missing, vec!["Send Messages"]);
        assert!(gaps[0].effect.contains("stay silent"));
        assert_eq!(gaps[1].missing, vec!["Add Reactions"]);

        let gaps = gaps_in_watched_channel(VIEW_CHANNEL | SEND_MESSAGES | ADD_REACTIONS);
        assert_eq!(
            gaps,
            vec![Gap {
                missing: vec!["Create Public Threads", "Send Messages in Threads"],
                effect: "checklists open in the channel itself instead of a thread",
            }]
        );
        assert_eq!(gaps_in_watched_channel(0).len(), 3);
    }

    #[test]
    fn the_invite_asks_for_exactly_these_permissions() {
        assert_eq!(super::REQUIRED, 309_237_763_136);
        let url = super::super::invite_url(42);
        assert!(url.contains("client_id=42"));
        assert!(url.contains("scope=bot+applications.commands"));
        assert!(url.ends_with("permissions=309237763136"));
    }
}
