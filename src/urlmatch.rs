//! Which known document an address is: the rule, and the table the extension's
//! gate walks.
//!
//! A document's URL pattern is `host/path`, with no scheme and no query, in any
//! case. The host part (before the first `/`) is compared with the address's
//! host name as a whole: `example.com` is that host only, and `*.example.com`
//! is `example.com` or any host under it (`www.example.com`, `a.b.example.com`;
//! not `evilexample.com`). No other `*` is a wildcard in the host: a pattern
//! with one matches no address. The path part (from the first `/`, `/` alone
//! when the pattern has none) is a glob where `*` matches any run of
//! characters, and must match the address's whole path (no query, no
//! fragment). Of the patterns that match, the most specific (the most
//! characters besides `*` and `*.`) wins; on a tie, a host-only pattern before
//! a host-or-subdomain one, then the first in `data/platforms.toml` order.
//! [`rank`] puts every pattern in that order, as a lower-case host, whether
//! subdomains count, and the path split at `*` into literal pieces, so that the
//! answer is the first pattern that matches: [`KnowledgeBase::document_for_url`]
//! asks [`find`], and the content script's gate walks the same ranked table
//! ([`gate_script`], `pkg/known-documents.js`) without loading the core,
//! comparing `host` with `location.hostname` and `pieces` with
//! `location.pathname` as [`RankedPattern::matches`] does.
//!
//! [`KnowledgeBase::document_for_url`]: crate::kb::KnowledgeBase::document_for_url

use serde::Serialize;

/// One document's patterns, as [`rank`] reads them.
#[derive(Clone, Copy, Debug)]
pub struct KnownDocument<'a> {
    /// Document id (`<platform>/<name>`).
    pub id: &'a str,
    /// Its title, as the gate reports it.
    pub name: &'a str,
    /// Its canonical address.
    pub url: &'a str,
    /// Its URL patterns, as written.
    pub patterns: &'a [String],
}

impl<'a> KnownDocument<'a> {
    /// A document of the knowledge base.
    pub fn of(d: &'a crate::kb::Document) -> Self {
        Self {
            id: &d.id,
            name: &d.name,
            url: &d.url,
            patterns: &d.patterns,
        }
    }
}

/// One pattern of the ranked table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RankedPattern<'a> {
    /// The position of its document in the list [`rank`] was given.
    #[serde(skip)]
    pub index: usize,
    /// The document the pattern is of.
    pub id: &'a str,
    /// That document's title.
    pub name: &'a str,
    /// The host part in lower case, without a leading `*.`.
    pub host: String,
    /// Whether a host under [`Self::host`] matches too (the pattern's host part
    /// starts with `*.`).
    pub subdomains: bool,
    /// The path part in lower case (from its `/`), split at `*` (`"/a*b"` ->
    /// `["/a", "b"]`, `"/a*"` -> `["/a", ""]`): literal pieces, in order, with
    /// any run between two.
    pub pieces: Vec<String>,
}

impl<'a> RankedPattern<'a> {
    /// `pattern` of document `index` (`id`, `name`), read as the rule says.
    fn parse(index: usize, id: &'a str, name: &'a str, pattern: &str) -> Self {
        let pattern = crate::case::lower(pattern);
        let (host, path) = match pattern.find('/') {
            Some(at) => pattern.split_at(at),
            None => (pattern.as_str(), "/"),
        };
        let (host, subdomains) = match host.strip_prefix("*.") {
            Some(parent) => (parent, true),
            None => (host, false),
        };
        Self {
            index,
            id,
            name,
            host: host.to_string(),
            subdomains,
            pieces: path.split('*').map(str::to_string).collect(),
        }
    }

    /// Characters besides `*` and `*.`: the more, the more specific the pattern.
    fn specificity(&self) -> usize {
        self.host.chars().count() + self.pieces.iter().map(|p| p.chars().count()).sum::<usize>()
    }

    /// Whether the pattern matches `host` (a host name, lower case) and `path`
    /// (from its `/`, lower case).
    pub fn matches(&self, host: &str, path: &str) -> bool {
        let host_matches = host == self.host
            || (self.subdomains
                && host
                    .strip_suffix(self.host.as_str())
                    .is_some_and(|under| under.ends_with('.')));
        host_matches && !self.host.contains('*') && matches_pieces(&self.pieces, path)
    }
}

/// Every pattern of `documents`, most specific first; patterns equally
/// specific keep their order in `documents`.
pub fn rank<'a>(documents: impl IntoIterator<Item = KnownDocument<'a>>) -> Vec<RankedPattern<'a>> {
    let mut table: Vec<RankedPattern> = documents
        .into_iter()
        .enumerate()
        .flat_map(|(index, d)| {
            d.patterns
                .iter()
                .map(move |p| RankedPattern::parse(index, d.id, d.name, p))
        })
        .collect();
    // A stable sort: a tie keeps source order.
    crate::sort::by_key(&mut table, |p| {
        (std::cmp::Reverse(p.specificity()), p.subdomains)
    });
    table
}

