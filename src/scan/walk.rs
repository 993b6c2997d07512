//! Finding the cards of a dex and their (mtime, size) stamps, without reading them.
//!
//! This is all a no-change refresh pays for, so it runs on every core and never opens a
//! file. The rules are ripgrep's (the `ignore` crate): `.ignore`, `.gitignore` inside a
//! git repository, hidden files and folders skipped, symlinks followed with loop detection.
//! [`CardRules`] asks the same rules about one path at a time, for the commands that
//! write a card: they write only what this walk would index as a card of the dex.

use std::ffi::OsStr;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use rustix::fs::{AtFlags, Mode, OFlags};

use super::ignore_files::IgnoreFiles;
use super::walk_errors::Rules;
use super::{Extensions, Problem};

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
    /// Why a file watcher could miss a change to these cards, if it could: a card or
    /// folder reached through a symbolic link (a change at the link's target is no event
    /// in the dex), a card with other hard links (written through another name), a card
    /// on another file system than the root. The first such reason met.
    pub unwatchable: Option<String>,
}

/// Walks `root` for card files (named with one of `extensions`), on every core.
pub fn walk(root: &Path, extensions: &Extensions) -> Walk {
    let shared = Mutex::new(Walk::default());
    // A watcher watches the root's file system: a card on another is out of its sight.
    let root_dev = std::fs::metadata(root).map(|m| std::os::unix::fs::MetadataExt::dev(&m)).ok();
    let ignore_files = Arc::new(IgnoreFiles::new(root, true));
    let mut builder = Collector { root, root_dev, extensions, ignore_files: &ignore_files, shared: &shared };
    walker(root, &ignore_files).threads(rayon::current_num_threads()).build_parallel().visit(&mut builder);
    let mut walk = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    walk.problems.extend(ignore_files.take_problems());
    walk.files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    walk.problems.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    walk
}

/// The walk's rules, in one place: [`walk`], [`leftover_temp_files`] and [`CardRules`]
/// use them, so a path the writers accept is always one the walk lists. The crate reads
/// no ignore file itself (it would open a FIFO named `.gitignore` and wait forever):
/// `ignore_files` reads them, without blocking, and filters every entry.
pub(super) fn walker(root: &Path, ignore_files: &Arc<IgnoreFiles>) -> WalkBuilder {
    let mut builder = WalkBuilder::new(root);
    builder
        .follow_links(true)
        .hidden(false)
        .parents(false)
        .ignore(false)
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false);
    let ignore_files = Arc::clone(ignore_files);
    builder.filter_entry(move |entry| !ignore_files.skips(entry.path(), entry.depth(), is_dir(entry)));
    builder
}

/// Whether the walk sees `entry` as a folder (links followed, as it follows them).
fn is_dir(entry: &DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_dir())
}

struct Collector<'a> {
    root: &'a Path,
    root_dev: Option<u64>,
    extensions: &'a Extensions,
    ignore_files: &'a IgnoreFiles,
    shared: &'a Mutex<Walk>,
}

impl<'s> ParallelVisitorBuilder<'s> for Collector<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            root: self.root,
            root_dev: self.root_dev,
            extensions: self.extensions,
            ignore_files: self.ignore_files,
            shared: self.shared,
            local: Walk::default(),
            dir: None,
        })
    }
}

/// One per walker thread; merges into the shared result when the thread is done, so the
/// hot path takes no lock.
struct Visitor<'a> {
    root: &'a Path,
    root_dev: Option<u64>,
    extensions: &'a Extensions,
    /// The walk's rules, asked again about an entry the crate reports an error for
    /// before the filter sees it.
    ignore_files: &'a IgnoreFiles,
    shared: &'a Mutex<Walk>,
    local: Walk,
    /// The folder whose files are being visited, opened for relative stats.
    dir: Option<(PathBuf, OwnedFd)>,
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => self.visit_entry(&entry),
            Err(err) => {
                let rules =
                    Rules { root: self.root, ignore_files: self.ignore_files, extensions: self.extensions };
                self.local.problems.extend(rules.problem(&err));
            }
        }
        WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.files.append(&mut self.local.files);
        shared.problems.append(&mut self.local.problems);
        if shared.unwatchable.is_none() {
            shared.unwatchable = self.local.unwatchable.take();
        }
    }
}

