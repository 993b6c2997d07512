//! `termdex init` and `termdex init --templates`: what they write, that they never
//! overwrite, and that the config they write changes nothing.

use termdex::config::{Config, DEFAULTS};

use crate::util::TestDex;

/// Bytes read back as text.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const TEMPLATES: [&str; 6] = ["bookmark", "journal", "meeting", "note", "reminder", "task"];

#[test]
fn init_writes_the_built_in_config_and_prints_its_path() {
    let dex = TestDex::new();
    let out = dex.cmd().arg("init").output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), ".termdex/config.toml\n");
    assert_eq!(
        text(&out.stderr),
        "termdex: every option is set to its built-in value, with what it does; edit what you want to change\n"
    );
    assert_eq!(text(&dex.read(".termdex/config.toml")), DEFAULTS);
    // Every option is in it: each key the config file accepts appears set.
    for key in [
        "default_view =",
        "extensions =",
        "[new]",
        "path =",
        "journal =",
        "template =",
        "[fields.status]",
        "order =",
        "type =",
        "[views.tasks]",
        "description =",
        "filter =",
        "sort =",
        "columns =",
        "group_by =",
    ] {
        assert!(DEFAULTS.lines().any(|l| l.starts_with(key)), "{key} is not set in the written config");
    }
}

/// The file `init` writes, loaded back, is exactly the configuration of a dex without one:
/// it documents the defaults and cannot drift from them.
#[test]
fn the_written_config_loads_as_no_config_at_all() {
    let dex = TestDex::new();
    let views_before = dex.cmd().arg("views").output().expect("run");
    dex.cmd().arg("init").assert().success();
    let loaded = Config::load(&dex.path(".termdex")).expect("the written config loads");
    assert_eq!(Config { view_sources: Vec::new(), ..loaded }, Config::builtin());
    // As the commands see it too: the same views, none marked as the config's.
    let views_after = dex.cmd().arg("views").output().expect("run");
    assert_eq!(text(&views_after.stdout), text(&views_before.stdout));
    assert!(!text(&views_after.stdout).contains("(config)"));
    // And an edit to it takes effect, so the file is really read.
    let edited = DEFAULTS.replace("default_view = \"all\"", "default_view = \"tasks\"");
    assert_ne!(edited, DEFAULTS);
    std::fs::write(dex.path(".termdex/config.toml"), edited).expect("edit");
    let views = dex.cmd().arg("views").output().expect("run");
    assert!(text(&views.stdout).lines().any(|l| l.starts_with("tasks*")), "{}", text(&views.stdout));
}

#[test]
fn init_never_overwrites_a_config_and_exits_2() {
    let dex = TestDex::new();
    dex.write(".termdex/config.toml", "default_view = \"notes\"\n");
    let out = dex.cmd().arg("init").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        "termdex: error: .termdex/config.toml already exists; it was left as it is (move it aside, then run \
         this again, to get the built-in one)\n"
    );
    assert_eq!(dex.read(".termdex/config.toml"), b"default_view = \"notes\"\n");
    // Nor through a link to nothing: it is not followed to create a file elsewhere.
    let dex = TestDex::new();
    std::fs::create_dir(dex.path(".termdex")).expect("mkdir");
    std::os::unix::fs::symlink(dex.path("elsewhere.toml"), dex.path(".termdex/config.toml")).expect("link");
    let out = dex.cmd().arg("init").output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(!dex.path("elsewhere.toml").exists());
}

#[test]
fn init_templates_copies_the_built_ins_and_keeps_the_dexs_own() {
    let dex = TestDex::new();
    let out = dex.cmd().args(["init", "--templates"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listed: Vec<String> = TEMPLATES.iter().map(|t| format!(".termdex/templates/{t}.md\n")).collect();
    let stdout = text(&out.stdout);
    let mut printed: Vec<&str> = stdout.split_inclusive('\n').collect();
    printed.sort_unstable();
    assert_eq!(printed, listed);
    assert!(!dex.path(".termdex/config.toml").exists(), "the config is left alone");
    let task = text(&dex.read(".termdex/templates/task.md"));
    assert_eq!(task, include_str!("../../src/cards/templates/task.md"));

    // A copied template is the one `new` uses.
    dex.write(".termdex/templates/task.md", task.replace("what: task", "what: chore"));
    let out = dex.cmd().args(["new", "task", "Sweep", "--no-edit", "--print-path"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let card = text(&dex.read(text(&out.stdout).trim()));
    assert!(card.contains("what: chore"), "{card}");

    // Run again after removing two: those two are written, the others (one edited) kept.
    dex.remove(".termdex/templates/note.md");
    dex.remove(".termdex/templates/journal.md");
    let out = dex.cmd().args(["init", "--templates"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "some were there already");
    assert_eq!(text(&out.stdout), ".termdex/templates/note.md\n.termdex/templates/journal.md\n");
    let stderr = text(&out.stderr);
    for kept in ["bookmark", "meeting", "reminder", "task"] {
        let line = format!(
            "termdex: error: .termdex/templates/{kept}.md already exists; it was left as it is (move it aside, \
             then run this again, to get the built-in one)\n"
        );
        assert!(stderr.contains(&line), "{stderr}");
    }
    assert!(text(&dex.read(".termdex/templates/task.md")).contains("what: chore"), "the edit is kept");
    assert_eq!(
        text(&dex.read(".termdex/templates/note.md")),
        include_str!("../../src/cards/templates/note.md")
    );
}

#[test]
fn init_prints_paths_as_the_shell_sees_them() {
    let dex = TestDex::new();
    dex.write("notes/a.md", "# A\n");
    let out = dex.cmd_in(&dex.path("notes")).arg("--dex").arg(dex.root()).arg("init").output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "../.termdex/config.toml\n");
}
