//! The dex's ignore files, read by termdex itself so that none of them can hang it.
//!
//! The rules are ripgrep's, exactly as the `ignore` crate applies them when it reads the
//! files itself: `.ignore` in every folder; inside a git repository (a folder holding
//! `.git` or `.jj`) also `.gitignore`, the repository's `info/exclude` (found through a
//! worktree's `.git` file) and git's global excludes file (`core.excludesFile`, else
//! `$XDG_CONFIG_HOME/git/ignore`); the folders above the dex count too; the nearest
//! folder's rule wins, `.ignore` before `.gitignore` before `info/exclude` before the
//! global file; hidden names are left out unless a rule lets them in. The crate's own
//! glob matcher ([`Gitignore`]) is built from each file's text.
//!
//! What differs is the reading. The crate opens these files with a blocking `open(2)`:
//! a FIFO named `.gitignore` (or a FIFO at git's config or excludes file) would hang every
//! walk. Here each file is read through [`crate::files::read_regular`] — non-blocking,
//! judged by the type of the very file opened, so no window is left between a check and
//! the open — and one that is not a regular file is skipped with one warning naming it.
//! A file that cannot be read for another reason is skipped silently, as the crate does.
//!
//! The walk turns off the crate's reading of ignore files and asks [`IgnoreFiles::skips`]
//! about every entry instead; [`super::CardRules`] asks [`IgnoreFiles::ignored`] about one
//! path at a time. Each folder's files are read once, by whichever asks first.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::Problem;
use crate::files::{self, SpecialFile};

thread_local! {
    /// The rules of the folder a walker thread last asked about, for [`IgnoreFiles::skips`]:
    /// which walk ([`IgnoreFiles::walk`]), which folder.
    static LAST_FOLDER: std::cell::RefCell<Option<(u64, PathBuf, Arc<Level>)>> = const { std::cell::RefCell::new(None) };
}

/// Numbers the [`IgnoreFiles`] made, so that rules kept from one walk are never taken for
/// another's (the ignore files may have changed in between).
static WALKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The ignore files of one walk: the rules of the folders above the dex and of git's
/// global file, read when made, and those of the folders in the dex, read as the walk
/// reaches them.
pub struct IgnoreFiles {
    /// The dex root, as the walk names it.
    root: PathBuf,
    /// The root with links resolved: the rules of the folders above it match against it.
    absolute_root: Option<PathBuf>,
    /// The root's own rules, on top of those of the folders above it.
    top: Arc<Level>,
    /// Whether any folder above the root has a rule.
    rules_above: bool,
    /// The rules of the folders below the root, by the path the walk names them by.
    below: RwLock<HashMap<PathBuf, Arc<OnceLock<Arc<Level>>>>>,
    /// git's global excludes file, matched relative to the current directory (as the
    /// crate does).
    global: Gitignore,
    /// Whether hidden names are left out (the walk's rule; not for leftover temp files).
    hidden: bool,
    /// Files that could not be used, each said once.
    problems: Mutex<Vec<Problem>>,
    /// This one's number among those made ([`WALKS`]).
    walk: u64,
}

/// The rules of one folder, and the folders above it.
struct Level {
    ignore: Gitignore,
    gitignore: Gitignore,
    exclude: Gitignore,
    /// The folder holds `.git` or `.jj`: git's rules stop here going up.
    has_git: bool,
    /// This folder or one above it holds a repository: git's rules apply at all.
    any_git: bool,
    /// A folder above the dex root.
    above_root: bool,
    parent: Option<Arc<Level>>,
}