impl Visitor<'_> {
    fn visit_entry(&mut self, entry: &DirEntry) {
        let full = entry.path().as_os_str().as_bytes();
        if entry.path_is_symlink() && self.local.unwatchable.is_none() && entry.depth() > 0 {
            let shown = entry.path().strip_prefix(self.root).unwrap_or(entry.path()).to_string_lossy();
            self.local.unwatchable = Some(format!("{shown} is a symbolic link"));
        }
        if !entry.file_type().is_some_and(|t| t.is_file()) || !self.extensions.matches_bytes(full) {
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
            Ok((mtime_ns, size, seen)) => {
                if self.local.unwatchable.is_none() {
                    self.local.unwatchable = seen.unwatchable(&path, self.root_dev);
                }
                self.local.files.push(FileStat { path, mtime_ns, size })
            }
            Err(err) => {
                // The walk listed the folder, so its folders above are searchable: only
                // the folder itself can be unsearchable (readable, without `x`).
                let message = match err.kind() {
                    io::ErrorKind::PermissionDenied => {
                        "skipped: permission denied (make the folder it is in searchable to index it)"
                            .to_string()
                    }
                    _ => format!("skipped: {}", io_reason(&err.to_string())),
                };
                self.local.problems.push(Problem { path, message })
            }
        }
    }

    /// Stats a file relative to its folder's descriptor, kept open while that folder's
    /// entries come by: the kernel then resolves one name instead of the whole path,
    /// which is most of what a no-change refresh costs.
    /// Names are split as bytes: `Path`'s component parsing was a tenth of the walk.
    fn stat(&mut self, path: &Path) -> std::io::Result<(i64, u64, Links)> {
        let bytes = path.as_os_str().as_bytes();
        let split = bytes.iter().rposition(|&b| b == b'/').filter(|&at| at > 0);
        let Some(at) = split else {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::metadata(path)?;
            return Ok((mtime_ns(&meta), meta.len(), Links { count: meta.nlink(), dev: meta.dev() }));
        };
        let (parent, name) = (&bytes[..at], OsStr::from_bytes(&bytes[at + 1..]));
        if self.dir.as_ref().is_none_or(|(p, _)| p.as_os_str().as_bytes() != parent) {
            let parent = Path::new(OsStr::from_bytes(parent));
            let flags = DIRECTORY_FOR_STAT | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(parent, flags, Mode::empty())?;
            self.dir = Some((parent.to_path_buf(), fd));
        }
        let Some((_, fd)) = &self.dir else { unreachable!("set just above") };
        let stat = rustix::fs::statat(fd, name, AtFlags::empty())?;
        let nanos = i128::from(stat.st_mtime) * 1_000_000_000 + i128::from(stat.st_mtime_nsec);
        #[allow(clippy::useless_conversion)] // the types differ between systems
        let links = Links { count: u64::from(stat.st_nlink), dev: u64::from(stat.st_dev) };
        Ok((i64::try_from(nanos).unwrap_or(0), u64::try_from(stat.st_size).unwrap_or(0), links))
    }
}

/// What a card's stat says about where else it can be changed from.
struct Links {
    /// Hard links to the file.
    count: u64,
    dev: u64,
}

impl Links {
    /// Why a watcher of the dex could miss a write to this card: written through another
    /// hard link, the event goes to that name's folder; on another file system, the
    /// watcher may not see it at all.
    fn unwatchable(&self, path: &str, root_dev: Option<u64>) -> Option<String> {
        if self.count > 1 {
            return Some(format!("{path} has {} hard links", self.count));
        }
        (root_dev.is_some_and(|root| root != self.dev))
            .then(|| format!("{path} is on another file system than the dex root"))
    }
}

/// How [`Visitor::stat`] opens a folder: only as a place to resolve names from where the
/// system allows it (`O_PATH`, which needs no read permission), for reading elsewhere
/// (macOS), where listing the folder needed that permission anyway.
#[cfg(any(target_os = "linux", target_os = "android"))]
const DIRECTORY_FOR_STAT: OFlags = OFlags::PATH;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const DIRECTORY_FOR_STAT: OFlags = OFlags::RDONLY;

