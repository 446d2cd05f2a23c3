//! The permissions the bot asks for, as Discord's bit flags.

use serenity::model::Permissions as P;

/// View and read the design channels, post prompts (with embeds and export files), and
/// open and write in checklist threads, and confirm a recorded answer with a ✅ reaction.
/// Nothing else: no mentions, no management.
pub const REQUIRED: P = P::ADD_REACTIONS
    .union(P::VIEW_CHANNEL)
    .union(P::SEND_MESSAGES)
    .union(P::EMBED_LINKS)
    .union(P::ATTACH_FILES)
    .union(P::READ_MESSAGE_HISTORY)
    .union(P::CREATE_PUBLIC_THREADS)
    .union(P::SEND_MESSAGES_IN_THREADS);

/// What the bot cannot do in a watched channel, and what that costs the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Names of the missing permissions, as Discord's settings show them.
    pub missing: Vec<&'static str>,
    pub effect: &'static str,
}

/// What the bot needs in a watched channel, grouped by what breaks without it; most
/// serious first.
const NEEDS: [(P, &str); 3] = [
    (
        P::VIEW_CHANNEL.union(P::SEND_MESSAGES),
        "I can't read or post there, so I stay silent",
    ),
    (
        P::CREATE_PUBLIC_THREADS.union(P::SEND_MESSAGES_IN_THREADS),
        "checklists open in the channel itself instead of a thread",
    ),
    (
        P::ADD_REACTIONS,
        "answers given as replies are recorded without a ✅",
    ),
];

/// The gaps in `perms`, the bot's computed permissions in a channel (role permissions with
/// the channel's overwrites applied). Administrator has every permission.
pub fn gaps_in_watched_channel(perms: P) -> Vec<Gap> {
    if perms.administrator() {
        return Vec::new();
    }
    NEEDS
        .iter()
        .filter(|(needed, _)| !perms.contains(*needed))
        .map(|&(needed, effect)| Gap {
            missing: needed.difference(perms).get_permission_names(),
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
        assert_eq!(gaps_in_watched_channel(P::ADMINISTRATOR), vec![]);
    }

    #[test]
    fn each_missing_permission_is_named_with_its_effect_most_serious_first() {
        let gaps = gaps_in_watched_channel(REQUIRED - P::SEND_MESSAGES - P::ADD_REACTIONS);
        assert_eq!(gaps.len(), 2);
        assert_eq!(gaps[0].missing, vec!["Send Messages"]);
        assert!(gaps[0].effect.contains("stay silent"));
        assert_eq!(gaps[1].missing, vec!["Add Reactions"]);

        let gaps = gaps_in_watched_channel(P::VIEW_CHANNEL | P::SEND_MESSAGES | P::ADD_REACTIONS);
        assert_eq!(
            gaps,
            vec![Gap {
                missing: vec!["Create Public Threads", "Send Messages in Threads"],
                effect: "checklists open in the channel itself instead of a thread",
            }]
        );
        assert_eq!(gaps_in_watched_channel(P::empty()).len(), 3);
    }

    #[test]
    fn the_invite_asks_for_exactly_these_permissions() {
        assert_eq!(super::REQUIRED.bits(), 309_237_763_136);
        let url = super::super::invite_url(42);
        assert!(url.contains("client_id=42"));
        assert!(url.contains("scope=bot+applications.commands"));
        assert!(url.ends_with("permissions=309237763136"));
    }
}
