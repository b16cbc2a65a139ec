//! Plain-text decoding: UTF-8 (with or without BOM), UTF-16 with BOM, and a
//! Windows-1252 fallback (a superset of Latin-1) for older Nordic files;
//! tidying, and words broken by a hyphen at a line end joined again (in
//! text files, OCR output and PDF pages alike).

use std::collections::HashSet;

/// Characters that take no room and join what is around them: the soft
/// hyphen (`hav\u{ad}bruk`, common in Nordic web pages), the zero-width
/// space, the word joiner and a byte-order mark inside the text.
fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// `text` in Unicode's composed form (NFC) without invisible joiners (see
/// [`invisible`]), so that a word written with a combining ring
/// (`a\u{30a}`, as macOS writes file names and some PDFs text) or with a
/// soft hyphen is the same word as typed; `None` when it is so already.
pub fn normalized(text: &str) -> Option<String> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    let composed = is_nfc_quick(text.chars()) == IsNormalized::Yes;
    if composed && !text.contains(invisible) {
        return None;
    }
    Some(text.chars().filter(|&c| !invisible(c)).nfc().collect())
}

/// UTF-16 without a byte-order mark, as some Windows tools save text: in
/// the first 4 KiB, most code units of the one byte order have a zero high
/// byte (ASCII letters, digits, spaces, line ends) and none of the other
/// does. `None` for text of one byte per character, and for UTF-16 whose
/// text is mostly outside Latin-1 (no zero bytes to tell it by).
pub(crate) fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let units = sample.len() / 2;
    if units < 8 {
        return None;
    }
    let zeros = |first: usize| {
        sample
            .iter()
            .skip(first)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    let enc = if odd * 2 >= units && even * 50 <= units {
        encoding_rs::UTF_16LE
    } else if even * 2 >= units && odd * 50 <= units {
        encoding_rs::UTF_16BE
    } else {
        return None;
    };
    // and reads as text: small binary numbers have zero high bytes too
    let (text, _) = enc.decode_without_bom_handling(sample);
    let control = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    (control * 100 <= units).then_some(enc)
}

/// The text of bytes whose encoding the bytes themselves tell: a byte-order
/// mark, or UTF-16 without one ([`utf16_without_bom`]); `None` otherwise.
/// Read before any declared charset, by text files and pages alike.
pub(crate) fn decode_self_described(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Some((text.into_owned(), enc.name()));
    }
    let enc = utf16_without_bom(bytes)?;
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Some((text.into_owned(), enc.name()))
}

/// Decode text bytes; returns the text and the encoding used.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some(decoded) = decode_self_described(bytes) {
        return decoded;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => match utf8_with_stray_bytes(bytes) {
            Some(text) => (text, "UTF-8 (stray bytes read as windows-1252)"),
            None => {
                let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
                (text.into_owned(), "windows-1252")
            }
        },
    }
}

/// The encoding of Windows code page `n` (RTF's `\ansicpgN`, a property
/// set's code-page property).
pub(crate) fn code_page(n: i64) -> Option<&'static encoding_rs::Encoding> {
    let label = match n {
        65001 => "utf-8".to_string(),
        1200 => "utf-16le".to_string(),
        10000 => "macintosh".to_string(),
        932 => "shift_jis".to_string(),
        936 => "gbk".to_string(),
        949 => "euc-kr".to_string(),
        950 => "big5".to_string(),
        874 => "windows-874".to_string(),
        1250..=1258 => format!("windows-{n}"),
        _ => return None,
    };
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// A UTF-8 text with a few bytes that are not (a `©` pasted in as Latin-1,
/// one file appended to another): the UTF-8 read as UTF-8 and each byte
/// that is not as Windows-1252, when the text holds at least as many
/// letters written in UTF-8 as such bytes; `None` otherwise (a Latin-1
/// file, whose every letter beyond ASCII is such a byte). Reading the whole
/// file as Windows-1252 for one stray byte turned every `ø` into `Ã¸`.
pub(crate) fn utf8_with_stray_bytes(bytes: &[u8]) -> Option<String> {
    // the text as runs of UTF-8, each followed by bytes that are not
    let runs = || {
        let mut rest = bytes;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let (valid, bad) = match std::str::from_utf8(rest) {
                Ok(s) => (s, 0),
                Err(e) => {
                    let valid = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default();
                    // (an incomplete sequence at the end is bad to the end)
                    (valid, e.error_len().unwrap_or(rest.len() - e.valid_up_to()))
                }
            };
            let stray = &rest[valid.len()..valid.len() + bad];
            rest = &rest[valid.len() + bad..];
            Some((valid, stray))
        })
    };
    // counted first: a Latin-1 file (every letter beyond ASCII a stray
    // byte) is decoded once, as a whole, by the caller
    let (mut wide, mut stray) = (0usize, 0usize);
    for (valid, bad) in runs() {
        wide += valid.chars().filter(|c| !c.is_ascii()).count();
        stray += bad.len();
    }
    if wide < stray.max(1) {
        return None;
    }
    let mut out = String::with_capacity(bytes.len() + stray);
    for (valid, bad) in runs() {
        out.push_str(valid);
        out.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(bad).0);
    }
    Some(out)
}

