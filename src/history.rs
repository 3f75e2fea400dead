//! The site's git history, read in-process (gix), never by running `git`: the date of the last
//! commit that touched each content file ("last updated" on answers), found in one walk of the
//! history per build (and not again while `HEAD` and the files stay the same: `serve` rebuilds
//! on every save), and the id of `HEAD` (part of the freshness key: a new commit can change
//! dates). A site outside any git repository has no history: no dates, no error.
//!
//! The repository is opened isolated: no global or system git configuration and no environment
//! variables are read (the same site gives the same dates on every machine), and reading
//! commits and trees never runs a program, whatever the repository's configuration says.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use gix::bstr::ByteSlice;
use gix::ObjectId;

/// A problem reading a repository that exists (a corrupt object, a missing pack).
#[derive(Debug, thiserror::Error)]
#[error("reading the git history of {repo}: {message}")]
pub struct HistoryError {
    repo: PathBuf,
    message: String,
}

/// The repository holding `root` (searched upwards), isolated from the environment, or `None`
/// when `root` is in none.
fn open(root: &Path) -> Option<gix::Repository> {
    let options = gix::discover::upwards::Options::default();
    gix::discover_opts(root, options, gix::open::Options::isolated()).ok()
}

/// The id of the commit `HEAD` names, or `None` (no repository, no commit yet).
pub fn head(root: &Path) -> Option<String> {
    let repo = open(root)?;
    let id = repo.head_id().ok()?;
    Some(id.to_string())
}

/// The date (`YYYY-MM-DD`, in the commit's own time zone, from its author time) of the last
/// commit reachable from `HEAD` that changed each of `files` (paths relative to `root`, with
/// `/`). Files no commit has (new, or outside the repository) are left out; with no
/// repository, or no commit, the map is empty.
///
/// A commit changed a file when the file differs from the file in each of its parents (a
/// merge that took one side's version did not change it); commits are visited newest first
/// (by commit time), once, and the walk stops when every file has its date.
pub fn last_changed(
    root: &Path,
    files: &[String],
) -> Result<BTreeMap<String, String>, HistoryError> {
    let Some(repo) = open(root) else {
        return Ok(BTreeMap::new());
    };
    let err = |e: &dyn std::fmt::Display| HistoryError {
        repo: repo.git_dir().to_path_buf(),
        message: e.to_string(),
    };
    let (Some(workdir), Ok(head)) = (repo.workdir(), repo.head_id()) else {
        return Ok(BTreeMap::new());
    };
    // `root` as a path inside the repository ("" when it is the top).
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let Ok(inside) = canon(root)
        .strip_prefix(canon(workdir))
        .map(Path::to_path_buf)
    else {
        return Ok(BTreeMap::new());
    };
    let inside = inside.to_string_lossy().replace('\\', "/");
    let join = |f: &str| {
        if inside.is_empty() {
            f.to_string()
        } else {
            format!("{inside}/{f}")
        }
    };
    // The dates depend only on the commits reachable from HEAD (which never change) and the
    // files asked for: the last answer is reused while HEAD stays the same for any of the files
    // it was for (the default language asks for its translations' too: every language of a
    // site is dated by one walk, also at each of `serve`'s rebuilds).
    // One answer per site folder and HEAD, the last few kept.
    type Answer = ([String; 2], HashSet<String>, BTreeMap<String, String>);
    static LAST: Mutex<Vec<Answer>> = Mutex::new(Vec::new());
    const KEPT: usize = 4;
    let key = [head.to_string(), inside.clone()];
    for (k, asked, dates) in LAST.lock().expect("not poisoned").iter() {
        if *k == key && files.iter().all(|f| asked.contains(f)) {
            let mine = files
                .iter()
                .filter_map(|f| Some((f.clone(), dates.get(f)?.clone())));
            return Ok(mine.collect());
        }
    }
    let dates = walk(&repo, head.detach(), files, &join).map_err(|e| err(&*e))?;
    let asked = files.iter().cloned().collect();
    let mut last = LAST.lock().expect("not poisoned");
    last.retain(|(k, _, _)| *k != key);
    if last.len() == KEPT {
        last.remove(0);
    }
    last.push((key, asked, dates.clone()));
    Ok(dates)
}

thread_local! {
    static WALKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many walks of a history this thread has made: a test's count of them (the memo of
/// [`last_changed`] answers a question for files already dated without one).
pub fn walks() -> usize {
    WALKS.with(std::cell::Cell::get)
}

/// The walk of [`last_changed`] from commit `head`; `join` makes a site path a repository path.
fn walk(
    repo: &gix::Repository,
    head: ObjectId,
    files: &[String],
    join: &dyn Fn(&str) -> String,
) -> Result<BTreeMap<String, String>, Failure> {
    WALKS.with(|w| w.set(w.get() + 1));
    let wanted: HashMap<String, &String> = files.iter().map(|f| (join(f), f)).collect();
    let mut walk = Walk {
        repo,
        wanted: wanted.keys().map(String::as_str).collect(),
        dirs: wanted
            .keys()
            .flat_map(|w| w.match_indices('/').map(|(i, _)| &w[..=i]))
            .collect(),
        found: HashMap::new(),
    };
    let commits = repo
        .rev_walk([head])
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            gix::traverse::commit::simple::CommitTimeOrder::NewestFirst,
        ))
        .all()?;
    for info in commits {
        walk.commit(&info?)?;
        if walk.found.len() == walk.wanted.len() {
            break;
        }
    }
    Ok(walk
        .found
        .into_iter()
        .map(|(path, date)| (wanted[path].clone(), date))
        .collect())
}

