//! Where a new card's file goes, and making sure it lands there without overwriting
//! anything and without leaving the dex, whatever the title holds: the place is checked
//! with the scanner's own rules, links resolved ([`CardRules::card`]), so a `--in` folder
//! that links out of the dex or into `.git/` is refused before anything is made.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use jiff::civil::DateTime;

use super::CardsError;
use super::write::create_new;
use crate::scan::CardRules;

/// The longest slug taken from a title: long enough to recognise, short for a file name.
const MAX_SLUG: usize = 60;

/// A title made file-safe: lower case, letters and digits (any script) kept, every run of
/// anything else a single `-`. Empty when nothing usable is left.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.chars().count() >= MAX_SLUG {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// What a file pattern's placeholders stand for.
pub struct Names<'a> {
    pub now: DateTime,
    /// Unix time of creation, for `{id}` and for a title with no usable letters.
    pub id: i64,
    pub title: &'a str,
    pub template: &'a str,
    /// `{date}` when it is not the creation date (a journal for another day).
    pub date: Option<jiff::civil::Date>,
}

/// Expands a pattern such as `{yyyy}/{mm}/{dd}/{slug}.md` into a checked dex-relative path.
pub fn expand(pattern: &str, names: &Names<'_>) -> Result<String, CardsError> {
    let date = names.date.unwrap_or(names.now.date());
    let id = names.id;
    let slug = match slug(names.title) {
        s if s.is_empty() => id.to_string(),
        s => s,
    };
    let path = pattern
        .replace("{yyyy}", &format!("{:04}", date.year()))
        .replace("{mm}", &format!("{:02}", date.month()))
        .replace("{dd}", &format!("{:02}", date.day()))
        .replace("{date}", &date.strftime("%Y-%m-%d").to_string())
        .replace("{slug}", &slug)
        .replace("{id}", &id.to_string())
        .replace("{template}", &slug_or(names.template, "card"));
    // The pattern comes from the config: a refused path says where to change it.
    check_relative(&path).map_err(|e| match e {
        CardsError::BadPath(why) => CardsError::BadPath(format!(
            "{why}: made by the file name pattern `{pattern}` (`path`, or `journal` for journals, under [new] in .termdex/config.toml)"
        )),
        other => other,
    })
}

fn slug_or(text: &str, fallback: &str) -> String {
    let s = slug(text);
    if s.is_empty() { fallback.to_string() } else { s }
}

/// A path the user (or a pattern) supplied, accepted only if it stays inside the dex and
/// would be indexed: relative, no `..`, no hidden folder, no empty part.
pub fn check_relative(path: &str) -> Result<String, CardsError> {
    let bad = |why: &str| CardsError::BadPath(format!("`{path}` {why}"));
    if path.starts_with('/') {
        return Err(bad("must be relative to the dex, not absolute"));
    }
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if parts.is_empty() {
        return Err(bad("is empty"));
    }
    for part in &parts {
        if *part == ".." {
            return Err(bad("would leave the dex (`..`)"));
        }
        if part.starts_with('.') {
            return Err(bad("is in a hidden folder or file, which termdex does not index"));
        }
        if part.contains(['\0', '\\']) {
            return Err(bad("holds a character file names cannot"));
        }
    }
    Ok(parts.join("/"))
}

/// A created card file, and the folders created for it (innermost last), so that a
/// discarded card can take them away again.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedFile {
    pub rel: String,
    pub abs: PathBuf,
    pub made_dirs: Vec<PathBuf>,
}

/// Where the card `rel` would be created, links resolved, if that is a card of the dex.
fn place(rules: &mut CardRules, rel: &str) -> Result<PathBuf, CardsError> {
    rules.card(rel).map_err(|reason| CardsError::NotACardPlace { path: rel.to_string(), reason })
}

/// Creates the card at `rel` in the dex of `rules`, or at `stem-2.md`, `stem-3.md` ... when
/// the name is taken: creation is exclusive, so two `new` in the same second both succeed.
pub fn create_unique(rules: &mut CardRules, rel: &str, content: &[u8]) -> Result<CreatedFile, CardsError> {
    let first = place(rules, rel)?;
    let made_dirs = make_dirs(rules.root(), first.parent().unwrap_or(rules.root()))?;
    let (stem, ext) = rel.rsplit_once('.').unwrap_or((rel, "md"));
    for n in 1..=1000 {
        let candidate = if n == 1 { rel.to_string() } else { format!("{stem}-{n}.{ext}") };
        let abs = match place(rules, &candidate) {
            Ok(abs) => abs,
            Err(e) => {
                remove_dirs(&made_dirs);
                return Err(e);
            }
        };
        match create_new(&abs, content) {
            Ok(()) => return Ok(CreatedFile { rel: candidate, abs, made_dirs }),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(cause) => {
                remove_dirs(&made_dirs);
                return Err(CardsError::Create { path: abs, cause });
            }
        }
    }
    remove_dirs(&made_dirs);
    Err(CardsError::BadPath(format!("`{rel}` and 999 numbered variants all exist; choose another title")))
}

