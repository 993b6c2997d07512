//! Field types declared in `.termdex/config.toml`: filters, sorting and `check` honour
//! them (SPEC 2).

use crate::util::TestDex;

const CONFIG: &str = "[fields.status]\ntype = \"enum\"\nvalues = [\"todo\", \"active\", \"blocked\", \"done\"]\n\
[fields.priority]\ntype = \"number\"\n[fields.due]\ntype = \"date\"\n[fields.flag]\ntype = \"bool\"\n\
[fields.note]\ntype = \"text\"\n";

fn deck() -> TestDex {
    let dex = TestDex::new();
    dex.write(".termdex/config.toml", CONFIG)
        .write("a.md", "---\nstatus: todo\npriority: 2\ndue: 2026-12-01\nflag: true\nnote: 7\n---\n")
        .write("b.md", "---\ntitle: B\nStatus: wip\npriority: \"v3\"\ndue: soon\n---\n")
        .write("c.md", "---\npriority: \"3\"\n---\n")
        .write("d.md", "+++\ntitle = \"D\"\n\"Status\" = \"Nope\"\n+++\n")
        .write("e.md", "{\"priority\": \"10\", \"note\": \"10\"}\n")
        .write("f.md", "---\nflag: yes\nnote: 9\nstatus:\n  - done\n  - later\n---\n");
    dex
}

fn paths(dex: &TestDex, args: &[&str]) -> Vec<String> {
    let mut all = vec!["query", "--format", "paths"];
    all.extend(args);
    let (stdout, stderr, code) = dex.run(&all);
    assert!(code == 0 || code == 1, "{args:?}: {stderr}");
    stdout.lines().map(|l| l.trim_end_matches(".md").to_string()).collect()
}

#[test]
fn a_declared_number_counts_only_numeric_text() {
    let dex = deck();
    assert_eq!(paths(&dex, &["priority>2", "--sort", "path"]), ["c", "e"]);
    assert_eq!(paths(&dex, &["priority<1"]), Vec::<String>::new(), "\"v3\" is no number, not 0");
    assert_eq!(paths(&dex, &["priority:3"]), ["c"]);
    assert_eq!(paths(&dex, &["priority:v3"]), ["b"], "still matches as text");
}

#[test]
fn sorting_follows_declared_types() {
    let dex = deck();
    // Numbers (written as numbers or numeric text) first, then other text, then no value.
    assert_eq!(paths(&dex, &["--sort", "priority"]), ["a", "c", "e", "b", "d", "f"]);
    // A declared text sorts as text, however it was written: "10" < "7" < "9".
    assert_eq!(paths(&dex, &["has:note", "--sort", "note"]), ["e", "a", "f"]);
}

