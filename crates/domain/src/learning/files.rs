//! Which files Tavle keeps: the types an upload may have, checked against the file's first
//! bytes (never the name or the browser's word alone), and the size limits.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Pdf,
    Docx,
    Odt,
    Txt,
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl FileType {
    pub const ALL: [Self; 8] = [
        Self::Pdf,
        Self::Docx,
        Self::Odt,
        Self::Txt,
        Self::Png,
        Self::Jpeg,
        Self::Gif,
        Self::Webp,
    ];
    /// What content pages may show.
    pub const IMAGES: [Self; 4] = [Self::Png, Self::Jpeg, Self::Gif, Self::Webp];
    /// What proofs of training may be (certificates are scanned or exported).
    pub const DOCUMENTS: [Self; 4] = [Self::Pdf, Self::Png, Self::Jpeg, Self::Docx];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Odt => "odt",
            Self::Txt => "txt",
            Self::Png => "png",
            Self::Jpeg => "jpeg",
            Self::Gif => "gif",
            Self::Webp => "webp",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Txt => "text/plain; charset=utf-8",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
        }
    }

    pub fn is_image(self) -> bool {
        Self::IMAGES.contains(&self)
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase()
            .as_str()
        {
            "jpg" => Ok(Self::Jpeg),
            other => Self::ALL
                .into_iter()
                .find(|t| t.as_str() == other)
                .ok_or("invalid_file_type"),
        }
    }

    /// A comma-separated list; empty means documents (PDF, DOCX, ODT, text).
    pub fn parse_list(s: &str) -> Result<Vec<Self>, &'static str> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let t = Self::parse(part)?;
            if !out.contains(&t) {
                out.push(t);
            }
        }
        if out.is_empty() {
            out = vec![Self::Pdf, Self::Docx, Self::Odt, Self::Txt];
        }
        out.sort();
        Ok(out)
    }

    pub fn join(list: &[Self]) -> String {
        list.iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The type of a file from its first bytes (at least the first 8 KiB, or all of a smaller
    /// file). Text is accepted when the start is UTF-8 without control characters.
    pub fn detect(head: &[u8]) -> Option<Self> {
        let found = infer::get(head).map(|t| t.mime_type());
        match found {
            Some("application/pdf") => Some(Self::Pdf),
            Some("image/png") => Some(Self::Png),
            Some("image/jpeg") => Some(Self::Jpeg),
            Some("image/gif") => Some(Self::Gif),
            Some("image/webp") => Some(Self::Webp),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document") => {
                Some(Self::Docx)
            }
            Some("application/vnd.oasis.opendocument.text") => Some(Self::Odt),
            Some(_) => None,
            None => looks_like_text(head).then_some(Self::Txt),
        }
    }
}

fn looks_like_text(head: &[u8]) -> bool {
    // The head may end inside a multi-byte character.
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) => match std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or_default()) {
            Ok(s) if head.len() - e.valid_up_to() < 4 && e.error_len().is_none() => s,
            _ => return false,
        },
    };
    !valid.is_empty()
        && valid
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
}

/// Why a file may not be kept, if it may not: its type (from its bytes) must be one of
/// `allowed`, and it must not be larger than `max_bytes`.
pub fn refusal(
    detected: Option<FileType>,
    size: u64,
    allowed: &[FileType],
    max_bytes: u64,
) -> Option<&'static str> {
    if size == 0 {
        Some("file_empty")
    } else if size > max_bytes {
        Some("file_too_large")
    } else if !detected.is_some_and(|t| allowed.contains(&t)) {
        Some("file_type_not_allowed")
    } else {
        None
    }
}

/// A file name made safe to show and to offer for download: no path, no control characters,
/// at most 120 characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    match cleaned.trim() {
        "" | "." | ".." => "file".to_owned(),
        s => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_not_the_name() {
        assert_eq!(
            FileType::detect(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
            Some(FileType::Pdf)
        );
        assert_eq!(
            FileType::detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(FileType::Png)
        );
        assert_eq!(
            FileType::detect("Hei på deg\n".as_bytes()),
            Some(FileType::Txt)
        );
        assert_eq!(
            FileType::detect(b"MZ\x90\0\x03\0\0\0"),
            None,
            "a Windows program"
        );
        assert_eq!(FileType::detect(b"\x7fELF\x02\x01\x01\0"), None);
    }

    #[test]
    fn size_and_type_are_checked_before_a_file_is_kept() {
        let allowed = [FileType::Pdf];
        assert_eq!(refusal(Some(FileType::Pdf), 10, &allowed, 100), None);
        assert_eq!(
            refusal(Some(FileType::Pdf), 101, &allowed, 100),
            Some("file_too_large")
        );
        assert_eq!(
            refusal(Some(FileType::Png), 10, &allowed, 100),
            Some("file_type_not_allowed")
        );
        assert_eq!(
            refusal(None, 10, &allowed, 100),
            Some("file_type_not_allowed")
        );
        assert_eq!(
            refusal(Some(FileType::Pdf), 0, &allowed, 100),
            Some("file_empty")
        );
    }

    #[test]
    fn names_lose_their_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\kari\\attest.pdf"), "attest.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}\"b.txt"), "ab.txt");
        assert_eq!(clean_name(".."), "file");
    }

    #[test]
    fn type_lists_parse_with_a_document_default() {
        assert_eq!(
            FileType::parse_list("PDF, jpg").expect("ok"),
            [FileType::Pdf, FileType::Jpeg]
        );
        assert_eq!(FileType::parse_list("").expect("ok").len(), 4);
        assert!(FileType::parse_list("exe").is_err());
    }
}