/// Creates exactly `rel` in the dex of `rules` (for `edit` and `journal`, where the name
/// is the card's identity), never overwriting anything; on failure the folders made for
/// it are taken away again and the message says what is in the way.
pub fn create_exact(rules: &mut CardRules, rel: &str, content: &[u8]) -> Result<CreatedFile, CardsError> {
    let abs = place(rules, rel)?;
    let made_dirs = make_dirs(rules.root(), abs.parent().unwrap_or(rules.root()))?;
    match create_new(&abs, content) {
        Ok(()) => Ok(CreatedFile { rel: rel.to_string(), abs, made_dirs }),
        Err(cause) => {
            remove_dirs(&made_dirs);
            let in_the_way = fs::symlink_metadata(&abs).ok().map(|m| m.file_type());
            Err(match in_the_way {
                Some(t) if t.is_symlink() => {
                    let target = fs::read_link(&abs).map(|t| t.display().to_string()).unwrap_or_default();
                    CardsError::BadPath(format!(
                        "`{rel}` is a symlink to `{target}`, which does not exist; termdex will not create a card through a link (create the file it points to, or remove the link)"
                    ))
                }
                Some(t) if t.is_dir() => CardsError::BadPath(format!("`{rel}` is a folder, not a card")),
                Some(t) if !t.is_file() => {
                    CardsError::NotAFile { path: rel.to_string(), kind: crate::files::kind_of(t) }
                }
                Some(_) if cause.kind() == io::ErrorKind::AlreadyExists => CardsError::BadPath(format!(
                    "`{rel}` was created by another program just now; open it again"
                )),
                _ => CardsError::Create { path: abs, cause },
            })
        }
    }
}

/// Creates the missing folders of `dir`, returning those it made, outermost first.
fn make_dirs(root: &Path, dir: &Path) -> Result<Vec<PathBuf>, CardsError> {
    let mut missing: Vec<PathBuf> =
        dir.ancestors().take_while(|d| *d != root && !d.exists()).map(Path::to_path_buf).collect();
    missing.reverse();
    for d in &missing {
        match fs::create_dir(d) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(cause) => {
                remove_dirs(&missing);
                return Err(CardsError::Create { path: d.clone(), cause });
            }
        }
    }
    Ok(missing)
}

/// Removes folders this command made, innermost first, if they are empty.
pub fn remove_dirs(made: &[PathBuf]) {
    for d in made.iter().rev() {
        let _ = fs::remove_dir(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Meeting: Q3 / planning!"), "meeting-q3-planning");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("Café Über"), "café-über");
        assert_eq!(slug("***"), "");
        assert_eq!(slug(&"x".repeat(200)).len(), MAX_SLUG);
    }

    #[test]
    fn patterns_expand_and_titles_cannot_steer_the_path() {
        let names = Names {
            now: "2026-11-23T14:15:30".parse().expect("datetime"),
            id: 1_795_443_330,
            title: "../../../tmp/evil\nname",
            template: "task",
            date: None,
        };
        assert_eq!(expand("{yyyy}/{mm}/{dd}/{slug}.md", &names).expect("ok"), "2026/11/23/tmp-evil-name.md");
        assert_eq!(expand("journal/{date}.md", &names).expect("ok"), "journal/2026-11-23.md");
        assert_eq!(expand("{template}/{slug}.md", &names).expect("ok"), "task/tmp-evil-name.md");
    }

    #[test]
    fn user_paths_must_stay_inside_and_visible() {
        assert_eq!(check_relative("work//./meetings/a.md").expect("ok"), "work/meetings/a.md");
        for bad in ["/etc/x.md", "../x.md", "a/../../x.md", ".hidden/x.md", "", "a\\b.md"] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn exact_creation_never_numbers_and_cleans_up_after_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let rules = &mut CardRules::new(root, &crate::scan::Extensions::default());
        let made = create_exact(rules, "a/b/card.md", b"1").expect("created");
        assert_eq!((made.rel.as_str(), made.made_dirs.len()), ("a/b/card.md", 2));
        let err = create_exact(rules, "a/b/card.md", b"2").expect_err("taken");
        assert_eq!(err.to_string(), "`a/b/card.md` was created by another program just now; open it again");
        assert_eq!(fs::read_to_string(root.join("a/b/card.md")).expect("read"), "1");
        std::os::unix::fs::symlink("nowhere/x.md", root.join("dangling.md")).expect("symlink");
        let err = create_exact(rules, "dangling.md", b"2").expect_err("dangling");
        assert!(
            err.to_string().starts_with("`dangling.md` is a symlink to `nowhere/x.md`, which does not exist"),
            "{err}"
        );
        assert!(!root.join("nowhere").exists());
        // A failure after folders were made takes them away again.
        let too_long = format!("fresh/deeper/{}.md", "x".repeat(300));
        let err = create_exact(rules, &too_long, b"3").expect_err("name too long");
        assert!(matches!(err, CardsError::Create { .. }), "{err}");
        assert!(!root.join("fresh").exists());
    }

    #[test]
    fn taken_names_get_a_number() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rules = &mut CardRules::new(dir.path(), &crate::scan::Extensions::default());
        let a = create_unique(rules, "x/y/card.md", b"1").expect("first");
        let b = create_unique(rules, "x/y/card.md", b"2").expect("second");
        assert_eq!((a.rel.as_str(), b.rel.as_str()), ("x/y/card.md", "x/y/card-2.md"));
        assert_eq!(a.made_dirs.len(), 2);
        assert!(b.made_dirs.is_empty());
        assert_eq!(fs::read_to_string(dir.path().join("x/y/card.md")).expect("read"), "1");
    }
}
