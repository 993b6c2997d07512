//! Links between cards: `[[wiki]]` names and relative `[text](card.md)` paths.
//!
//! Links inside fenced code blocks are examples, not links, and are skipped.

use crate::card::{Link, LinkKind};

/// The links in `body`; `card_path` (dex-relative) resolves relative paths.
pub fn extract(body: &str, card_path: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut in_code = false;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        wiki_links(line, &mut links);
        path_links(line, card_path, &mut links);
    }
    links.dedup();
    links
}

fn wiki_links(line: &str, out: &mut Vec<Link>) {
    let mut rest = line;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { return };
        let inner = &after[..end];
        let target = inner.split(['|', '#']).next().unwrap_or("").trim();
        if !target.is_empty() && !target.contains('[') {
            out.push(Link { target: target.to_string(), kind: LinkKind::Wiki });
        }
        rest = &after[end + 2..];
    }
}

fn path_links(line: &str, card_path: &str, out: &mut Vec<Link>) {
    let mut rest = line;
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(')') else { return };
        let raw = after[..end].trim();
        // `<my note.md>` may hold spaces; otherwise `[t](x.md "title")` targets the first word.
        let raw = match raw.strip_prefix('<').and_then(|r| r.split_once('>')) {
            Some((inside, _)) => inside,
            None => raw.split_whitespace().next().unwrap_or(""),
        };
        if let Some(target) = resolve(raw, card_path) {
            out.push(Link { target, kind: LinkKind::Path });
        }
        rest = &after[end + 1..];
    }
}

/// A relative markdown target as a dex-relative path; `None` for URLs, anchors, other
/// files, and paths that climb out of the dex.
fn resolve(raw: &str, card_path: &str) -> Option<String> {
    if raw.contains("://") || raw.starts_with(['#', '/']) || raw.starts_with("mailto:") {
        return None;
    }
    let target = raw.split(['#', '?']).next().unwrap_or("");
    let lower = target.to_ascii_lowercase();
    if !(lower.ends_with(".md") || lower.ends_with(".markdown")) {
        return None;
    }
    let target = target.replace("%20", " ");
    let mut parts: Vec<&str> = card_path.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(body: &str, path: &str) -> Vec<(String, &'static str)> {
        extract(body, path).into_iter().map(|l| (l.target, l.kind.name())).collect()
    }

    #[test]
    fn wiki_and_relative_links() {
        let body = "see [[Alpha]] and [[beta|the beta]] and [[gamma#part]]\n\
                    [x](../b/c.md) [y](d.md#top) [z](https://e.com/f.md) [w](img.png) [v](<my note.md>)\n\
                    ```\n[[in code]]\n```\n";
        assert_eq!(
            targets(body, "a/card.md"),
            vec![
                ("Alpha".into(), "wiki"),
                ("beta".into(), "wiki"),
                ("gamma".into(), "wiki"),
                ("b/c.md".into(), "path"),
                ("a/d.md".into(), "path"),
                ("a/my note.md".into(), "path"),
            ]
        );
    }

    #[test]
    fn links_cannot_climb_out_of_the_dex() {
        assert!(targets("[x](../../outside.md)", "a/card.md").is_empty());
    }
}