impl IgnoreFiles {
    /// The ignore files of the dex at `root` (as the walk names it); `hidden`: whether
    /// hidden names are left out.
    pub fn new(root: &Path, hidden: bool) -> IgnoreFiles {
        let mut problems = Vec::new();
        let absolute_root = root.canonicalize().ok();
        let mut above: Option<Arc<Level>> = None;
        let mut rules_above = false;
        if let Some(absolute) = &absolute_root {
            let mut ancestors: Vec<&Path> = absolute.ancestors().skip(1).collect();
            ancestors.reverse();
            for dir in ancestors {
                let level = Level::read(dir, above.take(), true, root, &mut problems);
                rules_above |=
                    !level.ignore.is_empty() || !level.gitignore.is_empty() || !level.exclude.is_empty();
                above = Some(Arc::new(level));
            }
        }
        let top = Arc::new(Level::read(root, above, false, root, &mut problems));
        let global = global_rules(&mut problems);
        IgnoreFiles {
            root: root.to_path_buf(),
            absolute_root,
            top,
            rules_above,
            below: RwLock::new(HashMap::new()),
            global,
            hidden,
            problems: Mutex::new(problems),
            walk: WALKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Whether the walk leaves out `path`, an entry it met at `depth` (the root is 0),
    /// a folder when `is_dir`.
    pub fn skips(&self, path: &Path, depth: usize, is_dir: bool) -> bool {
        if depth == 0 {
            return false;
        }
        let Some(parent) = parent_of(path) else { return false };
        // A folder's entries come one after another on one walker thread: the rules of
        // the last folder asked about are kept there, which saves the shared map's lock,
        // a hash and a reference count per entry (a tenth of a no-change refresh).
        LAST_FOLDER.with_borrow_mut(|last| {
            let hit = last.as_ref().is_some_and(|(walk, dir, _)| *walk == self.walk && dir == parent);
            if !hit {
                *last = Some((self.walk, parent.to_path_buf(), self.level(parent)));
            }
            let Some((_, _, level)) = last.as_ref() else { unreachable!("set just above") };
            self.matched(level, path, is_dir).is_ignore()
        })
    }

    /// Whether the dex-relative `rel` (`/`-separated, clean) is left out, itself or a
    /// folder on its way, as the walk would leave it out; a folder when `is_dir`.
    pub fn ignored(&self, rel: &str, is_dir: bool) -> bool {
        let names: Vec<&str> = rel.split('/').filter(|n| !n.is_empty()).collect();
        let mut dir = self.root.clone();
        for (i, name) in names.iter().enumerate() {
            let path = dir.join(name);
            let last = i + 1 == names.len();
            if self.matched(&self.level(&dir), &path, is_dir || !last).is_ignore() {
                return true;
            }
            dir = path;
        }
        false
    }

    /// The files that could not be used, each once, taken out.
    pub fn take_problems(&self) -> Vec<Problem> {
        std::mem::take(&mut *self.problems.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The rules for the entries of `dir`, a folder at or below the root as the walk
    /// names it, read the first time they are asked for.
    fn level(&self, dir: &Path) -> Arc<Level> {
        if dir == self.root || !dir.as_os_str().as_bytes().starts_with(self.root.as_os_str().as_bytes()) {
            return self.top.clone();
        }
        let cached = self.below.read().unwrap_or_else(|e| e.into_inner()).get(dir).cloned();
        let slot = match cached {
            Some(slot) => slot,
            None => self
                .below
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .entry(dir.to_path_buf())
                .or_default()
                .clone(),
        };
        slot.get_or_init(|| {
            let parent = parent_of(dir).map_or_else(|| self.top.clone(), |p| self.level(p));
            let mut problems = Vec::new();
            let level = Level::read(dir, Some(parent), false, &self.root, &mut problems);
            self.problems.lock().unwrap_or_else(|e| e.into_inner()).extend(problems);
            Arc::new(level)
        })
        .clone()
    }

    /// The crate's `Ignore::matched` for our options, `path` being an entry of the folder
    /// of `level`: the nearest folder's match of each kind, then the kinds in their order
    /// of precedence, then the hidden rule.
    fn matched(&self, level: &Level, path: &Path, is_dir: bool) -> Match<()> {
        let chain = || std::iter::successors(Some(level), |l| l.parent.as_deref());
        let any_git = level.any_git;
        let mut found = Found::default();
        let mut saw_git = false;
        for l in chain().take_while(|l| !l.above_root) {
            found.consult(l, path, is_dir, any_git && !saw_git);
            saw_git |= l.has_git;
        }
        if self.rules_above
            && let Some(absolute) = &self.absolute_root
        {
            let path = absolute.join(relative_to(&self.root, path));
            for l in chain().skip_while(|l| !l.above_root) {
                found.consult(l, &path, is_dir, any_git && !saw_git);
                saw_git |= l.has_git;
            }
        }
        let global = if any_git { self.global.matched(path, is_dir).map(|_| ()) } else { Match::None };
        let matched = found.ignore.or(found.gitignore).or(found.exclude).or(global);
        if matched.is_none() && self.hidden && is_hidden(path) {
            return Match::Ignore(());
        }
        matched
    }
}

/// The first match of each kind of ignore file, going up from the entry's folder.
struct Found {
    ignore: Match<()>,
    gitignore: Match<()>,
    exclude: Match<()>,
}

impl Default for Found {
    fn default() -> Found {
        Found { ignore: Match::None, gitignore: Match::None, exclude: Match::None }
    }
}

impl Found {
    fn consult(&mut self, level: &Level, path: &Path, is_dir: bool, git: bool) {
        if self.ignore.is_none() {
            self.ignore = level.ignore.matched(path, is_dir).map(|_| ());
        }
        if git && self.gitignore.is_none() {
            self.gitignore = level.gitignore.matched(path, is_dir).map(|_| ());
        }
        if git && self.exclude.is_none() {
            self.exclude = level.exclude.matched(path, is_dir).map(|_| ());
        }
    }
}

impl Level {
    /// Reads the ignore files of `dir`; problems are said relative to `root` when inside it.
    fn read(
        dir: &Path,
        parent: Option<Arc<Level>>,
        above_root: bool,
        root: &Path,
        problems: &mut Vec<Problem>,
    ) -> Level {
        let root = Some(root);
        let git = dir.join(".git").metadata().ok().map(|meta| meta.file_type());
        let has_git = git.is_some() || dir.join(".jj").exists();
        let ignore = rules_of(dir, &dir.join(".ignore"), root, problems);
        let gitignore = rules_of(dir, &dir.join(".gitignore"), root, problems);
        let exclude = match git_common_dir(dir, git, root, problems) {
            Some(common) => rules_of(dir, &common.join("info/exclude"), root, problems),
            None => Gitignore::empty(),
        };
        let any_git = has_git || parent.as_ref().is_some_and(|p| p.any_git);
        Level { ignore, gitignore, exclude, has_git, any_git, above_root, parent }
    }
}

/// The rules of the ignore file `file`, matched relative to `dir`; none when it cannot be
/// read (a special file is said in `problems`, other failures are silent, as the crate's).
fn rules_of(dir: &Path, file: &Path, root: Option<&Path>, problems: &mut Vec<Problem>) -> Gitignore {
    let Some(bytes) = read(file, "ignore file", "its rules do not apply", root, problems) else {
        return Gitignore::empty();
    };
    let mut builder = GitignoreBuilder::new(dir);
    for (i, line) in lines(&bytes).enumerate() {
        // A line that is not UTF-8 ends the file, as `BufRead::lines` ends the crate's.
        let Ok(line) = std::str::from_utf8(line) else { break };
        // Match git's handling of a file that starts with a byte-order mark.
        let line = if i == 0 { line.trim_start_matches('\u{feff}') } else { line };
        if let Err(err) = builder.add_line(Some(file.to_path_buf()), line) {
            let line = i as u64 + 1;
            let err = ignore::Error::WithLineNumber { line, err: Box::new(err) };
            let err = ignore::Error::WithPath { path: file.to_path_buf(), err: Box::new(err) };
            problems.push(glob_problem(&err, root));
        }
    }
    builder.build().unwrap_or_else(|err| {
        problems.push(glob_problem(&err, root));
        Gitignore::empty()
    })
}

/// A rule the crate cannot read, said as the walk said it when the crate read the file.
fn glob_problem(err: &ignore::Error, root: Option<&Path>) -> Problem {
    let message = match root {
        Some(root) => super::walk::describe_walk_error(err, root),
        None => format!("skipped: {err}"),
    };
    Problem { path: String::new(), message }
}

/// The lines of a file as `BufRead::lines` gives them: split at `\n`, a `\r` before it
/// dropped, no empty line after a last `\n`.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match rest.iter().position(|&b| b == b'\n') {
            Some(at) => {
                let line = &rest[..at];
                rest = &rest[at + 1..];
                Some(line.strip_suffix(b"\r").unwrap_or(line))
            }
            None => Some(std::mem::take(&mut rest)),
        }
    })
}

