//! The words a word or phrase is searched with, from the lexicons this
//! machine has (FreeDict, Apertium, Folkets lexikon): an English one's
//! Nordic translations, a Norwegian or Swedish one's neighbour-language
//! words, and a Norwegian one's spelling in the other written standard;
//! for judging a lexicon change before running the judged set.
//!
//! ```sh
//! cargo run --release -p kartotek-bench --example show_translations -- depreciation "waste heat" verksemd
//! ```

fn main() {
    let l = kartotek::search::lexicon::builtin();
    for phrase in std::env::args().skip(1) {
        println!("{phrase}: {:?}", l.translations(&phrase));
        let (neighbours, variants) = (l.neighbours(&phrase), l.variants(&phrase));
        if !neighbours.is_empty() {
            println!("  neighbours: {neighbours:?}");
        }
        if !variants.is_empty() {
            println!("  variants: {variants:?}");
        }
    }
}
