//! Lower case, character by character: what `char::to_lowercase` gives, from
//! a table of runs instead of the standard library's table of every mapped
//! character (11 KB in the Wasm module; these 184 runs take 2.2 KB).
//!
//! Text is lowered one character at a time everywhere in the core (the
//! normalisation, the URL rule, the hyphenation check, the main-content
//! rule's class words), so the Greek final sigma stays `σ`, as `char`'s own
//! mapping gives it (`str::to_lowercase` alone reads the word around it).

/// Lower-cased runs of characters outside ASCII: `(first, delta, count, step)`
/// maps `first + k * step` to itself plus `delta` for `k` below `count`.
/// Generated from the standard library's mapping; the test below checks every
/// character against it and prints the table again when Unicode changes.
const RUNS: &[(u32, i32, u16, u16)] = &[
    (0x000C0, 32, 23, 1),
    (0x000D8, 32, 7, 1),
    (0x00100, 1, 24, 2),
    (0x00132, 1, 3, 2),
    (0x00139, 1, 8, 2),
    (0x0014A, 1, 23, 2),
    (0x00178, -121, 1, 1),
    (0x00179, 1, 3, 2),
    (0x00181, 210, 1, 1),
    (0x00182, 1, 2, 2),
    (0x00186, 206, 1, 1),
    (0x00187, 1, 1, 1),
    (0x00189, 205, 2, 1),
    (0x0018B, 1, 1, 1),
    (0x0018E, 79, 1, 1),
    (0x0018F, 202, 1, 1),
    (0x00190, 203, 1, 1),
    (0x00191, 1, 1, 1),
    (0x00193, 205, 1, 1),
    (0x00194, 207, 1, 1),
    (0x00196, 211, 1, 1),
    (0x00197, 209, 1, 1),
    (0x00198, 1, 1, 1),
    (0x0019C, 211, 1, 1),
    (0x0019D, 213, 1, 1),
    (0x0019F, 214, 1, 1),
    (0x001A0, 1, 3, 2),
    (0x001A6, 218, 1, 1),
    (0x001A7, 1, 1, 1),
    (0x001A9, 218, 1, 1),
    (0x001AC, 1, 1, 1),
    (0x001AE, 218, 1, 1),
    (0x001AF, 1, 1, 1),
    (0x001B1, 217, 2, 1),
    (0x001B3, 1, 2, 2),
    (0x001B7, 219, 1, 1),
    (0x001B8, 1, 1, 1),
    (0x001BC, 1, 1, 1),
    (0x001C4, 2, 1, 1),
    (0x001C5, 1, 1, 1),
    (0x001C7, 2, 1, 1),
    (0x001C8, 1, 1, 1),
    (0x001CA, 2, 1, 1),
    (0x001CB, 1, 9, 2),
    (0x001DE, 1, 9, 2),
    (0x001F1, 2, 1, 1),
    (0x001F2, 1, 2, 2),
    (0x001F6, -97, 1, 1),
    (0x001F7, -56, 1, 1),
    (0x001F8, 1, 20, 2),
    (0x00220, -130, 1, 1),
    (0x00222, 1, 9, 2),
    (0x0023A, 10795, 1, 1),
    (0x0023B, 1, 1, 1),
    (0x0023D, -163, 1, 1),
    (0x0023E, 10792, 1, 1),
    (0x00241, 1, 1, 1),
    (0x00243, -195, 1, 1),
    (0x00244, 69, 1, 1),
    (0x00245, 71, 1, 1),
    (0x00246, 1, 5, 2),
    (0x00370, 1, 2, 2),
    (0x00376, 1, 1, 1),
    (0x0037F, 116, 1, 1),
    (0x00386, 38, 1, 1),
    (0x00388, 37, 3, 1),
    (0x0038C, 64, 1, 1),
    (0x0038E, 63, 2, 1),
    (0x00391, 32, 17, 1),
    (0x003A3, 32, 9, 1),
    (0x003CF, 8, 1, 1),
    (0x003D8, 1, 12, 2),
    (0x003F4, -60, 1, 1),
    (0x003F7, 1, 1, 1),
    (0x003F9, -7, 1, 1),
    (0x003FA, 1, 1, 1),
    (0x003FD, -130, 3, 1),
    (0x00400, 80, 16, 1),
    (0x00410, 32, 32, 1),
    (0x00460, 1, 17, 2),
    (0x0048A, 1, 27, 2),
    (0x004C0, 15, 1, 1),
    (0x004C1, 1, 7, 2),
    (0x004D0, 1, 48, 2),
    (0x00531, 48, 38, 1),
    (0x010A0, 7264, 38, 1),
    (0x010C7, 7264, 1, 1),
    (0x010CD, 7264, 1, 1),
    (0x013A0, 38864, 80, 1),
    (0x013F0, 8, 6, 1),
    (0x01C89, 1, 1, 1),
    (0x01C90, -3008, 43, 1),
    (0x01CBD, -3008, 3, 1),
    (0x01E00, 1, 75, 2),
    (0x01E9E, -7615, 1, 1),
    (0x01EA0, 1, 48, 2),
    (0x01F08, -8, 8, 1),
    (0x01F18, -8, 6, 1),
    (0x01F28, -8, 8, 1),
    (0x01F38, -8, 8, 1),
    (0x01F48, -8, 6, 1),
    (0x01F59, -8, 4, 2),
    (0x01F68, -8, 8, 1),
    (0x01F88, -8, 8, 1),
    (0x01F98, -8, 8, 1),
    (0x01FA8, -8, 8, 1),
    (0x01FB8, -8, 2, 1),
    (0x01FBA, -74, 2, 1),
    (0x01FBC, -9, 1, 1),
    (0x01FC8, -86, 4, 1),
    (0x01FCC, -9, 1, 1),
    (0x01FD8, -8, 2, 1),
    (0x01FDA, -100, 2, 1),
    (0x01FE8, -8, 2, 1),
    (0x01FEA, -112, 2, 1),
    (0x01FEC, -7, 1, 1),
    (0x01FF8, -128, 2, 1),
    (0x01FFA, -126, 2, 1),
    (0x01FFC, -9, 1, 1),
    (0x02126, -7517, 1, 1),
    (0x0212A, -8383, 1, 1),
    (0x0212B, -8262, 1, 1),
    (0x02132, 28, 1, 1),
    (0x02160, 16, 16, 1),
    (0x02183, 1, 1, 1),
    (0x024B6, 26, 26, 1),
    (0x02C00, 48, 48, 1),
    (0x02C60, 1, 1, 1),
    (0x02C62, -10743, 1, 1),
    (0x02C63, -3814, 1, 1),
    (0x02C64, -10727, 1, 1),
    (0x02C67, 1, 3, 2),
    (0x02C6D, -10780, 1, 1),
    (0x02C6E, -10749, 1, 1),
    (0x02C6F, -10783, 1, 1),
    (0x02C70, -10782, 1, 1),
    (0x02C72, 1, 1, 1),
    (0x02C75, 1, 1, 1),
    (0x02C7E, -10815, 2, 1),
    (0x02C80, 1, 50, 2),
    (0x02CEB, 1, 2, 2),
    (0x02CF2, 1, 1, 1),
    (0x0A640, 1, 23, 2),
    (0x0A680, 1, 14, 2),
    (0x0A722, 1, 7, 2),
    (0x0A732, 1, 31, 2),
    (0x0A779, 1, 2, 2),
    (0x0A77D, -35332, 1, 1),
    (0x0A77E, 1, 5, 2),
    (0x0A78B, 1, 1, 1),
    (0x0A78D, -42280, 1, 1),
    (0x0A790, 1, 2, 2),
    (0x0A796, 1, 10, 2),
    (0x0A7AA, -42308, 1, 1),
    (0x0A7AB, -42319, 1, 1),
    (0x0A7AC, -42315, 1, 1),
    (0x0A7AD, -42305, 1, 1),
    (0x0A7AE, -42308, 1, 1),
    (0x0A7B0, -42258, 1, 1),
    (0x0A7B1, -42282, 1, 1),
    (0x0A7B2, -42261, 1, 1),
    (0x0A7B3, 928, 1, 1),
    (0x0A7B4, 1, 8, 2),
    (0x0A7C4, -48, 1, 1),
    (0x0A7C5, -42307, 1, 1),
    (0x0A7C6, -35384, 1, 1),
    (0x0A7C7, 1, 2, 2),
    (0x0A7CB, -42343, 1, 1),
    (0x0A7CC, 1, 8, 2),
    (0x0A7DC, -42561, 1, 1),
    (0x0A7F5, 1, 1, 1),
    (0x0FF21, 32, 26, 1),
    (0x10400, 40, 40, 1),
    (0x104B0, 40, 36, 1),
    (0x10570, 39, 11, 1),
    (0x1057C, 39, 15, 1),
    (0x1058C, 39, 7, 1),
    (0x10594, 39, 2, 1),
    (0x10C80, 64, 51, 1),
    (0x10D50, 32, 22, 1),
    (0x118A0, 32, 32, 1),
    (0x16E40, 32, 32, 1),
    (0x16EA0, 27, 25, 1),
    (0x1E900, 34, 34, 1),
];

