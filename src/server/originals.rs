//! The original files of uploads, kept so people can download what they uploaded
//! from the document page (`/documents/{id}/original`).
//!
//! Uploads exist nowhere else: a crawled or ingested document has its URL or path,
//! the built-in corpus is in the binary, but an upload's bytes would be gone once its
//! text is indexed. An index on disk keeps them in its `originals/` folder, one file
//! per document id (tantivy leaves sub-folders alone); an index in memory keeps none.
//! A delete through the API removes the file too. Served as an attachment, sandboxed,
//! with the content type sniffed from the bytes (never the uploader's word).

use std::path::{Path as FsPath, PathBuf};

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

use super::api;
use super::error::ApiResult;
use super::{bytes_response, AppState};
use crate::error::{Error, Result};
use crate::index::Index;
use crate::ingest::sniff::{sniff, Sniffed};

/// The folder of an index's originals (`None` for an index in memory, and
/// on OpenSearch, `index` being `None`: originals are kept beside the
/// embedded index only).
pub(crate) fn folder(index: Option<&Index>) -> Option<PathBuf> {
    index?.path().map(|p| p.join("originals"))
}

/// Where the original of document `id` is kept; `None` for an implausible id.
fn file(dir: &FsPath, id: &str) -> Option<PathBuf> {
    let plausible =
        !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric());
    plausible.then(|| dir.join(id))
}

/// Keep the bytes of document `id`.
pub(crate) fn save(index: Option<&Index>, id: &str, bytes: &[u8]) -> Result<()> {
    let Some(dir) = folder(index) else {
        return Ok(());
    };
    let Some(path) = file(&dir, id) else {
        return Ok(());
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let tmp = dir.join(format!(".{id}.part"));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
}

/// Forget the bytes of document `id` (nothing to do when none are kept).
pub(crate) fn remove(index: Option<&Index>, id: &str) {
    if let Some(path) = folder(index).and_then(|d| file(&d, id)) {
        let _ = std::fs::remove_file(path);
    }
}

/// True when the original of document `id` is kept.
pub(crate) fn held(index: Option<&Index>, id: &str) -> bool {
    folder(index)
        .and_then(|d| file(&d, id))
        .is_some_and(|p| p.is_file())
}

/// `GET /documents/{id}/original`: the uploaded file, as an attachment.
pub(crate) async fn original(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: std::result::Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let id = api::segment(id, "id")?;
    let pairs = api::pairs(raw.as_deref(), &state.config)?;
    if let Some((k, _)) = pairs.iter().find(|(k, _)| k != "key") {
        let shown: String = k.chars().filter(|c| !c.is_control()).take(40).collect();
        return Err(Error::param(&shown, "is not a known parameter; use key").into());
    }
    let key = pairs.into_iter().find(|(k, _)| k == "key").map(|(_, v)| v);
    state.authorize_read(&headers, key.as_deref())?;
    let not_kept = || {
        Error::NotFound(format!(
            "the original of document `{}`",
            id.chars().take(64).collect::<String>()
        ))
    };
    let searcher = state.searcher.clone();
    let lookup = id.clone();
    let found = state
        .blocking(move || -> Result<Option<(Vec<u8>, String)>> {
            let Some(path) = folder(searcher.embedded()).and_then(|d| file(&d, &lookup)) else {
                return Ok(None);
            };
            let Some(doc) = searcher.store().document(&lookup)? else {
                return Ok(None);
            };
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let name = doc
                        .source
                        .strip_prefix("upload:")
                        .unwrap_or("original")
                        .to_string();
                    Ok(Some((bytes, name)))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Error::io(&path, e)),
            }
        })
        .await?;
    let (bytes, name) = found.ok_or_else(not_kept)?;
    let content_type = match sniff(&bytes) {
        Sniffed::Known(format) => format.content_type(),
        _ => "application/octet-stream",
    };
    let mut resp = bytes_response(content_type, bytes, "private, max-age=60");
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_name_a_file() {
        let dir = FsPath::new("/idx/originals");
        assert_eq!(
            file(dir, "0123abcd0123abcd"),
            Some(dir.join("0123abcd0123abcd"))
        );
        assert_eq!(file(dir, "../etc"), None);
        assert_eq!(file(dir, ""), None);
        assert_eq!(file(dir, ".part"), None);
    }
}