/// The title of a plain-text document: its first line, when that line reads as a heading
/// set apart from the text (at most [`TITLE_MAX_CHARS`] characters and [`TITLE_MAX_WORDS`]
/// words, or up to [`TITLE_LONG_MAX_CHARS`] and [`TITLE_LONG_MAX_WORDS`] when capitalised
/// with text under it; not ending as a sentence or clause does, followed by a blank line, the end, or
/// a line that starts anew: a capitalised first line over a line that begins with a
/// capital, a digit or `§`, as acts and regulations are laid out, `Lov om …` over
/// `Endringer i følgende lov:`). A Markdown `#` is dropped. `None` leaves the file name
/// as the title.
pub(crate) fn title_of(text: &str) -> Option<String> {
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let first = lines.next()?.trim().trim_start_matches('#').trim();
    let starts_anew = |l: &str| {
        l.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '§')
    };
    let next = lines.next();
    let set_apart =
        next.is_none_or(|l| l.trim().is_empty() || (starts_anew(first) && starts_anew(l.trim())));
    let (chars, words) = (first.chars().count(), first.split_whitespace().count());
    // a long one (the full title of an amending regulation runs to 300
    // characters) only capitalised, with text under it
    let long = chars > TITLE_MAX_CHARS || words > TITLE_MAX_WORDS;
    let heading = set_apart
        && (2..=TITLE_LONG_MAX_CHARS).contains(&chars)
        && words <= TITLE_LONG_MAX_WORDS
        && (!long || (next.is_some() && starts_anew(first)))
        && first.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !first.ends_with(['.', ',', ';', ':']);
    heading.then(|| first.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Longest first line taken as a title on its own.
const TITLE_MAX_CHARS: usize = 150;
/// Most words in a first line taken as a title on its own.
const TITLE_MAX_WORDS: usize = 20;
/// Longest first line taken as a title when it is capitalised and text
/// follows (Lovdata's titles of amending regulations reach 340 characters).
const TITLE_LONG_MAX_CHARS: usize = 400;
/// Most words in such a first line.
const TITLE_LONG_MAX_WORDS: usize = 60;

/// Tidy extracted text: unify line ends, drop NULs and other control
/// characters, trim trailing spaces, collapse runs of blank lines.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    // lines end at `\n`, `\r\n` or a lone `\r` (read in place: a copy of
    // a text file of hundreds of MB per kind of line end counted against
    // the worker's memory)
    let lines = text
        .split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'));
    for line in lines {
        let clean: String = line
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        let clean = clean.trim_end();
        if clean.trim().is_empty() {
            blank_run += 1;
            if blank_run == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        blank_run = 0;
        out.push_str(clean);
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

/// Every word of a document's lines, lowercased, edge punctuation trimmed,
/// inner hyphens kept (`interreg-prosjekter`): how the document itself
/// spells words, for [`join_broken_word`]. `pages` are the lines of each
/// page; the halves of a word broken at a line end are no words of it.
pub(crate) fn vocabulary<'a, P, L>(pages: P) -> HashSet<String>
where
    P: IntoIterator<Item = L>,
    L: IntoIterator<Item = &'a str>,
{
    let mut words = HashSet::new();
    for page in pages {
        let mut after_break = false;
        for line in page {
            let raws: Vec<&str> = line.split_whitespace().collect();
            if raws.is_empty() {
                // (a blank line may stand between a broken word's halves)
                continue;
            }
            for (i, raw) in raws.iter().enumerate() {
                if (i == 0 && after_break) || (i + 1 == raws.len() && broken(raw)) {
                    continue;
                }
                let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
                if w.chars().count() >= 2 {
                    words.insert(w.to_lowercase());
                }
            }
            after_break = raws.last().is_some_and(|r| broken(r));
        }
    }
    words
}

/// A discretionary hyphen: where a typesetter may break a word. At a line
/// end (PDFs from Word and InDesign map their line-end hyphen to it) the
/// word goes on on the next line, without it.
pub(crate) const SOFT_HYPHEN: char = '\u{ad}';
/// ABBYY FineReader's mark for a soft hyphen in the text it exports.
const NOT_SIGN: char = '¬';
/// Marks of a break where the word goes on, always without them.
const SOFT_BREAKS: [char; 2] = [SOFT_HYPHEN, NOT_SIGN];
/// Hyphens at a line end that may belong to the word or to the break.
const HYPHENS: [char; 2] = ['-', '\u{2010}'];

/// True when `raw` (a line, or its last word) ends in a hyphen or a soft
/// hyphen: a word may go on on the next line.
fn broken(raw: &str) -> bool {
    raw.ends_with(HYPHENS) || raw.ends_with(SOFT_BREAKS)
}

/// Longest first half of a word broken at a line end that is joined.
const MAX_BROKEN_WORD_CHARS: usize = 64;

/// Words after which a hyphen at a line end is a suspended one, besides
/// the Nordic and German conjunctions of suspended compounds
/// ([`crate::index::suspended::is_conjunction`]: `nærings-` / `og
/// fiskeridepartementet`): `pre-` / `and post-war`. The line goes on, no
/// word was broken.
const ENGLISH_CONJUNCTIONS: &[&str] = &["and", "or"];

/// When `out` ends in a word broken by a hyphen at a line end and `next`
/// (the next line) goes on with it, join `next` to `out` and say so.
///
/// Whether the hyphen stays is decided first by how the document spells the word elsewhere
/// (`vocabulary`, which leaves out the halves of broken words) or in the Norwegian word list:
/// `Con-|gress` becomes `Congress` where `Congress` occurs, `Univer-|sitet` becomes
/// `Universitet`, `e-|post` stays `e-post` where `e-post` occurs. Otherwise by the word's
/// shape: a hyphen stays before a capital, after an acronym or number, and after a
/// capitalised word inside a sentence when one of the parts is a word of its own
/// (`Interreg-|prosjekter`); elsewhere it was the line break's (`regio-|nal`, and names such
/// as `Frederik-|shavn`). A hyphen before a conjunction is a suspended one and
/// joins nothing (`nærings-|og fiskeri`). A soft hyphen ([`SOFT_HYPHEN`], or
/// ABBYY's `¬`) always joins, and goes.
pub(crate) fn join_broken_word(out: &mut String, next: &str, vocabulary: &HashSet<String>) -> bool {
    // a soft hyphen at the line end: the word goes on, always without it
    if let Some(stem) = out.strip_suffix(SOFT_BREAKS) {
        let goes_on = stem.ends_with(char::is_alphabetic) && next.starts_with(char::is_alphabetic);
        if goes_on {
            out.truncate(stem.len());
            out.push_str(next);
        }
        return goes_on;
    }
    let Some(stem) = out.strip_suffix(HYPHENS) else {
        return false;
    };
    let first_part: String = {
        let rev: Vec<char> = stem
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .take(MAX_BROKEN_WORD_CHARS + 1)
            .collect();
        rev.into_iter().rev().collect()
    };
    // longer is no word but a run of letters joined line after line, and
    // reading it back whole at every line would be quadratic
    if first_part.chars().count() > MAX_BROKEN_WORD_CHARS {
        return false;
    }
    let Some(last) = first_part.chars().last() else {
        return false;
    };
    let Some(next_first) = next.chars().next() else {
        return false;
    };
    if !last.is_alphabetic() || !next_first.is_alphabetic() {
        return false;
    }
    let second_part: String = next.chars().take_while(|c| c.is_alphanumeric()).collect();
    if crate::index::suspended::is_conjunction(&second_part)
        || ENGLISH_CONJUNCTIONS.contains(&second_part.to_lowercase().as_str())
    {
        return false;
    }
    let acronym = first_part.chars().filter(|c| c.is_uppercase()).count() >= 2
        || first_part.chars().any(|c| c.is_ascii_digit());
    let capitalised = first_part.chars().next().is_some_and(char::is_uppercase);
    let sentence_start = {
        let before_word = stem[..stem.len() - first_part.len()].trim_end();
        before_word.is_empty() || before_word.ends_with(['.', '!', '?', ':', '\n'])
    };
    let whole = format!("{first_part}{second_part}").to_lowercase();
    let hyphenated = format!("{first_part}-{second_part}").to_lowercase();
    let known_whole = crate::ingest::restore::is_known_word(&whole);
    // a part the document (or the word list) uses as a word of its own
    let word_alone = |w: &str| {
        let w = w.to_lowercase();
        vocabulary.contains(&w) || crate::ingest::restore::is_known_word(&w)
    };
    let keep_hyphen = match (
        vocabulary.contains(&whole),
        vocabulary.contains(&hyphenated),
    ) {
        (true, false) => false,
        (false, true) => true,
        _ if known_whole => false,
        _ => {
            next_first.is_uppercase()
                || acronym
                || (capitalised
                    && !sentence_start
                    && !known_whole
                    && (word_alone(&first_part) || word_alone(&second_part)))
        }
    };
    if !keep_hyphen {
        let cut = stem.len();
        out.truncate(cut);
    }
    out.push_str(next);
    true
}

/// `text` (tidied: lines end in `\n`) with the words broken by a hyphen at
/// a line end joined again, by [`join_broken_word`] with the text's own
/// spelling: text files saved from PDFs or OCR (`samar-` / `beid`,
/// `Europa-` / `kontor`) hold them, and a search for `samarbeid` should
/// find them. Lines stay apart otherwise.
pub(crate) fn join_broken_lines(text: &str) -> String {
    if !text.split('\n').any(broken) {
        return text.to_string();
    }
    let vocabulary = vocabulary(std::iter::once(text.split('\n')));
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split('\n').peekable();
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    while let Some(line) = lines.next() {
        let next = line.trim_start();
        if next.is_empty() {
            // text saved with a blank line after every line (`pdftotext`
            // of some layouts): the word goes on after it, in lower case,
            // where a paragraph would begin in upper case
            let after = lines.peek().map_or("", |l| l.trim_start());
            if after.chars().next().is_some_and(char::is_lowercase)
                && join_broken_word(&mut out, after, &vocabulary)
            {
                lines.next();
                continue;
            }
        }
        if next.is_empty() || !join_broken_word(&mut out, next, &vocabulary) {
            out.push('\n');
            out.push_str(line);
        }
    }
    out
}

/// The five XML entities and numeric references; anything else is kept as
/// written. Borrowed when there is nothing to unescape.
pub(crate) fn unescape_xml(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let name = &tail[1..end];
        let rep = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match rep {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_broken_at_a_line_end_is_whole_again() {
        let text = "Et godt samar-\nbeid med Sverige.\nSamarbeid over grensen.";
        assert_eq!(
            join_broken_lines(text),
            "Et godt samarbeid med Sverige.\nSamarbeid over grensen."
        );
        // the Norwegian word list knows the whole word
        assert_eq!(join_broken_lines("en regio-\nnal plan"), "en regional plan");
    }

    #[test]
    fn a_word_broken_over_a_blank_line_is_joined_where_it_goes_on_in_lower_case() {
        assert_eq!(
            join_broken_lines("bruk av kompetanse-\n\nprogrammene i dag"),
            "bruk av kompetanseprogrammene i dag"
        );
        // a new paragraph, or a suspended hyphen, is no broken word
        for text in ["Se vedlegg A-\n\nNeste avsnitt", "helse-\n\nog omsorg"] {
            assert_eq!(join_broken_lines(text), text);
        }
    }

    #[test]
    fn a_soft_hyphen_at_a_line_end_joins_the_word_without_it() {
        assert_eq!(
            join_broken_lines("par la compensa\u{ad}\ntion, le pH"),
            "par la compensation, le pH"
        );
        assert_eq!(
            join_broken_lines("Trøndelags Europa¬\nkontor"),
            "Trøndelags Europakontor"
        );
        // a soft hyphen before anything but a letter joins nothing
        let text = "compensa\u{ad}\n2021";
        assert_eq!(join_broken_lines(text), text);
    }

    #[test]
    fn a_hyphen_that_belongs_to_the_word_stays_when_the_lines_join() {
        assert_eq!(
            join_broken_lines("Trøndelag og Midt-\nNorge"),
            "Trøndelag og Midt-Norge"
        );
        assert_eq!(
            join_broken_lines("nye EU-\nprogrammer"),
            "nye EU-programmer"
        );
    }

    #[test]
    fn a_suspended_hyphen_at_a_line_end_joins_nothing() {
        for text in [
            "Nærings-\nog fiskeridepartementet",
            "helse-\neller omsorgstjenester",
            "kultur-\noch fritidsnämnden",
            "pre-\nand post-war",
        ] {
            assert_eq!(join_broken_lines(text), text);
        }
    }

    #[test]
    fn a_run_of_letters_broken_on_every_line_is_joined_only_so_far() {
        // joined up to the longest word, then left: each line's join reads
        // back at most that far (joined without end, every line would
        // re-read the whole run so far: quadratic in the lines)
        let text = "ab-\n".repeat(200_000);
        let joined = join_broken_lines(&text);
        let run = format!("{}-\n", "ab".repeat(33));
        assert!(joined.starts_with(&run), "{}", &joined[..80]);
        assert_eq!(joined.matches('\n').count(), 200_000 / 33 + 1);
    }

    #[test]
    fn lines_without_a_broken_word_stay_as_they_are() {
        for text in [
            "first line\nsecond line",
            "a list -\n- item",
            "ends in a dash -\n\nnew paragraph",
            "2021-\n2027",
            "",
            "-\n-",
        ] {
            assert_eq!(join_broken_lines(text), text, "{text:?}");
        }
    }

    #[test]
    fn decomposed_letters_and_soft_hyphens_become_the_word_as_typed() {
        assert_eq!(
            normalized("Ja\u{308}mtland hav\u{ad}bruk Tro\u{308}ndelag").as_deref(),
            Some("Jämtland havbruk Tröndelag")
        );
        assert_eq!(normalized("Jämtland havbruk"), None);
    }

    #[test]
    fn a_first_line_set_apart_is_the_title() {
        assert_eq!(
            title_of("\n Har du en god Interreg-historie å fortelle?\n\nInterreg handler om ...")
                .as_deref(),
            Some("Har du en god Interreg-historie å fortelle?")
        );
        assert_eq!(
            title_of("# Regional plan for Nordland\n\nTekst.").as_deref(),
            Some("Regional plan for Nordland")
        );
    }

    #[test]
    fn a_first_line_over_a_line_that_starts_anew_is_the_title() {
        // an act as Lovdata lays it out: no blank line under the title
        let act = "Lov om endringer i partiloven (bidrag fra bakenforliggende givere)\n\
                   Endringer i følgende lov:\nI lov 17. mai 2005 nr. 102 gjøres følgende endring:";
        assert_eq!(
            title_of(act).as_deref(),
            Some("Lov om endringer i partiloven (bidrag fra bakenforliggende givere)")
        );
        assert_eq!(
            title_of("Forskrift om endring i merverdiavgiftsforskriften\nI\n§ 1 skal lyde:")
                .as_deref(),
            Some("Forskrift om endring i merverdiavgiftsforskriften")
        );
        // the full title of an amending regulation, 170 characters
        let long = "Forskrift om endring i forskrift om grunnskoleopplæringa og den \
                    vidaregåande opplæringa (opplæringsforskrifta) og forskrift til \
                    privatskolelova (privatskoleforskrifta)";
        assert!(long.chars().count() > TITLE_MAX_CHARS);
        assert_eq!(
            title_of(&format!(
                "{long}\nI\nI forskrift 3. juni 2024 nr. 900 blir det gjort følgjande endringar:"
            ))
            .as_deref(),
            Some(long)
        );
        // as long and alone in the file, or uncapitalised: running text
        assert_eq!(title_of(long), None);
        assert_eq!(title_of(&format!("{}\nMer.", "ord ".repeat(30))), None);
        // a lowercase first line is no heading, even over a new sentence
        assert_eq!(
            title_of("kort notat uten tittel\nDet gjelder planen."),
            None
        );
    }

    #[test]
    fn a_first_sentence_or_running_text_is_not_a_title() {
        assert_eq!(
            title_of("The world is facing complex challenges.\n\nMore."),
            None
        );
        assert_eq!(
            title_of("Første linje\nfortsetter her uten blank linje."),
            None
        );
        assert_eq!(title_of(&"ord ".repeat(30)), None);
        assert_eq!(title_of("\n\n"), None);
    }

    #[test]
    fn latin1_text_falls_back_to_windows_1252() {
        let (t, enc) = decode(b"Tr\xf8ndelag fylkeskommune, s\xe6rlig \xe5pen");
        assert_eq!(t, "Trøndelag fylkeskommune, særlig åpen");
        assert_eq!(enc, "windows-1252");
    }

    #[test]
    fn a_stray_latin1_byte_in_utf8_text_garbles_nothing_else() {
        let (t, enc) = decode("Trøndelag særlig åpen \u{a9}".as_bytes());
        assert_eq!((t.as_str(), enc), ("Trøndelag særlig åpen ©", "UTF-8"));
        let mut b = "Blåbærsyltetøy fra Trøndelag, ".as_bytes().to_vec();
        b.extend_from_slice(b"\xa9 2024 s\xf8k");
        let (t, enc) = decode(&b);
        assert_eq!(t, "Blåbærsyltetøy fra Trøndelag, © 2024 søk");
        assert!(enc.starts_with("UTF-8"), "{enc}");
        // a sequence cut at the end is read byte by byte
        let (t, _) = decode(b"s\xc3\xb8k og \xc3");
        assert_eq!(t, "søk og Ã");
        // a Latin-1 file that happens to hold one UTF-8 pair stays Latin-1
        let (t, enc) = decode(b"Tr\xf8ndelag s\xe6rlig \xe5pen \xc3\xa5");
        assert_eq!(enc, "windows-1252");
        assert!(t.starts_with("Trøndelag særlig åpen"), "{t}");
    }

    #[test]
    fn utf16_without_bom_is_told_by_its_zero_bytes() {
        let text = "Østersjøstrategien 2024\r\nSamarbeid i Trøndelag og Jämtland";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&le), (text.to_string(), "UTF-16LE"));
        assert_eq!(decode(&be), (text.to_string(), "UTF-16BE"));
        // one byte per character, and binary with zeros everywhere, are not
        assert_eq!(utf16_without_bom(text.as_bytes()), None);
        assert_eq!(utf16_without_bom(&[0u8; 64]), None);
        let numbers: Vec<u8> = (0..200u16).flat_map(u16::to_le_bytes).collect();
        assert_eq!(utf16_without_bom(&numbers), None);
    }

    #[test]
    fn utf8_with_bom_loses_the_bom() {
        let (t, enc) = decode("\u{feff}Bærekraft".as_bytes());
        assert_eq!(t, "Bærekraft");
        assert_eq!(enc, "UTF-8");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut b = vec![0xff, 0xfe];
        for u in "Østersjø".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b).0, "Østersjø");
    }

    #[test]
    fn tidy_collapses_blank_lines_and_controls() {
        assert_eq!(tidy("a  \r\n\r\n\r\n\u{0}b\n\n"), "a\n\nb");
        // every kind of line end, mixed, as lines
        assert_eq!(tidy("a\rb\r\nc\nd\r\re"), "a\nb\nc\nd\n\ne");
        assert_eq!(tidy("\r\n\n  \nx\r"), "x");
    }
}
