use serde::{Deserialize, Serialize};
use std::fmt;

/// The error every command returns: a machine-readable [`ErrorCode`] and a message for people.
///
/// Serialized as `{"code": "not_found", "message": "…"}`. The message is already in plain words
/// and never carries a secret (the core redacts tokens before an error reaches this type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

/// The closed set of error codes the UI matches on. Anything the UI does not treat specially is
/// [`ErrorCode::Internal`]; add a code only together with the UI behaviour that needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request was malformed (bad arguments from the UI).
    InvalidInput,
    /// The thing asked for does not exist.
    NotFound,
    /// The account needs a (new) sign-in.
    NeedsLogin,
    /// The service or the network is unavailable; retrying later can help.
    Unavailable,
    /// The IPC layer itself failed (the shell could not be reached or answered nonsense).
    Ipc,
    /// Anything else; the message says what.
    Internal,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI and any script reading the shell's errors depend on this exact shape.
    #[test]
    fn error_json_shape_is_pinned() {
        let err = IpcError::new(ErrorCode::NeedsLogin, "请重新登录 / please sign in again");
        insta::assert_snapshot!(
            serde_json::to_string(&err).expect("serializes"),
            @r#"{"code":"needs_login","message":"请重新登录 / please sign in again"}"#
        );
    }

    #[test]
    fn every_code_round_trips_in_snake_case() {
        let codes = [
            (ErrorCode::InvalidInput, "invalid_input"),
            (ErrorCode::NotFound, "not_found"),
            (ErrorCode::NeedsLogin, "needs_login"),
            (ErrorCode::Unavailable, "unavailable"),
            (ErrorCode::Ipc, "ipc"),
            (ErrorCode::Internal, "internal"),
        ];
        for (code, name) in codes {
            let json = serde_json::to_string(&code).expect("serializes");
            assert_eq!(json, format!("\"{name}\""));
            let back: ErrorCode = serde_json::from_str(&json).expect("deserializes");
            assert_eq!(back, code);
        }
    }

    #[test]
    fn unknown_code_is_rejected() {
        let res = serde_json::from_str::<IpcError>(r#"{"code":"teapot","message":"x"}"#);
        assert!(res.is_err());
    }
}