#[test]
fn check_reports_values_that_break_a_declaration_at_their_line() {
    let dex = deck();
    let (stdout, stderr, code) = dex.run(&["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stdout,
        "b.md:3: field `status` is \"wip\", not one of todo, active, blocked, done\n\
         b.md:4: field `priority` is \"v3\", not a number\n\
         b.md:5: field `due` is \"soon\", not a date\n\
         d.md:3: field `status` is \"Nope\", not one of todo, active, blocked, done\n\
         f.md:2: field `flag` is \"yes\", not true or false\n\
         f.md:4: field `status` is \"later\", not one of todo, active, blocked, done\n"
    );
}

#[test]
fn the_built_in_deadline_declaration_is_checked_too() {
    let dex = TestDex::new();
    dex.write("t.md", "---\nwhat: task\ndeadline: next friday\n---\n")
        .write("u.md", "---\ndeadline: 2026-12-01\n---\n");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!((stdout.as_str(), code), ("t.md:3: field `deadline` is \"next friday\", not a date\n", 1));
}

/// The same numbers written in YAML, TOML and JSON, as integers, decimals and exponents.
fn numbers() -> TestDex {
    let dex = TestDex::new();
    dex.write("y2.md", "---\np: 2\n---\n")
        .write("y3.md", "---\np: 3.0\n---\n")
        .write("t16.md", "+++\np = 16\n+++\n")
        .write("t100.md", "+++\np = 1e2\n+++\n")
        .write("j1e1.md", "{\"p\": 1e1}\n")
        .write("j250.md", "{\"p\": 2.5E+2}\n")
        .write("y1e5.md", "---\np: 1e5\n---\n")
        .write("text.md", "---\np: \"1e5\"\n---\n")
        .write("ybig.md", "---\np: 1.5e400\n---\n");
    dex
}

#[test]
fn a_filter_value_with_an_exponent_is_a_number() {
    let dex = numbers();
    let sorted = |filter: &str| paths(&dex, &[filter, "--sort", "p"]);
    assert_eq!(
        sorted("p>1e1"),
        ["t16", "t100", "j250", "y1e5", "ybig"],
        "16 and 100 are more than 10; YAML's 1e5 is a number, as JSON's is; quoted, it is text"
    );
    assert_eq!(sorted("p>=1E+1"), ["j1e1", "t16", "t100", "j250", "y1e5", "ybig"]);
    assert_eq!(sorted("p>1e300"), ["ybig"]);
    assert_eq!(sorted("p<1e1"), ["y2", "y3"]);
    assert_eq!(sorted("p:1e1"), ["j1e1"]);
    assert_eq!(sorted("p:1e2"), ["t100"]);
    assert_eq!(sorted("p:3"), ["y3"]);
    assert_eq!(sorted("p>1e999"), Vec::<String>::new(), "nothing is more than 1e999");
    assert_eq!(sorted("p<1e999"), ["y2", "y3", "j1e1", "t16", "t100", "j250", "y1e5", "ybig"]);
    assert_eq!(sorted("p>-1e999"), ["y2", "y3", "j1e1", "t16", "t100", "j250", "y1e5", "ybig"]);
    assert_eq!(sorted("p:1e5"), ["y1e5", "text"], "the number, and text that matches as text");
    let (stdout, stderr, code) = dex.run(&["query", "p>1e99999999999999999999"]);
    assert_eq!((stdout.as_str(), code), ("", 2));
    assert_eq!(
        stderr,
        "termdex: error: invalid filter: the number `1e99999999999999999999` is out of range: termdex compares \
         numbers with exponents up to ±10^18\n  p>1e99999999999999999999\n  ^\n"
    );
}

#[test]
fn numbers_beyond_f64_keep_their_digits_and_compare_exactly() {
    let dex = TestDex::new();
    let big = "123456789012345678901234567890";
    let next = "123456789012345678901234567891";
    // 2^53 + 1 and 2^53 are one f64; these two 19-digit ids are one f64 too.
    dex.write("a.md", format!("{{\"id\": {big}}}\n"))
        .write("b.md", format!("---\nid: {next}\n---\n"))
        .write("c.md", "{\"id\": 9007199254740993}\n")
        .write("d.md", "---\nid: 9007199254740992\n---\n")
        .write("e.md", "---\nid: 1234567890123456789\n---\n")
        .write("f.md", "---\nid: 1234567890123456790\n---\n")
        .write("g.md", "{\"id\": 1e400, \"tiny\": -1e-400}\n")
        .write("h.md", "{\"id\": 1.0000000000000000000001e400}\n");
    let (stdout, stderr, code) = dex.run(&["check"]);
    assert_eq!((stdout.as_str(), code), ("", 0), "1e400 is valid JSON: {stderr}");
    let one = |filter: &str| paths(&dex, &[filter, "--sort", "path"]);
    assert_eq!(one(&format!("id:{big}")), ["a"]);
    assert_eq!(one(&format!("id:{next}")), ["b"]);
    assert_eq!(one(&format!("id>{big}")), ["b", "g", "h"]);
    assert_eq!(one(&format!("id>={next}")), ["b", "g", "h"]);
    assert_eq!(one(&format!("id<{next} id>1e20")), ["a"]);
    assert_eq!(one("id:9007199254740993"), ["c"]);
    assert_eq!(one("id:9007199254740992"), ["d"]);
    assert_eq!(one("id>9007199254740992 id<1e10"), Vec::<String>::new());
    assert_eq!(one("id:1234567890123456789"), ["e"]);
    assert_eq!(one("id>1234567890123456789 id<1e19"), ["f"]);
    assert_eq!(one("id:1e400"), ["g"]);
    assert_eq!(one("id>1e400"), ["h"]);
    assert_eq!(one("id>1e300"), ["g", "h"]);
    assert_eq!(one("tiny<0"), ["g"]);
    // Sorted exactly, in memory and in SQL (--limit) alike.
    let order = ["d", "c", "e", "f", "a", "b", "g", "h"];
    assert_eq!(paths(&dex, &["--sort", "id"]), order);
    assert_eq!(paths(&dex, &["--sort", "id", "--limit", "8"]), order);
    let reversed: Vec<&str> = order.iter().rev().copied().collect();
    assert_eq!(paths(&dex, &["--sort", "-id"]), reversed);
    assert_eq!(paths(&dex, &["--sort", "-id", "--limit", "8"]), reversed);
    // Printed with every digit.
    let (json, _, _) = dex.run(&["query", "path:a.md", "--format", "json"]);
    assert!(json.contains(&format!("\"id\": {big}\n")), "{json}");
    let (jsonl, _, _) = dex.run(&["query", "path:b.md", "--format", "jsonl"]);
    assert!(jsonl.contains(&format!("\"id\":{next}}}")), "{jsonl}");
    let (lines, _, _) = dex.run(&["query", "path:a.md", "--fields", "id"]);
    assert_eq!(lines, format!("a.md\ta\t{big}\n"));
}

#[test]
fn numbers_that_cannot_be_represented_are_named() {
    let dex = TestDex::new();
    dex.write("j.md", "{\n  \"ok\": 1,\n  \"huge\": 1e99999999999999999999\n}\n")
        .write("t.md", "+++\nok = 1\nid = 123456789012345678901234567890\n+++\n")
        .write("f.md", "+++\nx = 1e400\n+++\n");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "j.md:3: the number `1e+99999999999999999999` is out of range: termdex compares numbers with exponents \
         up to ±10^18; quote it (\"1e+99999999999999999999\") to keep it as text\n\
         t.md:3: the number `123456789012345678901234567890` is too large for TOML (integers up to \
         9223372036854775807); quote it (\"123456789012345678901234567890\") to keep it as text\n",
        "TOML's 1e400 is a number, as JSON's is"
    );
}