/// One walk over the history, collecting the newest date of each wanted file.
struct Walk<'r> {
    repo: &'r gix::Repository,
    /// Paths inside the repository.
    wanted: HashSet<&'r str>,
    /// Every folder holding a wanted file, with its trailing `/` (`content/`, `content/a/`).
    dirs: HashSet<&'r str>,
    found: HashMap<&'r str, String>,
}

/// A tree's entries: name → (is a tree, id).
type Entries = HashMap<Vec<u8>, (bool, ObjectId)>;

type Failure = Box<dyn std::error::Error + Send + Sync>;

impl<'r> Walk<'r> {
    /// Note the files `info`'s commit changed that have no date yet.
    fn commit(&mut self, info: &gix::revision::walk::Info<'_>) -> Result<(), Failure> {
        let commit = info.object()?;
        let tree = commit.tree_id()?.detach();
        let parents: Vec<Option<ObjectId>> = info
            .parent_ids()
            .map(|p| -> Result<_, Failure> {
                Ok(Some(self.repo.find_commit(p)?.tree_id()?.detach()))
            })
            .collect::<Result<_, _>>()?;
        let mut changed = Vec::new();
        self.diff(tree, &parents, "", &mut changed)?;
        if changed.is_empty() {
            return Ok(());
        }
        let date = civil_date(commit.author()?.time()?)?;
        for path in changed {
            self.found.entry(path).or_insert_with(|| date.clone());
        }
        Ok(())
    }

    /// The wanted files under `dir` (a path inside the repository, "" or ending in `/`) whose
    /// entry in `tree` is in none of the `parents`' trees.
    fn diff(
        &self,
        tree: ObjectId,
        parents: &[Option<ObjectId>],
        dir: &str,
        changed: &mut Vec<&'r str>,
    ) -> Result<(), Failure> {
        let parent_entries: Vec<Entries> = parents
            .iter()
            .map(|p| p.map_or_else(|| Ok(Entries::new()), |p| self.entries(p)))
            .collect::<Result<_, _>>()?;
        for (name, (is_tree, id)) in self.entries(tree)? {
            let in_parent = |e: &Entries| e.get(&name).copied();
            if parent_entries
                .iter()
                .any(|e| in_parent(e) == Some((is_tree, id)))
            {
                continue;
            }
            let path = format!("{dir}{}", name.as_bstr());
            if is_tree {
                let prefix = format!("{path}/");
                if !self.dirs.contains(prefix.as_str()) {
                    continue;
                }
                let sub: Vec<Option<ObjectId>> = parent_entries
                    .iter()
                    .map(|e| in_parent(e).filter(|(t, _)| *t).map(|(_, id)| id))
                    .collect();
                self.diff(id, &sub, &prefix, changed)?;
            } else if let Some(&w) = self.wanted.get(path.as_str()) {
                if !self.found.contains_key(w) {
                    changed.push(w);
                }
            }
        }
        Ok(())
    }

    fn entries(&self, tree: ObjectId) -> Result<Entries, Failure> {
        let tree = self.repo.find_tree(tree)?;
        let decoded = tree.decode()?;
        Ok(decoded
            .entries
            .iter()
            .map(|e| (e.filename.to_vec(), (e.mode.is_tree(), e.oid.to_owned())))
            .collect())
    }
}

/// `time` as a date in its own time zone offset: `YYYY-MM-DD`.
fn civil_date(time: gix::date::Time) -> Result<String, Failure> {
    let offset = jiff::tz::Offset::from_seconds(time.offset)?;
    let at = jiff::Timestamp::from_second(time.seconds)?;
    Ok(at
        .to_zoned(jiff::tz::TimeZone::fixed(offset))
        .date()
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_in_the_commits_own_time_zone() {
        // 2024-05-01 23:30 UTC is already 2 May in Beijing (+08:00).
        let t = |offset| gix::date::Time {
            seconds: 1_714_606_200,
            offset,
        };
        assert_eq!(civil_date(t(0)).unwrap(), "2024-05-01");
        assert_eq!(civil_date(t(8 * 3600)).unwrap(), "2024-05-02");
    }

    #[test]
    fn a_folder_outside_any_repository_has_no_history() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(head(dir.path()), None);
        let files = ["content/a.md".to_string()];
        assert!(last_changed(dir.path(), &files).unwrap().is_empty());
    }
}