/// A file's bytes, or `None`: a file that is not a regular file is said in `problems`
/// (`what` it is, and `lost`: what not reading it means); any other failure is silent.
fn read(
    file: &Path,
    what: &str,
    lost: &str,
    root: Option<&Path>,
    problems: &mut Vec<Problem>,
) -> Option<Vec<u8>> {
    match files::read_regular(file) {
        Ok(bytes) => Some(bytes),
        Err(err) => {
            if let Some(special) = SpecialFile::of(&err) {
                problems.push(Problem {
                    path: String::new(),
                    message: format!("{}: {what} skipped: {special} ({lost})", shown(file, root)),
                });
            }
            None
        }
    }
}

/// A file as a problem names it: relative to the dex root when inside it.
fn shown(file: &Path, root: Option<&Path>) -> String {
    let rel = root.and_then(|root| file.strip_prefix(root).ok());
    rel.unwrap_or(file).display().to_string()
}

/// The folder holding the repository's `info/exclude` for `dir` (`git`: the type of its
/// `.git`, if any): `.git` itself, or for a worktree (`.git` a file saying `gitdir: X`)
/// the common folder that `X/commondir` names. `None` when a worktree's files say nothing
/// usable. As the crate's, a relative `gitdir` is taken relative to the current folder.
fn git_common_dir(
    dir: &Path,
    git: Option<std::fs::FileType>,
    root: Option<&Path>,
    problems: &mut Vec<Problem>,
) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    if !git.is_some_and(|t| t.is_file()) {
        return Some(dot_git);
    }
    let lost = "the repository's info/exclude does not apply";
    let bytes = match files::read_regular(&dot_git) {
        Ok(bytes) => bytes,
        Err(err) => {
            read_failure(&dot_git, "git worktree file", lost, root, &err, problems);
            return None;
        }
    };
    let first = first_line(&bytes)?;
    let real_git_dir = PathBuf::from(OsStr::from_bytes(first.strip_prefix(b"gitdir: ")?));
    let commondir = real_git_dir.join("commondir");
    let bytes = read(&commondir, "git worktree file", lost, root, problems)?;
    let line = first_line(&bytes)?;
    let common = Path::new(OsStr::from_bytes(line));
    Some(if line.starts_with(b".") { real_git_dir.join(common) } else { common.to_path_buf() })
}

