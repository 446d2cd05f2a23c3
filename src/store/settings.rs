//! Table `guild_settings`.

use super::{Result, Store, StoreError, id, parse_json, ts, uid};
use crate::export::github::Repo;
use crate::guild::GuildSettings;
use crate::ids::GuildId;
use crate::plan::select::Depth;
use chrono::Utc;

type Row = (
    Option<f64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    String,
    Option<String>,
    Option<String>,
);

/// A row of every server's settings: the server, then [`Row`]'s columns.
type WithId = (
    i64,
    Option<f64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    String,
    Option<String>,
    Option<String>,
);

macro_rules! columns {
    () => {
        "threshold, window_messages, window_minutes, cooldown_minutes, use_threads, disabled_packs, depth, github_repo"
    };
}

fn to_settings(
    (threshold, wm, wmin, cd, threads, disabled, depth, repo): Row,
) -> Result<GuildSettings> {
    let github_repo = repo
        .map(|r| {
            Repo::parse(&r).map_err(|detail| StoreError::Corrupt {
                table: "guild_settings",
                column: "github_repo",
                detail,
            })
        })
        .transpose()?;
    Ok(GuildSettings {
        threshold: threshold.map(|t| t as f32),
        window_messages: wm.map(|v| v.max(1) as usize),
        window_minutes: wmin,
        cooldown_minutes: cd,
        use_threads: threads != 0,
        disabled_packs: parse_json("guild_settings", "disabled_packs", &disabled)?,
        depth: depth.as_deref().and_then(Depth::parse),
        github_repo,
    })
}

impl Store {
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn guild_settings(&self, guild: GuildId) -> Result<GuildSettings> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM guild_settings WHERE guild_id = ?"
        ))
        .bind(id(guild.0))
        .fetch_optional(self.pool())
        .await?;
        row.map_or_else(|| Ok(GuildSettings::new()), to_settings)
    }

    /// The settings of every server that saved some (the service keeps them in memory).
    #[tracing::instrument(skip_all)]
    pub async fn all_guild_settings(&self) -> Result<Vec<(GuildId, GuildSettings)>> {
        let rows: Vec<WithId> = sqlx::query_as(concat!(
            "SELECT guild_id, ",
            columns!(),
            " FROM guild_settings"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(g, a, b, c, d, e, f, h, r)| {
                Ok((GuildId(uid(g)), to_settings((a, b, c, d, e, f, h, r))?))
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn save_guild_settings(&self, guild: GuildId, s: &GuildSettings) -> Result<()> {
        let disabled =
            serde_json::to_string(&s.disabled_packs).expect("a set of strings serialises");
        sqlx::query(
            "INSERT INTO guild_settings
                (guild_id, threshold, window_messages, window_minutes, cooldown_minutes, use_threads, disabled_packs, updated_at, depth, github_repo)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (guild_id) DO UPDATE SET
                threshold = excluded.threshold, window_messages = excluded.window_messages,
                window_minutes = excluded.window_minutes, cooldown_minutes = excluded.cooldown_minutes,
                use_threads = excluded.use_threads, disabled_packs = excluded.disabled_packs,
                updated_at = excluded.updated_at, depth = excluded.depth,
                github_repo = excluded.github_repo",
        )
        .bind(id(guild.0))
        .bind(s.threshold.map(f64::from))
        .bind(s.window_messages.map(|v| v as i64))
        .bind(s.window_minutes)
        .bind(s.cooldown_minutes)
        .bind(s.use_threads as i64)
        .bind(disabled)
        .bind(ts(Utc::now()))
        .bind(s.depth.map(|d| d.as_str()))
        .bind(s.github_repo.as_ref().map(|r| r.to_string()))
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::fresh;
    use super::*;

    #[tokio::test]
    async fn settings_default_until_saved_and_round_trip() {
        let (store, _dir) = fresh().await;
        assert_eq!(
            store.guild_settings(GuildId(1)).await.unwrap(),
            GuildSettings::new()
        );
        let s = GuildSettings {
            threshold: Some(4.5),
            window_messages: Some(5),
            window_minutes: Some(10),
            cooldown_minutes: Some(30),
            use_threads: false,
            disabled_packs: ["social".to_string()].into(),
            depth: Some(crate::plan::select::Depth::Quick),
            github_repo: Some(Repo::parse("octo-org/backend").unwrap()),
        };
        store.save_guild_settings(GuildId(1), &s).await.unwrap();
        assert_eq!(store.guild_settings(GuildId(1)).await.unwrap(), s);
        assert_eq!(
            store.guild_settings(GuildId(2)).await.unwrap(),
            GuildSettings::new()
        );
        assert_eq!(
            store.all_guild_settings().await.unwrap(),
            vec![(GuildId(1), s)]
        );
    }
}