/// One card a form: `p` is 1e400, -1e400, 1e-400, infinity, minus infinity or NaN, written
/// in YAML (`y…`), TOML (`t…`) and, where JSON can write it, JSON (`j…`).
fn far_numbers() -> TestDex {
    let dex = TestDex::new();
    for (name, yaml, toml, json) in [
        ("1e400", "1e400", "1e400", Some("1e400")),
        ("m1e400", "-1e400", "-1e400", Some("-1e400")),
        ("1em400", "1e-400", "1e-400", Some("1e-400")),
        ("inf", ".inf", "inf", None),
        ("minf", "-.inf", "-inf", None),
        ("nan", ".nan", "nan", None),
    ] {
        dex.write(&format!("y{name}.md"), format!("---\ntitle: y{name}\np: {yaml}\n---\n"))
            .write(&format!("t{name}.md"), format!("+++\ntitle = \"t{name}\"\np = {toml}\n+++\n"));
        if let Some(json) = json {
            dex.write(&format!("j{name}.md"), format!("{{\"title\": \"j{name}\", \"p\": {json}}}\n"));
        }
    }
    dex
}

#[test]
fn far_numbers_in_yaml_and_toml_are_numbers_as_jsons_are_and_infinities_are_reported() {
    let dex = far_numbers();
    let sorted = |filter: &str| paths(&dex, &[filter, "--sort", "path"]);
    assert_eq!(sorted("p>1e1"), ["j1e400", "t1e400", "y1e400"]);
    assert_eq!(sorted("p<0"), ["jm1e400", "tm1e400", "ym1e400"]);
    assert_eq!(sorted("p>0"), ["j1e400", "j1em400", "t1e400", "t1em400", "y1e400", "y1em400"]);
    assert_eq!(sorted("p>0 p<1e-300"), ["j1em400", "t1em400", "y1em400"]);
    assert_eq!(sorted("p:1e400"), ["j1e400", "t1e400", "y1e400"]);
    assert_eq!(sorted("p>-1e999 p<1e999").len(), 9, "every number, and no infinity or NaN");
    // Every syntax holds the same number, digits kept.
    for name in ["1e400", "m1e400", "1em400"] {
        let values: Vec<String> = ["j", "t", "y"]
            .iter()
            .map(|s| dex.card(&format!("{s}{name}.md"))["fields"]["p"].to_string())
            .collect();
        assert!(values.iter().all(|v| *v == values[0]), "{name}: {values:?}");
        assert!(dex.card(&format!("y{name}.md"))["fields"]["p"].is_number(), "{name}");
    }
    // Infinity and NaN are kept as written, as text no numeric comparison matches.
    let text = |path: &str| dex.card(path)["fields"]["p"].clone();
    assert_eq!(
        ["yinf.md", "yminf.md", "ynan.md", "tinf.md", "tminf.md", "tnan.md"].map(text),
        [".inf", "-.inf", ".nan", "inf", "-inf", "nan"].map(serde_json::Value::from)
    );
    for filter in ["p>inf", "p<-.inf", "p>=nan"] {
        let (stdout, stderr, code) = dex.run(&["query", filter]);
        assert_eq!((stdout.as_str(), code), ("", 2), "{filter}");
        assert!(stderr.contains("is not a number termdex can compare"), "{filter}: {stderr}");
        assert!(stderr.ends_with(&format!("\n  {filter}\n  ^\n")), "{filter}: {stderr}");
    }
    assert_eq!(sorted("p:.inf"), ["yinf"], "as text, it is found");
    let (stdout, _, code) = dex.run(&["check"]);
    let problem = |path: &str, line: usize, value: &str| {
        format!(
            "{path}:{line}: p: {value} is not a number termdex can compare (write it as text in quotes, or a \
             finite number)\n"
        )
    };
    let expected: String = [
        problem("tinf.md", 3, "inf"),
        problem("tminf.md", 3, "-inf"),
        problem("tnan.md", 3, "nan"),
        problem("yinf.md", 3, ".inf"),
        problem("yminf.md", 3, "-.inf"),
        problem("ynan.md", 3, ".nan"),
    ]
    .concat();
    assert_eq!((stdout, code), (expected, 1));
    assert_eq!(dex.card("tnan.md")["title"], "tnan", "the card's other fields are read");
}

