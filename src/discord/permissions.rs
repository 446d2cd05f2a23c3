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

#[cfg(test)]
mod tests {
    #[test]
    fn the_invite_asks_for_exactly_these_permissions() {
        assert_eq!(super::REQUIRED, 309_237_763_136);
        let url = super::super::invite_url(42);
        assert!(url.contains("client_id=42"));
        assert!(url.contains("scope=bot+applications.commands"));
        assert!(url.ends_with("permissions=309237763136"));
    }
}
