//! The private-address guard, the one every fetch Kartotek makes goes through (`ingest
//! URL` in [`super::fetch`], the crawler in `crawl::fetcher`): unless private addresses
//! are allowed, a host that is an IP literal in a loopback, private, link-local or other
//! non-public range is refused before any connection ([`literal_host_refusal`]), and host
//! names are resolved through a resolver that drops such addresses ([`public_only`]), so
//! a DNS answer cannot point a fetch at the machine's own network (checked at connection
//! time, which also stops DNS rebinding).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

/// Why a body read stopped short.
#[derive(Debug)]
pub(crate) enum BodyStop {
    /// The connection failed.
    Io(std::io::Error),
    /// The whole request's time ran out while the body still arrived.
    Deadline,
}

/// A response body, at most `max + 1` bytes (one more than allowed, so the
/// caller can tell a body over the cap), read by `deadline`. An HTTP
/// client's timeout bounds each read, not the whole body: a server
/// dripping a byte a second would hold a fetch forever. Each read waits at
/// most the client's timeout; the deadline is checked between them.
pub(crate) fn read_body(
    resp: impl std::io::Read,
    max: u64,
    deadline: std::time::Instant,
) -> Result<Vec<u8>, BodyStop> {
    use std::io::Read;
    let mut body = Vec::new();
    let mut limited = resp.take(max.saturating_add(1));
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = match limited.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(BodyStop::Io(e)),
        };
        if n == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..n]);
        if std::time::Instant::now() > deadline {
            return Err(BodyStop::Deadline);
        }
    }
}

/// Why an IP-literal host in a non-public range is refused; `None` for a public address
/// or a host name (names are checked when they resolve, by [`public_only`]).
pub(crate) fn literal_host_refusal(url: &Url) -> Option<String> {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let Ok(ip) = bare.parse::<IpAddr>() else {
        return None;
    };
    if is_public(ip) {
        None
    } else {
        Some(format!(
            "`{ip}` is a loopback, private or otherwise non-public address; pass `--allow-private` (or set `allow_private = true` in the sources file) to crawl it"
        ))
    }
}

/// Make a client resolve host names through the public-address guard. The
/// one guard for every fetch Kartotek makes: the crawler's and `ingest URL`
/// ([`super::fetch`]); pair it with [`literal_host_refusal`] on every
/// URL requested (IP literals are not resolved).
pub(crate) fn public_only(b: reqwest::blocking::ClientBuilder) -> reqwest::blocking::ClientBuilder {
    b.dns_resolver(Arc::new(PublicOnly))
}

/// Resolves host names and keeps only public addresses.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(
                    format!("`{host}` resolves only to private or loopback addresses").into(),
                );
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// True for addresses on the public internet: not loopback, private,
/// link-local, shared (CGNAT), unspecified, multicast, broadcast,
/// documentation, benchmarking or reserved ranges (IPv4 inside IPv6 is
/// judged as IPv4).
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            // NAT64 well-known prefix 64:ff9b::/96 embeds an IPv4 address.
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let v4 =
                    Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
                return is_public_v4(v4);
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || v6 == Ipv6Addr::from([0u8; 16]))
        }
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let o = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || o[0] == 0 // "this network"
        || (o[0] == 100 && (64..128).contains(&o[1])) // shared 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (18..20).contains(&o[1])) // benchmarking
        || o[0] >= 240) // reserved
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body arriving a byte every 20 ms, `left` bytes long.
    struct Drip {
        left: usize,
    }

    impl std::io::Read for Drip {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.left == 0 || buf.is_empty() {
                return Ok(0);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
            self.left -= 1;
            buf[0] = b'x';
            Ok(1)
        }
    }

    #[test]
    fn a_body_still_arriving_at_the_deadline_is_cut_there() {
        use std::time::{Duration, Instant};
        let started = Instant::now();
        let deadline = started + Duration::from_millis(200);
        let stop = read_body(Drip { left: 1_000 }, 1 << 20, deadline).unwrap_err();
        assert!(matches!(stop, BodyStop::Deadline), "{stop:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        // a body done in time is read whole, and one byte past the cap stops it
        let late = Instant::now() + Duration::from_secs(60);
        assert_eq!(read_body(Drip { left: 5 }, 100, late).unwrap().len(), 5);
        assert_eq!(read_body(Drip { left: 50 }, 10, late).unwrap().len(), 11);
    }

    #[test]
    fn private_and_loopback_ranges_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::7f00:1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["1.1.1.1", "158.39.1.1", "2a00:1450:400f::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }
}