#[test]
fn declared_numbers_read_exponents_and_long_digits_in_text() {
    let dex = TestDex::new();
    dex.write(".termdex/config.toml", "[fields.n]\ntype = \"number\"\n")
        .write("a.md", "---\nn: \"1e3\"\n---\n")
        .write("b.md", "---\nn: \"999\"\n---\n")
        .write("c.md", "---\nn: \"123456789012345678901234567891\"\n---\n")
        .write("d.md", "---\nn: 123456789012345678901234567890\n---\n")
        .write("e.md", "---\nn: \"1e99999999999999999999\"\n---\n");
    assert_eq!(paths(&dex, &["n>999", "--sort", "path"]), ["a", "c", "d"]);
    assert_eq!(paths(&dex, &["n:1000"]), ["a"]);
    assert_eq!(paths(&dex, &["n>123456789012345678901234567890"]), ["c"]);
    assert_eq!(paths(&dex, &["--sort", "n"]), ["b", "a", "d", "c", "e"]);
    assert_eq!(paths(&dex, &["--sort", "n", "--limit", "5"]), ["b", "a", "d", "c", "e"]);
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(
        (stdout.as_str(), code),
        ("e.md:2: field `n` is \"1e99999999999999999999\", not a number\n", 1),
        "only what cannot be compared is not a number"
    );
}
