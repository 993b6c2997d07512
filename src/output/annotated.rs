//! Cards listed with what a command says about each: a link's line and how it is
//! written, a backlink's line and context, why a card is related. The formats of `query`,
//! path first, so `fzf --delimiter '\t'` and `{1}` work the same; a row may have no card
//! (a broken link), and then has an empty path, and no path at all in `paths`.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::index::CardRow;

use super::ansi::{BOLD, DIM, MAGENTA, RESET};
use super::format::{clean_from, fill_template_with, unreadable, write_table_cells};
use super::{Format, Options, card_json, clean, column_text, json};

/// One thing said about a row: its column name, its text, its JSON value.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub name: &'static str,
    /// `None`: said in JSON and templates only, not a column of the line formats.
    pub text: Option<String>,
    pub json: Value,
}

impl Note {
    pub fn new(name: &'static str, text: impl Into<String>, json: impl Into<Value>) -> Note {
        Note { name, text: Some(text.into()), json: json.into() }
    }

    /// A note for JSON (and templates) only.
    pub fn json(name: &'static str, json: impl Into<Value>) -> Note {
        Note { name, text: None, json: json.into() }
    }

    /// The text a template shows: the column's, else the JSON value's.
    fn template_text(&self) -> String {
        match (&self.text, &self.json) {
            (Some(text), _) => text.clone(),
            (None, Value::String(text)) => text.clone(),
            (None, Value::Null) => String::new(),
            (None, other) => other.to_string(),
        }
    }
}

/// The notes that are columns.
fn columns<'r>(row: &'r Annotated<'_>) -> impl Iterator<Item = (&'static str, &'r str)> {
    row.notes.iter().filter_map(|n| n.text.as_deref().map(|text| (n.name, text)))
}

/// A row: a card (or none) and the notes after its title.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotated<'a> {
    pub card: Option<&'a CardRow>,
    /// The title column of a row without a card.
    pub missing: &'a str,
    /// `missing` names the row (an outline's placeholder) and is its title in JSON too,
    /// rather than a stand-in for the screen (`(broken link)`), which JSON gives as null.
    pub named: bool,
    pub notes: Vec<Note>,
}

