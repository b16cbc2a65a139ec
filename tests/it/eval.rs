//! The search evaluation (issue 6): judged queries over the corpus and
//! fixtures, Kartotek against plain BM25 on the same index.

use crate::common::fixture;

#[test]
fn evaluation_meets_its_goals_against_plain_bm25() {
    let r = kartotek::eval::run(&fixture("eval/queries.toml")).unwrap();
    assert!(r.queries.len() >= 40, "at least 40 queries");
    let kinds: Vec<&str> = r.by_type.iter().map(|(k, ..)| k.as_str()).collect();
    for k in [
        "nb", "nn", "sv", "da", "fi", "en", "typo", "ocr", "nb-nn", "cross",
    ] {
        assert!(kinds.contains(&k), "no {k} queries");
    }
    let (ours, base) = r.overall;
    assert!(ours.ndcg >= 0.85, "nDCG@10 {:.3}", ours.ndcg);
    assert!(
        ours.ndcg >= 1.3 * base.ndcg,
        "{:.3} vs baseline {:.3}",
        ours.ndcg,
        base.ndcg
    );
}
