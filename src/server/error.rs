//! The one error shape of the HTTP API: `{"error": {"code", "message"}}`,
//! with the status taken from the crate's code table
//! ([`crate::error::Code::http_status`]).
//!
//! A 5xx body says only "internal error"; the cause is logged with
//! `tracing`, so a broken index never leaks paths or internals to clients.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::error::{Code, Error};

/// An error on its way to becoming an HTTP response.
#[derive(Debug)]
pub struct AppError(pub Error);

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError(e)
    }
}

/// Shorthand for handler results.
pub type ApiResult<T> = std::result::Result<T, AppError>;

impl AppError {
    /// The status this error is answered with.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.code().http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The `(code, message)` a client sees: internal details are replaced.
    pub fn public(&self) -> (Code, String) {
        let code = self.0.code();
        if code.is_user_error() {
            (code, self.0.to_string())
        } else if code == Code::Unavailable {
            // the cause (node URLs) is logged; the client learns to retry
            (
                code,
                "the search cluster is unavailable; try again shortly".to_string(),
            )
        } else if code == Code::IndexDamaged {
            // the files are logged; the client learns it is not its request
            (
                code,
                "the search index of this server is damaged; its operator has to rebuild it"
                    .to_string(),
            )
        } else {
            (code, "internal error".to_string())
        }
    }
}

/// The JSON body of an error.
pub fn body(code: Code, message: &str) -> serde_json::Value {
    serde_json::json!({ "error": { "code": code.as_str(), "message": message } })
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self.0, "request failed");
        }
        let (code, message) = self.public();
        let mut resp = (status, Json(body(code, &message))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                "www-authenticate",
                HeaderValue::from_static("Bearer realm=\"kartotek\""),
            );
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let e = AppError(Error::Internal("/secret/path exploded".into()));
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(e.public().1, "internal error");
    }

    #[test]
    fn user_errors_keep_their_message_and_status() {
        let e = AppError(Error::param("limit", "must be between 1 and 100"));
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            e.public().1,
            "invalid parameter `limit`: must be between 1 and 100"
        );
    }
}