/// How termdex names the temporary file it writes a card to before renaming it over the
/// card: hidden, so no walk ever takes it for a card.
pub const TEMP_PREFIX: &str = ".termdex-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// Temporary files of card writes that never finished (a `set` or `new` killed between
/// writing and renaming), dex-relative and sorted: in the folders cards can be in, that
/// is, in no hidden folder. The cards themselves were never touched by those writes.
pub fn leftover_temp_files(root: &Path) -> Vec<String> {
    let hidden = |entry: &DirEntry| entry.file_name().as_encoded_bytes().starts_with(b".");
    // The walk's ignore rules, but hidden files are looked at: the temp files are hidden.
    let ignore_files = IgnoreFiles::new(root, false);
    let mut found: Vec<String> = WalkBuilder::new(root)
        .follow_links(true)
        .hidden(false)
        .parents(false)
        .ignore(false)
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false)
        .filter_entry(move |entry| {
            let hidden_folder = entry.depth() > 0 && is_dir(entry) && hidden(entry);
            !hidden_folder && !ignore_files.skips(entry.path(), entry.depth(), is_dir(entry))
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

/// Why the dex-relative path `rel` is not a card by the walk's rules, or `None` when it is
/// one: inside the dex, in no hidden folder, not hidden itself, named with one of
/// `extensions`. This reads the name only; [`CardRules::card`] also asks the ignore files
/// and follows links, and is what every write goes through.
pub fn card_path_problem(rel: &str, extensions: &Extensions) -> Option<NotACard> {
    name_problem(rel, extensions)
}

/// Why a dex-relative name cannot be a card, read off the name alone.
fn name_problem(rel: &str, extensions: &Extensions) -> Option<NotACard> {
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if rel.starts_with('/') || parts.is_empty() || parts.contains(&"..") {
        return Some(NotACard::Outside);
    }
    let (name, folders) = parts.split_last()?;
    if folders.iter().any(|f| f.starts_with('.')) {
        return Some(NotACard::HiddenFolder);
    }
    if name.starts_with('.') {
        return Some(NotACard::HiddenFile);
    }
    if !extensions.matches(Path::new(name)) {
        return Some(NotACard::NotCardName { extensions: extensions.describe() });
    }
    None
}

/// Why a path is not a card termdex may write: what [`CardRules::card`] refuses. Shown
/// after "PATH is not a card: ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotACard {
    Outside,
    HiddenFolder,
    HiddenFile,
    /// Not named as cards are: `extensions` says how they are (`.md or .markdown`).
    NotCardName {
        extensions: String,
    },
    /// Left out by a `.ignore` or `.gitignore` rule (or git's exclude files).
    Ignored,
    /// A name that is not valid UTF-8, which the walk skips.
    NotUtf8,
    /// A link to nothing, met on the way to the card.
    Dangling {
        link: String,
    },
    /// The name is a card's, but a link (the file or a folder on its way) leads to a real
    /// path that is not: `real` is dex-relative when inside the dex, absolute otherwise.
    RealPath {
        real: String,
        why: Box<NotACard>,
    },
    /// The path could not be resolved at all.
    Unresolvable {
        cause: String,
    },
}

impl NotACard {
    /// The reason of a problem read off a name, as [`card_path_problem`] gives it.
    fn simple_reason(&self) -> String {
        match self {
            NotACard::Outside => "it is outside the dex".into(),
            NotACard::HiddenFolder => "it is in a hidden folder, which termdex does not index".into(),
            NotACard::HiddenFile => "it is a hidden file, which termdex does not index".into(),
            NotACard::NotCardName { extensions } => format!("cards are {extensions} files"),
            NotACard::Ignored => {
                "it is ignored by a .ignore or .gitignore rule, so termdex does not index it".into()
            }
            NotACard::NotUtf8 => "its name is not valid UTF-8, which termdex does not index".into(),
            NotACard::Dangling { .. } | NotACard::RealPath { .. } | NotACard::Unresolvable { .. } => {
                "it cannot be resolved".into()
            }
        }
    }

    /// What is wrong with a real path a link led to, after "its real path, X, ".
    fn of_real_path(&self) -> String {
        match self {
            NotACard::Outside => "is outside the dex".into(),
            NotACard::HiddenFolder => "is in a hidden folder, which termdex does not index".into(),
            NotACard::HiddenFile => "is a hidden file, which termdex does not index".into(),
            NotACard::NotCardName { extensions } => format!("is not a {extensions} file"),
            NotACard::Ignored => {
                "is ignored by a .ignore or .gitignore rule, so termdex does not index it".into()
            }
            _ => "is not a card".into(),
        }
    }
}

impl std::fmt::Display for NotACard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotACard::Dangling { link } => {
                write!(f, "it leads through the link {link}, which points to nothing")
            }
            NotACard::RealPath { real, why } => write!(f, "its real path, {real}, {}", why.of_real_path()),
            NotACard::Unresolvable { cause } => write!(f, "its real path cannot be found ({cause})"),
            simple => f.write_str(&simple.simple_reason()),
        }
    }
}

