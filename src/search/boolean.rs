//! Boolean queries with parentheses, as people used to library catalogues
//! and legal databases type them (`klima AND (energi OR transport)`,
//! `reindrift NOT (Sverige OR Finland)`), brought to the one shape a search
//! runs: every group required, any word of a group enough, some words
//! excluded ([`super::query::Parsed`]). That shape is conjunctive normal
//! form; this module gives an expression's, distributing `OR` over `AND`
//! (`(a AND b) OR c` is `(a OR c) AND (b OR c)`) and moving `NOT` onto the
//! words (`NOT (a OR b)` is `NOT a AND NOT b`), up to a number of words.

/// A query expression over words (`T`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr<T> {
    /// One word or phrase.
    Leaf(T),
    /// It must not match.
    Not(Box<Expr<T>>),
    /// Every one must match.
    All(Vec<Expr<T>>),
    /// Any one will do.
    Any(Vec<Expr<T>>),
}

/// A word of the normal form, or its negation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Literal<T> {
    pub value: T,
    pub negated: bool,
}

/// Conjunctive normal form: every clause must hold, a clause holds when
/// any of its literals does.
pub(crate) type Clauses<T> = Vec<Vec<Literal<T>>>;

/// The conjunctive normal form of `expr`, or `None` when it would hold
/// more than `most` literals (`(a b c d) OR (e f g h) OR …` multiplies).
/// Clauses keep the order of the words they come from.
pub(crate) fn conjunctive<T: Clone>(expr: &Expr<T>, most: usize) -> Option<Clauses<T>> {
    let mut clauses = normal(expr, false, most)?;
    // an empty clause (an empty `OR`) holds nowhere: the parser makes none
    clauses.retain(|c| !c.is_empty());
    Some(clauses)
}

fn normal<T: Clone>(expr: &Expr<T>, negated: bool, most: usize) -> Option<Clauses<T>> {
    match expr {
        Expr::Leaf(value) => Some(vec![vec![Literal {
            value: value.clone(),
            negated,
        }]]),
        Expr::Not(inner) => normal(inner, !negated, most),
        // `NOT (a OR b)` is `NOT a AND NOT b`
        Expr::All(children) if !negated => all(children, negated, most),
        Expr::Any(children) if negated => all(children, negated, most),
        // `NOT (a AND b)` is `NOT a OR NOT b`
        Expr::All(children) | Expr::Any(children) => any(children, negated, most),
    }
}

fn size<T>(clauses: &Clauses<T>) -> usize {
    clauses.iter().map(Vec::len).sum()
}

fn all<T: Clone>(children: &[Expr<T>], negated: bool, most: usize) -> Option<Clauses<T>> {
    let mut out = Vec::new();
    for child in children {
        out.extend(normal(child, negated, most)?);
        if size(&out) > most {
            return None;
        }
    }
    Some(out)
}

fn any<T: Clone>(children: &[Expr<T>], negated: bool, most: usize) -> Option<Clauses<T>> {
    let mut product: Clauses<T> = vec![Vec::new()];
    for child in children {
        let clauses = normal(child, negated, most)?;
        if clauses.is_empty() {
            // an alternative that always holds: so does the whole
            return Some(Vec::new());
        }
        let mut next = Vec::with_capacity(product.len() * clauses.len());
        for a in &product {
            for b in &clauses {
                next.push(a.iter().chain(b).cloned().collect::<Vec<_>>());
            }
        }
        if size(&next) > most {
            return None;
        }
        product = next;
    }
    Some(product)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(s: &'static str) -> Expr<&'static str> {
        Expr::Leaf(s)
    }

    /// Clauses as `a|b`, negations as `-a`.
    fn shown(clauses: &Clauses<&str>) -> Vec<String> {
        clauses
            .iter()
            .map(|c| {
                c.iter()
                    .map(|l| format!("{}{}", if l.negated { "-" } else { "" }, l.value))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }

    #[test]
    fn or_distributes_over_and() {
        let e = Expr::Any(vec![Expr::All(vec![leaf("a"), leaf("b")]), leaf("c")]);
        assert_eq!(shown(&conjunctive(&e, 32).unwrap()), ["a|c", "b|c"]);
        let e = Expr::All(vec![leaf("a"), Expr::Any(vec![leaf("b"), leaf("c")])]);
        assert_eq!(shown(&conjunctive(&e, 32).unwrap()), ["a", "b|c"]);
    }

    #[test]
    fn not_moves_onto_the_words() {
        let e = Expr::All(vec![
            leaf("a"),
            Expr::Not(Box::new(Expr::Any(vec![leaf("b"), leaf("c")]))),
        ]);
        assert_eq!(shown(&conjunctive(&e, 32).unwrap()), ["a", "-b", "-c"]);
        let e = Expr::Not(Box::new(Expr::All(vec![leaf("b"), leaf("c")])));
        assert_eq!(shown(&conjunctive(&e, 32).unwrap()), ["-b|-c"]);
        let e = Expr::Not(Box::new(Expr::Not(Box::new(leaf("a")))));
        assert_eq!(shown(&conjunctive(&e, 32).unwrap()), ["a"]);
    }

    #[test]
    fn a_form_past_the_limit_is_refused() {
        let four = |w: [&'static str; 4]| Expr::All(w.map(leaf).to_vec());
        let e = Expr::Any(vec![
            four(["a", "b", "c", "d"]),
            four(["e", "f", "g", "h"]),
            four(["i", "j", "k", "l"]),
        ]);
        // 64 clauses of 3
        assert_eq!(conjunctive(&e, 32), None);
        assert_eq!(conjunctive(&e, 192).map(|c| c.len()), Some(64));
    }
}
