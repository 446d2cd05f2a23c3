//! Two error tiers: a user mistake (shown to the user as is) and an internal failure
//! (logged with its cause; the user sees a generic apology with an id).

use crate::plan::PlanError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user can fix; the message is written for them.
    #[error("{0}")]
    User(String),
    /// Something went wrong inside; never shown in detail.
    #[error(transparent)]
    Internal(#[from] StoreError),
    /// A button or form used where it does not belong (another server or channel): shown
    /// to the user as is, and logged, since it may be forged.
    #[error("{0}")]
    Refused(String),
    /// A bug (a panic) caught at a boundary; the state it touched was reset.
    #[error("internal fault: {0}")]
    Fault(String),
    /// Discord (or another service) refused or failed a request: logged with its cause;
    /// the user is told what could not be done, with a reference to quote.
    #[error("cannot {doing}: {cause}")]
    Transport { doing: String, cause: String },
}

impl From<PlanError> for Error {
    fn from(e: PlanError) -> Self {
        Error::User(e.to_string())
    }
}

impl Error {
    pub fn user(msg: impl Into<String>) -> Error {
        Error::User(msg.into())
    }

    /// A failed request to another service while trying to `doing` ("post the checklist").
    pub fn transport(doing: &str, cause: impl std::fmt::Display) -> Error {
        Error::Transport {
            doing: doing.to_string(),
            cause: cause.to_string(),
        }
    }

    /// What a user is told of a failure that is not theirs: never the cause (it is
    /// logged under `reference`), only what could not be done and the reference.
    pub fn apology(&self, reference: u64) -> String {
        match self {
            Error::Transport { doing, .. } => format!(
                "Sorry, I could not {doing} (ref {reference}); what was already saved stays saved."
            ),
            _ => format!("Sorry, something went wrong (ref {reference})."),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_apology_names_what_failed_and_the_reference_but_never_the_cause() {
        let e = Error::transport(
            "post the checklist",
            "HTTP 500 from https://discord.com/api?token=x",
        );
        let text = e.apology(42);
        assert!(text.contains("post the checklist"), "{text}");
        assert!(text.contains("ref 42"), "{text}");
        assert!(!text.contains("500") && !text.contains("token"), "{text}");
        assert!(
            e.to_string().contains("HTTP 500"),
            "the log keeps the cause"
        );
        let other = Error::Fault("boom".into()).apology(7);
        assert_eq!(other, "Sorry, something went wrong (ref 7).");
    }
}
