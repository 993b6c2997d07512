//! `termdex sql QUERY`: one read-only SQL statement over the index, its rows printed as
//! TSV (a header row, then one line per row), a JSON array or JSON Lines.
//!
//! The statement runs through the query layer's read-only session; this file only turns
//! the rows into text.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::{Map, Value};
use termdex::index::Damage;
use termdex::output::{clean, json, push_clean};
use termdex::query::sql::{self, Cell, RowSink, SqlError};

use super::Ctx;

const TDX_HELP: &str = "\
Besides the index's own tables (SELECT name, sql FROM sqlite_master lists them), the statement
can use what the original tdx's SQLite extension offered, answered from the index:

  md_files    a view: path (absolute), basename, size_bytes, ctime_s, mtime_s, atime_s
              (seconds; the index keeps only the modification time, so ctime_s and
              atime_s equal mtime_s)
  md_front_matter(path, key)
              a frontmatter value as text, or NULL: lists as [ a, b ], nested maps as
              JSON; key as written, else in any case, else a dotted path (author.name);
              path absolute (as in md_files) or relative to the dex
  md_contents(path)
              the card's body: the text after its frontmatter

In json and jsonl a column named like one before it is keyed name:2, name:3 ... (the
first number no column has), so that `SELECT 1 AS a, 2 AS a` is {\"a\":1,\"a:2\":2}.

Writes (INSERT, UPDATE, DELETE, CREATE, DROP, ATTACH, setting PRAGMAs, VACUUM ...) are refused.
Exit codes: 0 rows printed, 1 no rows (nothing is printed; json prints []), 2 an error. An
error after some rows were printed exits 2 too; json's array is closed, so that what was
printed still parses, and the error says the rows are incomplete.

Example:
  termdex sql \"SELECT basename, md_front_matter(path, 'title') FROM md_files
               WHERE md_front_matter(path, 'what') = 'task' ORDER BY mtime_s DESC\"";

#[derive(Debug, clap::Args)]
#[command(after_long_help = TDX_HELP)]
pub struct Args {
    /// One SQL statement, e.g. "SELECT path, title FROM cards"
    // A statement may open with a `-- comment`, which is not an option.
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    query: String,
    /// tsv: a header row, then one line per row; json: an array of objects; jsonl: an object per line
    #[arg(long, value_enum, default_value_t = Format::Tsv, value_name = "FORMAT")]
    format: Format,
    /// Use the index as it is, without refreshing it first
    #[arg(long)]
    no_refresh: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Tsv,
    Json,
    Jsonl,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    // The refresh needs a writable connection; the statement gets its own read-only one.
    drop(ctx.open_fresh(args.no_refresh)?);
    let mut printer = Printer::new(BufWriter::new(io::stdout().lock()), args.format);
    let index_path = ctx.dex.index_path();
    let first = sql::run_read_only(&index_path, &ctx.dex.root, &args.query, &mut printer);
    let rows = match first {
        Ok(rows) => rows,
        // A closed pipe or a full disk is no place to close the array in.
        Err(err) if printer.rows > 0 && !matches!(err, SqlError::Output(_)) => {
            // The rows printed cannot be taken back: the JSON array is closed so that
            // they still parse, and the error says they are not all.
            let printed = printer.rows;
            let closed = printer.finish();
            let rebuilt = match err.index_damage() {
                Some(why) => {
                    ctx.rebuild_index(&why)?;
                    "; the index was rebuilt: run the statement again"
                }
                None => "",
            };
            closed?;
            let rows = if printed == 1 { "1 row" } else { &format!("{printed} rows") };
            bail!("{err} (after {rows}: the rows printed are incomplete{rebuilt})");
        }
        Err(err) => {
            // Damage only the statement met is healed through a writable connection of
            // its own, and the statement run again.
            let Some(why) = err.index_damage() else { return Err(err.into()) };
            ctx.rebuild_index(&why)?;
            sql::run_read_only(&index_path, &ctx.dex.root, &args.query, &mut printer)?
        }
    };
    printer.finish()?;
    Ok(if rows == 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Writes rows as they come; the TSV header and the JSON brackets wait for the first row,
/// so that an empty result prints nothing (or `[]`).
struct Printer<W: Write> {
    out: W,
    format: Format,
    /// The column names, as the statement gives them (the TSV header).
    columns: Vec<String>,
    /// The JSON keys: the column names, made unique ([`unique_keys`]).
    keys: Vec<String>,
    rows: usize,
    /// The TSV line being made, kept between rows for its capacity.
    line: String,
}

impl<W: Write> Printer<W> {
    fn new(out: W, format: Format) -> Self {
        Printer { out, format, columns: Vec::new(), keys: Vec::new(), rows: 0, line: String::new() }
    }

    fn finish(mut self) -> io::Result<()> {
        if self.format == Format::Json {
            self.out.write_all(if self.rows == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }

    fn tsv_line<'c>(&mut self, fields: impl Iterator<Item = Cell<'c>>) -> io::Result<()> {
        self.line.clear();
        for (i, field) in fields.enumerate() {
            if i > 0 {
                self.line.push('\t');
            }
            push_tsv_text(&mut self.line, &field);
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    fn object(&self, cells: &[Cell<'_>]) -> Value {
        let map: Map<String, Value> = self.keys.iter().cloned().zip(cells.iter().map(json_value)).collect();
        Value::Object(map)
    }
}

impl<W: Write> RowSink for Printer<W> {
    fn columns(&mut self, names: &[String]) -> io::Result<()> {
        self.columns = names.to_vec();
        self.keys = unique_keys(names);
        Ok(())
    }

    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        let first = self.rows == 0;
        self.rows += 1;
        match self.format {
            Format::Tsv => {
                if first {
                    let header: Vec<String> = self.columns.iter().map(|c| clean(c)).collect();
                    self.tsv_line(header.into_iter().map(|c| Cell::Text(c.into())))?;
                }
                self.tsv_line(cells.iter().cloned())
            }
            Format::Json => {
                self.out.write_all(if first { b"[\n  " } else { b",\n  " })?;
                let object = self.object(cells);
                json::write_compact(&mut self.out, &object)
            }
            Format::Jsonl => {
                let object = self.object(cells);
                json::write_compact(&mut self.out, &object)?;
                self.out.write_all(b"\n")
            }
        }
    }
}

/// The columns' names as JSON keys: a name an earlier column has becomes `name:2`,
/// `name:3` ..., the first that no column is named, so that no value is lost to a key
/// written twice (`SELECT 1 AS a, 2 AS a`; a join's two `path` columns).
fn unique_keys(names: &[String]) -> Vec<String> {
    let mut taken: HashSet<String> = names.iter().cloned().collect();
    let mut seen: HashSet<&str> = HashSet::new();
    names
        .iter()
        .map(|name| {
            if seen.insert(name) {
                return name.clone();
            }
            let key =
                (2..).map(|n| format!("{name}:{n}")).find(|key| !taken.contains(key)).unwrap_or_default();
            taken.insert(key.clone());
            key
        })
        .collect()
}

/// One TSV field: NULL is empty, and tabs and line breaks in text become spaces.
fn push_tsv_text(line: &mut String, cell: &Cell<'_>) {
    match cell {
        Cell::Null => {}
        Cell::Integer(i) => {
            let _ = write!(line, "{i}");
        }
        // Debug keeps a real looking real (`3.0`, `1e300`), as SQLite prints it.
        Cell::Real(r) => {
            let _ = write!(line, "{r:?}");
        }
        Cell::Text(t) => push_clean(line, t),
        Cell::Blob(b) => push_hex(line, b),
    }
}

fn json_value(cell: &Cell<'_>) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Integer(i) => Value::from(*i),
        // Infinity has no JSON form; `Value::from` makes it null.
        Cell::Real(r) => Value::from(*r),
        Cell::Text(t) => Value::String(t.to_string()),
        Cell::Blob(b) => {
            let mut text = String::with_capacity(b.len() * 2);
            push_hex(&mut text, b);
            Value::String(text)
        }
    }
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
}
