//! Finding the cards of a dex and their (mtime, size) stamps, without reading them.
//!
//! This is all a no-change refresh pays for, so it runs on every core and never opens a
//! file. The rules are ripgrep's (the `ignore` crate): `.ignore`, `.gitignore` inside a
//! git repository, hidden files and folders skipped, symlinks followed with loop detection.

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use rustix::fs::{AtFlags, Mode, OFlags};

use super::Problem;

/// A card file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStat {
    /// Relative to the dex root, `/`-separated.
    pub path: String,
    pub mtime_ns: i64,
    pub size: u64,
}

/// Everything the walk found, sorted by path.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<FileStat>,
    pub problems: Vec<Problem>,
}

/// Walks `root` for `*.md` / `*.markdown` files, on every core.
pub fn walk(root: &Path) -> Walk {
    let shared = Mutex::new(Walk::default());
    let mut builder = Collector { root, shared: &shared };
    WalkBuilder::new(root)
        .follow_links(true)
        .threads(rayon::current_num_threads())
        .build_parallel()
        .visit(&mut builder);
    let mut walk = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    walk.files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    walk.problems.sort_by(|a, b| a.path.cmp(&b.path));
    walk
}

struct Collector<'a> {
    root: &'a Path,
    shared: &'a Mutex<Walk>,
}

impl<'s> ParallelVisitorBuilder<'s> for Collector<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor { root: self.root, shared: self.shared, local: Walk::default(), dir: None })
    }
}

/// One per walker thread; merges into the shared result when the thread is done, so the
/// hot path takes no lock.
struct Visitor<'a> {
    root: &'a Path,
    shared: &'a Mutex<Walk>,
    local: Walk,
    /// The folder whose files are being visited, opened for relative stats.
    dir: Option<(PathBuf, OwnedFd)>,
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => self.visit_entry(&entry),
            Err(err) => self
                .local
                .problems
                .push(Problem { path: String::new(), message: describe_walk_error(&err, self.root) }),
        }
        WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.files.append(&mut self.local.files);
        shared.problems.append(&mut self.local.problems);
    }
}

impl Visitor<'_> {
    fn visit_entry(&mut self, entry: &DirEntry) {
        let full = entry.path().as_os_str().as_bytes();
        if !entry.file_type().is_some_and(|t| t.is_file()) || !has_card_extension(full) {
            return;
        }
        let rel = match relative_bytes(self.root.as_os_str().as_bytes(), full) {
            Some(rel) => std::str::from_utf8(rel).ok().map(str::to_string),
            None => relative_path(self.root, entry.path()),
        };
        let Some(path) = rel else {
            self.local.problems.push(Problem {
                path: String::new(),
                message: format!(
                    "{}: skipped: the file name is not valid UTF-8 (rename it to index it)",
                    entry.path().to_string_lossy()
                ),
            });
            return;
        };
        match self.stat(entry.path()) {
            Ok((mtime_ns, size)) => self.local.files.push(FileStat { path, mtime_ns, size }),
            Err(err) => self
                .local
                .problems
                .push(Problem { path, message: format!("skipped: {}", io_reason(&err.to_string())) }),
        }
    }

    /// Stats a file relative to its folder's descriptor, kept open while that folder's
    /// entries come by: the kernel then resolves one name instead of the whole path,
    /// which is most of what a no-change refresh costs.
    /// Names are split as bytes: `Path`'s component parsing was a tenth of the walk.
    fn stat(&mut self, path: &Path) -> std::io::Result<(i64, u64)> {
        let bytes = path.as_os_str().as_bytes();
        let split = bytes.iter().rposition(|&b| b == b'/').filter(|&at| at > 0);
        let Some(at) = split else {
            let meta = std::fs::metadata(path)?;
            return Ok((mtime_ns(&meta), meta.len()));
        };
        let (parent, name) = (&bytes[..at], OsStr::from_bytes(&bytes[at + 1..]));
        if self.dir.as_ref().is_none_or(|(p, _)| p.as_os_str().as_bytes() != parent) {
            let parent = Path::new(OsStr::from_bytes(parent));
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(parent, flags, Mode::empty())?;
            self.dir = Some((parent.to_path_buf(), fd));
        }
        let Some((_, fd)) = &self.dir else { unreachable!("set just above") };
        let stat = rustix::fs::statat(fd, name, AtFlags::empty())?;
        let nanos = i128::from(stat.st_mtime) * 1_000_000_000 + i128::from(stat.st_mtime_nsec);
        Ok((i64::try_from(nanos).unwrap_or(0), u64::try_from(stat.st_size).unwrap_or(0)))
    }
}

/// How termdex names the temporary file it writes a card to before renaming it over the
/// card: hidden, so no walk ever takes it for a card.
pub const TEMP_PREFIX: &str = ".termdex-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// Temporary files of card writes that never finished (a `set` or `new` killed between
/// writing and renaming), dex-relative and sorted: in the folders cards can be in, that
/// is, in no hidden folder. The cards themselves were never touched by those writes.
pub fn leftover_temp_files(root: &Path) -> Vec<String> {
    let hidden = |entry: &DirEntry| entry.file_name().as_encoded_bytes().starts_with(b".");
    let mut found: Vec<String> = WalkBuilder::new(root)
        .hidden(false)
        .follow_links(true)
        .filter_entry(move |entry| {
            entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) || !hidden(entry)
        })
        .build()
        .flatten()
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy();
            name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
        })
        .filter_map(|entry| relative_path(root, entry.path()))
        .collect();
    found.sort();
    found
}

