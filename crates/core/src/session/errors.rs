//! Each core error as the one error the window sees: an [`ErrorCode`] the UI words in its own
//! language, and the core's message (English, safe to show: no secret is ever in it) as
//! detail. Handlers use `?`.

use orrery_ipc::{ErrorCode, IpcError};
use zsxq::ApiError;

use super::SessionError;
use crate::account::AccountError;
use crate::media::MediaError;
use crate::reader::ReaderError;
use crate::search::SearchError;
use crate::store::StoreError;

impl From<StoreError> for IpcError {
    fn from(err: StoreError) -> Self {
        IpcError::new(ErrorCode::Internal, err.to_string())
    }
}

impl From<ReaderError> for IpcError {
    fn from(err: ReaderError) -> Self {
        match err {
            ReaderError::BadId(_) => IpcError::new(ErrorCode::InvalidInput, err.to_string()),
            ReaderError::Store(err) => err.into(),
        }
    }
}

impl From<SearchError> for IpcError {
    fn from(err: SearchError) -> Self {
        let code = match &err {
            SearchError::Query(_) => ErrorCode::InvalidInput,
            SearchError::NotBuilt | SearchError::Locked => ErrorCode::Unavailable,
            _ => ErrorCode::Internal,
        };
        IpcError::new(code, err.to_string())
    }
}

impl From<MediaError> for IpcError {
    fn from(err: MediaError) -> Self {
        let code = match &err {
            MediaError::Unknown { .. } => ErrorCode::NotFound,
            MediaError::Api(api) => api_code(api),
            MediaError::Store(_) | MediaError::Save { .. } => ErrorCode::Internal,
        };
        IpcError::new(code, err.to_string())
    }
}

impl From<AccountError> for IpcError {
    fn from(err: AccountError) -> Self {
        IpcError::from(&err)
    }
}

impl From<&AccountError> for IpcError {
    fn from(err: &AccountError) -> Self {
        let code = match err {
            AccountError::InvalidToken(_) | AccountError::TokenRejected => ErrorCode::InvalidInput,
            AccountError::NotSignedIn => ErrorCode::NeedsLogin,
            AccountError::Service(api) => api_code(api),
            _ => ErrorCode::Internal,
        };
        IpcError::new(code, err.to_string())
    }
}

/// A session that could not be opened: every command answers this until the next switch.
impl From<&SessionError> for IpcError {
    fn from(err: &SessionError) -> Self {
        match err {
            SessionError::Account(err) => err.into(),
            SessionError::NotSignedIn => IpcError::new(ErrorCode::NeedsLogin, err.to_string()),
            _ => IpcError::new(ErrorCode::Unavailable, err.to_string()),
        }
    }
}

fn api_code(err: &ApiError) -> ErrorCode {
    match err {
        ApiError::Unauthorized => ErrorCode::NeedsLogin,
        _ => ErrorCode::Unavailable,
    }
}

impl From<crate::export::ExportError> for IpcError {
    fn from(err: crate::export::ExportError) -> Self {
        use crate::export::ExportError;
        let code = match &err {
            // The disk said no (full, read-only, gone): the member can do something about it.
            ExportError::Cancelled | ExportError::Write(_) => ErrorCode::Unavailable,
            ExportError::Store(_) | ExportError::Json(_) | ExportError::Epub(_) => {
                ErrorCode::Internal
            }
        };
        IpcError::new(code, err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_token_is_needs_login_only_outside_sign_in() {
        // While signing in, a refused token is the member's input to correct…
        assert_eq!(
            IpcError::from(AccountError::TokenRejected).code,
            ErrorCode::InvalidInput
        );
        // …while a download refused with 401 means the stored token stopped working.
        let err = IpcError::from(MediaError::Api(ApiError::Unauthorized));
        assert_eq!(err.code, ErrorCode::NeedsLogin);
        assert_eq!(
            IpcError::from(&SessionError::NotSignedIn).code,
            ErrorCode::NeedsLogin
        );
    }

    #[test]
    fn bad_ids_and_queries_are_the_callers_to_fix() {
        let err = IpcError::from(ReaderError::BadId("abc".into()));
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("abc"), "{}", err.message);
        assert_eq!(
            IpcError::from(SearchError::NotBuilt).code,
            ErrorCode::Unavailable
        );
        assert_eq!(
            IpcError::from(MediaError::Unknown { what: "file" }).code,
            ErrorCode::NotFound
        );
    }
}
