//! Linux's inotify, read by a thread of its own: every folder of the dex is watched (links
//! not followed), and each event becomes a [`Change`] for the keeper, in the order the
//! kernel queued them — which is what lets a cookie vouch for every event before it.
//!
//! A folder that appears (created, or moved in) is watched here, on this thread, before
//! its event is passed on: the keeper's walk that the event starts then runs after the
//! watch exists, so a card created in the folder right away is seen by one or the other.
//! Anything that may have lost an event — the kernel's queue overflowing, a watch that
//! could not be added (the `fs.inotify.max_user_watches` limit), the dex folder itself
//! moved — is passed on as [`Change::Lost`], and every folder is watched again before
//! [`Change::Rewatched`] says so. So is a file system mounted or unmounted anywhere
//! (`/proc/self/mountinfo` wakes `poll`): one mounted on a folder of the dex hides the
//! cards there and brings others, with no inotify event; it is looked at before the
//! events read with it, so a cookie written after the mount is never acknowledged
//! before the walk it calls for.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use rustix::fs::inotify::{self, CreateFlags, ReadFlags, WatchFlags};
use rustix::io::Errno;

use super::keeper::{Change, Input};

/// How long the thread waits for events before looking whether it should stop.
const POLL_MS: i32 = 250;

/// How often watching every folder again is tried while some folder could not be watched.
const RETRY: Duration = Duration::from_secs(5);

/// The test hook (debug builds only): while this file exists in `.termdex/`, events are
/// dropped as if the kernel's queue had overflowed; removing it has the folders watched
/// again, as after a real overflow.
pub const TEST_OVERFLOW: &str = "watch-test-overflow";

/// Watching stops when this is dropped.
pub struct Watching {
    stop: Arc<AtomicBool>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts watching every folder under `root`; changes go to `out`.
pub fn start(root: &Path, out: Sender<Input>) -> std::io::Result<Watching> {
    let fd = inotify::init(CreateFlags::CLOEXEC | CreateFlags::NONBLOCK)?;
    let mut watches = Watches { fd, root: root.to_path_buf(), by_wd: HashMap::new() };
    let first = watches.add_tree(root);
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    let mounts = Mounts::open();
    std::thread::Builder::new().name("termdex-inotify".into()).spawn(move || {
        let mut reader = Thread { watches, out, mounts, incomplete: None, holding: false, gone: false };
        if let Err(why) = first {
            reader.lose(why);
        }
        reader.run(&stopped);
    })?;
    Ok(Watching { stop })
}

/// The watches: which folder each descriptor stands for.
struct Watches {
    fd: OwnedFd,
    root: PathBuf,
    by_wd: HashMap<i32, PathBuf>,
}

impl Watches {
    /// Watches `dir` and every folder under it (links not followed). A folder that cannot
    /// be listed has no folders to watch that the walk could enter either.
    fn add_tree(&mut self, dir: &Path) -> Result<(), String> {
        let flags = WatchFlags::CREATE
            | WatchFlags::DELETE
            | WatchFlags::MODIFY
            | WatchFlags::ATTRIB
            | WatchFlags::MOVED_FROM
            | WatchFlags::MOVED_TO
            | WatchFlags::DELETE_SELF
            | WatchFlags::MOVE_SELF
            | WatchFlags::DONT_FOLLOW
            | WatchFlags::ONLYDIR
            | WatchFlags::EXCL_UNLINK;
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            match inotify::add_watch(&self.fd, &dir, flags) {
                Ok(wd) => {
                    self.by_wd.insert(wd, dir.clone());
                }
                Err(Errno::NOSPC) => {
                    return Err("the inotify watch limit (fs.inotify.max_user_watches) was reached".into());
                }
                Err(Errno::NOMEM) => return Err("the kernel had no memory for another watch".into()),
                // Gone or no folder by now: its parent's event says what happened.
                Err(_) => continue,
            }
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(entry.path());
                }
            }
        }
        Ok(())
    }

    /// Stops watching `dir` and the folders under it (moved out of the dex, or elsewhere
    /// in it, where they are watched again by the name they have now).
    fn remove_tree(&mut self, dir: &Path) {
        let gone: Vec<i32> =
            self.by_wd.iter().filter(|(_, p)| p.starts_with(dir)).map(|(wd, _)| *wd).collect();
        for wd in gone {
            let _ = inotify::remove_watch(&self.fd, wd);
            self.by_wd.remove(&wd);
        }
    }
}

struct Thread {
    watches: Watches,
    out: Sender<Input>,
    /// Why some folder is not watched, while it is not.
    incomplete: Option<(String, Instant)>,
    /// The test hook is on: events are dropped.
    holding: bool,
    /// The dex folder itself was moved or removed: nothing to watch again.
    gone: bool,
    /// The mount table, when it can be watched (where it cannot, a mount goes unseen, as
    /// before this was watched: the walk's own checks remain).
    mounts: Option<Mounts>,
}

