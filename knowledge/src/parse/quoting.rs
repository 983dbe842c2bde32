//! Removes the quoting of a forwarded or replied e-mail.
//!
//! A clerk forwards the agency's newsletter, or replies to a colleague's message with it
//! below: mail clients quote the earlier message line by line with "> " (nested replies with
//! "> > "). The quoted part is as much the decree's text as the rest, and its markers hide
//! what each line starts with (a heading's number, a label). When a text holds a run of
//! quoted lines, the markers are removed from every quoted line. Lines are edited in place,
//! so line numbers stay true; a decree whose fee list has one line starting with "> 8.000 kg"
//! is no quoted message.

/// Consecutive quoted lines that make a quoted message.
const MIN_QUOTED_RUN: usize = 5;

/// The text without its quote markers, or `None` when it has no run of quoted lines.
pub(crate) fn unquote(text: &str) -> Option<String> {
    let mut run = 0;
    let mut longest = 0;
    for line in text.lines() {
        run = if is_quoted(line) { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest < MIN_QUOTED_RUN {
        return None;
    }
    let lines: Vec<&str> = text.split('\n').map(without_markers).collect();
    Some(lines.join("\n"))
}

/// A quoted line: ">" at its start, alone or followed by a space or another ">".
fn is_quoted(line: &str) -> bool {
    line.strip_prefix('>')
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '>', '\r']))
}

/// The line without its quote markers ("> > 7. Verifikasi" -> "7. Verifikasi").
fn without_markers(line: &str) -> &str {
    let mut rest = line;
    while is_quoted(rest) {
        rest = &rest[1..];
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_message_loses_its_markers() {
        let text = "Bu Rina, ini sy forward.\n\n> 7. Verifikasi BPHTB\n> -------------\n>\n> *Persyaratan:*\n> > * SSPD BPHTB\n> * Fotokopi KTP-el\n";
        assert_eq!(
            unquote(text).as_deref(),
            Some(
                "Bu Rina, ini sy forward.\n\n7. Verifikasi BPHTB\n-------------\n\n*Persyaratan:*\n* SSPD BPHTB\n* Fotokopi KTP-el\n"
            )
        );
    }

    #[test]
    fn a_line_starting_with_a_comparison_is_no_quote() {
        let text = "Biaya/Tarif :\n- JBB s.d. 3.500 kg Rp 75.000\n> 3.500 kg Rp 110.000\n";
        assert_eq!(unquote(text), None);
    }
}