/// The crate reports any failure to read a worktree's `.git` file; a special file is said
/// as the others are.
fn read_failure(
    file: &Path,
    what: &str,
    lost: &str,
    root: Option<&Path>,
    err: &io::Error,
    problems: &mut Vec<Problem>,
) {
    let shown = shown(file, root);
    let message = match SpecialFile::of(err) {
        Some(special) => format!("{shown}: {what} skipped: {special} ({lost})"),
        None if err.kind() == io::ErrorKind::NotFound => return,
        None => format!("{shown}: {what} skipped: {err} ({lost})"),
    };
    problems.push(Problem { path: String::new(), message });
}

/// The first line of a file, as `BufRead::lines` gives it; `None` for an empty file or a
/// first line that is not UTF-8.
fn first_line(bytes: &[u8]) -> Option<&[u8]> {
    let line = lines(bytes).next()?;
    std::str::from_utf8(line).ok().map(str::as_bytes)
}

/// git's global excludes file, as the crate finds it (`core.excludesFile` in git's config
/// files, else `$XDG_CONFIG_HOME/git/ignore`), matched relative to the current folder;
/// none when the current folder is unknown.
fn global_rules(problems: &mut Vec<Problem>) -> Gitignore {
    let Ok(cwd) = std::env::current_dir() else { return Gitignore::empty() };
    let Some(path) = excludes_file(problems) else { return Gitignore::empty() };
    rules_of(&cwd, &path, None, problems)
}

