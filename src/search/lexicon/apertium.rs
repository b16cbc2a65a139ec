//! Word pairs from Apertium's compiled bilingual dictionaries
//! (`*.autobil.bin`): lttoolbox binary transducers, magic `LTTB`.
//!
//! The layout is lttoolbox's own reader (`file_utils.cc` `readTransducerSet`,
//! `alphabet.cc` `Alphabet::read`, `transducer.cc` `Transducer::read`,
//! `compression.cc`): `LTTB` and a big-endian `u64` of feature flags, the
//! letters, the alphabet (tag names, then symbol pairs), then named
//! transducers, each optionally headed by `LTTD` and its own flags (bit 0:
//! a weight follows every final state and transition).
//!
//! Every count is checked against the bytes left before anything is
//! allocated, and the walk over paths has a step budget, so any input —
//! truncated, corrupt or hostile — ends in pairs or an `InvalidData` error,
//! never a panic, a hang or a huge allocation.

use std::collections::HashSet;
use std::io::{Error, ErrorKind, Read, Result};
use std::path::Path;

/// One entry of a bilingual dictionary: the left lemma, the right lemma and
/// the left side's first tag (`n`, `adj`, `vblex`, `np`...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Pair {
    pub(crate) left: String,
    pub(crate) right: String,
    pub(crate) tag: String,
}

#[cfg(test)]
impl Pair {
    /// A pair of lemmas and the left one's tag (tests).
    pub(crate) fn new(left: &str, right: &str, tag: &str) -> Pair {
        Pair {
            left: left.into(),
            right: right.into(),
            tag: tag.into(),
        }
    }
}

/// Longest lemma followed, in characters.
const MAX_LEMMA: usize = 40;
/// Transitions followed in a whole file: 1 million plus 10 per byte of the
/// file, at most 20 million. swe-dan, the largest tried (1.9 MB), needs 1.8 million.
const MAX_STEPS: u64 = 20_000_000;
/// Bytes of distinct pairs kept; real dictionaries give a few MB.
const MAX_OUTPUT: usize = 64 << 20;
/// Largest file read; real ones are a few MB.
const MAX_FILE: u64 = 256 << 20;

/// Read every `(left lemma, right lemma, first tag)` of an lttoolbox
/// bilingual transducer file.
pub(crate) fn read_pairs(path: &Path) -> Result<Vec<Pair>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(bad(format!("{} is over {MAX_FILE} bytes", path.display())));
    }
    parse(&bytes)
}

/// [`read_pairs`] on the bytes of the file.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Pair>> {
    let mut r = Reader { b: bytes, pos: 0 };
    if !r.magic(b"LTTB") {
        return Err(bad("no LTTB magic: not an lttoolbox transducer file"));
    }
    if r.u64_be()? != 0 {
        return Err(bad("unknown LTTB feature flags"));
    }
    for _ in 0..r.count(1, "letter")? {
        r.int()?;
    }
    let tags = (0..r.count(1, "tag")?)
        .map(|_| r.string())
        .collect::<Result<Vec<_>>>()?;
    let syms = (0..r.count(2, "symbol pair")?)
        .map(|_| Ok((r.symbol(tags.len())?, r.symbol(tags.len())?)))
        .collect::<Result<Vec<_>>>()?;
    // Read every section before walking any, so a truncated file fails fast.
    let sections = (0..r.count(1, "transducer")?)
        .map(|_| r.transducer(syms.len()))
        .collect::<Result<Vec<_>>>()?;
    let mut walk = Walk {
        syms: &syms,
        tags: &tags,
        seen: HashSet::new(),
        steps: 0,
        max_steps: MAX_STEPS.min(1_000_000 + 10 * bytes.len() as u64),
        bytes: 0,
    };
    for s in &sections {
        walk.section(s)?;
    }
    let tag = |t: usize| tags.get(t).cloned().unwrap_or_default();
    let mut pairs: Vec<Pair> = walk
        .seen
        .into_iter()
        .map(|(left, right, t)| Pair {
            left,
            right,
            tag: tag(t),
        })
        .collect();
    pairs.sort_unstable();
    Ok(pairs)
}

fn bad(msg: impl Into<String>) -> Error {
    Error::new(
        ErrorKind::InvalidData,
        format!("apertium dictionary: {}", msg.into()),
    )
}

fn to_char(v: usize) -> Result<char> {
    u32::try_from(v)
        .ok()
        .and_then(char::from_u32)
        .ok_or_else(|| bad(format!("bad character {v:#x}")))
}