/// `İ` (U+0130), the one character whose lower case is two: `i` and U+0307.
const DOTTED_CAPITAL_I: char = '\u{130}';

/// Appends the lower case of `c` to `out`.
pub fn push_lower(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if c == DOTTED_CAPITAL_I {
        out.push_str("i\u{307}");
    } else {
        out.push(lower_one(c));
    }
}

/// `s` in lower case, character by character ([`push_lower`]).
pub fn lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_lower(&mut out, c);
    }
    out
}

/// The lower case of a character outside ASCII other than `İ`: itself when no
/// run covers it.
fn lower_one(c: char) -> char {
    let code = c as u32;
    let at = RUNS.partition_point(|r| r.0 <= code);
    let Some(&(first, delta, count, step)) = at.checked_sub(1).and_then(|i| RUNS.get(i)) else {
        return c;
    };
    let (k, off) = (
        (code - first) / u32::from(step),
        (code - first) % u32::from(step),
    );
    if off != 0 || k >= u32::from(count) {
        return c;
    }
    code.checked_add_signed(delta)
        .and_then(char::from_u32)
        .unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs of the standard library's mapping, as [`RUNS`] holds them.
    fn std_runs() -> Vec<(u32, i32, u16, u16)> {
        let mut runs: Vec<(u32, i32, u16, u16)> = Vec::new();
        for c in (0x80u32..=0x10FFFF).filter_map(char::from_u32) {
            let mut lower = c.to_lowercase();
            let (Some(one), None) = (lower.next(), lower.next()) else {
                continue;
            };
            if one == c {
                continue;
            }
            let (code, delta) = (c as u32, one as i32 - c as i32);
            if let Some(r) = runs.last_mut()
                && r.1 == delta
            {
                if r.2 == 1 && code - r.0 <= 2 {
                    (r.2, r.3) = (2, (code - r.0) as u16);
                    continue;
                }
                if code == r.0 + u32::from(r.2) * u32::from(r.3) {
                    r.2 += 1;
                    continue;
                }
            }
            runs.push((code, delta, 1, 1));
        }
        runs
    }

    #[test]
    fn every_character_lowers_as_the_standard_library_lowers_it() {
        let runs = std_runs();
        let table: Vec<String> = runs
            .iter()
            .map(|r| format!("(0x{:05X}, {}, {}, {}),", r.0, r.1, r.2, r.3))
            .collect();
        assert!(
            runs == RUNS,
            "the standard library's lower case changed; RUNS is now:\n{}",
            table.join("\n")
        );
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut ours = String::new();
            push_lower(&mut ours, c);
            assert_eq!(
                ours,
                c.to_lowercase().collect::<String>(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn a_string_lowers_character_by_character() {
        assert_eq!(lower("Terms ÄÖÜ İ ΟΔΟΣ"), "terms äöü i\u{307} οδοσ");
    }
}
