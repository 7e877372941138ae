//! Noise: what real pages carry that changes between two visits without the
//! terms changing. Noise is removed before paragraphs are compared, on both
//! sides (the snapshot never stores it), so it can never count as a change.
//!
//! The list is short on purpose; each rule names what it removes:
//!
//! | rule | removes | example |
//! | --- | --- | --- |
//! | relative date | the phrase, and `updated` / `last updated` / `posted` ... just before it | `Updated 3 days ago`, `last edited a few minutes ago`, `Updated yesterday` |
//! | URL query | the words after `?` or `#` of a URL written out in the text | `https://x.com/terms?utm_source=mail#top` keeps `https x com terms` |
//! | cookie banner | the whole paragraph | `We use cookies ... Click "Accept all" ...`, `Cookie preferences`, `Reject all` |
//! | link hint | a screen-reader hint after a link, which Markdown renderings of the same page lack | `Pricing(opens in a new window)`, `opens in new tab` |
//!
//! Absolute dates are not noise: `Last Updated: May 16, 2025` becoming
//! `November 18, 2025` is a change the reader should see.
//!
//! A cookie-banner paragraph is one of at most [`BANNER_MAX_WORDS`] words that
//! names cookies and either says `cookie preferences` / `cookie settings` /
//! `cookie choices` / `cookie consent`, or pairs a consent verb (accept,
//! reject, decline, ...) with an interface word (click, select, button, ...);
//! or a short line made only of banner buttons (`Accept all`, `Decline`,
//! `Customize`). A privacy policy's own sentence about cookie preferences can
//! match too and is then not compared: the price of never flagging a banner.

use crate::text::Word;

/// Longest paragraph that can be a cookie banner. Banners of AWS, OpenAI and
/// Google run 20 to 90 words a block; a privacy policy's cookie section is
/// longer.
pub const BANNER_MAX_WORDS: usize = 150;

/// Longest line made only of banner buttons (`Accept all cookies`).
const BUTTONS_MAX_WORDS: usize = 4;

/// Units of a relative date (`3 days ago`).
const UNITS: &[&str] = &[
    "second", "seconds", "sec", "secs", "minute", "minutes", "min", "mins", "hour", "hours", "hr",
    "hrs", "day", "days", "week", "weeks", "month", "months", "year", "years", "yr", "yrs",
];

/// Quantities of a relative date besides numbers (`a few days ago`).
const QUANTITIES: &[&str] = &[
    "a", "an", "one", "two", "three", "few", "several", "couple", "of",
];

/// Words that introduce a relative date and go with it (`Last updated`).
const LEADS: &[&str] = &[
    "last",
    "updated",
    "edited",
    "modified",
    "changed",
    "revised",
    "posted",
    "published",
];

/// Relative days that are noise only after a lead word (`Updated today`).
const DAYS: &[&str] = &["today", "yesterday"];

/// Verbs of a consent choice.
const CONSENT: &[&str] = &[
    "accept",
    "reject",
    "decline",
    "deny",
    "customize",
    "customise",
    "consent",
];

/// Interface words that show the text is a banner talking about its buttons.
const INTERFACE: &[&str] = &[
    "click", "clicking", "tap", "select", "choose", "button", "buttons",
];

/// Words after `cookie(s)` that only a consent interface uses.
const BANNER_NOUNS: &[&str] = &["preferences", "settings", "choices", "consent"];

/// Words a banner's buttons are made of.
const BUTTON_WORDS: &[&str] = &[
    "accept",
    "reject",
    "decline",
    "deny",
    "allow",
    "all",
    "cookies",
    "cookie",
    "only",
    "necessary",
    "essential",
    "optional",
    "and",
    "settings",
    "preferences",
    "manage",
    "customize",
    "customise",
    "ok",
    "okay",
    "i",
    "agree",
    "save",
];

