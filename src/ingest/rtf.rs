//! Rich Text Format (`.rtf`): what case-handling and archive systems export
//! and Word and LibreOffice still save. Read by a streaming tokenizer of
//! RTF's control words, groups and escapes (no tree, no recursion): the
//! body's text in order, table cells apart by tabs, footnotes after the
//! text; the title (unless it is a file name) and creation date from the
//! `\info` group.
//!
//! Left out: the font, colour, style and list tables, pictures and embedded
//! objects (their `\binN` raw bytes too), field instructions (a link's `HYPERLINK "…"`; its shown text is
//! kept), running headers and footers, shape properties, and text a tracked
//! change deleted (`\deleted`). Bytes escaped as `\'hh` are decoded in the
//! document's code page (`\ansicpgN`, Windows-1252 by default); `\uN`
//! characters replace the fallback that follows them (`\ucN`). Unescaped
//! 8-bit bytes are in that code page too, unless the whole file is valid
//! UTF-8 with some: then they are UTF-8, as generators that write RTF
//! from UTF-8 text leave them (a code page's text seldom forms UTF-8's
//! multi-byte sequences by chance).
//!
//! Bounds: nesting deeper than [`MAX_DEPTH`] is read as text of the group
//! it is in, and no more than [`MAX_TEXT_BYTES`] of text is kept.

use encoding_rs::Encoding;

/// Most nested groups tracked; deeper braces still balance, their content
/// going where their parent's goes.
const MAX_DEPTH: usize = 1_000;

/// Most bytes of text kept (the index keeps less of one document).
const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// What an RTF file holds.
#[derive(Debug, Default)]
pub struct RtfText {
    /// The `\title` of the `\info` group.
    pub title: Option<String>,
    /// `\creatim` as `YYYY-MM-DD`.
    pub created: Option<String>,
    /// The body's text, a line per paragraph, then the footnotes.
    pub text: String,
    /// What could not be read in full.
    pub warnings: Vec<String>,
}

/// Where a group's text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dest {
    Body,
    Note,
    Title,
    Skip,
}

#[derive(Debug, Clone, Copy)]
struct Group {
    dest: Dest,
    /// Characters that stand in for a `\uN` character (`\ucN`).
    uc: usize,
    /// Inside text a tracked change deleted.
    deleted: bool,
    /// The group opened with `\*`: an optional destination, skipped unless
    /// its first control word is one whose text is kept.
    starred: bool,
    /// No control word read yet (the destination word comes first).
    first: bool,
}

/// Destinations whose text is not the document's.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "listtable",
    "listoverridetable",
    "revtbl",
    "rsidtbl",
    "filetbl",
    "pict",
    "object",
    "objdata",
    "fldinst",
    "header",
    "headerl",
    "headerr",
    "headerf",
    "footer",
    "footerl",
    "footerr",
    "footerf",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "generator",
    "xmlnstbl",
    "pgdsctbl",
    "sp",
    "author",
    "operator",
    "subject",
    "keywords",
    "comment",
    "doccomm",
    "company",
    "category",
    "manager",
    "hlinkbase",
    "userprops",
    "bkmkstart",
    "bkmkend",
    "annotation",
    "atnid",
    "atnauthor",
    "nonshppict",
    "template",
    "listtext",
    "pntext",
    "pntxta",
    "pntxtb",
    "mmathpr",
    "ftnsep",
    "ftnsepc",
    "aftnsep",
    "aftnsepc",
];

/// Read the text of an RTF file.
pub fn extract(bytes: &[u8]) -> RtfText {
    let mut r = Reader {
        out: RtfText::default(),
        notes: String::new(),
        title: String::new(),
        stack: vec![Group {
            dest: Dest::Body,
            uc: 1,
            deleted: false,
            starred: false,
            first: true,
        }],
        deep: 0,
        encoding: encoding_rs::WINDOWS_1252,
        literal_utf8: !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok(),
        pending: Vec::new(),
        skip_chars: 0,
        created: [None; 3],
        in_creatim: false,
        full: false,
    };
    r.read(bytes);
    r.flush_bytes();
    if r.stack.len() > 1 || r.deep > 0 {
        r.out
            .warnings
            .push("partly extracted: the file breaks off inside a group".to_string());
    }
    let mut out = r.out;
    if !r.notes.trim().is_empty() {
        out.text.push('\n');
        out.text.push_str(&r.notes);
    }
    // a title property that is a file name (`plan_v2.docx`) is none
    out.title = super::pdf::clean_title(&r.title).filter(|t| t.chars().count() <= 300);
    if let [Some(y), Some(m), Some(d)] = r.created {
        if (1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) {
            out.created = Some(format!("{y:04}-{m:02}-{d:02}"));
        }
    }
    out
}