/// Where git's global excludes file is: the first `core.excludesFile` of
/// `$GIT_CONFIG_GLOBAL`, `~/.gitconfig`, `$XDG_CONFIG_HOME/git/config` and the system
/// config (`$GIT_CONFIG_SYSTEM`, else `/etc/gitconfig`), else `$XDG_CONFIG_HOME/git/ignore`
/// — the crate's order, each config file read only if the ones before say nothing.
/// The file the walk reads as git's global excludes file, when a config names one (the
/// watch fingerprint stamps it: a change there can change which files are cards).
pub fn excludes_file_named() -> Option<PathBuf> {
    excludes_file(&mut Vec::new())
}

fn excludes_file(problems: &mut Vec<Problem>) -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let config_home = || env("XDG_CONFIG_HOME").or_else(|| home_dir().map(|home| home.join(".config")));
    let mut setting = |file: Option<PathBuf>| {
        let file = file?;
        let lost = "its core.excludesFile does not apply";
        parse_excludes_file(&read(&file, "git config file", lost, None, problems)?)
    };
    setting(env("GIT_CONFIG_GLOBAL"))
        .or_else(|| setting(home_dir().map(|home| home.join(".gitconfig"))))
        .or_else(|| setting(config_home().map(|dir| dir.join("git/config"))))
        .or_else(|| {
            setting(Some(env("GIT_CONFIG_SYSTEM").unwrap_or_else(|| PathBuf::from("/etc/gitconfig"))))
        })
        .or_else(|| config_home().map(|dir| dir.join("git/ignore")))
}

/// git's `core.excludesFile` in a config file's bytes, read as the crate reads it (the
/// same pattern: the first `excludesfile = VALUE` line, in any case, `~` expanded).
fn parse_excludes_file(data: &[u8]) -> Option<PathBuf> {
    use regex_automata::meta::Regex;
    use regex_automata::util::syntax;
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| {
            Regex::builder()
                .configure(Regex::config().utf8_empty(false))
                .syntax(syntax::Config::new().utf8(false))
                .build(r#"(?im-u)^\s*excludesfile\s*=\s*"?\s*(\S+?)\s*"?\s*$"#)
                .ok()
        })
        .as_ref()?;
    let mut caps = re.create_captures();
    re.captures(data, &mut caps);
    let span = caps.get_group(1)?;
    let value = std::str::from_utf8(&data[span]).ok()?;
    Some(PathBuf::from(match home_dir() {
        Some(home) => value.replace('~', &home.to_string_lossy()),
        None => value.to_string(),
    }))
}

/// The home folder, as the crate finds it.
#[allow(deprecated)]
fn home_dir() -> Option<PathBuf> {
    std::env::home_dir()
}

/// The folder part of a walked path, cut at its last `/` as bytes.
fn parent_of(path: &Path) -> Option<&Path> {
    let bytes = path.as_os_str().as_bytes();
    let at = bytes.iter().rposition(|&b| b == b'/')?;
    Some(Path::new(OsStr::from_bytes(if at == 0 { b"/" } else { &bytes[..at] })))
}