/// The walk's rules for one dex, asked about one path at a time, for the commands that
/// write cards (`set`, `new`, `edit`, `journal`, board moves): they write only a file the
/// walk would index as a card and whose real path — links resolved — is a card of this
/// dex too. So a `notes.md` linking to `.git/config`, a folder linking out of the dex or
/// into `.termdex/`, and an ignored draft are all refused, while a link to another card
/// of the dex is written through.
///
/// Ignore files are read once per folder and kept (a bulk `set` reads each folder's
/// once); build a new one to see changes to them.
pub struct CardRules {
    /// The dex root, links resolved.
    root: PathBuf,
    extensions: Extensions,
    ignore_files: IgnoreFiles,
}

impl CardRules {
    pub fn new(root: &Path, extensions: &Extensions) -> CardRules {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let ignore_files = IgnoreFiles::new(&root, true);
        CardRules { root, extensions: extensions.clone(), ignore_files }
    }

    /// The dex root the rules are for, links resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The real path of the card `rel` (dex-relative) when the walk would index `rel` as a
    /// card and its real path is a card of this dex as well. A file that does not exist
    /// yet (a card about to be created) is judged by the real path of its folder — the
    /// nearest one that exists — and its name. Costs a `realpath` and, the first time a
    /// folder is met, reading its ignore files.
    pub fn card(&mut self, rel: &str) -> Result<PathBuf, NotACard> {
        let named = self.listed(rel)?;
        let real = real_path(&self.root, &named)?;
        let Ok(inside) = real.strip_prefix(&self.root) else {
            let why = Box::new(NotACard::Outside);
            return Err(NotACard::RealPath { real: real.display().to_string(), why });
        };
        let inside = inside.to_str().ok_or(NotACard::NotUtf8)?;
        if inside != named {
            self.listed(inside)
                .map_err(|why| NotACard::RealPath { real: inside.to_string(), why: Box::new(why) })?;
        }
        Ok(real)
    }

    /// `rel` cleaned (`./a//b.md` is `a/b.md`) when the walk would list it by that name.
    fn listed(&mut self, rel: &str) -> Result<String, NotACard> {
        if let Some(why) = name_problem(rel, &self.extensions) {
            return Err(why);
        }
        let clean: Vec<&str> = rel.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
        let clean = clean.join("/");
        if self.ignore_files.ignored(&clean, false) {
            return Err(NotACard::Ignored);
        }
        Ok(clean)
    }
}

