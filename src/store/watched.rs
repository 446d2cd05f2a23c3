//! Table `watched_channels`.

use super::{Result, Store, id, parse_ts, ts, uid};
use crate::ids::{ChannelId, GuildId, UserId};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct WatchedChannel {
    pub guild: GuildId,
    pub channel: ChannelId,
    pub muted_until: Option<DateTime<Utc>>,
}

impl Store {
    /// Starts watching; returns false when it was already watched.
    #[tracing::instrument(skip_all, fields(channel = %channel))]
    pub async fn watch(
        &self,
        guild: GuildId,
        channel: ChannelId,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let r = sqlx::query(
            "INSERT INTO watched_channels (channel_id, guild_id, added_by, added_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (channel_id) DO NOTHING",
        )
        .bind(id(channel.0))
        .bind(id(guild.0))
        .bind(id(by.0))
        .bind(ts(at))
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Stops watching; returns false when it was not watched.
    #[tracing::instrument(skip_all, fields(channel = %channel))]
    pub async fn unwatch(&self, guild: GuildId, channel: ChannelId) -> Result<bool> {
        let r = sqlx::query("DELETE FROM watched_channels WHERE channel_id = $1 AND guild_id = $2")
            .bind(id(channel.0))
            .bind(id(guild.0))
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    pub async fn watched(&self, channel: ChannelId) -> Result<Option<WatchedChannel>> {
        let row: Option<WatchedRow> = sqlx::query_as(
            "SELECT guild_id, channel_id, muted_until FROM watched_channels WHERE channel_id = $1",
        )
        .bind(id(channel.0))
        .fetch_optional(self.pool())
        .await?;
        row.map(to_watched).transpose()
    }

    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn watched_in(&self, guild: GuildId) -> Result<Vec<WatchedChannel>> {
        let rows: Vec<WatchedRow> = sqlx::query_as(
            "SELECT guild_id, channel_id, muted_until FROM watched_channels WHERE guild_id = $1 ORDER BY added_at, channel_id",
        )
        .bind(id(guild.0))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(to_watched).collect()
    }

    /// Every watched channel (the service keeps them in memory).
    #[tracing::instrument(skip_all)]
    pub async fn all_watched(&self) -> Result<Vec<WatchedChannel>> {
        let rows: Vec<WatchedRow> =
            sqlx::query_as("SELECT guild_id, channel_id, muted_until FROM watched_channels")
                .fetch_all(self.pool())
                .await?;
        rows.into_iter().map(to_watched).collect()
    }

    /// Mutes a watched channel until `until`; returns false when it is not watched.
    #[tracing::instrument(skip_all, fields(channel = %channel))]
    pub async fn mute(&self, channel: ChannelId, until: DateTime<Utc>) -> Result<bool> {
        let r = sqlx::query("UPDATE watched_channels SET muted_until = $1 WHERE channel_id = $2")
            .bind(ts(until))
            .bind(id(channel.0))
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() == 1)
    }
}

/// A `watched_channels` row as stored.
#[derive(sqlx::FromRow)]
struct WatchedRow {
    guild_id: i64,
    channel_id: i64,
    muted_until: Option<String>,
}

fn to_watched(row: WatchedRow) -> Result<WatchedChannel> {
    Ok(WatchedChannel {
        guild: GuildId(uid(row.guild_id)),
        channel: ChannelId(uid(row.channel_id)),
        muted_until: row
            .muted_until
            .map(|m| parse_ts("watched_channels", "muted_until", &m))
            .transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{Backend, on_both_backends};

    on_both_backends!(watch_is_idempotent_and_unwatch_removes,);

    async fn watch_is_idempotent_and_unwatch_removes(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let now = Utc::now();
        assert!(
            store
                .watch(GuildId(1), ChannelId(5), UserId(9), now)
                .await
                .unwrap()
        );
        assert!(
            !store
                .watch(GuildId(1), ChannelId(5), UserId(9), now)
                .await
                .unwrap()
        );
        assert_eq!(store.watched_in(GuildId(1)).await.unwrap().len(), 1);
        store
            .watch(GuildId(2), ChannelId(6), UserId(9), now)
            .await
            .unwrap();
        let mut all = store.all_watched().await.unwrap();
        all.sort_by_key(|w| w.channel.0);
        let channels: Vec<_> = all.iter().map(|w| (w.guild, w.channel)).collect();
        assert_eq!(
            channels,
            vec![(GuildId(1), ChannelId(5)), (GuildId(2), ChannelId(6))]
        );
        assert!(store.watched(ChannelId(5)).await.unwrap().is_some());
        assert!(store.mute(ChannelId(5), now).await.unwrap());
        let w = store.watched(ChannelId(5)).await.unwrap().unwrap();
        assert_eq!(
            w.muted_until.unwrap().timestamp_millis(),
            now.timestamp_millis()
        );
        assert!(
            !store.unwatch(GuildId(2), ChannelId(5)).await.unwrap(),
            "another server cannot unwatch it"
        );
        assert!(store.unwatch(GuildId(1), ChannelId(5)).await.unwrap());
        assert!(store.watched(ChannelId(5)).await.unwrap().is_none());
        assert!(!store.mute(ChannelId(5), now).await.unwrap());
    }
}
