//! What the bot may do in a channel, read from Discord: the server's roles, the bot's
//! member, and the channel's overwrites, combined by serenity. Admin commands use it to
//! say up front why the bot would stay silent somewhere.

use super::permissions::{Gap, gaps_in_watched_channel};
use serenity::all as sy;

/// The server and the bot's member, fetched once for any number of channels.
pub(crate) struct BotAccess {
    guild: sy::PartialGuild,
    member: sy::Member,
}

impl BotAccess {
    pub(crate) async fn fetch(
        http: &sy::Http,
        guild: sy::GuildId,
        bot: sy::UserId,
    ) -> Result<BotAccess, sy::Error> {
        let (guild, member) = tokio::try_join!(http.get_guild(guild), http.get_member(guild, bot))?;
        Ok(BotAccess { guild, member })
    }

    /// The gaps in the bot's permissions in `channel`.
    pub(crate) async fn gaps_in(
        &self,
        http: &sy::Http,
        channel: sy::ChannelId,
    ) -> Result<Vec<Gap>, sy::Error> {
        let channel = match http.get_channel(channel).await? {
            sy::Channel::Guild(c) => c,
            _ => return Err(sy::Error::Other("not a server channel")),
        };
        let perms = self.guild.user_permissions_in(&channel, &self.member);
        Ok(gaps_in_watched_channel(perms))
    }
}

/// The gaps in one channel, or why they could not be read.
pub(crate) async fn gaps_in(
    http: &sy::Http,
    guild: sy::GuildId,
    channel: sy::ChannelId,
    bot: sy::UserId,
) -> Result<Vec<Gap>, sy::Error> {
    BotAccess::fetch(http, guild, bot)
        .await?
        .gaps_in(http, channel)
        .await
}
