//! Class and id hints, Readability's word lists: positive, negative, unlikely candidates and
//! always-stripped chrome (cookie banners, consent boxes).

pub(super) const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text",
    "blog", "story", "prose",
];

pub(super) const NEGATIVE: &[&str] = &[
    "-ad-",
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
    "nav",
    "menu",
    "aside",
    "cookie",
    "consent",
    "social",
    "breadcrumb",
    "newsletter",
    "popup",
    "modal",
    "skip",
    "byline",
    "teaser",
    "recommend",
    "subscribe",
    "signup",
    "toolbar",
    "print",
    "caption",
];

pub(super) const UNLIKELY: &[&str] = &[
    "-ad-",
    "ad-break",
    "agegate",
    "banner",
    "breadcrumb",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "pagination",
    "pager",
    "popup",
    "cookie",
    "consent",
    "share",
    "sharing",
    "newsletter",
    "promo",
    "modal",
    "skip",
    "navbar",
    "navigation",
    "subnav",
    "topnav",
    "teaser",
    "recommend",
    "outbrain",
    "taboola",
    "tags",
];

pub(super) const MAYBE: &[&str] = &["article", "body", "column", "content", "main", "shadow"];

pub(super) const ALWAYS_STRIP: &[&str] =
    &["cookie", "consent", "gdpr", "banner", "copyright", "credit"];

pub(super) fn has_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// True when a class/id token names an advertisement slot.
pub(super) fn ad_token(s: &str) -> bool {
    s.split(|c: char| !c.is_ascii_alphanumeric()).any(|t| {
        matches!(
            t,
            "ad" | "ads" | "advert" | "adverts" | "advertisement" | "adslot" | "adsense" | "dfp"
        )
    })
}

/// Readability's class weight: +25 per positive attribute, -25 per negative one.
pub(super) fn class_weight(class: &str, id: &str) -> f64 {
    let mut w = 0.0;
    for s in [class, id] {
        if s.is_empty() {
            continue;
        }
        if has_any(s, NEGATIVE) || ad_token(s) {
            w -= 25.0;
        }
        if has_any(s, POSITIVE) {
            w += 25.0;
        }
    }
    w
}