/// The document `url` is, by the ranked table (the first pattern that matches
/// the address's host and path), as its position in `documents`.
pub fn find<'a>(
    url: &str,
    documents: impl IntoIterator<Item = KnownDocument<'a>>,
) -> Option<usize> {
    let (host, path) = host_and_path(url)?;
    rank(documents)
        .into_iter()
        .find(|p| p.matches(&host, &path))
        .map(|p| p.index)
}

/// The gate's table as a classic script (`pkg/known-documents.js`): the ranked
/// patterns as `globalThis.TERMLENS_KNOWN_PATTERNS`,
/// `[{ id, name, host, subdomains, pieces }]`.
pub fn gate_script<'a>(documents: impl IntoIterator<Item = KnownDocument<'a>>) -> String {
    let table = rank(documents);
    format!(
        "// Generated by `termlens kb compile` (src/urlmatch.rs): the known documents' URL patterns,\n\
         // most specific first, for the content script's gate. Do not edit.\n\
         globalThis.TERMLENS_KNOWN_PATTERNS = {};\n",
        serde_json::to_string(&table).unwrap_or_else(|_| "[]".into())
    )
}

/// An address the gate is tested with, and the document the rule says it is.
#[derive(Clone, Debug, Serialize)]
pub struct GateCase<'a> {
    /// The address (`http://host/path`).
    pub url: String,
    /// The document's id, or `None` for no known document.
    pub id: Option<&'a str>,
    /// The document's title, or `None`.
    pub name: Option<&'a str>,
}

/// Addresses near every pattern (each document's own address; each pattern
/// with `*` filled or dropped, in upper case, with more path, under another
/// host, behind another host; its host with a prefix, as a subdomain, or
/// carried in another host's path) and the document each one is, by [`find`].
/// The browser tests run the gate on them and compare.
pub fn gate_cases<'a>(documents: &[KnownDocument<'a>]) -> Vec<GateCase<'a>> {
    let mut urls = vec!["http://127.0.0.1/blog/growing-tomatoes".to_string()];
    for d in documents {
        urls.push(d.url.to_string());
        for m in d.patterns {
            urls.extend(near(m).iter().filter_map(|v| address(v)));
        }
    }
    let mut seen = rustc_hash::FxHashSet::default();
    urls.retain(|u| seen.insert(u.clone()));
    urls.into_iter()
        .map(|url| {
            let found = find(&url, documents.iter().copied()).map(|at| documents[at]);
            GateCase {
                url,
                id: found.map(|d| d.id),
                name: found.map(|d| d.name),
            }
        })
        .collect()
}

/// `host/path` addresses near `pattern`, some of them the pattern's document,
/// some of them attacks on the host rule (each with `*` filled and dropped:
/// `evilanthropic.com/legal/aup`, `evil.example/anthropic.com/legal/aup`,
/// `127.0.0.1/not-anthropic/anthropic.com/legal/aup`).
fn near(pattern: &str) -> Vec<String> {
    let filled = pattern.replace('*', "x");
    let (host, rest) = filled.split_once('/').unwrap_or((&filled, ""));
    let bare = pattern.strip_prefix("*.").unwrap_or(pattern);
    let mut out = vec![
        filled.clone(),
        bare.replace('*', ""),
        filled.to_uppercase(),
        format!("{filled}/more"),
        format!("{host}.evil.test/{rest}"),
        format!("evil.test/{filled}"),
    ];
    for form in [bare.replace('*', "x"), bare.replace('*', "")] {
        let (parent, path) = form.split_once('/').unwrap_or((&form, ""));
        let label = parent.split('.').next().unwrap_or(parent);
        out.extend([
            format!("www.{parent}/{path}"),
            format!("evil{parent}/{path}"),
            format!("evil.example/{parent}/{path}"),
            format!("127.0.0.1/not-{label}/{parent}/{path}"),
        ]);
    }
    out
}

/// `http://host/path` for a `host/path` whose host is a plain host name.
fn address(variant: &str) -> Option<String> {
    let (h, p) = variant.split_once('/').unwrap_or((variant, ""));
    let plain_host = !h.is_empty()
        && !h.starts_with('.')
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    plain_host.then(|| format!("http://{h}/{p}"))
}

/// Whether `pieces` (a pattern split at `*`) match all of `target`: the first
/// piece at the start, the last at the end, the ones between in order, each
/// at its first place after the previous one (the leftmost place leaves the
/// most room for the rest, so no other choice can succeed where it fails).
fn matches_pieces(pieces: &[String], target: &str) -> bool {
    let [first, middle @ .., last] = pieces else {
        return pieces.first().is_some_and(|p| p == target);
    };
    let Some(mut rest) = target.strip_prefix(first.as_str()) else {
        return false;
    };
    for piece in middle {
        match rest.find(piece.as_str()) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last.as_str())
}

