//! Which files are cards, by name: the `extensions` of the config (`md` and `markdown`
//! unless it says otherwise), in any letter case. The walk, the writers' rules and the
//! index all ask the same list; the first one is what new cards are named with.

use std::path::Path;

/// The card extensions of a dex: lower-case, without the dot, none twice, at least one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Extensions(Vec<String>);

impl TryFrom<Vec<String>> for Extensions {
    type Error = String;
    fn try_from(list: Vec<String>) -> Result<Extensions, String> {
        Extensions::new(&list)
    }
}

impl From<Extensions> for Vec<String> {
    fn from(extensions: Extensions) -> Vec<String> {
        extensions.0
    }
}

impl Default for Extensions {
    fn default() -> Extensions {
        Extensions(vec!["md".into(), "markdown".into()])
    }
}

impl Extensions {
    /// The list as a config gives it; a leading dot is allowed (`.mdx`). An error says
    /// what is wrong with which entry.
    pub fn new<S: AsRef<str>>(list: &[S]) -> Result<Extensions, String> {
        let mut out: Vec<String> = Vec::new();
        for given in list {
            let given = given.as_ref();
            let ext = given.strip_prefix('.').unwrap_or(given).to_ascii_lowercase();
            let fine = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_');
            if ext.is_empty() || !ext.chars().all(fine) {
                return Err(format!(
                    "`{given}` is not a file extension (letters, digits, - and _, like \"md\" or \"mdx\")"
                ));
            }
            if !out.contains(&ext) {
                out.push(ext);
            }
        }
        if out.is_empty() {
            return Err("no extensions: name at least one, like [\"md\"]".into());
        }
        Ok(Extensions(out))
    }

    /// What new cards are named with.
    pub fn first(&self) -> &str {
        &self.0[0]
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Whether a file name (or path) ends in `.EXT` for one of these, after a stem: as
    /// `Path::extension` reads it, a name that is only the extension (`.md`) has none.
    pub fn matches(&self, path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| self.0.iter().any(|x| e.eq_ignore_ascii_case(x)))
    }

    /// [`Extensions::matches`] on the raw bytes of a path, for the walk's hot path.
    pub fn matches_bytes(&self, path: &[u8]) -> bool {
        self.0.iter().any(|ext| {
            let ext = ext.as_bytes();
            let Some(dot) = path.len().checked_sub(ext.len() + 1) else { return false };
            path[dot] == b'.' && dot > 0 && path[dot - 1] != b'/' && path[dot + 1..].eq_ignore_ascii_case(ext)
        })
    }

    /// `.md or .markdown`, `.md, .markdown or .mdx`: for messages.
    pub fn describe(&self) -> String {
        let dotted: Vec<String> = self.0.iter().map(|e| format!(".{e}")).collect();
        match dotted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => dotted.join(""),
        }
    }

    /// The list as the index records it: `md,markdown`.
    pub fn fingerprint(&self) -> String {
        self.0.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_md_and_markdown_in_any_case() {
        let md = Extensions::default();
        for path in ["a.md", "/x/b.MD", "c.markdown", "d.Markdown", "/x/.y/e.md", "f.md.md"] {
            assert!(md.matches_bytes(path.as_bytes()), "{path}");
            assert!(md.matches(Path::new(path)), "{path}");
        }
        for path in [".md", "/x/.md", "md", "a.mdx", "a.txt", "", "/", "amd"] {
            assert!(!md.matches_bytes(path.as_bytes()), "{path}");
            assert!(!md.matches(Path::new(path)), "{path}");
        }
        assert_eq!(md.first(), "md");
        assert_eq!(md.describe(), ".md or .markdown");
        assert_eq!(md.fingerprint(), "md,markdown");
    }

    #[test]
    fn a_list_is_cleaned_and_checked() {
        let list = Extensions::new(&[".MDX", "txt", "mdx"]).expect("valid");
        assert_eq!(list.as_slice(), ["mdx", "txt"]);
        assert_eq!(list.describe(), ".mdx or .txt");
        assert!(list.matches(Path::new("notes/a.TXT")) && list.matches_bytes(b"notes/a.TXT"));
        assert!(!list.matches(Path::new("a.md")) && !list.matches_bytes(b"a.md"));
        assert_eq!(
            Extensions::new(&["md", "markdown", "mdx"]).expect("ok").describe(),
            ".md, .markdown or .mdx"
        );
        assert_eq!(Extensions::new(&["txt"]).expect("ok").describe(), ".txt");
        for bad in [&["md", "tar.gz"][..], &[""], &["."], &["a/b"], &["m d"]] {
            let err = Extensions::new(bad).expect_err("refused");
            assert!(err.contains("is not a file extension"), "{err}");
        }
        let none: [&str; 0] = [];
        assert_eq!(
            Extensions::new(&none).expect_err("empty"),
            "no extensions: name at least one, like [\"md\"]"
        );
    }
}
