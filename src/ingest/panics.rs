//! The text of a caught panic, for the parsers' panics that become a file's error: the
//! extract stage, the worker and the PDF reader's per-page `catch_unwind` all read it here
//! (it lives apart so that none of them imports another for it).

/// The text of a caught panic payload, when it carries one.
pub(crate) fn panic_payload(p: &(dyn std::any::Any + Send)) -> Option<&str> {
    p.downcast_ref::<&str>()
        .copied()
        .or_else(|| p.downcast_ref::<String>().map(String::as_str))
}

/// The message of a caught panic payload.
pub(crate) fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    panic_payload(p).unwrap_or("unknown panic").to_string()
}