/// `/proc/self/mountinfo`, which `poll` marks (`POLLPRI`) when a file system is mounted or
/// unmounted; reading it again from the start re-arms it.
struct Mounts(std::fs::File);

impl Mounts {
    fn open() -> Option<Mounts> {
        let mut mounts = Mounts(std::fs::File::open("/proc/self/mountinfo").ok()?);
        mounts.rearm();
        Some(mounts)
    }

    fn rearm(&mut self) {
        use std::io::{Read, Seek};
        let mut table = Vec::new();
        let _ = self.0.rewind().and_then(|()| self.0.read_to_end(&mut table));
    }
}

impl Thread {
    fn run(&mut self, stop: &AtomicBool) {
        let mut buffer = vec![MaybeUninit::<u8>::uninit(); 64 * 1024];
        while !stop.load(Ordering::Relaxed) {
            let events = libc::pollfd { fd: self.watches.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
            let mounts = self.mounts.as_ref().map(|m| libc::pollfd {
                fd: m.0.as_raw_fd(),
                events: libc::POLLPRI,
                revents: 0,
            });
            let mut pollfds: Vec<libc::pollfd> = std::iter::once(events).chain(mounts).collect();
            // SAFETY: valid pollfds, for the length given.
            let ready = unsafe { libc::poll(pollfds.as_mut_ptr(), pollfds.len() as libc::nfds_t, POLL_MS) };
            // The mount table first: see the module's note.
            if ready > 0 && pollfds.get(1).is_some_and(|m| m.revents & (libc::POLLPRI | libc::POLLERR) != 0) {
                self.mounted();
            }
            if ready > 0 && pollfds[0].revents != 0 && !self.read_all(&mut buffer) {
                return;
            }
            if let Some((_, since)) = &self.incomplete
                && since.elapsed() >= RETRY
                && !self.gone
            {
                self.rewatch();
            }
        }
    }

    /// Reads every event queued; `false` when the keeper is gone.
    fn read_all(&mut self, buffer: &mut [MaybeUninit<u8>]) -> bool {
        let fd = self.watches.fd.try_clone();
        let Ok(fd) = fd else { return true };
        let mut reader = inotify::Reader::new(fd.as_fd(), buffer);
        loop {
            match reader.next() {
                Ok(event) => {
                    let name = event.file_name().map(|n| n.to_bytes().to_vec()).filter(|n| !n.is_empty());
                    if !self.event(event.wd(), event.events(), name.as_deref()) {
                        return false;
                    }
                }
                Err(Errno::AGAIN | Errno::INTR) => return true,
                Err(e) => {
                    self.lose(format!("reading the file events failed ({e})"));
                    return true;
                }
            }
        }
    }

    fn send(&self, change: Change) -> bool {
        self.out.send(Input::Change(change)).is_ok()
    }

    /// Says events were lost; every folder is watched again when it can be.
    fn lose(&mut self, why: String) {
        self.send(Change::Lost(why.clone()));
        self.incomplete = Some((why, Instant::now()));
    }

    /// A file system was mounted or unmounted: what the dex holds may have changed with no
    /// event, and folders on a new file system are not watched yet.
    fn mounted(&mut self) {
        if let Some(mounts) = &mut self.mounts {
            mounts.rearm();
        }
        if self.gone {
            return;
        }
        self.lose("a file system was mounted or unmounted".into());
        self.rewatch();
    }

    /// Watches every folder again (those watched already keep their descriptor), and
    /// says so when all are.
    fn rewatch(&mut self) {
        let root = self.watches.root.clone();
        match self.watches.add_tree(&root) {
            Ok(()) => {
                self.incomplete = None;
                self.send(Change::Rewatched);
            }
            Err(why) => self.incomplete = Some((why, Instant::now())),
        }
    }

    /// One event; `false` when the keeper is gone.
    fn event(&mut self, wd: i32, mask: ReadFlags, name: Option<&[u8]>) -> bool {
        if mask.contains(ReadFlags::QUEUE_OVERFLOW) {
            self.lose("the kernel's queue of file events overflowed".into());
            if !self.holding && !self.gone {
                self.rewatch();
            }
            return true;
        }
        if mask.contains(ReadFlags::IGNORED) {
            self.watches.by_wd.remove(&wd);
            return true;
        }
        let Some(dir) = self.watches.by_wd.get(&wd) else { return true };
        let path = match name {
            Some(name) => dir.join(OsStr::from_bytes(name)),
            None => dir.clone(),
        };
        let root = &self.watches.root;
        if name.is_none() && &path == root && mask.intersects(ReadFlags::DELETE_SELF | ReadFlags::MOVE_SELF) {
            self.gone = true;
            self.lose("the dex folder itself was moved or removed".into());
            return true;
        }
        if mask.contains(ReadFlags::UNMOUNT) {
            if path == *root {
                self.gone = true;
                self.lose("the file system under the dex was unmounted".into());
            } else if self.mounts.is_none() {
                // One mounted in the dex: the mount table says so too, where it is watched.
                self.mounted();
            }
            return true;
        }
        let Some(rel) = path.strip_prefix(root).ok().map(|r| r.to_str().map(str::to_string)) else {
            return true;
        };
        // A name that is not UTF-8: the walk decides what it is.
        let Some(rel) = rel else { return self.send(Change::Folder(String::new())) };
        if cfg!(debug_assertions) && rel == format!("{}/{TEST_OVERFLOW}", crate::dex::STATE_DIR) {
            return self.test_overflow(mask);
        }
        if self.holding || self.gone {
            return true;
        }
        if mask.contains(ReadFlags::ISDIR) {
            return self.folder_event(&path, rel, mask);
        }
        match classify(&rel) {
            Some(Kind::Cookie(cookie)) if mask.intersects(ReadFlags::CREATE | ReadFlags::MOVED_TO) => {
                self.send(Change::Cookie(cookie))
            }
            Some(Kind::Cookie(_)) | None => true,
            Some(Kind::Config) => self.send(Change::Config),
            Some(Kind::Rules) => self.send(Change::Rules(rel)),
            Some(Kind::File) => self.send(Change::Card(rel)),
        }
    }

    fn folder_event(&mut self, path: &Path, rel: String, mask: ReadFlags) -> bool {
        if mask.intersects(ReadFlags::DELETE_SELF | ReadFlags::MOVE_SELF) {
            // Said by its parent's event.
            return true;
        }
        if mask.contains(ReadFlags::MOVED_FROM) {
            self.watches.remove_tree(path);
        }
        // A folder whose permissions changed may be readable now, and was not watched
        // while it was not (the walk warned of it meanwhile): watched from now on.
        if mask.intersects(ReadFlags::CREATE | ReadFlags::MOVED_TO | ReadFlags::ATTRIB)
            && let Err(why) = self.watches.add_tree(path)
        {
            self.lose(why);
        }
        self.send(Change::Folder(rel))
    }

    fn test_overflow(&mut self, mask: ReadFlags) -> bool {
        if mask.intersects(ReadFlags::CREATE | ReadFlags::MOVED_TO) {
            self.holding = true;
            self.lose("the kernel's queue of file events overflowed (test hook)".into());
        } else if mask.intersects(ReadFlags::DELETE | ReadFlags::MOVED_FROM) && self.holding {
            self.holding = false;
            self.rewatch();
        }
        true
    }
}

/// What a file event is about.
enum Kind {
    /// A command's cookie (its name).
    Cookie(String),
    /// `.termdex/config.toml`.
    Config,
    /// An ignore file, or what makes git's rules apply.
    Rules,
    /// Any other file in no hidden folder: maybe a card.
    File,
}

fn classify(rel: &str) -> Option<Kind> {
    let state = crate::dex::STATE_DIR;
    if let Some(own) = rel.strip_prefix(state).and_then(|r| r.strip_prefix('/')) {
        return match own {
            "config.toml" => Some(Kind::Config),
            _ => own.strip_prefix("cookies/").map(|c| Kind::Cookie(c.to_string())),
        };
    }
    let (folders, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    if matches!(name, ".ignore" | ".gitignore" | ".git" | ".jj") || rel.ends_with(".git/info/exclude") {
        return Some(Kind::Rules);
    }
    let hidden = folders.split('/').any(|f| f.starts_with('.')) || name.starts_with('.');
    (!hidden).then_some(Kind::File)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_each_file_event_is_about() {
        let kind = |rel: &str| match classify(rel) {
            Some(Kind::Cookie(c)) => format!("cookie {c}"),
            Some(Kind::Config) => "config".into(),
            Some(Kind::Rules) => "rules".into(),
            Some(Kind::File) => "file".into(),
            None => "none".into(),
        };
        assert_eq!(kind(".termdex/cookies/12-3"), "cookie 12-3");
        assert_eq!(kind(".termdex/config.toml"), "config");
        assert_eq!(kind(".termdex/index.db-wal"), "none");
        assert_eq!(kind("a/.gitignore"), "rules");
        assert_eq!(kind(".git/info/exclude"), "rules");
        assert_eq!(kind("sub/.git/info/exclude"), "rules");
        assert_eq!(kind(".git/objects/ab/cd"), "none");
        assert_eq!(kind("notes/.a.md.swp"), "none");
        assert_eq!(kind("notes/a.md"), "file");
        assert_eq!(kind("4913"), "file");
    }
}