/// `https://u@Example.com:8/a/B?x#y` -> `("example.com", "/a/b")`: the host
/// name (no user info, no port) and the path from its `/` (`/` when there is
/// none), in lower case, without query or fragment, as `location.hostname`
/// and `location.pathname` give them.
pub fn host_and_path(url: &str) -> Option<(String, String)> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let hp = &rest[..end];
    let (authority, path) = match hp.find('/') {
        Some(at) => hp.split_at(at),
        None => (hp, "/"),
    };
    let host = authority.rsplit('@').next().unwrap_or(authority);
    // A port follows the last `:` unless the host is an IPv6 literal (`[::1]`).
    let host = match host.rfind([':', ']']) {
        Some(at) if host[at..].starts_with(':') => &host[..at],
        _ => host,
    };
    if host.is_empty() {
        return None;
    }
    Some((crate::case::lower(host), crate::case::lower(path)))
}

/// Whether `pattern` is a valid URL pattern: `host/path`, no scheme, query
/// or user info; the host a dotted name of at least two labels of letters,
/// digits and `-` with letters in its last label (not an address), optionally
/// opened by `*.` (the host or any host under it) and with no other `*`; the
/// path (from the first `/`) any glob. The reason, when it is not.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it has spaces or control characters".into());
    }
    if pattern.contains("://") {
        return Err("give the host and path without the scheme".into());
    }
    if pattern.contains(['?', '#', '@', '\\']) {
        return Err("it may not have `?`, `#`, `@` or `\\`".into());
    }
    let host = pattern.split('/').next().unwrap_or_default();
    let name = host.strip_prefix("*.").unwrap_or(host);
    if name.contains('*') {
        return Err("the host must be named: `*` may only open it, as `*.`".into());
    }
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let named = labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|l| l.chars().any(|c| c.is_ascii_alphabetic()));
    if !named {
        return Err("it must start with a host name such as example.com".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_names_its_host() {
        for good in [
            "example.com/terms*",
            "*.example.com/legal/*",
            "a-b.example.co.uk",
            "EXAMPLE.com/x",
        ] {
            assert_eq!(check_pattern(good), Ok(()), "{good}");
        }
        for bad in [
            "*",
            "*/terms",
            "*example.com/terms",
            "example.*/terms",
            "*.com/terms",
            "localhost/terms",
            "127.0.0.1/terms",
            "https://example.com/terms",
            "example.com@evil.example/terms",
            "example .com/terms",
            "example..com/terms",
            "",
        ] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strips_scheme_query_and_port() {
        let at = |url| host_and_path(url);
        let pair = |h: &str, p: &str| Some((h.to_string(), p.to_string()));
        assert_eq!(
            at("https://AWS.amazon.com:443/Service-Terms/?nc=1#x"),
            pair("aws.amazon.com", "/service-terms/")
        );
        assert_eq!(
            at("https://anthropic.com@evil.example/x"),
            pair("evil.example", "/x")
        );
        assert_eq!(at("http://[::1]:8080/a"), pair("[::1]", "/a"));
        assert_eq!(at("http://example.com"), pair("example.com", "/"));
        assert_eq!(at("http:///a"), None);
    }

    /// Whether `pattern` matches all of `text` (lower case).
    fn glob(pattern: &str, text: &str) -> bool {
        let pieces: Vec<String> = pattern
            .to_lowercase()
            .split('*')
            .map(str::to_string)
            .collect();
        matches_pieces(&pieces, text)
    }

    #[test]
    fn globs() {
        assert!(glob(
            "aws.amazon.com/service-terms*",
            "aws.amazon.com/service-terms/"
        ));
        assert!(glob(
            "*anthropic.com/legal/aup*",
            "www.anthropic.com/legal/aup"
        ));
        assert!(!glob(
            "x.ai/legal/terms-of-service",
            "x.ai/legal/terms-of-service-enterprise"
        ));
        assert!(glob(
            "openai.com/*/policies/x*",
            "openai.com/fr-fr/policies/x/"
        ));
        assert!(!glob(
            "openai.com/policies/x*",
            "evil.com/openai.com/policies/x"
        ));
        assert!(glob("A*b*C", "abc"));
        assert!(!glob("ab*ba", "aba"), "the pieces do not overlap");
        assert!(glob("a*a*a", "aaa"));
        assert!(!glob("a*a*a", "aa"));
        assert!(glob("*", ""));
        assert!(!glob("x", "xx"));
    }

    fn docs<'a>(patterns: &'a [(&'a str, Vec<String>)]) -> Vec<KnownDocument<'a>> {
        patterns
            .iter()
            .map(|(id, p)| KnownDocument {
                id,
                name: id,
                url: "",
                patterns: p,
            })
            .collect()
    }

    #[test]
    fn the_most_specific_pattern_wins_and_the_first_on_a_tie() {
        let patterns = [
            ("terms", vec!["mistral.ai/terms*".to_string()]),
            ("tos", vec!["Mistral.ai/terms-of-service*".to_string()]),
            ("same", vec!["mistral.ai/terms-of-servic*e".to_string()]),
        ];
        let docs = docs(&patterns);
        let table = rank(docs.iter().copied());
        let ids: Vec<&str> = table.iter().map(|p| p.id).collect();
        assert_eq!(ids, ["tos", "same", "terms"]);
        assert_eq!(table[0].host, "mistral.ai");
        assert_eq!(table[0].pieces, ["/terms-of-service", ""]);
        let at = |url| find(url, docs.iter().copied()).map(|at| docs[at].id);
        assert_eq!(at("https://mistral.ai/Terms-of-Service/"), Some("tos"));
        assert_eq!(at("https://mistral.ai/terms/"), Some("terms"));
        assert_eq!(at("https://example.com/terms/"), None);
    }

    #[test]
    fn the_host_is_matched_whole_and_subdomains_only_when_asked() {
        let patterns = [
            (
                "a",
                vec!["*.anthropic.com/legal/commercial-terms*".to_string()],
            ),
            ("l", vec!["*.llama.com/*license*".to_string()]),
            ("x", vec!["x.ai/legal/terms".to_string()]),
            ("star", vec!["*mistral.ai/terms".to_string()]),
        ];
        let docs = docs(&patterns);
        let at = |url| find(url, docs.iter().copied()).map(|at| docs[at].id);
        for url in [
            "https://anthropic.com/legal/commercial-terms",
            "https://www.anthropic.com/legal/commercial-terms",
            "https://a.b.ANTHROPIC.com:443/legal/commercial-terms/?x",
        ] {
            assert_eq!(at(url), Some("a"), "{url}");
        }
        assert_eq!(at("https://www.llama.com/llama3/license/"), Some("l"));
        assert_eq!(at("https://x.ai/legal/terms"), Some("x"));
        for url in [
            "https://evilanthropic.com/legal/commercial-terms",
            "https://anthropic.com.evil.example/legal/commercial-terms",
            "http://127.0.0.1/not-anthropic/anthropic.com/legal/commercial-terms",
            "https://evil.example/llama.com/license",
            "https://anthropic.com@evil.example/legal/commercial-terms",
            "https://www.x.ai/legal/terms",
            "https://mistral.ai/terms",
            "https://evilmistral.ai/terms",
            "https://anthropic.com/legal/other",
        ] {
            assert_eq!(at(url), None, "{url}");
        }
    }

    #[test]
    fn an_exact_host_ranks_before_the_same_host_with_subdomains() {
        let patterns = [
            ("any", vec!["*.x.ai/terms".to_string()]),
            ("only", vec!["x.ai/terms".to_string()]),
        ];
        let docs = docs(&patterns);
        let at = |url| find(url, docs.iter().copied()).map(|at| docs[at].id);
        assert_eq!(at("https://x.ai/terms"), Some("only"));
        assert_eq!(at("https://www.x.ai/terms"), Some("any"));
    }

    #[test]
    fn gate_cases_hold_matches_and_misses() {
        let patterns = [("x/terms", vec!["*.x.ai/legal/terms*".to_string()])];
        let mut documents = docs(&patterns);
        documents[0].url = "https://x.ai/legal/terms";
        let cases = gate_cases(&documents);
        let at = |url: &str| cases.iter().find(|c| c.url == url).map(|c| c.id);
        assert_eq!(at("https://x.ai/legal/terms"), Some(Some("x/terms")));
        assert_eq!(at("http://X.X.AI/LEGAL/TERMSX"), Some(Some("x/terms")));
        assert_eq!(at("http://www.x.ai/legal/termsx"), Some(Some("x/terms")));
        // The host is matched whole: not carried in a path, not as a suffix.
        assert_eq!(at("http://evil.test/x.x.ai/legal/termsx"), Some(None));
        assert_eq!(at("http://x.x.ai.evil.test/legal/termsx"), Some(None));
        assert_eq!(at("http://evilx.ai/legal/termsx"), Some(None));
        assert_eq!(at("http://evil.example/x.ai/legal/termsx"), Some(None));
        assert_eq!(at("http://127.0.0.1/not-x/x.ai/legal/terms"), Some(None));
        assert_eq!(at("http://evilx.ai/legal/terms"), Some(None));
        assert!(cases.iter().all(|c| c.url.starts_with("http")));
    }
}
