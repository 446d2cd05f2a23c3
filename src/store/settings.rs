//! Table `guild_settings`.

use super::{Result, Store, StoreError, id, parse_json, ts, uid};
use crate::export::github::Repo;
use crate::guild::GuildSettings;
use crate::ids::GuildId;
use crate::plan::remind::Setting;
use crate::plan::select::Depth;
use chrono::Utc;

/// A `guild_settings` row as stored (`guild_id` only when every server is read).
#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(default)]
    guild_id: i64,
    threshold: Option<f64>,
    window_messages: Option<i64>,
    window_minutes: Option<i64>,
    cooldown_minutes: Option<i64>,
    use_threads: i64,
    disabled_packs: String,
    depth: Option<String>,
    reminders: Option<String>,
    github_repo: Option<String>,
}

macro_rules! columns {
    () => {
        "threshold, window_messages, window_minutes, cooldown_minutes, use_threads, disabled_packs, depth, reminders, github_repo"
    };
}

fn corrupt(column: &'static str) -> impl Fn(String) -> StoreError {
    move |detail| StoreError::Corrupt {
        table: "guild_settings",
        column,
        detail,
    }
}

fn to_settings(r: Row) -> Result<GuildSettings> {
    let reminders = match r.reminders {
        None => Setting::Default,
        Some(v) => v.parse().map_err(corrupt("reminders"))?,
    };
    let github_repo = r
        .github_repo
        .map(|v| Repo::parse(&v).map_err(corrupt("github_repo")))
        .transpose()?;
    Ok(GuildSettings {
        threshold: r.threshold.map(|t| t as f32),
        window_messages: r.window_messages.map(|v| v.max(1) as usize),
        window_minutes: r.window_minutes,
        cooldown_minutes: r.cooldown_minutes,
        use_threads: r.use_threads != 0,
        disabled_packs: parse_json("guild_settings", "disabled_packs", &r.disabled_packs)?,
        depth: r.depth.as_deref().and_then(Depth::parse),
        reminders,
        github_repo,
    })
}

impl Store {
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn guild_settings(&self, guild: GuildId) -> Result<GuildSettings> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM guild_settings WHERE guild_id = $1"
        ))
        .bind(id(guild.0))
        .fetch_optional(self.pool())
        .await?;
        row.map_or_else(|| Ok(GuildSettings::new()), to_settings)
    }

    /// The settings of every server that saved some (the service keeps them in memory).
    #[tracing::instrument(skip_all)]
    pub async fn all_guild_settings(&self) -> Result<Vec<(GuildId, GuildSettings)>> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT guild_id, ",
            columns!(),
            " FROM guild_settings"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| Ok((GuildId(uid(r.guild_id)), to_settings(r)?)))
            .collect()
    }

    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn save_guild_settings(&self, guild: GuildId, s: &GuildSettings) -> Result<()> {
        let disabled =
            serde_json::to_string(&s.disabled_packs).expect("a set of strings serialises");
        sqlx::query(
            "INSERT INTO guild_settings
                (guild_id, threshold, window_messages, window_minutes, cooldown_minutes, use_threads, disabled_packs, updated_at, depth, reminders, github_repo)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (guild_id) DO UPDATE SET
                threshold = excluded.threshold, window_messages = excluded.window_messages,
                window_minutes = excluded.window_minutes, cooldown_minutes = excluded.cooldown_minutes,
                use_threads = excluded.use_threads, disabled_packs = excluded.disabled_packs,
                updated_at = excluded.updated_at, depth = excluded.depth,
                reminders = excluded.reminders, github_repo = excluded.github_repo",
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
        .bind((s.reminders != Setting::Default).then(|| s.reminders.to_string()))
        .bind(s.github_repo.as_ref().map(|r| r.to_string()))
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{Backend, on_both_backends};

    on_both_backends!(settings_default_until_saved_and_round_trip,);

    async fn settings_default_until_saved_and_round_trip(backend: Backend) {
        let (store, _db) = backend.fresh().await;
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
            reminders: Setting::After("36h".parse().unwrap()),
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
            vec![(GuildId(1), s.clone())]
        );
        let off = GuildSettings {
            reminders: Setting::Off,
            ..s
        };
        store.save_guild_settings(GuildId(1), &off).await.unwrap();
        assert_eq!(store.guild_settings(GuildId(1)).await.unwrap(), off);
    }
}