/// `path` with every link resolved. For a path that does not exist (yet), the nearest
/// existing folder is resolved and the missing names are added to it; a link to nothing on
/// the way is refused, except as the last name (creating through it fails, and says so).
fn real_path(root: &Path, rel: &str) -> Result<PathBuf, NotACard> {
    let path = root.join(rel);
    let mut missing = Vec::new();
    let mut at = path.as_path();
    loop {
        match at.canonicalize() {
            Ok(mut real) => {
                real.extend(missing.iter().rev());
                return Ok(real);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let is_link = at.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
                if is_link && !missing.is_empty() {
                    let link = at.strip_prefix(root).unwrap_or(at).display().to_string();
                    return Err(NotACard::Dangling { link });
                }
                let (Some(name), Some(parent)) = (at.file_name(), at.parent()) else {
                    return Err(NotACard::Unresolvable { cause: e.to_string() });
                };
                missing.push(name);
                at = parent;
            }
            Err(e) => return Err(NotACard::Unresolvable { cause: e.to_string() }),
        }
    }
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

pub(super) fn describe_walk_error(err: &ignore::Error, root: &Path) -> String {
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

    /// The default card extensions.
    fn md() -> Extensions {
        Extensions::default()
    }

    #[test]
    fn relative_paths_are_read_off_the_bytes() {
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
            assert_eq!(card_path_problem(card, &md()), None, "{card}");
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
            assert_eq!(card_path_problem(path, &md()).map(|w| w.to_string()).as_deref(), Some(why), "{path}");
        }
        // Other extensions, when the dex says so.
        let txt = Extensions::new(&["txt", "mdx"]).expect("valid");
        assert_eq!(card_path_problem("notes/a.txt", &txt), None);
        assert_eq!(card_path_problem("b.MDX", &txt), None);
        assert_eq!(
            card_path_problem("a.md", &txt).map(|w| w.to_string()).as_deref(),
            Some("cards are .txt or .mdx files")
        );
    }

    /// A dex with every kind of path a write could be pointed at.
    fn hostile_dex() -> (tempfile::TempDir, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("outside");
        let root = dir.path();
        for rel in [
            "a.md",
            "real/inside.md",
            "drafts/d.md",
            ".git/config",
            ".termdex/config.toml",
            ".obsidian/o.md",
            "notes.txt",
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, "x").expect("write");
        }
        std::fs::write(root.join(".ignore"), "drafts/\n").expect("ignore");
        // A git repository (it has .git/): its .gitignore counts too.
        std::fs::write(root.join(".gitignore"), "/real/private.md\n").expect("gitignore");
        std::fs::write(root.join("real/private.md"), "x").expect("write");
        std::fs::write(outside.path().join("out.md"), "x").expect("write");
        let link =
            |target: &Path, rel: &str| std::os::unix::fs::symlink(target, root.join(rel)).expect("symlink");
        link(Path::new(".git/config"), "notes.md");
        link(Path::new(".termdex/config.toml"), "cfg.md");
        link(&outside.path().join("out.md"), "out.md");
        link(Path::new("real/inside.md"), "in.md");
        link(Path::new("drafts/d.md"), "drafted.md");
        link(Path::new("notes.txt"), "text.md");
        link(outside.path(), "away");
        link(Path::new(".git"), "gitdir");
        link(Path::new(".obsidian"), "vault");
        link(Path::new("real"), "alias");
        link(Path::new("nowhere"), "gone");
        (dir, outside)
    }

    #[test]
    fn card_rules_accept_only_what_the_walk_lists_with_a_real_path_inside() {
        let (dir, _outside) = hostile_dex();
        let mut rules = CardRules::new(dir.path(), &md());
        let mut reason = |rel: &str| rules.card(rel).err().map(|why| why.to_string());
        assert_eq!(reason("a.md"), None);
        assert_eq!(reason("./real//inside.md"), None);
        assert_eq!(reason("in.md"), None, "a link to a card of the dex is written through");
        assert_eq!(reason("alias/inside.md"), None, "so is a folder linking inside the dex");
        assert_eq!(reason("real/new.md"), None, "a card to be created");
        assert_eq!(reason("fresh/deeper/new.md"), None, "in folders to be created");
        let refused = [
            ("notes.md", "its real path, .git/config, is in a hidden folder, which termdex does not index"),
            (
                "cfg.md",
                "its real path, .termdex/config.toml, is in a hidden folder, which termdex does not index",
            ),
            (
                "gitdir/config.md",
                "its real path, .git/config.md, is in a hidden folder, which termdex does not index",
            ),
            (
                "vault/o.md",
                "its real path, .obsidian/o.md, is in a hidden folder, which termdex does not index",
            ),
            (
                "drafted.md",
                "its real path, drafts/d.md, is ignored by a .ignore or .gitignore rule, so termdex does not index it",
            ),
            ("drafts/d.md", "it is ignored by a .ignore or .gitignore rule, so termdex does not index it"),
            ("drafts/new.md", "it is ignored by a .ignore or .gitignore rule, so termdex does not index it"),
            (
                "real/private.md",
                "it is ignored by a .ignore or .gitignore rule, so termdex does not index it",
            ),
            (
                "alias/private.md",
                "its real path, real/private.md, is ignored by a .ignore or .gitignore rule, so termdex does not index it",
            ),
            ("text.md", "its real path, notes.txt, is not a .md or .markdown file"),
            ("gone/new.md", "it leads through the link gone, which points to nothing"),
            (".git/x.md", "it is in a hidden folder, which termdex does not index"),
            ("../a.md", "it is outside the dex"),
        ];
        for (rel, why) in refused {
            assert_eq!(reason(rel).as_deref(), Some(why), "{rel}");
        }
        for rel in ["out.md", "away/out.md", "away/new.md"] {
            let why = reason(rel).expect(rel);
            assert!(
                why.starts_with("its real path, /") && why.ends_with(", is outside the dex"),
                "{rel}: {why}"
            );
        }
    }

    #[test]
    fn every_existing_file_card_rules_accept_is_one_the_walk_lists() {
        let (dir, _outside) = hostile_dex();
        let listed: Vec<String> = walk(dir.path(), &md()).files.into_iter().map(|f| f.path).collect();
        let mut rules = CardRules::new(dir.path(), &md());
        let accepted: Vec<&String> = listed.iter().filter(|rel| rules.card(rel).is_ok()).collect();
        assert_eq!(accepted, ["a.md", "alias/inside.md", "in.md", "real/inside.md"]);
        for rel in ["drafts/d.md", ".git/config", ".obsidian/o.md", "notes.txt", "gitdir/config"] {
            assert!(!listed.contains(&rel.to_string()), "{rel} is not listed: {listed:?}");
            assert!(rules.card(rel).is_err(), "{rel}");
        }
    }
}
