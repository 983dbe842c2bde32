//! Turns the bytes of a decree file into text, or says clearly why it cannot.
//!
//! Decrees arrive as conversions from PDF or Word: normally UTF-8 (with or without a BOM),
//! sometimes Windows-1252 from older tools, and UTF-16 with its byte-order mark from Windows
//! programs that call it "Unicode" (Excel's "Unicode Text", Notepad's "Unicode"). UTF-8 is taken
//! as is, UTF-16 by its mark; anything else that is plainly text is decoded as Windows-1252
//! (every byte maps to a character, so nothing is lost); binary files (NUL bytes or many
//! control characters) and empty files are refused.

use super::ParseError;

/// Decodes a decree file's bytes.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, ParseError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    let utf16 = match bytes {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    if let Some(encoding) = utf16 {
        let (text, _, had_errors) = encoding.decode(bytes);
        if had_errors {
            return Err(ParseError::Encoding);
        }
        let text = text.trim_start_matches('\u{feff}');
        if text.chars().all(char::is_whitespace) {
            return Err(ParseError::Empty);
        }
        return Ok(text.to_owned());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if looks_binary(bytes) {
        return Err(ParseError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::WINDOWS_1252.decode(bytes);
            if had_errors {
                return Err(ParseError::Encoding);
            }
            Ok(text.into_owned())
        }
    }
}

/// A NUL byte, or more than 1 in 20 bytes being control characters other than
/// tab/newline/carriage return/form feed, means this is not a text conversion.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    controls * 20 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_is_decoded() {
        assert_eq!(decode(b"\xEF\xBB\xBFBiaya").unwrap(), "Biaya");
    }

    #[test]
    fn utf16_with_its_mark_is_decoded() {
        let mut little: Vec<u8> = vec![0xFF, 0xFE];
        little.extend(
            "No\tJenis Layanan\r\n1\tSurat Pindah"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(decode(&little).unwrap(), "No\tJenis Layanan\r\n1\tSurat Pindah");
        let mut big: Vec<u8> = vec![0xFE, 0xFF];
        big.extend("Persyaratan".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&big).unwrap(), "Persyaratan");
    }

    #[test]
    fn windows_1252_is_decoded_losslessly() {
        // 0x96 is an en dash and 0xB1 a plus-minus sign in Windows-1252.
        assert_eq!(
            decode(b"Senin \x96 Jumat \xB1 5 hari").unwrap(),
            "Senin – Jumat ± 5 hari"
        );
    }

    #[test]
    fn empty_and_whitespace_files_are_refused() {
        assert!(matches!(decode(b""), Err(ParseError::Empty)));
        assert!(matches!(decode(b" \n\t\r\n"), Err(ParseError::Empty)));
    }

    #[test]
    fn binary_files_are_refused() {
        assert!(matches!(decode(b"%PDF-1.4\x00\x01\x02"), Err(ParseError::Binary)));
        assert!(matches!(
            decode(&[0x01u8, 0x02, 0x03, 0x04, b'a'][..]),
            Err(ParseError::Binary)
        ));
    }
}