/// The words of one line that are compared: none for a cookie banner, the
/// line without its relative dates otherwise.
pub fn clean_line(line: Vec<&Word>) -> Vec<&Word> {
    // Most lines hold none of the words every rule below needs, and are kept
    // whole without looking further: a banner that is not buttons only names
    // cookies, a relative date ends in `ago`, `now` or a day of `DAYS`, a link
    // hint starts with `open` or `opens`.
    let needed = |w: &&Word| {
        matches!(
            w.norm.as_str(),
            "cookie" | "cookies" | "ago" | "now" | "open" | "opens"
        ) || DAYS.contains(&w.norm.as_str())
    };
    if line.len() > BUTTONS_MAX_WORDS && !line.iter().any(needed) {
        return line;
    }
    let norms: Vec<&str> = line.iter().map(|w| w.norm.as_str()).collect();
    if is_cookie_banner(&norms) {
        return Vec::new();
    }
    let mut drop = relative_dates(&norms);
    for (d, hint) in drop.iter_mut().zip(link_hints(&norms)) {
        *d |= hint;
    }
    if drop.iter().all(|d| !d) {
        return line;
    }
    line.into_iter()
        .zip(drop)
        .filter_map(|(w, d)| (!d).then_some(w))
        .collect()
}

/// Is this paragraph (its normalised words) a cookie banner or its buttons?
pub fn is_cookie_banner(norms: &[&str]) -> bool {
    if norms.is_empty() || norms.len() > BANNER_MAX_WORDS {
        return false;
    }
    let has = |list: &[&str]| norms.iter().any(|w| list.contains(w));
    let buttons_only = norms.len() <= BUTTONS_MAX_WORDS
        && norms.iter().all(|w| BUTTON_WORDS.contains(w))
        && (has(CONSENT) || has(&["allow"]));
    if buttons_only {
        return true;
    }
    let is_cookie = |w: &&str| *w == "cookie" || *w == "cookies";
    if !norms.iter().any(is_cookie) {
        return false;
    }
    let banner_noun = norms
        .windows(2)
        .any(|p| is_cookie(&p[0]) && BANNER_NOUNS.contains(&p[1]));
    banner_noun || (has(CONSENT) && has(INTERFACE))
}

