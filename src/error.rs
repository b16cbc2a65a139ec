//! One error type for the whole crate, and the table that maps each error to
//! a stable snake_case code, an HTTP status and a process exit code.
//!
//! User errors (bad input, bad parameters, a broken file) are kept apart from
//! internal ones: an internal error's details are logged, never shown.

use std::fmt;
use std::path::PathBuf;

/// Convenience alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why one source (file or URL) could not be turned into a document.
///
/// These never stop a batch: they are reported with the source's name,
/// counted, and the run goes on.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ExtractError {
    /// The bytes are no format Kartotek reads.
    #[error("unsupported format ({0})")]
    Unsupported(String),
    /// No text at all.
    #[error("the file is empty")]
    Empty,
    /// The source holds no extractable text (e.g. only whitespace).
    #[error("no text could be extracted")]
    NoText,
    /// Encrypted with a password we do not have.
    #[error("the PDF is encrypted with a password\nhint: remove the password (e.g. `qpdf --decrypt`) and ingest it again")]
    Encrypted,
    /// A scan without a text layer.
    #[error("the PDF has no text layer ({0} image-only pages)\nhint: run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and ingest the result")]
    ImageOnly(usize),
    /// A PDF that draws no text on any page, with OCR off: blank, or its
    /// letters drawn as shapes (outlined for print) or in fonts the reader
    /// cannot follow.
    #[error("the PDF draws no text on any of its {0} pages (blank, its letters drawn as shapes, or in fonts that name no characters)\nhint: ingest it with --ocr auto (the default) to read what its pages show by OCR")]
    NoTextDrawn(usize),
    /// A PDF whose text is mostly characters its fonts do not map to
    /// Unicode, with OCR off.
    #[error("the PDF's fonts have no Unicode mapping ({percent}% of its characters are unreadable)\nhint: ingest it with --ocr auto (the default) to read what its pages show by OCR, or re-export it with embedded Unicode fonts")]
    UnmappedFonts {
        /// Its number of pages.
        pages: usize,
        /// Share of its characters that are unreadable, in percent.
        percent: u32,
    },
    /// A scanned image (TIFF, PNG, JPEG), whose text only OCR reads, with
    /// OCR off.
    #[error("a scanned image ({}) whose text only OCR reads, and OCR is off\nhint: ingest it with --ocr auto (the default)", .0.as_str())]
    ScannedImage(crate::document::Format),
    /// OCR is needed and cannot run: Tesseract, poppler or a language's
    /// data is not installed (the message says which, and what to install).
    #[error("{0}")]
    OcrUnavailable(String),
    /// Broken or truncated file.
    #[error("the file is damaged: {0}")]
    Malformed(String),
    /// Larger than the configured limit.
    #[error("the file is too large ({size} bytes; the limit is {limit} bytes)")]
    TooLarge {
        /// Size seen.
        size: u64,
        /// Configured limit.
        limit: u64,
    },
    /// Extraction ran out of time; the worker reading it was stopped.
    #[error("extraction took longer than {seconds} seconds{} and was stopped\nhint: raise --file-timeout if the file is genuine and large", while_(.stage))]
    Timeout {
        /// The configured deadline.
        seconds: u64,
        /// What the reader was doing when time ran out (`reading page 3`), if known.
        stage: Option<String>,
    },
    /// Reading the file needed more memory than a worker may use.
    #[error("reading it needed more than the {limit_mb} MB a worker may use{}\nhint: raise --worker-memory-mb if the file is genuine", while_(.stage))]
    MemoryExceeded {
        /// The worker's memory limit in MB.
        limit_mb: u64,
        /// What the reader was doing, if known.
        stage: Option<String>,
    },
    /// A third-party parser panicked or its worker process died; reported as this file's error.
    #[error("the parser crashed on this file: {0}")]
    ParserCrashed(String),
    /// Reading the file failed.
    #[error("cannot read it: {0}")]
    Io(String),
    /// Fetching a URL failed.
    #[error("cannot fetch it: {0}")]
    Fetch(String),
}

/// The first few damaged files of an index, and how many more.
fn damaged_files(files: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut s = files
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if files.len() > SHOWN {
        s.push_str(&format!(" (and {} more)", files.len() - SHOWN));
    }
    s
}

