//! The framework serenity hands every event to: poise for commands, buttons and forms;
//! messages straight to the inbox. poise has no use for a message (plancheck has no
//! prefix commands), yet its dispatch of one is built, copied and run for every message:
//! a large share of a message's cost under load.

use super::{Data, Error};
use serenity::all as sy;

pub(super) struct Framework {
    poise: poise::Framework<Data, Error>,
}

impl Framework {
    pub(super) fn new(poise: poise::Framework<Data, Error>) -> Framework {
        Framework { poise }
    }
}

#[serenity::async_trait]
impl sy::Framework for Framework {
    async fn init(&mut self, client: &sy::Client) {
        self.poise.init(client).await;
    }

    async fn dispatch(&self, ctx: sy::Context, event: sy::FullEvent) {
        match &event {
            // Taken by the inbox's listener already, unless it was not listening yet
            // (see `inbox`); counted like every other event. Waits for set-up as poise does.
            sy::FullEvent::Message { new_message } => {
                let data = self.poise.user_data().await;
                data.service.metrics().event(event.snake_case_name());
                data.inbox.receive(new_message);
            }
            _ => self.poise.dispatch(ctx, event).await,
        }
    }
}