/// Marks the words of relative-date phrases: `[lead words] quantity unit ago`
/// and `lead words today|yesterday`.
///
/// ```text
///  last updated a few minutes ago .  see below
///  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^     (quantity "a few", unit "minutes", "ago")
/// ```
/// Marks the words of link hints: `opens in a new window`, `opens in new tab`
/// (and `open`, `a new browser window`). OpenAI's pages end every outside link
/// with "(opens in a new window)" for screen readers; the recorded Markdown of
/// the same page has none, so without this rule every such link would read as
/// an edit against the version termlens ships.
fn link_hints(norms: &[&str]) -> Vec<bool> {
    let mut drop = vec![false; norms.len()];
    let mut i = 0;
    while i < norms.len() {
        if matches!(norms[i], "opens" | "open") {
            let mut j = i + 1;
            if norms.get(j) == Some(&"in") {
                j += 1;
            }
            if norms.get(j) == Some(&"a") {
                j += 1;
            }
            if norms.get(j) == Some(&"new") {
                j += 1;
                if norms.get(j) == Some(&"browser") {
                    j += 1;
                }
                if matches!(norms.get(j), Some(&"window") | Some(&"tab")) {
                    drop[i..=j].iter_mut().for_each(|d| *d = true);
                    i = j + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    drop
}

fn relative_dates(norms: &[&str]) -> Vec<bool> {
    let mut drop = vec![false; norms.len()];
    let is_quantity = |w: &str| {
        QUANTITIES.contains(&w) || (w.len() <= 3 && w.bytes().all(|b| b.is_ascii_digit()))
    };
    // Extends a marked phrase ending before `end` backwards over lead words.
    let mark_leads = |drop: &mut Vec<bool>, mut i: usize| {
        while i > 0 && LEADS.contains(&norms[i - 1]) {
            i -= 1;
            drop[i] = true;
        }
    };
    for (i, w) in norms.iter().enumerate() {
        if *w == "ago" && i >= 2 && UNITS.contains(&norms[i - 1]) && is_quantity(norms[i - 2]) {
            let mut start = i - 2;
            while start > 0 && is_quantity(norms[start - 1]) {
                start -= 1;
            }
            for d in &mut drop[start..=i] {
                *d = true;
            }
            mark_leads(&mut drop, start);
        } else if DAYS.contains(w) && i >= 1 && LEADS.contains(&norms[i - 1]) {
            drop[i] = true;
            mark_leads(&mut drop, i);
        } else if *w == "now" && i >= 2 && norms[i - 1] == "just" && LEADS.contains(&norms[i - 2]) {
            drop[i] = true;
            drop[i - 1] = true;
            mark_leads(&mut drop, i - 1);
        }
    }
    drop
}

/// Byte ranges of the query strings and fragments of URLs written out in
/// `raw` (`?utm_source=x#top` of `https://x.com/a?utm_source=x#top`), sorted.
pub fn url_queries(raw: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Only an `h` or a `w` can start a URL: the rest of the page is
        // skipped to the next of them.
        match bytes[i..].iter().position(|&b| b == b'h' || b == b'w') {
            Some(p) => i += p,
            None => break,
        }
        let rest = &bytes[i..];
        let starts_url = rest.starts_with(b"http://")
            || rest.starts_with(b"https://")
            || rest.starts_with(b"www.");
        if !starts_url {
            i += 1;
            continue;
        }
        // A URL runs to the first space or quote-like delimiter. All of these are
        // ASCII, so `end` is a char boundary.
        let end = rest
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b"<>\"'`".contains(&b))
            .map_or(bytes.len(), |p| i + p);
        if let Some(q) = bytes[i..end].iter().position(|&b| b == b'?' || b == b'#') {
            out.push((i + q, end));
        }
        i = end.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Words;

    fn kept(line: &str) -> String {
        let words = Words::new(line);
        let kept = clean_line(words.iter().collect());
        kept.iter()
            .map(|w| w.norm.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    macro_rules! noise {
        ($($name:ident: $line:expr => $kept:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(kept($line), $kept, "line {:?}", $line);
            }
        )*};
    }

    noise! {
        updated_days_ago: "Updated 3 days ago" => "";
        link_hint_after_a_link: "See https://openai.com/api/pricing(opens in a new window) for prices" => "see https openai com api pricing for prices";
        link_hint_new_tab: "Download PDF (opens in new tab)" => "download pdf";
        opens_without_window_is_kept: "The store opens in a new region" => "the store opens in a new region";
        last_updated_hours_ago: "Last updated 2 hours ago" => "";
        minutes_ago_in_a_sentence: "Terms of Service (edited 5 minutes ago)" => "terms of service";
        a_few_weeks_ago: "Posted a few weeks ago by the legal team" => "by the legal team";
        a_couple_of_months_ago: "Updated a couple of months ago" => "";
        updated_yesterday: "Last updated yesterday" => "";
        updated_just_now: "Updated just now" => "";
        // Guards: what is not noise stays.
        absolute_date_stays: "Last Updated: May 16, 2025" => "last updated may 16 2025";
        today_without_lead_stays: "As of today, these terms apply" => "as of today these terms apply";
        ago_without_unit_stays: "long ago and far away" => "long ago and far away";
        aws_banner: "We use essential cookies and similar tools that are necessary to provide our site and services. Essential cookies cannot be deactivated, but you can click “Customize” or “Decline” to decline performance cookies." => "";
        aws_banner_title: "Select your cookie preferences" => "";
        openai_banner: "We use cookies and similar technologies to deliver, maintain, improve our services and for security purposes. Click 'Accept all' to let OpenAI and partners use cookies for these purposes. Click 'Reject all' to say no to cookies, except those that are strictly necessary." => "";
        button_accept_all: "Accept all" => "";
        button_decline: "Decline" => "";
        privacy_policy_cookie_sentence_stays: "We use cookies to remember your language and to keep you signed in." => "we use cookies to remember your language and to keep you signed in";
        accept_the_terms_stays: "You accept these terms by using the Services." => "you accept these terms by using the services";
        short_accept_line_with_other_words_stays: "Accept the Agreement" => "accept the agreement";
    }

    #[test]
    fn url_query_and_fragment_ranges() {
        let raw = "see https://x.com/a?utm_source=mail&id=1#top and www.y.org/b#c.";
        let q = url_queries(raw);
        assert_eq!(q.len(), 2);
        assert_eq!(&raw[q[0].0..q[0].1], "?utm_source=mail&id=1#top");
        assert_eq!(&raw[q[1].0..q[1].1], "#c.");
        assert!(url_queries("no links here, only text?").is_empty());
        assert!(url_queries("https://x.com/plain").is_empty());
    }
}