/// ` while reading page 3`, or nothing.
fn while_(stage: &Option<String>) -> String {
    match stage {
        Some(s) if !s.is_empty() => format!(" while {s}"),
        _ => String::new(),
    }
}

/// Every error Kartotek reports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Wrong command-line usage or configuration.
    #[error("{0}")]
    Usage(String),
    /// A request parameter is invalid; `name` is the parameter.
    #[error("invalid parameter `{name}`: {message}")]
    InvalidParameter {
        /// Parameter name as the user wrote it.
        name: String,
        /// What is wrong and what would be right.
        message: String,
    },
    /// No such document or resource.
    #[error("{0} not found")]
    NotFound(String),
    /// Credentials missing.
    #[error("missing or malformed `Authorization: Bearer <key>` header")]
    Unauthorized,
    /// Credentials wrong or action not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Request body too large.
    #[error("the request body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    /// One source failed; carries its display name.
    #[error("{source_name}: {reason}")]
    Extract {
        /// Path or URL as the user gave it.
        source_name: String,
        /// Why it failed.
        reason: ExtractError,
    },
    /// The taxonomy files are invalid.
    #[error("taxonomy: {0}")]
    Taxonomy(String),
    /// Filesystem error on a path we manage (index, config).
    #[error("cannot use `{path}`: {source}")]
    Io {
        /// Path concerned.
        path: PathBuf,
        /// Underlying cause.
        source: std::io::Error,
    },
    /// The index cannot be opened or written.
    #[error("index error: {0}\nhint: check that the index folder is complete and readable; an index written by another version of Kartotek has to be rebuilt (delete the folder and ingest again)")]
    Index(#[from] tantivy::TantivyError),
    /// Files of the index are missing or fail their checksums (bytes changed
    /// on disk, a copy cut short): searching it could only fail.
    #[error("the index `{}` is damaged: {}\nhint: an index cannot be mended in place; move the folder aside and run `kartotek ingest` on the documents again (`kartotek serve` indexes the built-in corpus into an empty folder)", path.display(), damaged_files(.files))]
    IndexDamaged {
        /// The index folder.
        path: PathBuf,
        /// What is wrong with which file (`a1b2….term fails its checksum`).
        files: Vec<String>,
    },
    /// The search cluster cannot be reached or cannot answer now.
    #[error("the search cluster is unavailable: {0}\nhint: check that OpenSearch runs and that --opensearch-url names its nodes; Kartotek retries on the next request")]
    Unavailable(String),
    /// Anything else: a bug or an environment problem. Details are logged.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Stable codes, one per kind of error: the table API clients and scripts rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// `usage_error`: 400, exit 2.
    UsageError,
    /// `invalid_parameter`: 400, exit 2.
    InvalidParameter,
    /// `not_found`: 404, exit 1.
    NotFound,
    /// `unauthorized`: 401, exit 2.
    Unauthorized,
    /// `forbidden`: 403, exit 2.
    Forbidden,
    /// `payload_too_large`: 413, exit 1.
    PayloadTooLarge,
    /// `extract_failed`: 422, exit 1.
    ExtractFailed,
    /// `invalid_taxonomy`: 500 (operator error), exit 2.
    InvalidTaxonomy,
    /// `io_error`: 500, exit 1.
    IoError,
    /// `index_error`: 500, exit 1.
    IndexError,
    /// `internal`: 500, exit 1.
    Internal,
    /// `bad_request`: 400, the request is not valid HTTP (the server's transport says so).
    BadRequest,
    /// `method_not_allowed`: 405.
    MethodNotAllowed,
    /// `uri_too_long`: 414.
    UriTooLong,
    /// `headers_too_large`: 431.
    HeadersTooLarge,
    /// `timeout`: 503, the request took longer than the server allows.
    Timeout,
    /// `unavailable`: 503, exit 1: the search cluster cannot be reached.
    Unavailable,
    /// `index_damaged`: 503, exit 1: files of the index are missing or damaged.
    IndexDamaged,
}