/// One side of a symbol pair.
#[derive(Clone, Copy)]
enum Sym {
    Epsilon,
    Char(char),
    Tag(usize),
}

/// A transducer: the transitions `(symbol pair, target)` of state `s` are
/// `edges[offsets[s]..offsets[s + 1]]`, and every target is a state.
struct Section {
    initial: usize,
    offsets: Vec<usize>,
    edges: Vec<(usize, usize)>,
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let v = *self
            .b
            .get(self.pos)
            .ok_or_else(|| bad("file ends too early"))?;
        self.pos += 1;
        Ok(v)
    }

    fn magic(&mut self, m: &[u8; 4]) -> bool {
        let ok = self
            .b
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(m));
        self.pos += if ok { 4 } else { 0 };
        ok
    }

    fn u64_be(&mut self) -> Result<u64> {
        (0..8).try_fold(0, |v, _| Ok((v << 8) | u64::from(self.byte()?)))
    }

    /// `Compression::multibyte_read`: the first byte's top two bits say how
    /// many bytes follow.
    fn int(&mut self) -> Result<usize> {
        let first = self.byte()?;
        (0..first >> 6).try_fold(usize::from(first & 0x3f), |v, _| {
            Ok((v << 8) | usize::from(self.byte()?))
        })
    }

    /// A count of items of at least `each` bytes, checked against the bytes
    /// left so that a lying count cannot make a huge allocation.
    fn count(&mut self, each: usize, what: &str) -> Result<usize> {
        let (n, left) = (self.int()?, self.b.len().saturating_sub(self.pos));
        if n.saturating_mul(each) > left {
            return Err(bad(format!(
                "{what} count {n} exceeds the {left} bytes left"
            )));
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String> {
        (0..self.count(1, "string length")?)
            .map(|_| to_char(self.int()?))
            .collect()
    }

    /// `Compression::long_multibyte_read`, skipped: weights are not needed.
    fn skip_weight(&mut self) -> Result<()> {
        for _ in 0..2 {
            if self.int()? >= 0x0400_0000 {
                self.int()?;
            }
        }
        Ok(())
    }

    /// Symbols are stored shifted by the number of tags: below zero a tag
    /// (`-1` the first), zero epsilon, above zero a character.
    fn symbol(&mut self, n_tags: usize) -> Result<Sym> {
        let v = self.int()?;
        Ok(match v.checked_sub(n_tags) {
            None => Sym::Tag(n_tags - v - 1),
            Some(0) => Sym::Epsilon,
            Some(c) => Sym::Char(to_char(c)?),
        })
    }

    fn transducer(&mut self, n_pairs: usize) -> Result<Section> {
        self.string()?; // the section's name
        let mut weights = false;
        if self.magic(b"LTTD") {
            let features = self.u64_be()?;
            if features > 1 {
                return Err(bad("unknown LTTD feature flags"));
            }
            weights = features == 1;
        }
        let initial = self.int()?;
        for _ in 0..self.count(1, "final state")? {
            self.int()?;
            if weights {
                self.skip_weight()?;
            }
        }
        let n_states = self.count(1, "state")?;
        let (mut offsets, mut edges) = (Vec::with_capacity(n_states + 1), Vec::new());
        for state in 0..n_states {
            offsets.push(edges.len());
            // Symbol pairs are delta-coded, targets relative to the state.
            let mut pair = 0usize;
            for _ in 0..self.count(2, "transition")? {
                pair = pair.saturating_add(self.int()?);
                let target = (state + self.int()?) % n_states;
                if weights {
                    self.skip_weight()?;
                }
                if pair >= n_pairs {
                    return Err(bad(format!(
                        "transition to symbol pair {pair} of {n_pairs}"
                    )));
                }
                edges.push((pair, target));
            }
        }
        offsets.push(edges.len());
        Ok(Section {
            initial,
            offsets,
            edges,
        })
    }
}

impl Section {
    fn edges(&self, state: usize) -> &[(usize, usize)] {
        let range = self.offsets.get(state).zip(self.offsets.get(state + 1));
        range
            .and_then(|(&a, &b)| self.edges.get(a..b))
            .unwrap_or_default()
    }

    /// For the states reachable from the initial one: which lie on a cycle,
    /// and which can reach one. Tarjan's strongly connected components,
    /// iteratively: a component of several states, or a state with a loop to
    /// itself, is a cycle; a component comes out after all it leads to.
    fn loops(&self) -> (Vec<bool>, Vec<bool>) {
        const NEW: usize = usize::MAX;
        let n = self.offsets.len().saturating_sub(1);
        let (mut index, mut low, mut on_stack) = (vec![NEW; n], vec![0; n], vec![false; n]);
        let (mut cyclic, mut reaches) = (vec![false; n], vec![false; n]);
        let (mut stack, mut calls, mut counter) = (Vec::new(), Vec::new(), 0);
        let mut enter = Some(self.initial).filter(|&v| v < n);
        // Indexing is safe: `transducer` reads targets modulo the state count.
        loop {
            if let Some(v) = enter.take() {
                (index[v], low[v], on_stack[v]) = (counter, counter, true);
                counter += 1;
                stack.push(v);
                calls.push((v, self.edges(v).iter()));
            }
            let Some((v, edges)) = calls.last_mut() else {
                break;
            };
            let v = *v;
            if let Some(&(_, w)) = edges.next() {
                cyclic[v] |= w == v;
                if index[w] == NEW {
                    enter = Some(w);
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let from = stack.iter().rposition(|&w| w == v).unwrap_or(0);
                let comp = stack.get(from..).unwrap_or_default();
                let on_cycle = comp.len() > 1 || cyclic[v];
                let leads = on_cycle
                    || comp
                        .iter()
                        .any(|&w| self.edges(w).iter().any(|&(_, x)| reaches[x]));
                for w in stack.drain(from..) {
                    (on_stack[w], cyclic[w], reaches[w]) = (false, on_cycle, leads);
                }
            }
        }
        (cyclic, reaches)
    }
}

/// A path's stand on arriving at `state`: its next and last transition, the
/// lengths of both lemmas and the tags that ended them.
#[derive(Clone, Copy, Default)]
struct Frame {
    state: usize,
    next: usize,
    end: usize,
    left_len: usize,
    right_len: usize,
    left_tag: Option<usize>,
    right_tag: Option<usize>,
}

struct Walk<'a> {
    syms: &'a [(Sym, Sym)],
    tags: &'a [String],
    seen: HashSet<(String, String, usize)>,
    steps: u64,
    max_steps: u64,
    bytes: usize,
}

/// Add a symbol to a lemma not yet ended by a tag; return the tag if it is one.
fn extend(lemma: &mut String, ended: bool, sym: Sym) -> Option<usize> {
    match sym {
        _ if ended => None,
        Sym::Char(c) => {
            lemma.push(c);
            None
        }
        Sym::Tag(t) => Some(t),
        Sym::Epsilon => None,
    }
}

impl Walk<'_> {
    /// Depth-first over the paths from the initial state, on an explicit
    /// stack (a path can be as long as the transducer has states).
    ///
    /// Cycles are regular expressions (`[0-9]+`, `[A-Z][a-z]+<np>`, URLs),
    /// which determinisation merges into the word list's states. So a state
    /// on a cycle is never entered, and a pair is kept only if its last
    /// transition leaves a state that cannot reach a cycle: else every
    /// prefix of every name would come out as a name. This drops the
    /// identity pairs a regex also matches (`Norge`/`Norge`): they translate
    /// nothing.
    fn section(&mut self, s: &Section) -> Result<()> {
        let (cyclic, reaches) = s.loops();
        let (Some(&next), Some(&end)) = (s.offsets.get(s.initial), s.offsets.get(s.initial + 1))
        else {
            return Ok(());
        };
        let mut stack = vec![Frame {
            state: s.initial,
            next,
            end,
            ..Frame::default()
        }];
        let (mut left, mut right) = (String::new(), String::new());
        while let Some(top) = stack.last_mut() {
            let Some(&(pair, target)) = s.edges.get(top.next).filter(|_| top.next < top.end) else {
                stack.pop();
                continue;
            };
            top.next += 1;
            let mut f = *top;
            self.steps += 1;
            if self.steps > self.max_steps {
                let max = self.max_steps;
                return Err(bad(format!("more than {max} transitions to follow")));
            }
            left.truncate(f.left_len);
            right.truncate(f.right_len);
            let Some(&(a, b)) = self.syms.get(pair) else {
                continue;
            };
            f.left_tag = f.left_tag.or(extend(&mut left, f.left_tag.is_some(), a));
            f.right_tag = f.right_tag.or(extend(&mut right, f.right_tag.is_some(), b));
            if let (Some(t), Some(_)) = (f.left_tag, f.right_tag) {
                if reaches.get(f.state) == Some(&false) {
                    self.record(&left, &right, t)?;
                }
                continue;
            }
            let (Some(&next), Some(&end)) = (s.offsets.get(target), s.offsets.get(target + 1))
            else {
                continue;
            };
            let long = |lemma: &str| lemma.chars().nth(MAX_LEMMA).is_some();
            if cyclic.get(target) != Some(&false) || long(&left) || long(&right) {
                continue;
            }
            (f.state, f.next, f.end, f.left_len, f.right_len) =
                (target, next, end, left.len(), right.len());
            stack.push(f);
        }
        Ok(())
    }

    fn record(&mut self, left: &str, right: &str, tag: usize) -> Result<()> {
        // Punctuation and numbers (`!`, `½`, `7%`) translate no word.
        if !left.chars().chain(right.chars()).any(char::is_alphabetic) {
            return Ok(());
        }
        if self.seen.insert((left.to_owned(), right.to_owned(), tag)) {
            self.bytes += left.len() + right.len() + self.tags.get(tag).map_or(0, String::len);
            if self.bytes > MAX_OUTPUT {
                return Err(bad(format!("more than {MAX_OUTPUT} bytes of word pairs")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tests/fixtures/apertium/swe-nob.dix`, compiled by lttoolbox 3.7.1.
    const FIXTURE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/apertium/swe-nob.bin"
    ));

    /// `Compression::multibyte_write`.
    fn int(v: u32) -> Vec<u8> {
        let b = v.to_be_bytes();
        match v {
            0..0x40 => vec![b[3]],
            0x40..0x4000 => vec![b[2] | 0x40, b[3]],
            0x4000..0x40_0000 => vec![b[1] | 0x80, b[2], b[3]],
            _ => vec![b[0] | 0xc0, b[1], b[2], b[3]],
        }
    }

    /// A file's head: no letters, the tag `<n>`, one pair epsilon:epsilon.
    fn head() -> Vec<u8> {
        [
            b"LTTB\0\0\0\0\0\0\0\0".as_slice(),
            &[0, 1, 1],
            &int('n'.into()),
            &[1, 1, 1],
        ]
        .concat()
    }

    #[test]
    fn reads_the_word_pairs_of_a_compiled_dictionary() {
        let pair = Pair::new;
        let expected = vec![
            pair("Göteborg", "Gøteborg", "np"),
            pair("arbeta", "arbeide", "vblex"),
            pair("arbeta", "jobbe", "vblex"),
            pair("hamn", "havn", "n"),
            pair("hållbar", "bærekraftig", "adj"),
            pair("hållbar utveckling", "bærekraftig utvikling", "n"),
            pair("kommun", "kommune", "n"),
            pair("utbildning", "opplæring", "n"),
            pair("utbildning", "utdanning", "n"),
        ];
        // Neither `Norge`/`Norge` nor any prefix of a name (the `[A-Z][a-z]+`
        // regex matches them), nor `!`.
        assert_eq!(parse(FIXTURE).unwrap(), expected);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        for len in 0..FIXTURE.len() {
            let err = parse(&FIXTURE[..len]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidData, "at {len}: {err}");
        }
    }

    #[test]
    fn flipped_bytes_never_panic() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..3000 {
            let mut b = FIXTURE.to_vec();
            for _ in 0..1 + next() % 4 {
                let at = (next() % b.len() as u64) as usize;
                b[at] ^= 1 << (next() % 8);
            }
            let _ = parse(&b);
        }
    }

    #[test]
    fn a_file_without_the_magic_is_invalid_data() {
        for bytes in [
            &b""[..],
            b"LTT",
            b"PK\x03\x04 not a transducer",
            &FIXTURE[1..],
        ] {
            let err = parse(bytes).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidData);
            assert!(err.to_string().contains("LTTB"), "{err}");
        }
    }

    #[test]
    fn a_lying_count_fails_before_allocating() {
        let huge = int(0x3fff_ffff);
        let letters = [b"LTTB\0\0\0\0\0\0\0\0".as_slice(), &huge].concat();
        // One transducer, no name, initial state 0, no finals, 2^30 states.
        let states = [head(), vec![1, 0, 0, 0], huge].concat();
        for bytes in [letters, states] {
            let err = parse(&bytes).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidData);
            assert!(
                err.to_string().contains("count 1073741823 exceeds"),
                "{err}"
            );
        }
    }

    #[test]
    fn an_exponential_transducer_stops_at_the_step_budget() {
        // 40 states in a row, each with two epsilon transitions to the next:
        // 2^40 paths, none reaching a tag.
        let mut b = [head(), vec![1, 0, 0, 0], int(41)].concat();
        for _ in 0..40 {
            b.extend([2, 0, 1, 0, 1]);
        }
        b.push(0);
        let err = parse(&b).unwrap_err();
        assert!(err.to_string().contains("transitions to follow"), "{err}");
    }
}
