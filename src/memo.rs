//! Values made from words, remembered per thread: a corpus repeats its
//! words, and each is analysed again for every passage and field it is in
//! (stems, spelling keys, compound pieces, language n-grams).

/// Values made from words, remembered under a number (a stemming
/// algorithm, a lexicon, a mapping; each use keeps its own per thread).
/// Each number keeps the first `most` words it meets (a corpus' commonest
/// come first); a word past them is made each time.
pub(crate) struct Memories<V> {
    by: Vec<(usize, rustc_hash::FxHashMap<Box<str>, V>)>,
    most: usize,
}

impl<V> Memories<V> {
    /// No words yet; `most` per number.
    pub(crate) const fn new(most: usize) -> Memories<V> {
        Memories {
            by: Vec::new(),
            most,
        }
    }

    /// `then` of the value of `word` under `number`, made by `make` the
    /// first time.
    pub(crate) fn with<R>(
        &mut self,
        number: usize,
        word: &str,
        make: impl FnOnce() -> V,
        then: impl FnOnce(&V) -> R,
    ) -> R {
        let at = match self.by.iter().position(|(n, _)| *n == number) {
            Some(at) => at,
            None => {
                self.by.push((number, Default::default()));
                self.by.len() - 1
            }
        };
        let memo = &mut self.by[at].1;
        if let Some(v) = memo.get(word) {
            return then(v);
        }
        let v = make();
        let r = then(&v);
        if memo.len() < self.most {
            memo.insert(word.into(), v);
        }
        r
    }
}
