//! The frames a worker answers with (see [`super::worker`] for the protocol): a tag byte, a
//! `u32` LE length and a payload. [`stage`] sends the reader's current stage from wherever
//! the reading is (the extract stage, the PDF reader), which is why the frames live apart
//! from the worker that runs them.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Frame tag: the reader's current stage.
pub(crate) const FRAME_STAGE: u8 = b'S';
/// Frame tag: the result, ending a request.
pub(crate) const FRAME_RESULT: u8 = b'R';

/// Largest stage text sent.
const MAX_STAGE: usize = 200;

/// True in a worker process: [`stage`] then reports to the supervisor.
static IN_WORKER: AtomicBool = AtomicBool::new(false);

/// Makes [`stage`] report: called once when the process becomes a worker.
pub(super) fn report_stages() {
    IN_WORKER.store(true, Ordering::Relaxed);
}

/// Tell the supervisor what the reader is doing now (`reading page 3`), so a
/// crash or a timeout can say where it happened. A no-op outside a worker.
pub fn stage(what: std::fmt::Arguments<'_>) {
    if !IN_WORKER.load(Ordering::Relaxed) {
        return;
    }
    let mut text = what.to_string();
    if text.len() > MAX_STAGE {
        let mut cut = MAX_STAGE;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    let mut out = io::stdout().lock();
    let _ = write_frame(&mut out, FRAME_STAGE, text.as_bytes()).and_then(|_| out.flush());
}

/// Write one answer frame.
pub(crate) fn write_frame(out: &mut impl Write, tag: u8, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "frame too large"))?;
    out.write_all(&[tag])?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(payload)
}

/// Read one answer frame; `None` at a clean end of stream.
pub(crate) fn read_frame(input: &mut impl Read, max_len: u32) -> io::Result<Option<(u8, Vec<u8>)>> {
    let mut tag = [0u8; 1];
    match input.read_exact(&mut tag) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len);
    if len > max_len {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes is over the limit"),
        ));
    }
    let mut payload = vec![0u8; len as usize];
    input.read_exact(&mut payload)?;
    Ok(Some((tag[0], payload)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_oversized_frames_are_refused() {
        let mut buf = Vec::new();
        write_frame(&mut buf, FRAME_STAGE, b"reading page 3").unwrap();
        let mut r = buf.as_slice();
        let (tag, payload) = read_frame(&mut r, 1024).unwrap().unwrap();
        assert_eq!(
            (tag, payload.as_slice()),
            (FRAME_STAGE, &b"reading page 3"[..])
        );
        assert!(read_frame(&mut r, 1024).unwrap().is_none());
        assert!(read_frame(&mut buf.as_slice(), 4).is_err());
    }
}
