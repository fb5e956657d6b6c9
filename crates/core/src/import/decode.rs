//! Bytes to text. Files saved on Chinese systems are often GBK or GB18030, not UTF-8; a BOM
//! says UTF-16. Anything that is none of these, or that holds NUL bytes, is not a document.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::FileProblem;

/// How much of a file is looked at for NUL bytes before deciding it is binary.
const SNIFF_BYTES: usize = 8 * 1024;

/// The text of `bytes` and the name of the encoding it was read in.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), FileProblem> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors && encoding != UTF_8 {
            return Err(FileProblem::NotText);
        }
        return Ok((text.into_owned(), encoding.name()));
    }
    if bytes[..bytes.len().min(SNIFF_BYTES)].contains(&0) {
        return Err(FileProblem::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), UTF_8.name()));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // `.cn` tips a close guess towards the encodings of Chinese systems.
    let encoding = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    if encoding == UTF_16BE || encoding == UTF_16LE {
        return Err(FileProblem::NotText);
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(FileProblem::NotText);
    }
    Ok((text.into_owned(), encoding.name()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const CHINESE: &str = "知识星球的优势是能够沉淀知识，发布的文章、案例、问答，可以保存下来。";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(CHINESE.as_bytes()).unwrap().0, CHINESE);
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), CHINESE.as_bytes()].concat();
        assert_eq!(decode(&with_bom).unwrap().0, CHINESE);
    }

    #[test]
    fn gbk_and_gb18030_are_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode(CHINESE);
        let (text, encoding) = decode(&gbk).unwrap();
        assert_eq!(text, CHINESE);
        assert!(encoding == "GBK" || encoding == "gb18030", "{encoding}");
        // A character outside GBK only GB18030 encodes.
        let rare = format!("{CHINESE}𠀀");
        let (gb18030, _, _) = encoding_rs::GB18030.encode(&rare);
        assert_eq!(decode(&gb18030).unwrap().0, rare);
    }

    #[test]
    fn utf16_by_its_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(CHINESE.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&bytes).unwrap().0, CHINESE);
    }

    #[test]
    fn binary_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert!(matches!(decode(png), Err(FileProblem::Binary)));
    }
}
