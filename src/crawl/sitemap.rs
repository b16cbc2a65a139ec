//! sitemap.xml: a `<urlset>` lists pages, a `<sitemapindex>` lists more
//! sitemaps. Both are read with `quick-xml` as a stream of events, taking
//! the text of every `<loc>` (namespaces ignored, so prefixed or
//! unprefixed tags both work). A gzipped sitemap (`.xml.gz`) is inflated
//! first, up to the same size cap as any body. A broken file yields the
//! locations read before the break, never an error.

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::ingest::text::unescape_xml;

/// Most locations read from one sitemap file (the protocol's own limit).
pub(crate) const MAX_LOCS: usize = 50_000;

/// What a sitemap file lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sitemap {
    /// Page URLs (`<urlset><url><loc>`).
    pub pages: Vec<String>,
    /// Further sitemaps (`<sitemapindex><sitemap><loc>`).
    pub sitemaps: Vec<String>,
    /// A gzipped sitemap inflated past the size cap: only the locations in
    /// its first `max_bytes` are listed.
    pub cut: bool,
}

/// Parse a sitemap or sitemap index; gzip is detected by its magic bytes.
pub fn parse(bytes: &[u8], max_bytes: u64) -> Sitemap {
    if bytes.starts_with(b"\x1f\x8b") {
        let mut out = Vec::new();
        let _ = flate2::read::GzDecoder::new(bytes)
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut out);
        let cut = out.len() as u64 > max_bytes;
        out.truncate(max_bytes.min(out.len() as u64) as usize);
        return Sitemap {
            cut,
            ..parse_xml(&out)
        };
    }
    parse_xml(bytes)
}

fn parse_xml(bytes: &[u8]) -> Sitemap {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut out = Sitemap::default();
    let mut in_sitemap = false;
    let mut in_loc = false;
    let mut loc = String::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().into_inner() {
                "sitemap" => in_sitemap = true,
                "loc" => {
                    in_loc = true;
                    loc.clear();
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().into_inner() {
                "sitemap" => in_sitemap = false,
                "loc" => {
                    in_loc = false;
                    let l = loc.trim();
                    if !l.is_empty() {
                        if in_sitemap {
                            out.sitemaps.push(l.to_string());
                        } else {
                            out.pages.push(l.to_string());
                        }
                    }
                    if out.pages.len() + out.sitemaps.len() >= MAX_LOCS {
                        break;
                    }
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_loc => {
                let b: &str = &t;
                loc.push_str(&unescape_xml(b));
            }
            Ok(Event::CData(t)) if in_loc => {
                let b: &str = &t;
                loc.push_str(b);
            }
            Ok(Event::GeneralRef(r)) if in_loc => {
                let name: &str = &r;
                loc.push_str(&unescape_xml(&format!("&{name};")));
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlset_pages_are_listed() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://x.org/a</loc><lastmod>2024-01-01</lastmod></url>
  <url><loc> https://x.org/b?x=1&amp;y=2 </loc></url>
</urlset>"#;
        let s = parse(xml, 1 << 20);
        assert_eq!(s.pages, ["https://x.org/a", "https://x.org/b?x=1&y=2"]);
        assert!(s.sitemaps.is_empty());
    }

    #[test]
    fn sitemap_index_lists_child_sitemaps() {
        let xml = br#"<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
<sm:sitemap><sm:loc>https://x.org/s1.xml</sm:loc></sm:sitemap>
<sm:sitemap><sm:loc><![CDATA[https://x.org/s2.xml]]></sm:loc></sm:sitemap>
</sm:sitemapindex>"#;
        let s = parse(xml, 1 << 20);
        assert_eq!(s.sitemaps, ["https://x.org/s1.xml", "https://x.org/s2.xml"]);
        assert!(s.pages.is_empty());
    }

    #[test]
    fn gzipped_sitemap_is_inflated() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"<urlset><url><loc>https://x.org/z</loc></url></urlset>")
            .unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(parse(&gz, 1 << 20).pages, ["https://x.org/z"]);
        assert!(!parse(&gz, 1 << 20).cut);
        // a bomb is cut at the cap, and says so
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"<urlset><url><loc>https://x.org/a</loc></url>")
            .unwrap();
        enc.write_all(&vec![b' '; 1 << 20]).unwrap();
        let bomb = parse(&enc.finish().unwrap(), 64 * 1024);
        assert!(bomb.cut);
        assert_eq!(bomb.pages, ["https://x.org/a"]);
    }

    #[test]
    fn broken_xml_keeps_what_was_read() {
        let xml = b"<urlset><url><loc>https://x.org/a</loc></url><url><loc>https://x.org/b</lo";
        assert_eq!(parse(xml, 1 << 20).pages, ["https://x.org/a"]);
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed = 3u64;
        for len in 0..400usize {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    let set = b"<loc>/</sitemap>&amp;#x;<![CDATA[]]>\x1f\x8b\xff urlset";
                    set[(seed >> 33) as usize % set.len()]
                })
                .collect();
            let _ = parse(&bytes, 1 << 16);
        }
        assert_eq!(unescape_xml("a&b &#x41;&#66;&bogus; &"), "a&b AB&bogus; &");
    }
}
