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
}

pub type Result<T> = std::result::Result<T, Error>;