struct Reader {
    out: RtfText,
    notes: String,
    title: String,
    stack: Vec<Group>,
    /// Groups opened past [`MAX_DEPTH`], not on the stack.
    deep: usize,
    encoding: &'static Encoding,
    /// Unescaped 8-bit bytes are UTF-8, not in [`Reader::encoding`].
    literal_utf8: bool,
    /// `\'hh` bytes not yet decoded (a multi-byte character spans several).
    pending: Vec<u8>,
    /// Fallback characters still to drop after a `\uN`.
    skip_chars: usize,
    /// `\creatim`'s year, month and day.
    created: [Option<i32>; 3],
    in_creatim: bool,
    /// [`MAX_TEXT_BYTES`] reached.
    full: bool,
}

impl Reader {
    fn group(&self) -> Group {
        // the stack always holds the document's group
        self.stack.last().copied().unwrap_or(Group {
            dest: Dest::Body,
            uc: 1,
            deleted: false,
            starred: false,
            first: false,
        })
    }

    fn top(&mut self) -> Option<&mut Group> {
        self.stack.last_mut()
    }

    fn read(&mut self, b: &[u8]) {
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'{' => {
                    self.flush_bytes();
                    self.skip_chars = 0;
                    if self.stack.len() >= MAX_DEPTH {
                        self.deep += 1;
                    } else {
                        let mut g = self.group();
                        g.starred = false;
                        g.first = true;
                        self.stack.push(g);
                    }
                    i += 1;
                }
                b'}' => {
                    self.flush_bytes();
                    self.skip_chars = 0;
                    if self.deep > 0 {
                        self.deep -= 1;
                    } else if self.stack.len() > 1 {
                        let closed = self.stack.pop();
                        if closed.is_some_and(|g| g.dest == Dest::Note)
                            && self.group().dest != Dest::Note
                        {
                            self.notes.push('\n');
                        }
                    }
                    self.in_creatim = false;
                    i += 1;
                }
                b'\\' => i = self.control(b, i + 1),
                b'\r' | b'\n' => i += 1,
                _ => {
                    // a run of plain text up to the next special byte
                    let end = b[i..]
                        .iter()
                        .position(|&x| matches!(x, b'{' | b'}' | b'\\' | b'\r' | b'\n'))
                        .map_or(b.len(), |p| i + p);
                    if self.literal_utf8 {
                        // whole characters: a run ends only at an ASCII byte
                        let run = String::from_utf8_lossy(&b[i..end]);
                        let skip = std::mem::take(&mut self.skip_chars);
                        let rest = match run.char_indices().nth(skip) {
                            Some((at, _)) => &run[at..],
                            None => {
                                self.skip_chars = skip - run.chars().count();
                                ""
                            }
                        };
                        if !rest.is_empty() {
                            self.text(rest);
                        }
                    } else {
                        for &byte in &b[i..end] {
                            if self.skip_chars > 0 {
                                self.skip_chars -= 1;
                                continue;
                            }
                            self.pending.push(byte);
                        }
                    }
                    i = end;
                }
            }
        }
    }

    /// A control word or symbol after the backslash at `i - 1`; returns where
    /// reading goes on.
    fn control(&mut self, b: &[u8], i: usize) -> usize {
        let Some(&c) = b.get(i) else {
            return i;
        };
        if c.is_ascii_alphabetic() {
            let start = i;
            let mut j = i;
            while j < b.len() && b[j].is_ascii_alphabetic() && j - start < 32 {
                j += 1;
            }
            let word = std::str::from_utf8(&b[start..j]).unwrap_or("");
            let num_start = j;
            if j < b.len() && b[j] == b'-' {
                j += 1;
            }
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            // a number longer than any RTF writes is read as none
            let param = std::str::from_utf8(&b[num_start..j.min(num_start + 11)])
                .ok()
                .filter(|_| j - num_start <= 11)
                .and_then(|s| s.parse::<i64>().ok());
            if j < b.len() && b[j] == b' ' {
                j += 1;
            }
            let word = word.to_ascii_lowercase();
            if word == "bin" {
                // `\binN`: N bytes of raw data (a picture's), braces and
                // backslashes among them, never text
                let n = param.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
                return j.saturating_add(n).min(b.len());
            }
            self.word(&word, param);
            return j;
        }
        match c {
            b'\'' => {
                let hex = b.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|s| u8::from_str_radix(s, 16).ok())
                });
                if let Some(byte) = hex {
                    if self.skip_chars > 0 {
                        self.skip_chars -= 1;
                    } else {
                        self.pending.push(byte);
                    }
                    return i + 3;
                }
                i + 1
            }
            b'*' => {
                if let Some(g) = self.top() {
                    g.starred = true;
                }
                i + 1
            }
            b'\\' | b'{' | b'}' => {
                if self.skip_chars > 0 {
                    self.skip_chars -= 1;
                } else {
                    self.pending.push(c);
                }
                i + 1
            }
            b'~' => {
                self.text("\u{a0}");
                i + 1
            }
            b'_' => {
                self.text("-");
                i + 1
            }
            b'\r' | b'\n' => {
                self.text("\n");
                i + 1
            }
            // `\-` (optional hyphen), `\:` (index subentry) and the rest
            _ => i + 1,
        }
    }

    fn word(&mut self, word: &str, param: Option<i64>) {
        let first = self.top().map(|g| std::mem::replace(&mut g.first, false));
        // the destination of a group is its first control word
        if first == Some(true) {
            let dest = match word {
                w if SKIPPED.contains(&w) => Some(Dest::Skip),
                "footnote" => Some(Dest::Note),
                "title" => Some(Dest::Title),
                // the shown text of a field, and a shape (its properties
                // are `\sp` groups, skipped) with its text box
                "fldrslt" | "shpinst" | "shptxt" => None,
                _ if self.group().starred => Some(Dest::Skip),
                _ => None,
            };
            if let (Some(dest), Some(g)) = (dest, self.top()) {
                if g.dest != Dest::Skip {
                    g.dest = dest;
                }
            }
        }
        match word {
            "ansicpg" => {
                if let Some(e) = param.and_then(super::text::code_page) {
                    self.encoding = e;
                }
            }
            "uc" => {
                if let (Some(n), Some(g)) = (param, self.top()) {
                    g.uc = n.clamp(0, 8) as usize;
                }
            }
            "u" => {
                if let Some(n) = param {
                    let n = if n < 0 { n + 65_536 } else { n };
                    let c = u32::try_from(n)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{fffd}');
                    let mut buf = [0u8; 4];
                    self.text(c.encode_utf8(&mut buf));
                    self.skip_chars = self.group().uc;
                }
            }
            "deleted" => {
                if let Some(g) = self.top() {
                    g.deleted = param != Some(0);
                }
            }
            "creatim" => self.in_creatim = true,
            "yr" | "mo" | "dy" if self.in_creatim => {
                let at = match word {
                    "yr" => 0,
                    "mo" => 1,
                    _ => 2,
                };
                self.created[at] = param.and_then(|p| i32::try_from(p).ok());
            }
            "par" | "line" | "sect" | "page" | "row" | "lbr" => self.text("\n"),
            "tab" | "cell" => self.text("\t"),
            "emdash" => self.text("—"),
            "endash" => self.text("–"),
            "lquote" => self.text("‘"),
            "rquote" => self.text("’"),
            "ldblquote" => self.text("“"),
            "rdblquote" => self.text("”"),
            "bullet" => self.text("•"),
            "emspace" | "enspace" | "qmspace" => self.text(" "),
            _ => {}
        }
    }

    /// Decode the escaped and literal bytes read so far into the text.
    fn flush_bytes(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let (decoded, _, _) = self.encoding.decode(&bytes);
        let decoded = decoded.into_owned();
        self.push(&decoded);
    }

    /// Text made by a control word (after what was pending).
    fn text(&mut self, s: &str) {
        self.flush_bytes();
        self.push(s);
    }

    fn push(&mut self, s: &str) {
        let g = self.group();
        if g.deleted {
            return;
        }
        let into = match g.dest {
            Dest::Body => &mut self.out.text,
            Dest::Note => &mut self.notes,
            Dest::Title => &mut self.title,
            Dest::Skip => return,
        };
        if into.len() + s.len() > MAX_TEXT_BYTES {
            if !self.full {
                self.full = true;
                self.out.warnings.push(format!(
                    "partly extracted: its text is longer than {} MB; the first {} MB are read",
                    MAX_TEXT_BYTES >> 20,
                    MAX_TEXT_BYTES >> 20
                ));
            }
            return;
        }
        into.push_str(s);
    }
}

#[cfg(test)]
mod tests;
