//! Markdown rendered safely: what teachers write becomes HTML with no raw HTML passed through
//! (it is shown as text), links only to the web, e-mail or Tavle's own pages, and images only
//! from Tavle's own files.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#')
}

fn own_file(url: &str) -> bool {
    url.starts_with("/files/") && !url.contains("..")
}

/// Renders Markdown to HTML that is safe to put in a page.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        // Raw HTML is shown, not run.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if safe_link(&dest_url) {
                dest_url
            } else {
                CowStr::from("#")
            };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if own_file(&dest_url) {
                dest_url
            } else {
                CowStr::from("")
            };
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html() {
        assert_eq!(
            to_html("# Brann\n\n*Husk* [rømningsveien](https://example.no)."),
            "<h1>Brann</h1>\n<p><em>Husk</em> <a href=\"https://example.no\">rømningsveien</a>.</p>\n"
        );
    }

    #[test]
    fn raw_html_scripts_and_foreign_images_do_not_get_through() {
        let html = to_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![i](https://evil.example/t.png) ![ok](/files/abc)",
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("evil.example"), "{html}");
        assert!(html.contains("src=\"/files/abc\""), "{html}");
    }
}