/// `path` relative to the walk's `root`, as the crate makes it before matching it against
/// the folders above the root: the root's bytes (without a leading `./`) and then a `/`
/// taken off the front, if they are there.
fn relative_to<'p>(root: &Path, path: &'p Path) -> &'p Path {
    if root == Path::new(".") {
        return path;
    }
    let root = root.as_os_str().as_bytes();
    let root = root.strip_prefix(b"./").unwrap_or(root);
    let bytes = path.as_os_str().as_bytes();
    let rest = bytes.strip_prefix(root).unwrap_or(bytes);
    Path::new(OsStr::from_bytes(rest.strip_prefix(b"/").unwrap_or(rest)))
}

/// A hidden name: its last part starts with `.` (and is not `.` or `..`).
fn is_hidden(path: &Path) -> bool {
    let bytes = path.as_os_str().as_bytes();
    let name = &bytes[bytes.iter().rposition(|&b| b == b'/').map_or(0, |at| at + 1)..];
    name.starts_with(b".") && name != b"." && name != b".."
}

#[cfg(test)]
mod tests {
    use super::*;
    use ignore::WalkBuilder;
    use std::os::unix::fs::OpenOptionsExt;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// A folder holding a dex (`dex/`) among ignore files of every kind the rules know:
    /// in the dex, above it, in nested repositories and in a worktree's common folder.
    fn tree() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path().canonicalize().expect("canon");
        let dex = base.join("dex");
        // Above the dex: a repository whose rules reach into it, anchored and not.
        std::fs::create_dir_all(base.join(".git/info")).expect("mkdir");
        write(&base.join(".git/info/exclude"), "from-exclude-above.md\n");
        write(&base.join(".gitignore"), "/dex/above-anchored.md\nabove-*.md\n!above-kept.md\n");
        write(&base.join(".ignore"), "dex/ignored-above/\n");
        // In the dex.
        write(&dex.join(".ignore"), "drafts/\n!wanted.log\n# a comment\n\\#hash.md\n");
        write(
            &dex.join(".gitignore"),
            "\u{feff}*.log\r\n/anchored.md\nsub/*.md\n!sub/keep.md\nbuild/\n**/deep/*.md\n!.shown.md\ntrailing.md   \nescaped\\ \n",
        );
        write(&dex.join("sub/.gitignore"), "!anchored.md\nlocal.md\n");
        write(&dex.join("sub/.ignore"), "!local.md\n");
        write(&dex.join("bad/.gitignore"), "ok.md\n\u{0}\n");
        std::fs::write(dex.join("bad/.ignore"), b"first.md\n\xff\xfe\nafter-bad-utf8.md\n").expect("write");
        // A nested repository: the dex's .gitignore stops at it, .ignore does not.
        std::fs::create_dir_all(dex.join("nested/.git")).expect("mkdir");
        write(&dex.join("nested/.gitignore"), "inner.md\n");
        // A jj repository counts as one.
        std::fs::create_dir_all(dex.join("jj/.jj")).expect("mkdir");
        write(&dex.join("jj/.gitignore"), "jj-ignored.md\n");
        // A worktree: `.git` is a file naming its git folder, whose commondir holds the
        // exclude file.
        let common = base.join("common");
        write(&common.join("info/exclude"), "worktree-excluded.md\n");
        write(&base.join("gitdir/commondir"), "../common\n");
        write(&dex.join("tree/.git"), &format!("gitdir: {}\n", base.join("gitdir").display()));
        let files = [
            "a.md",
            "x.log",
            "wanted.log",
            "anchored.md",
            "#hash.md",
            "drafts/d.md",
            "sub/anchored.md",
            "sub/s.md",
            "sub/keep.md",
            "sub/local.md",
            "sub/deep/d.md",
            "build/b.md",
            "a/b/deep/c.md",
            ".hidden.md",
            ".shown.md",
            ".hidden/h.md",
            "trailing.md",
            "escaped ",
            "above-anchored.md",
            "sub/above-anchored.md",
            "above-x.md",
            "above-kept.md",
            "ignored-above/i.md",
            "from-exclude-above.md",
            "nested/inner.md",
            "nested/x.log",
            "nested/drafts/d.md",
            "nested/above-x.md",
            "jj/jj-ignored.md",
            "jj/x.log",
            "tree/worktree-excluded.md",
            "tree/t.md",
            "bad/ok.md",
            "bad/first.md",
            "bad/after-bad-utf8.md",
        ];
        for rel in files {
            write(&dex.join(rel), "x");
        }
        (dir, dex)
    }

    /// Every file the crate's own walk lists, reading the ignore files itself.
    fn listed_by_the_crate(root: &Path) -> Vec<String> {
        let mut found: Vec<String> = WalkBuilder::new(root)
            .follow_links(true)
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .filter_map(|e| e.path().strip_prefix(root).ok().map(|p| p.to_string_lossy().into_owned()))
            .collect();
        found.sort();
        found
    }

    /// Every file termdex's walk lists.
    fn listed_by_termdex(root: &Path) -> Vec<String> {
        let ignore_files = Arc::new(IgnoreFiles::new(root, true));
        let mut found: Vec<String> = super::super::walk::walker(root, &ignore_files)
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .filter_map(|e| e.path().strip_prefix(root).ok().map(|p| p.to_string_lossy().into_owned()))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn the_rules_are_the_crates_own() {
        let (dir, dex) = tree();
        let listed = listed_by_termdex(&dex);
        assert_eq!(listed, listed_by_the_crate(&dex));
        // The tree exercises what it is meant to: some of each kind are left out, some let in.
        for rel in [
            "a.md",
            "wanted.log",
            ".shown.md",
            "sub/keep.md",
            "sub/local.md",
            "sub/anchored.md",
            "nested/x.log",
            "nested/above-x.md",
            "above-kept.md",
            "tree/t.md",
            "jj/x.log",
            "bad/after-bad-utf8.md",
        ] {
            assert!(listed.contains(&rel.to_string()), "{rel} is listed: {listed:?}");
        }
        for rel in [
            "x.log",
            "anchored.md",
            "#hash.md",
            "drafts/d.md",
            "sub/s.md",
            "sub/deep/d.md",
            "build/b.md",
            "a/b/deep/c.md",
            ".hidden.md",
            "trailing.md",
            "above-anchored.md",
            "above-x.md",
            "ignored-above/i.md",
            "from-exclude-above.md",
            "nested/inner.md",
            "nested/drafts/d.md",
            "jj/jj-ignored.md",
            "tree/worktree-excluded.md",
            "bad/ok.md",
            "bad/first.md",
            "escaped ",
        ] {
            assert!(!listed.contains(&rel.to_string()), "{rel} is left out: {listed:?}");
        }
        drop(dir);
        // No repository here (nor above, in a temporary folder): .gitignore does not
        // apply, .ignore does.
        let plain = tempfile::tempdir().expect("tempdir");
        let plain = plain.path().canonicalize().expect("canon");
        write(&plain.join(".gitignore"), "not-git.md\n");
        write(&plain.join(".ignore"), "ignored.md\n");
        for rel in ["not-git.md", "ignored.md", "kept.md"] {
            write(&plain.join(rel), "x");
        }
        let listed = listed_by_termdex(&plain);
        assert_eq!(listed, listed_by_the_crate(&plain));
        // Unless the temporary folder is itself inside a repository.
        let in_a_repository = plain.ancestors().any(|d| d.join(".git").exists() || d.join(".jj").exists());
        let expected: &[&str] = if in_a_repository { &["kept.md"] } else { &["kept.md", "not-git.md"] };
        assert_eq!(listed, expected);
    }

    #[test]
    fn one_path_at_a_time_the_rules_are_the_crates_incremental_ones() {
        let (_dir, dex) = tree();
        let mut theirs = WalkBuilder::new(&dex).follow_links(true).build_matchers().pop().expect("matcher");
        let ours = IgnoreFiles::new(&dex, true);
        let mut paths: Vec<String> = listed_by_the_crate(&dex);
        paths.extend(
            [
                "drafts/new.md",
                "sub/new.md",
                "build",
                "build/new/x.md",
                "nested/inner.md",
                "fresh/deeper/new.md",
                "tree/worktree-excluded.md",
                ".hidden/h.md",
                "ignored-above/i.md",
            ]
            .map(String::from),
        );
        for rel in &paths {
            for is_dir in [false, true] {
                assert_eq!(
                    ours.ignored(rel, is_dir),
                    theirs.matched(rel, is_dir).is_ignore(),
                    "{rel} (folder: {is_dir})"
                );
            }
        }
    }

    #[test]
    fn lines_are_split_as_bufread_splits_them() {
        let split =
            |bytes: &[u8]| lines(bytes).map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>();
        assert_eq!(split(b""), Vec::<String>::new());
        assert_eq!(split(b"a\nb\r\n\nc\r"), ["a", "b", "", "c\r"]);
        assert_eq!(split(b"a\n"), ["a"]);
        assert_eq!(split(b"\n\n"), ["", ""]);
    }

    #[test]
    fn git_config_excludes_files_are_found_as_the_crate_finds_them() {
        assert_eq!(
            parse_excludes_file(b"[core]\n    excludesFile = \"/x/ignore\"\n"),
            Some(PathBuf::from("/x/ignore"))
        );
        assert_eq!(parse_excludes_file(b"[core]\nexcludesfile=/y\r\n"), Some(PathBuf::from("/y")));
        assert_eq!(parse_excludes_file(b"[core]\nexcludesfile = a b\n"), None);
        assert_eq!(parse_excludes_file(b"[user]\nname = x\n"), None);
    }

    #[test]
    fn an_ignore_file_that_is_no_regular_file_is_skipped_once_with_a_warning() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        std::fs::create_dir_all(root.join(".git/info")).expect("mkdir");
        for fifo in [".gitignore", "sub/.ignore", ".git/info/exclude"] {
            std::fs::create_dir_all(root.join(fifo).parent().expect("parent")).expect("mkdir");
            rustix::fs::mknodat(
                rustix::fs::CWD,
                root.join(fifo),
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o644),
                0,
            )
            .expect("mkfifo");
        }
        std::fs::create_dir(root.join(".ignore")).expect("a folder named .ignore");
        for rel in ["a.md", "sub/b.md", "sub/deeper/c.md"] {
            write(&root.join(rel), "x");
        }
        let (sender, receiver) = std::sync::mpsc::channel();
        let walked = root.clone();
        std::thread::spawn(move || {
            let _ = sender.send(crate::scan::walk(&walked, &crate::scan::Extensions::default()));
        });
        let Ok(walk) = receiver.recv_timeout(std::time::Duration::from_secs(10)) else {
            // Let a walker stuck in open(2) go on, then fail.
            for fifo in [".gitignore", "sub/.ignore", ".git/info/exclude"] {
                drop(
                    std::fs::File::options().write(true).custom_flags(libc::O_NONBLOCK).open(root.join(fifo)),
                );
            }
            panic!("the walk blocked on a FIFO ignore file");
        };
        let files: Vec<&str> = walk.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(files, ["a.md", "sub/b.md", "sub/deeper/c.md"]);
        let problems: Vec<String> = walk.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                ".git/info/exclude: ignore file skipped: is a FIFO (named pipe), not a regular file (its rules do not apply)",
                ".gitignore: ignore file skipped: is a FIFO (named pipe), not a regular file (its rules do not apply)",
                ".ignore: ignore file skipped: is a directory, not a regular file (its rules do not apply)",
                "sub/.ignore: ignore file skipped: is a FIFO (named pipe), not a regular file (its rules do not apply)",
            ]
        );
    }
}