/// Prints `rows` in the chosen format (`opts.columns` and `opts.json_fields` are not used:
/// the notes are the columns).
pub fn write_annotated(out: &mut dyn Write, rows: &[Annotated<'_>], opts: &Options) -> io::Result<()> {
    let end: &[u8] = if opts.nul { b"\0" } else { b"\n" };
    match &opts.format {
        Format::Lines => write_lines(out, rows, opts, end),
        Format::Tsv => {
            let header = header(rows).join("\t");
            out.write_all(header.as_bytes())?;
            out.write_all(end)?;
            write_lines(out, rows, &Options { color: false, ..opts.clone() }, end)
        }
        Format::Paths => rows.iter().filter_map(|row| row.card).try_for_each(|card| {
            out.write_all(opts.path(card).as_bytes())?;
            out.write_all(end)
        }),
        Format::Jsonl => rows.iter().try_for_each(|row| {
            json::write_compact(&mut *out, &row_json(row, opts)?)?;
            out.write_all(end)
        }),
        Format::Json => {
            let all: Vec<Value> = rows.iter().map(|row| row_json(row, opts)).collect::<io::Result<_>>()?;
            json::write_pretty(&mut *out, &all)?;
            out.write_all(b"\n")
        }
        Format::Table => write_table(out, rows, opts, end),
        Format::Template(template) => rows.iter().try_for_each(|row| {
            out.write_all(fill(template, row, opts)?.as_bytes())?;
            out.write_all(end)
        }),
    }
}

/// Column names: `path`, `title`, then the notes of the first row.
fn header(rows: &[Annotated<'_>]) -> Vec<String> {
    let notes =
        rows.first().map(|row| columns(row).map(|(name, _)| name.to_string()).collect()).unwrap_or_default();
    ["path".to_string(), "title".to_string()].into_iter().chain::<Vec<String>>(notes).collect()
}

fn write_lines(out: &mut dyn Write, rows: &[Annotated<'_>], opts: &Options, end: &[u8]) -> io::Result<()> {
    let mut line = String::with_capacity(256);
    let (path_on, title_on, note_on, off) =
        if opts.color { (MAGENTA, BOLD, DIM, RESET) } else { ("", "", "", "") };
    for row in rows {
        line.clear();
        if let Some(card) = row.card {
            line.push_str(path_on);
            let start = line.len();
            opts.paths.push_shown(&mut line, &card.path);
            if opts.terminal {
                clean_from(&mut line, start);
            }
            line.push_str(off);
        }
        let title = row.card.map_or(row.missing, |card| card.title.as_str());
        let cells = std::iter::once((title_on, title)).chain(columns(row).map(|(_, text)| (note_on, text)));
        for (on, text) in cells {
            line.push('\t');
            line.push_str(on);
            let start = line.len();
            line.push_str(text);
            clean_from(&mut line, start);
            line.push_str(off);
        }
        out.write_all(line.as_bytes())?;
        out.write_all(end)?;
    }
    Ok(())
}

fn write_table(out: &mut dyn Write, rows: &[Annotated<'_>], opts: &Options, end: &[u8]) -> io::Result<()> {
    let header = header(rows);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let path = row.card.map(|card| opts.paths.show(&card.path)).unwrap_or_default();
            let title = row.card.map_or(row.missing, |card| card.title.as_str());
            [path.as_str(), title].into_iter().chain(columns(row).map(|(_, text)| text)).map(clean).collect()
        })
        .collect();
    write_table_cells(out, &header, &cells, opts, end)
}

/// The card as `query` prints it in JSON (`path` and `title` null without one), and the
/// notes as keys beside.
fn row_json(row: &Annotated<'_>, opts: &Options) -> io::Result<Value> {
    let mut value = match row.card {
        Some(card) => card_json(card, &opts.paths).map_err(unreadable)?,
        None => json!({ "path": null, "title": row.named.then_some(row.missing) }),
    };
    for note in &row.notes {
        value[note.name] = note.json.clone();
    }
    Ok(value)
}

/// `{path}`, `{title}`, a note by name, or a field of the card.
fn fill(template: &str, row: &Annotated<'_>, opts: &Options) -> io::Result<String> {
    let mut bad = None;
    let filled = fill_template_with(template, |name| match (name, row.card) {
        ("path", Some(card)) => opts.path(card),
        ("title", None) => row.missing.to_string(),
        (name, card) => match (row.notes.iter().find(|n| n.name == name), card) {
            (Some(note), _) => clean(&note.template_text()),
            (None, Some(card)) => match column_text(card, name, &opts.paths) {
                Ok(text) => clean(&text),
                Err(e) => {
                    bad.get_or_insert(e);
                    String::new()
                }
            },
            (None, None) => String::new(),
        },
    });
    match bad {
        Some(bad) => Err(unreadable(bad)),
        None => Ok(filled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::PathDisplay;

    fn opts(format: Format) -> Options {
        let root = std::path::Path::new("/dex");
        Options {
            format,
            columns: Vec::new(),
            json_fields: None,
            nul: false,
            color: false,
            paths: PathDisplay::new(root, root),
            width: None,
            terminal: false,
        }
    }

    fn printed(rows: &[Annotated<'_>], format: Format) -> String {
        let mut out = Vec::new();
        write_annotated(&mut out, rows, &opts(format)).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn rows_with_and_without_a_card_in_every_format() {
        let card = CardRow {
            path: "b.md".into(),
            title: "Beta\tcard".into(),
            fields_json: r#"{"tags":["x"]}"#.into(),
            ..CardRow::default()
        };
        let rows = [
            Annotated {
                card: Some(&card),
                missing: "(broken link)",
                named: false,
                notes: vec![Note::new("line", "3", 3), Note::json("kind", "wiki")],
            },
            Annotated {
                card: None,
                missing: "(broken link)",
                named: false,
                notes: vec![Note::new("line", "5", 5), Note::json("kind", "path")],
            },
        ];
        assert_eq!(printed(&rows, Format::Lines), "b.md\tBeta card\t3\n\t(broken link)\t5\n");
        assert_eq!(
            printed(&rows, Format::Tsv),
            "path\ttitle\tline\nb.md\tBeta card\t3\n\t(broken link)\t5\n"
        );
        assert_eq!(printed(&rows, Format::Paths), "b.md\n");
        assert_eq!(
            printed(&rows, Format::Template("{path}|{title}|{line}|{kind}|{tags}|{nothing}".into())),
            "b.md|Beta card|3|wiki|x|\n|(broken link)|5|path||\n"
        );
        assert_eq!(
            printed(&rows, Format::Table),
            "path  title          line\nb.md  Beta card      3\n      (broken link)  5\n"
        );
        let lines: Vec<Value> =
            printed(&rows, Format::Jsonl).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        assert_eq!((lines[0]["path"].clone(), lines[0]["line"].clone()), (json!("b.md"), json!(3)));
        assert_eq!(lines[1]["kind"], json!("path"));
        assert_eq!((lines[1]["path"].clone(), lines[1]["title"].clone()), (Value::Null, Value::Null));
    }
}
