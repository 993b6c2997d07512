//! Every frontmatter format, read through the binary and compared field by field.

use serde_json::json;

use crate::util::TestDex;

#[test]
fn yaml_toml_and_json_frontmatter_become_the_same_fields() {
    let dex = TestDex::new();
    dex.write("yaml.md", "---\ntitle: Y\ntags: [a, b]\nn: 2\nok: true\nwhen: 2026-11-23\n---\nbody\n")
        .write("toml.md", "+++\ntitle = \"Y\"\ntags = [\"a\", \"b\"]\nn = 2\nok = true\nwhen = 2026-11-23\n+++\nbody\n")
        .write("fenced.md", "---json\n{\"title\": \"Y\", \"tags\": [\"a\", \"b\"], \"n\": 2, \"ok\": true, \"when\": \"2026-11-23\"}\n---\nbody\n")
        .write("bare.md", "{\n  \"title\": \"Y\", \"tags\": [\"a\", \"b\"], \"n\": 2, \"ok\": true, \"when\": \"2026-11-23\"\n}\nbody\n");
    let expected = json!({"title": "Y", "tags": ["a", "b"], "n": 2, "ok": true, "when": "2026-11-23"});
    for path in ["yaml.md", "toml.md", "fenced.md", "bare.md"] {
        let card = dex.card(path);
        assert_eq!(card["fields"], expected, "{path}");
        assert_eq!(card["error"], json!(null), "{path}");
    }
}

#[test]
fn key_order_is_kept_as_written() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nzulu: 1\nalpha: 2\nmike: 3\n---\n");
    let card = dex.card("a.md");
    let keys: Vec<&String> = card["fields"].as_object().expect("map").keys().collect();
    assert_eq!(keys, ["zulu", "alpha", "mike"]);
}

#[test]
fn bom_and_crlf_are_accepted() {
    let dex = TestDex::new();
    dex.write("win.md", b"\xef\xbb\xbf---\r\ntitle: Windows\r\ntags: [x]\r\n---\r\n# Heading\r\n");
    let card = dex.card("win.md");
    assert_eq!(card["title"], "Windows");
    assert_eq!(card["fields"], json!({"title": "Windows", "tags": ["x"]}));
}

#[test]
fn title_falls_back_to_heading_then_file_stem() {
    let dex = TestDex::new();
    dex.write("with-title.md", "---\ntitle: From field\n---\n# From heading\n")
        .write("heading.md", "---\ntags: [a]\n---\nintro\n\n# From heading\n")
        .write("plain text.md", "no frontmatter and no heading\n")
        .write("notes.markdown", "# Markdown extension\n");
    let titles: Vec<(String, String)> = dex
        .cards()
        .iter()
        .map(|c| (c["path"].as_str().unwrap_or("").into(), c["title"].as_str().unwrap_or("").into()))
        .collect();
    assert_eq!(
        titles,
        vec![
            ("heading.md".into(), "From heading".into()),
            ("notes.markdown".into(), "Markdown extension".into()),
            ("plain text.md".into(), "plain text".into()),
            ("with-title.md".into(), "From field".into()),
        ]
    );
}

#[test]
fn nested_maps_and_plain_scalars_keep_their_types() {
    let dex = TestDex::new();
    dex.write(
        "a.md",
        "---\nauthor:\n  name: Ada\n  handle: \"@ada\"\nhash: 3e4a1f0\nzip: 007\nprice: 2.50\nanswer: yes\nexp: 1e5\n---\n",
    );
    // `1e5` is a float in YAML 1.2 (and in JSON and TOML); a hash that is not one stays text.
    assert_eq!(
        dex.card("a.md")["fields"],
        json!({"author": {"name": "Ada", "handle": "@ada"}, "hash": "3e4a1f0", "zip": "007", "price": 2.5, "answer": "yes", "exp": 100000.0})
    );
}