/// `*.md` and `*.markdown`, in any letter case.
pub fn is_card_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Why the dex-relative path `rel` is not a card by the walk's rules, or `None` when it is
/// one: inside the dex, in no hidden folder, not hidden itself, named `*.md` / `*.markdown`.
/// Commands that change or index a single named file ask this first, so a file the walk
/// would never list (`package.json`, `.git/HEAD`, `.termdex/config.toml`) is never touched.
pub fn card_path_problem(rel: &str) -> Option<&'static str> {
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if rel.starts_with('/') || parts.is_empty() || parts.contains(&"..") {
        return Some("it is outside the dex");
    }
    let (name, folders) = parts.split_last()?;
    if folders.iter().any(|f| f.starts_with('.')) {
        return Some("it is in a hidden folder, which termdex does not index");
    }
    if name.starts_with('.') {
        return Some("it is a hidden file, which termdex does not index");
    }
    if !is_card_name(Path::new(name)) {
        return Some("cards are .md or .markdown files");
    }
    None
}

/// `*.md` / `*.markdown` in any letter case, on the raw bytes of a path.
fn has_card_extension(path: &[u8]) -> bool {
    // As `Path::extension`: a name that is only the extension (`.md`) has none.
    let ends_with = |suffix: &[u8]| {
        let Some(stem_end) = path.len().checked_sub(suffix.len()) else { return false };
        stem_end > 0 && path[stem_end - 1] != b'/' && path[stem_end..].eq_ignore_ascii_case(suffix)
    };
    ends_with(b".md") || ends_with(b".markdown")
}

/// `path` below `root` without the separator, as bytes; `None` outside it.
fn relative_bytes<'p>(root: &[u8], path: &'p [u8]) -> Option<&'p [u8]> {
    let rest = path.strip_prefix(root)?;
    match rest.strip_prefix(b"/") {
        Some(rel) => Some(rel),
        None if root.ends_with(b"/") => Some(rest),
        None => None,
    }
}

/// `root`-relative, `/`-separated; `None` when the name is not UTF-8.
pub fn relative_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // On Unix the separator already is `/`.
    rel.to_str().map(str::to_string)
}

/// Nanoseconds since the epoch; 0 where the file system keeps no time.
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_nanos()).ok())
        .unwrap_or(0)
}

fn describe_walk_error(err: &ignore::Error, root: &Path) -> String {
    let text = err.to_string();
    let root_prefix = format!("{}/", root.display());
    let text = text.replace(&root_prefix, "");
    if text.contains("File system loop found") {
        format!("symlink loop skipped: {text}")
    } else {
        format!("skipped: {}", io_reason(&text))
    }
}

fn io_reason(text: &str) -> String {
    text.replace(" (os error 13)", "").replace(" (os error 2)", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_extensions_are_read_off_the_bytes_as_path_reads_them() {
        for path in ["a.md", "/x/b.MD", "c.markdown", "d.Markdown", "/x/.y/e.md", "f.md.md"] {
            assert!(has_card_extension(path.as_bytes()), "{path}");
            assert!(is_card_name(Path::new(path)), "{path}");
        }
        for path in [".md", "/x/.md", "md", "a.mdx", "a.txt", "", "/"] {
            assert!(!has_card_extension(path.as_bytes()), "{path}");
            assert!(!is_card_name(Path::new(path)), "{path}");
        }
        assert_eq!(relative_bytes(b"/d", b"/d/a/b.md"), Some(&b"a/b.md"[..]));
        assert_eq!(relative_bytes(b"/", b"/a.md"), Some(&b"a.md"[..]));
        assert_eq!(relative_bytes(b"/d", b"/dx/a.md"), None);
    }

    #[test]
    fn leftover_temp_files_are_found_where_cards_live() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for rel in [
            "a.md",
            ".termdex-a1B2c3.tmp",
            "sub/.termdex-x.tmp",
            "sub/.termdex-x.tmp.md",
            ".git/.termdex-y.tmp",
            "sub/.hidden/.termdex-z.tmp",
            "sub/termdex-not-ours.tmp",
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, "x").expect("write");
        }
        assert_eq!(leftover_temp_files(root), [".termdex-a1B2c3.tmp", "sub/.termdex-x.tmp"]);
    }

    #[test]
    fn card_paths_follow_the_walks_rules() {
        for card in ["a.md", "notes/b.markdown", "x/Y.MD", "./a.md", "Dr. Who.md"] {
            assert_eq!(card_path_problem(card), None, "{card}");
        }
        let refused = [
            ("package.json", "cards are .md or .markdown files"),
            ("run.sh", "cards are .md or .markdown files"),
            ("notes", "cards are .md or .markdown files"),
            (".git/HEAD", "it is in a hidden folder, which termdex does not index"),
            (".termdex/config.toml", "it is in a hidden folder, which termdex does not index"),
            (".obsidian/x.md", "it is in a hidden folder, which termdex does not index"),
            ("a/.hidden.md", "it is a hidden file, which termdex does not index"),
            ("../a.md", "it is outside the dex"),
            ("/etc/a.md", "it is outside the dex"),
            ("", "it is outside the dex"),
        ];
        for (path, why) in refused {
            assert_eq!(card_path_problem(path), Some(why), "{path}");
        }
    }
}
