//! `termdex completions SHELL` and `termdex man`: the scripts are generated, bash's
//! completes names from the dex at hand when bash runs it, and the man pages render
//! without a warning. These need bash and groff (`scripts/test.sh` installs groff).

use std::path::Path;
use std::process::Command;

use crate::util::TestDex;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn termdex_bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("termdex")
}

#[test]
fn every_shell_gets_a_script_that_asks_termdex() {
    let dex = TestDex::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = dex.cmd().args(["completions", shell]).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.len() > 100, "{shell}: {script}");
        assert!(script.contains("TERMDEX_COMPLETE"), "{shell} runs termdex for candidates: {script}");
        assert!(script.contains(termdex_bin().to_str().expect("utf-8")), "{shell}: {script}");
    }
    let out = dex.cmd().args(["completions", "tcsh"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid value 'tcsh'"), "{}", text(&out.stderr));
}

/// Sources the bash script in bash and completes each command line (the last word is the
/// one being completed), in `cwd`. The words are split as interactive bash splits them
/// for completion (checked by hand in bash 5.2, COMP_WORDBREAKS holding `:` and `=`): a
/// colon or `=` is a word of its own, and right after one the word being completed (`$2`)
/// is empty while COMP_WORDS ends with it.
fn bash_complete(cwd: &Path, lines: &[&str]) -> Vec<String> {
    let script = r#"
source <("$0" completions bash) || exit 1
complete -p termdex >/dev/null || { echo "termdex not registered" >&2; exit 1; }
for line in "$@"; do
    split=${line//:/ : }
    read -r -a COMP_WORDS <<< "${split//=/ = }"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_TYPE=9
    COMPREPLY=()
    current=${COMP_WORDS[COMP_CWORD]}
    [[ $current == ":" || $current == "=" ]] && current=""
    _clap_complete_termdex termdex "$current" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "${COMPREPLY[*]}"
done
"#;
    let out = Command::new("bash")
        .current_dir(cwd)
        .args(["-c", script])
        .arg(termdex_bin())
        .args(lines)
        .env_remove("TERMDEX_DIR")
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("bash is needed for the completion tests ({e})"));
    assert!(out.status.success(), "bash: {}", text(&out.stderr));
    text(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_views_templates_and_fields_of_the_dex_at_hand() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: A\nstatus: todo\npriority: 2\n---\n")
        .write(".termdex/config.toml", "[views.triage]\nfilter = \"status:todo\"\n")
        .write(".termdex/templates/trip.md", "---\ntitle: {{title}}\n---\n");
    dex.cmd().args(["index", "-q"]).assert().success();
    let got = bash_complete(
        &dex.root(),
        &[
            "termdex query --view t",
            "termdex tui tr",
            "termdex new t",
            "termdex fields p",
            "termdex new --set st",
            "termdex set --unset pr",
            "termdex query --sort mod",
            "termdex vie",
        ],
    );
    assert_eq!(
        got,
        ["tasks triage", "triage", "task trip", "priority", "status=", "priority", "modified", "views",]
    );
    // From elsewhere, the dex the command line names.
    let elsewhere = TestDex::new();
    let root = dex.root();
    let line = format!("termdex --dex {} tui tr", root.display());
    assert_eq!(bash_complete(&elsewhere.root(), &[&line, "termdex tui tr"]), ["triage", ""]);
}

#[test]
fn bash_completes_filter_terms_and_the_values_of_a_field() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nstatus: open\ntags: [rust, cli]\n---\n")
        .write("b.md", "---\nstatus: Open\ntags: [rust]\n---\n")
        .write("c.md", "---\nstatus: done\n---\n")
        .write("d.md", "---\nstatus: in progress\n---\n")
        .write(".termdex/config.toml", "[views.triage]\nfilter = \"status:open\"\n");
    dex.cmd().args(["index", "-q"]).assert().success();
    let got = bash_complete(
        &dex.root(),
        &[
            "termdex query sta",
            "termdex query status:",
            "termdex query status:o",
            "termdex cat -status:D",
            "termdex query status:i",
            "termdex query tags:",
            "termdex pick #c",
            "termdex query -sta",
            "termdex query -#r",
            "termdex query has:ch",
            "termdex query view:tr",
            "termdex query nosuchfield:",
            "termdex set a.md status=",
            "termdex set a.md status=d",
            "termdex set a.md sta",
        ],
    );
    assert_eq!(
        got,
        [
            "status:",
            // Most used first, as written first (letter case aside); a value with a space
            // is left to the user to quote.
            "Open done",
            "Open",
            "done",
            "",
            "rust cli",
            // Typed bare, `#` would start a comment: bash gets it escaped.
            "\\#cli",
            // Not clap's short-flag clusters (`-staq`): the negated filter word.
            "-status:",
            "-#rust",
            "children",
            "triage",
            "",
            "Open done",
            "done",
            "status=",
        ]
    );
}

/// Renders a man page as `man` does, with every groff warning on; the warnings.
fn groff_warnings(page: &Path) -> String {
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output()
        .unwrap_or_else(|e| panic!("groff is needed to render the man pages ({e}): install it, or run the tests with scripts/test.sh, which does"));
    assert!(out.status.success(), "groff failed on {}", page.display());
    text(&out.stderr)
}

#[test]
fn the_man_page_renders_without_warnings() {
    let dex = TestDex::new();
    let out = dex.cmd().arg("man").output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.contains(".TH termdex 1"), "{page}");
    for sub in ["init", "query", "completions", "man"] {
        assert!(page.contains(&format!("termdex\\-{sub}(1)")), "names {sub}: {page}");
    }
    let file = dex.path("termdex.1");
    std::fs::write(&file, &page).expect("write");
    assert_eq!(groff_warnings(&file), "");
    let rendered = Command::new("groff").args(["-man", "-Tutf8"]).arg(&file).output().expect("groff");
    assert!(text(&rendered.stdout).contains("A folder of markdown files as a deck of index cards"));
}

#[test]
fn man_all_writes_a_page_per_subcommand() {
    let dex = TestDex::new();
    let dir = dex.path("man/man1");
    let out = dex.cmd().args(["man", "--all"]).arg(&dir).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let printed: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = ["termdex".to_string()]
        .into_iter()
        .chain(
            [
                "backlinks",
                "cat",
                "check",
                "completions",
                "edit",
                "fields",
                "index",
                "init",
                "journal",
                "links",
                "man",
                "new",
                "pick",
                "query",
                "related",
                "set",
                "show",
                "sql",
                "tree",
                "tui",
                "views",
                "watch",
            ]
            .map(|sub| format!("termdex-{sub}")),
        )
        .map(|name| format!("{name}.1"))
        .collect();
    expected.sort();
    assert_eq!(files, expected);
    assert_eq!(printed.len(), expected.len());
    assert_eq!(printed[0], dir.join("termdex.1").display().to_string());
    for file in &files {
        assert_eq!(groff_warnings(&dir.join(file)), "", "{file}");
    }
    let query = std::fs::read_to_string(dir.join("termdex-query.1")).expect("read");
    assert!(query.contains("\\-\\-view"), "{query}");
}
