//! The Nordic words an English word or phrase is searched with, from the
//! lexicons this machine has (FreeDict, Apertium, Folkets lexikon): for
//! judging a lexicon change before running the judged set.
//!
//! ```sh
//! cargo run --release -p kartotek-bench --example show_translations -- depreciation "waste heat"
//! ```

fn main() {
    let l = kartotek::search::lexicon::builtin();
    for phrase in std::env::args().skip(1) {
        println!("{phrase}: {:?}", l.translations(&phrase));
    }
}