impl Code {
    /// The snake_case code used in JSON bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::UsageError => "usage_error",
            Code::InvalidParameter => "invalid_parameter",
            Code::NotFound => "not_found",
            Code::Unauthorized => "unauthorized",
            Code::Forbidden => "forbidden",
            Code::PayloadTooLarge => "payload_too_large",
            Code::ExtractFailed => "extract_failed",
            Code::InvalidTaxonomy => "invalid_taxonomy",
            Code::IoError => "io_error",
            Code::IndexError => "index_error",
            Code::Internal => "internal",
            Code::BadRequest => "bad_request",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::UriTooLong => "uri_too_long",
            Code::HeadersTooLarge => "headers_too_large",
            Code::Timeout => "timeout",
            Code::Unavailable => "unavailable",
            Code::IndexDamaged => "index_damaged",
        }
    }

    /// HTTP status for this code.
    pub fn http_status(self) -> u16 {
        match self {
            Code::UsageError | Code::InvalidParameter | Code::BadRequest => 400,
            Code::MethodNotAllowed => 405,
            Code::UriTooLong => 414,
            Code::HeadersTooLarge => 431,
            Code::Timeout | Code::Unavailable | Code::IndexDamaged => 503,
            Code::Unauthorized => 401,
            Code::Forbidden => 403,
            Code::NotFound => 404,
            Code::PayloadTooLarge => 413,
            Code::ExtractFailed => 422,
            Code::InvalidTaxonomy | Code::IoError | Code::IndexError | Code::Internal => 500,
        }
    }

    /// Process exit code: 2 for usage/configuration errors, 1 otherwise.
    pub fn exit_code(self) -> i32 {
        match self {
            Code::UsageError
            | Code::InvalidParameter
            | Code::Unauthorized
            | Code::Forbidden
            | Code::InvalidTaxonomy => 2,
            _ => 1,
        }
    }

    /// True when the error is the caller's to fix (4xx).
    pub fn is_user_error(self) -> bool {
        self.http_status() < 500
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The error's code in the table.
    pub fn code(&self) -> Code {
        match self {
            Error::Usage(_) => Code::UsageError,
            Error::InvalidParameter { .. } => Code::InvalidParameter,
            Error::NotFound(_) => Code::NotFound,
            Error::Unauthorized => Code::Unauthorized,
            Error::Forbidden(_) => Code::Forbidden,
            Error::PayloadTooLarge(_) => Code::PayloadTooLarge,
            Error::Extract { .. } => Code::ExtractFailed,
            Error::Taxonomy(_) => Code::InvalidTaxonomy,
            Error::Io { .. } => Code::IoError,
            Error::Index(_) => Code::IndexError,
            Error::Unavailable(_) => Code::Unavailable,
            Error::IndexDamaged { .. } => Code::IndexDamaged,
            Error::Internal(_) => Code::Internal,
        }
    }

    /// Shorthand for an invalid request parameter.
    pub fn param(name: &str, message: impl Into<String>) -> Error {
        Error::InvalidParameter {
            name: name.to_string(),
            message: message.into(),
        }
    }

    /// Shorthand for an I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for Error {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        Error::Index(tantivy::TantivyError::from(e))
    }
}

impl From<tantivy::query::QueryParserError> for Error {
    fn from(e: tantivy::query::QueryParserError) -> Self {
        Error::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_maps_to_a_status_and_exit_code() {
        let all = [
            Code::UsageError,
            Code::InvalidParameter,
            Code::NotFound,
            Code::Unauthorized,
            Code::Forbidden,
            Code::PayloadTooLarge,
            Code::ExtractFailed,
            Code::InvalidTaxonomy,
            Code::IoError,
            Code::IndexError,
            Code::Internal,
            Code::BadRequest,
            Code::MethodNotAllowed,
            Code::UriTooLong,
            Code::HeadersTooLarge,
            Code::Timeout,
            Code::Unavailable,
            Code::IndexDamaged,
        ];
        for c in all {
            assert!((400..600).contains(&c.http_status()), "{c}");
            assert!(matches!(c.exit_code(), 1 | 2));
            assert!(c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '_'));
        }
    }

    #[test]
    fn invalid_parameter_message_names_the_parameter() {
        let e = Error::param("limit", "must be a number between 1 and 100");
        assert_eq!(
            e.to_string(),
            "invalid parameter `limit`: must be a number between 1 and 100"
        );
        assert_eq!(e.code().http_status(), 400);
    }
}
