//! `gen_corpus` — write a large, realistic, reproducible dex for benchmarks and
//! stress tests.
//!
//! termdex's performance targets are stated for 100k cards, and nobody should
//! benchmark on their private notes. This program writes N synthetic cards
//! that look like the sample deck in `examples/deck/`: mostly YAML
//! frontmatter, some TOML and JSON, a few malformed or bare cards, the usual
//! fields (`what`, `status`, `when`, `deadline`, `tags`, ...), a link graph
//! between cards, and bodies whose words follow a Zipf-like distribution with
//! a long tail of rare words, so full-text search sees realistic postings.
//!
//! The links come in every form termdex resolves, about one per card, mostly to
//! nearby (recent) cards: `[[card-000123]]` by file stem, `[[Some Title]]` by
//! title (titles repeat, so many of these are ambiguous), `[[stem|label]]`,
//! `[[stem#Heading]]`, `![[embeds]]`, relative `[text](../../x.md)` paths,
//! `[[aliases]]` (every twentieth card has an `aliases` field), and about one
//! in twenty broken (a stem or path no card has). Code blocks hold `[[...]]`
//! text that is no link.
//!
//! The outline: about 60% of cards have a `parent` (a `[[stem]]` or a bare stem) naming
//! an earlier card, in chains up to 8 levels deep, a third of them an `order`; one in a
//! hundred names no card, and two cards in every 5000 name each other (a cycle).
//!
//! ```sh
//! cargo run --release --example gen_corpus -- 100000 /tmp/dex100k --seed 7
//! ```
//!
//! The same N and seed always give byte-identical files, whatever the number
//! of threads: each card draws from its own random stream, keyed by the seed
//! and the card's number. Files land in `OUTDIR/YYYY/MM/cards-NNNN/` with at
//! most 1000 per folder. Only the standard library is used, so the example
//! builds without touching the crate's dependencies.
//!
//! Exit codes: 0 done, 1 an I/O error, 2 a usage error (including a non-empty
//! OUTDIR without `--force`).

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use std::{env, fs, io, thread};

const USAGE: &str = "\
usage: gen_corpus N OUTDIR [--seed S] [--force]

  N          number of cards to write (1 or more)
  OUTDIR     where to write them; created if missing
  --seed S   random seed (default 1); same N and S give identical files
  --force    write into OUTDIR even if it is not empty";

/// Cards per `cards-NNNN` folder; keeps directory listings cheap.
const PER_DIR: u64 = 1000;
/// 2024-01-01 as days since 1970-01-01; cards are spread over 2024..=2026.
const FIRST_DAY: i64 = 19_723;
const SPAN_DAYS: u64 = 1096;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("gen_corpus: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Io(msg)) => {
            eprintln!("gen_corpus: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), Failure> {
    let Some(args) = Args::parse(env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    prepare_outdir(&args)?;
    let started = Instant::now();
    let totals = write_corpus(&args).map_err(|e| Failure::Io(e.to_string()))?;
    eprintln!("{}", totals.summary(started.elapsed().as_secs_f64()));
    Ok(())
}

/// Usage mistakes get the usage text; I/O failures don't need it.
enum Failure {
    Usage(String),
    Io(String),
}

// ---------------------------------------------------------------------------
// Arguments

struct Args {
    n: u64,
    out: PathBuf,
    seed: u64,
    force: bool,
}

impl Args {
    /// `Ok(None)` means help was asked for.
    fn parse(mut raw: impl Iterator<Item = String>) -> Result<Option<Args>, Failure> {
        let usage = |msg: String| Err(Failure::Usage(msg));
        let (mut positional, mut seed, mut force) = (Vec::new(), 1, false);
        while let Some(arg) = raw.next() {
            match arg.as_str() {
                "-h" | "--help" => return Ok(None),
                "--force" => force = true,
                "--seed" => seed = parse_seed(raw.next().as_deref())?,
                _ if arg.starts_with("--seed=") => seed = parse_seed(Some(&arg[7..]))?,
                _ if arg.starts_with('-') && arg.len() > 1 => {
                    return usage(format!("unknown option {arg:?}"));
                }
                _ => positional.push(arg),
            }
        }
        let Ok([n, out]) = <[String; 2]>::try_from(positional) else {
            return usage("expected exactly two arguments, N and OUTDIR".into());
        };
        let n = match n.parse::<u64>() {
            Ok(n) if n > 0 => n,
            _ => return usage(format!("N must be a positive whole number, not {n:?}")),
        };
        Ok(Some(Args { n, out: PathBuf::from(out), seed, force }))
    }
}

fn parse_seed(value: Option<&str>) -> Result<u64, Failure> {
    let value = value.ok_or_else(|| Failure::Usage("--seed needs a value".into()))?;
    value.parse().map_err(|_| Failure::Usage(format!("seed must be a whole number, not {value:?}")))
}

/// Refuses a non-empty OUTDIR so that a typo can't sprinkle 100k files over
/// someone's real notes.
fn prepare_outdir(args: &Args) -> Result<(), Failure> {
    let shown = args.out.display();
    match fs::read_dir(&args.out).map(|mut entries| entries.next().is_some()) {
        Ok(true) if !args.force => {
            Err(Failure::Usage(format!("{shown} is not empty; pass --force to write into it anyway")))
        }
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(&args.out).map_err(|e| Failure::Io(format!("cannot create {shown}: {e}")))
        }
        Err(e) => Err(Failure::Io(format!("cannot use {shown}: {e}"))),
    }
}

// ---------------------------------------------------------------------------
// Writing

#[derive(Default)]
struct Totals {
    files: u64,
    bytes: u64,
    by_format: [u64; Format::COUNT],
}

impl Totals {
    fn add(&mut self, other: &Totals) {
        self.files += other.files;
        self.bytes += other.bytes;
        for (mine, theirs) in self.by_format.iter_mut().zip(other.by_format) {
            *mine += theirs;
        }
    }

    fn summary(&self, seconds: f64) -> String {
        let mix: Vec<String> =
            (0..Format::COUNT).map(|k| format!("{} {}", Format::NAMES[k], self.by_format[k])).collect();
        format!(
            "gen_corpus: {} files, {} bytes ({:.1} MB, {} avg) in {:.2} s [{}]",
            self.files,
            self.bytes,
            self.bytes as f64 / 1e6,
            self.bytes / self.files.max(1),
            seconds,
            mix.join(", ")
        )
    }
}

struct Corpus<'a> {
    n: u64,
    seed: u64,
    out: &'a Path,
    vocab: &'a Vocab,
}

/// Writes `n` cards into `out` (which should be empty): the entry point for benchmarks,
/// which include this file as a module (so the example itself never calls it).
#[allow(dead_code)]
pub(crate) fn generate(n: u64, seed: u64, out: &Path) -> io::Result<()> {
    fs::create_dir_all(out)?;
    write_corpus(&Args { n, out: out.to_path_buf(), seed, force: true }).map(|_| ())
}

fn write_corpus(args: &Args) -> io::Result<Totals> {
    let vocab = Vocab::new();
    let corpus = Corpus { n: args.n, seed: args.seed, out: &args.out, vocab: &vocab };
    let chunks = args.n.div_ceil(PER_DIR);
    let workers = thread::available_parallelism().map_or(1, |n| n.get() as u64).clamp(1, 8);
    let workers = workers.min(chunks);
    thread::scope(|scope| {
        let corpus = &corpus;
        let handles: Vec<_> =
            (0..workers).map(|w| scope.spawn(move || corpus.write_chunks(w, workers))).collect();
        let mut totals = Totals::default();
        for handle in handles {
            totals.add(&handle.join().expect("writer thread panicked")?);
        }
        Ok(totals)
    })
}

impl Corpus<'_> {
    /// Chunks are dealt round-robin so every worker gets an even share.
    fn write_chunks(&self, worker: u64, workers: u64) -> io::Result<Totals> {
        let mut totals = Totals::default();
        let mut buf = String::with_capacity(8 * 1024);
        let mut made_dir = PathBuf::new();
        let chunks = self.n.div_ceil(PER_DIR);
        for chunk in (worker..chunks).step_by(workers as usize) {
            let end = ((chunk + 1) * PER_DIR).min(self.n);
            for index in chunk * PER_DIR..end {
                let format = self.render(index, &mut buf);
                let path = self.out.join(card_path(index, self.n));
                let dir = path.parent().expect("card paths have a folder");
                if dir != made_dir {
                    fs::create_dir_all(dir)?;
                    made_dir = dir.to_path_buf();
                }
                fs::write(&path, buf.as_bytes())?;
                totals.files += 1;
                totals.bytes += buf.len() as u64;
                totals.by_format[format as usize] += 1;
            }
        }
        Ok(totals)
    }

    fn render(&self, index: u64, buf: &mut String) -> Format {
        buf.clear();
        let mut rng = Rng::for_card(self.seed, index);
        let card = Card::generate(index, self.n, &mut rng);
        let format = Format::roll(&mut rng);
        card.write_frontmatter(format, &mut rng, buf);
        let mut body = Body {
            rng: &mut rng,
            vocab: self.vocab,
            seed: self.seed,
            out: buf,
            lines: 0,
            column: 0,
            previous: "",
        };
        body.write(&card, self.n, format == Format::Bare);
        format
    }
}

/// Path of card `index` relative to OUTDIR. Cards are numbered in creation
/// order, so the chunk of 1000 a card sits in stays inside one or two months.
fn card_path(index: u64, n: u64) -> String {
    let (y, m, _) = Day::of_card(index, n).civil();
    format!("{y:04}/{m:02}/cards-{:04}/{}.md", index / PER_DIR, stem(index))
}

fn stem(index: u64) -> String {
    format!("card-{index:06}")
}

// ---------------------------------------------------------------------------
// Random numbers

/// `SplitMix64`: tiny, fast and plenty for fake notes; no crate needed.
struct Rng(u64);

impl Rng {
    /// One independent stream per card, so output doesn't depend on the
    /// order in which threads happen to write.
    fn for_card(seed: u64, index: u64) -> Rng {
        Rng(mix64(seed ^ mix64(index.wrapping_add(0x9E37_79B9_7F4A_7C15))))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n`, by multiply-shift rather than `%` to avoid bias.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// Picks by integer weights, so the mix is exact and platform-independent.
    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total);
        for (item, weight) in items {
            if x < *weight {
                return *item;
            }
            x -= weight;
        }
        unreachable!("x is below the total weight")
    }

    /// Skewed towards `lo`: most notes are short, a few are long.
    fn skewed(&mut self, lo: u64, hi: u64) -> u64 {
        let span = hi - lo + 1;
        lo + self.below(span).min(self.below(span))
    }
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------------------
// Dates

#[derive(Clone, Copy)]
struct Day(i64);

impl Day {
    /// Creation days rise with the card number across the whole span.
    fn of_card(index: u64, n: u64) -> Day {
        Day(FIRST_DAY + (u128::from(index) * u128::from(SPAN_DAYS) / u128::from(n)) as i64)
    }

    fn plus(self, days: u64) -> Day {
        Day(self.0 + days as i64)
    }

    /// Howard Hinnant's civil-from-days, to avoid a date crate.
    fn civil(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn datetime(day: Day, rng: &mut Rng) -> String {
    let minute_of_day = rng.between(7 * 60, 22 * 60);
    format!("{day}T{:02}:{:02}:00", minute_of_day / 60, minute_of_day % 60)
}

// ---------------------------------------------------------------------------
// The card's fields

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Yaml,
    Toml,
    JsonFenced,
    JsonLeading,
    BrokenYaml,
    Bare,
}

impl Format {
    const COUNT: usize = 6;
    const NAMES: [&str; Format::COUNT] =
        ["yaml", "toml", "json-fenced", "json-leading", "malformed-yaml", "no-frontmatter"];

    fn roll(rng: &mut Rng) -> Format {
        rng.weighted(&[
            (Format::Yaml, 870),
            (Format::Toml, 70),
            (Format::JsonFenced, 15),
            (Format::JsonLeading, 15),
            (Format::BrokenYaml, 20),
            (Format::Bare, 10),
        ])
    }
}

/// A frontmatter value. Dates and numbers are kept pre-formatted because
/// they are spelled the same way, unquoted, in YAML and TOML.
enum Value {
    Text(String),
    Date(String),
    Number(String),
    Bool(bool),
    List(Vec<String>),
    Map(Vec<(&'static str, String)>),
}

struct Card {
    index: u64,
    title: String,
    fields: Vec<(&'static str, Value)>,
    is_task: bool,
}

impl Card {
    fn generate(index: u64, n: u64, rng: &mut Rng) -> Card {
        let day = Day::of_card(index, n);
        let what = rng.weighted(WHAT);
        let title = title_for(what, day, rng);
        let mut fields = vec![("title", Value::Text(title.clone())), ("what", Value::Text(what.to_string()))];
        add_kind_fields(what, day, rng, &mut fields);
        add_common_fields(day, rng, &mut fields);
        if has_alias(index) {
            fields.push(("aliases", Value::List(vec![alias_of(index)])));
        }
        add_outline_fields(index, rng, &mut fields);
        Card { index, title, fields, is_task: what == "task" }
    }
}

/// The deepest a generated card sits in the outline (a root is 0).
const MAX_DEPTH: u64 = 7;

/// Where a card sits in the outline.
enum Parent {
    Card(u64),
    /// A parent field naming no card.
    Missing(u64),
}

/// About 60% of cards sit under an earlier card, mostly a near one, in chains at most
/// `MAX_DEPTH` below a root; one in a hundred names a card that does not exist, and two
/// in every 5000 name each other (a cycle). A function of the card's number alone, so that
/// any card's depth can be worked out without the others.
fn parent_of(index: u64) -> Option<Parent> {
    match index % 5000 {
        17 => return Some(Parent::Card(index + 1)),
        18 => return Some(Parent::Card(index - 1)),
        _ => {}
    }
    let roll = mix64(index ^ 0x71E5u64.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    if index == 0 || roll % 100 >= 60 {
        return None;
    }
    if roll.is_multiple_of(100) {
        return Some(Parent::Missing(index));
    }
    let parent = index - 1 - (roll >> 8) % index.min(200);
    if matches!(parent % 5000, 17 | 18) || depth(parent) >= MAX_DEPTH {
        return None;
    }
    Some(Parent::Card(parent))
}

fn depth(index: u64) -> u64 {
    match parent_of(index) {
        Some(Parent::Card(parent)) if parent < index => depth(parent) + 1,
        _ => 0,
    }
}

/// `parent` (a wiki link or a bare file stem) and, for a third of the cards with one,
/// `order`.
fn add_outline_fields(index: u64, rng: &mut Rng, fields: &mut Vec<(&'static str, Value)>) {
    let name = match parent_of(index) {
        None => return,
        Some(Parent::Card(parent)) => stem(parent),
        Some(Parent::Missing(index)) => format!("card-missing-{index:06}"),
    };
    let written = if rng.chance(50) { format!("[[{name}]]") } else { name };
    fields.push(("parent", Value::Text(written)));
    if rng.chance(33) {
        fields.push(("order", Value::Number((rng.between(1, 20) * 10).to_string())));
    }
}

fn add_kind_fields(what: &str, day: Day, rng: &mut Rng, fields: &mut Vec<(&'static str, Value)>) {
    let text = |s: &str| Value::Text(s.to_string());
    match what {
        "task" => {
            fields.push(("status", text(rng.weighted(STATUS))));
            fields.push(("when", text(rng.weighted(WHEN))));
            if rng.chance(40) {
                fields.push(("deadline", Value::Date(day.plus(rng.between(1, 90)).to_string())));
            }
            if rng.chance(50) {
                fields.push(("priority", Value::Number(rng.between(1, 4).to_string())));
            }
            if rng.chance(30) {
                fields.push(("estimate_hours", Value::Number(quarter_hours(rng))));
            }
        }
        "bookmark" => {
            fields.push(("url", Value::Text(url(rng))));
            if rng.chance(30) {
                fields.push(("status", text(if rng.chance(50) { "todo" } else { "done" })));
            }
            if rng.chance(20) {
                fields.push(("rating", Value::Number(rng.between(1, 5).to_string())));
            }
        }
        "reminder" => {
            if rng.chance(80) {
                fields.push(("deadline", Value::Date(day.plus(rng.between(1, 60)).to_string())));
            }
            if rng.chance(50) {
                fields.push(("when", text(rng.weighted(WHEN))));
            }
        }
        "meeting" => {
            fields.push(("date", Value::Date(datetime(day, rng))));
            let people = distinct(rng, PEOPLE, 2, 6);
            fields.push(("attendees", Value::List(people)));
        }
        "journal" => {
            fields.push(("date", Value::Date(day.to_string())));
            if rng.chance(50) {
                fields.push(("mood", text(rng.pick(MOODS))));
            }
        }
        _ => {}
    }
}

fn add_common_fields(day: Day, rng: &mut Rng, fields: &mut Vec<(&'static str, Value)>) {
    if rng.chance(90) {
        fields.push(("collection", Value::Text(rng.weighted(COLLECTIONS).to_string())));
    }
    if rng.chance(85) {
        fields.push(("tags", Value::List(distinct(rng, TAGS, 0, 4))));
    }
    if rng.chance(4) {
        fields.push(("pinned", Value::Bool(true)));
    }
    if rng.chance(95) {
        fields.push(("created", Value::Date(datetime(day, rng))));
    }
    if rng.chance(5) {
        let name = format!("{} {}", rng.pick(PEOPLE), rng.pick(SURNAMES));
        let handle = name.to_lowercase().replace(' ', "");
        fields.push(("author", Value::Map(vec![("name", name), ("handle", handle)])));
    }
    if rng.chance(3) {
        let reference = format!("{}-{}", rng.pick(&["OPS", "BUG", "DOC", "REQ"]), rng.between(100, 9999));
        let kind = rng.pick(&["ticket", "email", "chat", "call"]).to_string();
        fields.push(("source", Value::Map(vec![("kind", kind), ("ref", reference)])));
    }
}

fn title_for(what: &str, day: Day, rng: &mut Rng) -> String {
    let words = |rng: &mut Rng, lo, hi| distinct(rng, TOPICS, lo, hi).join(" ");
    let title = match what {
        "journal" => return format!("Journal {day}"),
        "task" => format!("{} {}", rng.pick(VERBS), words(rng, 1, 4)),
        "meeting" => format!("{}: {}", rng.pick(MEETINGS), words(rng, 1, 3)),
        "bookmark" => format!("{} {}", words(rng, 1, 3), rng.pick(BOOKMARK_NOUNS)),
        _ if rng.chance(20) => format!("Notes on {}", words(rng, 1, 3)),
        _ => words(rng, 2, 5),
    };
    capitalize(&title)
}

/// Every twentieth card has an alias, which other cards link by.
fn has_alias(index: u64) -> bool {
    index % 20 == 7
}

fn alias_of(index: u64) -> String {
    format!("Topic {index}")
}

/// The title card `index` gets: its random stream replayed as far as the title.
fn title_of(seed: u64, index: u64, n: u64) -> String {
    let mut rng = Rng::for_card(seed, index);
    let what = rng.weighted(WHAT);
    title_for(what, Day::of_card(index, n), &mut rng)
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn quarter_hours(rng: &mut Rng) -> String {
    let quarters = rng.between(1, 32);
    let fraction = ["0", "25", "5", "75"][(quarters % 4) as usize];
    format!("{}.{fraction}", quarters / 4)
}

fn url(rng: &mut Rng) -> String {
    let slug = distinct(rng, TOPICS, 2, 4).join("-");
    format!("https://{}/{slug}", rng.pick(DOMAINS))
}

/// Up to `hi` different items; duplicates are dropped rather than redrawn so
/// the number of draws, and so the random stream, stays fixed.
fn distinct(rng: &mut Rng, items: &[&str], lo: u64, hi: u64) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..rng.between(lo, hi) {
        let item = rng.pick(items);
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Frontmatter

impl Card {
    fn write_frontmatter(&self, format: Format, rng: &mut Rng, out: &mut String) {
        match format {
            Format::Yaml => self.write_yaml(rng, out),
            Format::Toml => self.write_toml(out),
            Format::JsonFenced => {
                out.push_str("---json\n");
                self.write_json(out);
                out.push_str("---\n");
            }
            Format::JsonLeading => self.write_json(out),
            Format::BrokenYaml => self.write_broken_yaml(rng, out),
            Format::Bare => {}
        }
    }

    fn write_yaml(&self, rng: &mut Rng, out: &mut String) {
        // People write lists both ways; the parser must cope with either.
        let flow = rng.chance(60);
        out.push_str("---\n");
        for (key, value) in &self.fields {
            write_yaml_field(key, value, flow, out);
        }
        out.push_str("---\n");
    }

    /// Valid YAML with the title line spoiled in one of the ways people
    /// really spoil it, so `termdex check` has something to find.
    fn write_broken_yaml(&self, rng: &mut Rng, out: &mut String) {
        let mut yaml = String::new();
        self.write_yaml(rng, &mut yaml);
        let good = format!("title: {}\n", yaml_scalar(&self.title));
        let bad = match rng.below(4) {
            0 => format!("title: [draft, {}\n", self.title),
            1 => format!("title: Re: {}\n", self.title),
            2 => format!("title: \"{}\n", self.title),
            _ => format!("\ttitle: {}\n", self.title),
        };
        out.push_str(&yaml.replacen(&good, &bad, 1));
    }

    fn write_toml(&self, out: &mut String) {
        out.push_str("+++\n");
        // Tables must follow every plain key in TOML.
        let (tables, plain): (Vec<_>, Vec<_>) =
            self.fields.iter().partition(|(_, v)| matches!(v, Value::Map(_)));
        for (key, value) in plain {
            let _ = write!(out, "{key} = ");
            write_toml_value(value, out);
            out.push('\n');
        }
        for (key, value) in tables {
            if let Value::Map(pairs) = value {
                let _ = write!(out, "\n[{key}]\n");
                for (k, v) in pairs {
                    let _ = write!(out, "{k} = ");
                    push_quoted(v, out);
                    out.push('\n');
                }
            }
        }
        out.push_str("+++\n");
    }

    fn write_json(&self, out: &mut String) {
        out.push_str("{\n");
        for (i, (key, value)) in self.fields.iter().enumerate() {
            let _ = write!(out, "  \"{key}\": ");
            write_json_value(value, out);
            out.push_str(if i + 1 < self.fields.len() { ",\n" } else { "\n" });
        }
        out.push_str("}\n");
    }
}

fn write_yaml_field(key: &str, value: &Value, flow: bool, out: &mut String) {
    let _ = write!(out, "{key}:");
    match value {
        Value::Text(s) => {
            out.push(' ');
            out.push_str(&yaml_scalar(s));
        }
        Value::Date(s) | Value::Number(s) => {
            let _ = write!(out, " {s}");
        }
        Value::Bool(b) => {
            let _ = write!(out, " {b}");
        }
        Value::List(items) if flow || items.is_empty() => {
            let _ = write!(out, " [{}]", items.join(", "));
        }
        Value::List(items) => items.iter().for_each(|item| {
            let _ = write!(out, "\n  - {item}");
        }),
        Value::Map(pairs) if flow => {
            let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let _ = write!(out, " {{{}}}", inner.join(", "));
        }
        Value::Map(pairs) => pairs.iter().for_each(|(k, v)| {
            let _ = write!(out, "\n  {k}: {}", yaml_scalar(v));
        }),
    }
    out.push('\n');
}

/// Quotes only when a plain scalar would be misread, as a person would.
fn yaml_scalar(s: &str) -> String {
    let risky = s.is_empty()
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.starts_with(|c: char| "[]{}#&*!|>'\"%@,-?:`".contains(c) || c.is_ascii_digit())
        || ["true", "false", "yes", "no", "on", "off", "null", "~"]
            .contains(&s.to_ascii_lowercase().as_str());
    if !risky {
        return s.to_string();
    }
    let mut quoted = String::with_capacity(s.len() + 2);
    push_quoted(s, &mut quoted);
    quoted
}

fn write_toml_value(value: &Value, out: &mut String) {
    match value {
        Value::Text(s) => push_quoted(s, out),
        Value::Date(s) | Value::Number(s) => out.push_str(s),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::List(items) => push_quoted_list(items, out),
        Value::Map(_) => unreachable!("maps are written as TOML tables"),
    }
}

fn write_json_value(value: &Value, out: &mut String) {
    match value {
        Value::Text(s) | Value::Date(s) => push_quoted(s, out),
        Value::Number(s) => out.push_str(s),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::List(items) => push_quoted_list(items, out),
        Value::Map(pairs) => {
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                let _ = write!(out, "{}\"{k}\": ", if i > 0 { ", " } else { "" });
                push_quoted(v, out);
            }
            out.push('}');
        }
    }
}

fn push_quoted_list(items: &[String], out: &mut String) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_quoted(item, out);
    }
    out.push(']');
}

/// A double-quoted string valid in YAML, TOML and JSON alike.
fn push_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------------------
// Body text

/// Word ranks with Zipf-Mandelbrot weights, 1/(rank+1), so a handful of
/// words are in most cards and most words are in few, as in real notes.
/// Words are drawn through a table of slots, each word owning a share the
/// size of its weight: one lookup per word, where a binary search over the
/// cumulative weights cost a third of the run time.
struct Vocab {
    slots: Vec<u16>,
}

const VOCAB_SLOTS: u64 = 1 << 16;

impl Vocab {
    fn new() -> Vocab {
        let weights: Vec<u64> = (1..=WORDS.len() as u64).map(|rank| (1 << 32) / (rank + 1)).collect();
        let total: u64 = weights.iter().sum();
        let mut slots = Vec::with_capacity(VOCAB_SLOTS as usize);
        let mut cumulative = 0;
        for (index, weight) in weights.iter().enumerate() {
            cumulative += weight;
            slots.resize((cumulative * VOCAB_SLOTS / total) as usize, index as u16);
        }
        Vocab { slots }
    }

    fn word(&self, rng: &mut Rng) -> &'static str {
        // A long tail of rare words gives search terms that match a few cards.
        if rng.below(1500) == 0 {
            return rng.pick(RARE_WORDS);
        }
        WORDS[usize::from(self.slots[rng.below(VOCAB_SLOTS) as usize])]
    }
}

const WRAP: usize = 80;

struct Body<'a> {
    rng: &'a mut Rng,
    vocab: &'a Vocab,
    /// The corpus seed, to name other cards by their titles.
    seed: u64,
    out: &'a mut String,
    lines: u64,
    column: usize,
    previous: &'static str,
}

impl Body<'_> {
    fn write(&mut self, card: &Card, n: u64, bare: bool) {
        // Whole blocks overshoot the target by up to ten lines; 60 is the cap.
        let target = self.rng.skewed(5, 55);
        if bare || self.rng.chance(30) {
            self.line(&format!("# {}", card.title));
            self.blank();
        }
        loop {
            self.block(card, n);
            if self.lines >= target {
                break;
            }
            self.blank();
        }
    }

    fn block(&mut self, card: &Card, n: u64) {
        match self.rng.below(100) {
            70..=79 if card.is_task => self.list(true),
            0..=54 | 70..=79 => self.paragraph(card, n),
            55..=69 => self.list(false),
            80..=87 => self.subheading(),
            _ => self.code(),
        }
    }

    fn paragraph(&mut self, card: &Card, n: u64) {
        for _ in 0..self.rng.between(2, 6) {
            self.sentence(5, 18);
        }
        if self.rng.chance(30) {
            let link = self.link(card.index, n);
            self.word(&link);
        }
        self.end_line();
    }

    fn sentence(&mut self, lo: u64, hi: u64) {
        let len = self.rng.between(lo, hi);
        for i in 0..len {
            let word = self.next_word();
            let end = if i + 1 == len {
                Some(if self.rng.chance(6) { '?' } else { '.' })
            } else if self.rng.chance(5) {
                Some(',')
            } else {
                None
            };
            self.styled_word(word, i == 0, end);
        }
    }

    /// Redraws once on a repeat: "the the" is the tell-tale of fake text.
    fn next_word(&mut self) -> &'static str {
        let mut word = self.vocab.word(self.rng);
        if word == self.previous {
            word = self.vocab.word(self.rng);
        }
        self.previous = word;
        word
    }

    /// Links mostly point at nearby cards, the way notes cite recent notes, in
    /// every form a link takes; one in twenty is broken.
    fn link(&mut self, from: u64, n: u64) -> String {
        let target = if self.rng.chance(50) {
            from.saturating_sub(self.rng.between(1, 50))
        } else {
            self.rng.below(n)
        };
        match self.rng.below(100) {
            0..=39 => format!("See [[{}]].", stem(target)),
            40..=54 => format!("See [[{}]].", title_of(self.seed, target, n)),
            55..=59 => format!("See [[{}|that note]].", stem(target)),
            60..=64 => format!("See [[{}#{}]].", stem(target), capitalize(self.rng.pick(TOPICS))),
            65..=84 => format!("More in [this note](../../../{}).", card_path(target, n)),
            85..=89 => format!("![[{}]]", stem(target)),
            90..=94 => {
                let aliased = (target - target % 20 + 7).min(n.saturating_sub(1));
                match has_alias(aliased) {
                    true => format!("Also known as [[{}]].", alias_of(aliased)),
                    false => format!("See [[{}]].", stem(aliased)),
                }
            }
            _ if self.rng.chance(50) => format!("See [[draft-{target:06}]]."),
            _ => format!("More in [the old note](../../../old/{}.md).", stem(target)),
        }
    }

    fn list(&mut self, checkboxes: bool) {
        for _ in 0..self.rng.between(2, 6) {
            let marker = match (checkboxes, self.rng.chance(40)) {
                (false, _) => "-",
                (true, true) => "- [x]",
                (true, false) => "- [ ]",
            };
            self.word(marker);
            self.sentence(3, 10);
            self.end_line();
        }
    }

    fn subheading(&mut self) {
        let words = distinct(self.rng, TOPICS, 1, 3).join(" ");
        self.line(&format!("## {}", capitalize(&words)));
    }

    fn code(&mut self) {
        let lang = self.rng.pick(&["sh", "rust", "sql", "text"]);
        self.line(&format!("```{lang}"));
        for _ in 0..self.rng.between(2, 6) {
            let [a, b, c] = [0; 3].map(|_| self.rng.pick(TOPICS));
            let code = match lang {
                "sh" => format!("termdex query {a}:{b} --sort -{c}"),
                "rust" => format!("let {a} = {b}.{c}()?;"),
                "sql" => format!("SELECT {a} FROM {b} WHERE {c} = ?1;"),
                _ => format!("{a} -> [[{b}]] -> {c}"),
            };
            self.line(&code);
        }
        self.line("```");
    }

    fn word(&mut self, word: &str) {
        self.styled_word(word, false, None);
    }

    /// Builds the word in place: an allocation per word was the other big
    /// cost of the generator.
    fn styled_word(&mut self, word: &str, capital: bool, end: Option<char>) {
        let len = word.len() + end.map_or(0, char::len_utf8);
        if self.column > 0 && self.column + 1 + len > WRAP {
            self.end_line();
        }
        if self.column > 0 {
            self.out.push(' ');
            self.column += 1;
        }
        let mut chars = word.chars();
        if capital {
            self.out.extend(chars.next().into_iter().flat_map(char::to_uppercase));
        }
        self.out.push_str(chars.as_str());
        self.out.extend(end);
        self.column += len;
    }

    fn end_line(&mut self) {
        if self.column > 0 {
            self.out.push('\n');
            self.lines += 1;
            self.column = 0;
        }
    }

    fn line(&mut self, text: &str) {
        self.end_line();
        self.out.push_str(text);
        self.out.push('\n');
        self.lines += 1;
    }

    fn blank(&mut self) {
        self.end_line();
        self.out.push('\n');
        self.lines += 1;
    }
}

// ---------------------------------------------------------------------------
// Word lists

const WHAT: &[(&str, u64)] =
    &[("note", 35), ("task", 30), ("bookmark", 12), ("meeting", 10), ("journal", 7), ("reminder", 6)];
const STATUS: &[(&str, u64)] = &[("todo", 40), ("active", 20), ("blocked", 10), ("done", 30)];
const WHEN: &[(&str, u64)] =
    &[("today", 15), ("tomorrow", 10), ("week", 25), ("month", 20), ("quarter", 10), ("someday", 20)];
const COLLECTIONS: &[(&str, u64)] = &[
    ("work", 40),
    ("home", 15),
    ("reading", 12),
    ("termdex", 10),
    ("health", 5),
    ("finance", 5),
    ("travel", 4),
    ("learning", 6),
    ("garden", 3),
];
#[rustfmt::skip]
const TAGS: &[&str] = &[
    "rust", "sqlite", "cli", "tui", "perf", "testing", "release", "design", "ops", "ci", "search",
    "planning", "career", "meeting", "ideas", "writing", "docs", "security", "infra", "bug",
    "refactor", "family", "health", "errands", "finance", "travel", "books", "music", "bike",
    "cooking", "garden", "admin", "learning", "talk", "hiring", "oncall",
];
#[rustfmt::skip]
const MOODS: &[&str] = &[
    "good", "ok", "tired", "busy", "calm", "restless",
];
#[rustfmt::skip]
const PEOPLE: &[&str] = &[
    "Priya", "Marco", "Jun", "Dana", "Sam", "Aisha", "Tomás", "Lena", "Kofi", "Mei", "Oskar",
    "Ravi", "Ines", "Yuki", "Nadia", "Felix",
];
#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "Okafor", "Lind", "Kowalski", "Tanaka", "Silva", "Moreau", "Haddad", "Novak",
];
#[rustfmt::skip]
const DOMAINS: &[&str] = &[
    "docs.example.com", "blog.example.org", "wiki.example.net", "news.example.com",
    "notes.example.org", "code.example.dev",
];
#[rustfmt::skip]
const VERBS: &[&str] = &[
    "fix", "write", "review", "update", "migrate", "benchmark", "document", "remove", "refactor",
    "investigate", "plan", "ship", "test", "clean up", "draft", "book", "call", "buy", "renew",
    "schedule",
];
#[rustfmt::skip]
const MEETINGS: &[&str] = &[
    "Sync", "Standup", "Review", "Retro", "Planning", "1:1", "Kickoff",
];
#[rustfmt::skip]
const BOOKMARK_NOUNS: &[&str] = &[
    "guide", "reference", "tutorial", "post", "talk", "thread", "paper", "docs",
];
#[rustfmt::skip]
const TOPICS: &[&str] = &[
    "index", "cache", "schema", "query", "parser", "release", "backup", "config", "budget",
    "watcher", "migration", "dashboard", "alerts", "pipeline", "deploy", "search", "latency",
    "tests", "docs", "roadmap", "onboarding", "invoice", "garden", "bike", "passport", "kitchen",
    "laptop", "keyboard", "server", "database", "logs", "metrics", "tracing", "tokens", "api",
    "client", "export", "import", "layout", "preview", "filter", "views", "templates", "journal",
    "inbox", "notes", "cards", "tags", "links", "snippets", "ranking", "storage", "network",
    "router", "firewall", "certificates", "retries", "timeouts", "queue", "worker", "scheduler",
    "locks", "threads", "memory", "profiling", "fuzzing", "benchmarks", "changelog", "licence",
    "packaging", "installer", "completions", "manpage", "shortcuts", "themes", "colors",
    "terminal", "editor", "plugins", "sync", "archive", "taxes", "insurance", "dentist",
    "groceries", "recipes", "holidays", "train", "flights",
];
#[rustfmt::skip]
const RARE_WORDS: &[&str] = &[
    "axolotl", "bricolage", "cromulent", "defenestrate", "ephemeris", "fjord", "gossamer",
    "halcyon", "isthmus", "juxtapose", "kerfuffle", "lagniappe", "mnemonic", "nadir", "oubliette",
    "palimpsest", "quixotic", "rhizome", "sesquipedalian", "thixotropic", "umami", "vellichor",
    "zeitgeist", "yggdrasil", "xylograph", "vermilion", "tessellate", "syzygy", "quincunx",
    "petrichor", "obelisk", "marzipan", "limerence", "kumquat", "jackalope", "hygge", "gnomon",
    "filigree", "ennui", "dirigible",
];
/// Roughly in order of frequency: rank decides how often a word is drawn.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "the", "to", "and", "a", "of", "in", "is", "it", "for", "that", "on", "with", "this", "we",
    "I", "be", "not", "but", "as", "at", "so", "if", "or", "from", "by", "was", "are", "have",
    "will", "can", "do", "all", "one", "out", "up", "when", "what", "more", "about", "then",
    "just", "need", "still", "now", "there", "some", "new", "next", "before", "after", "into",
    "only", "also", "again", "last", "first", "because", "should", "would", "could", "maybe",
    "test", "file", "index", "card", "notes", "time", "week", "day", "today", "tomorrow", "work",
    "change", "fix", "build", "run", "query", "search", "cache", "data", "code", "review", "plan",
    "idea", "list", "task", "done", "open", "close", "write", "read", "check", "start", "finish",
    "ask", "send", "call", "meeting", "team", "release", "bug", "issue", "branch", "commit",
    "merge", "deploy", "server", "client", "service", "api", "error", "log", "config", "schema",
    "table", "field", "value", "key", "path", "folder", "link", "tag", "view", "filter", "sort",
    "page", "line", "word", "text", "title", "body", "slow", "fast", "small", "large", "old",
    "simple", "hard", "easy", "better", "worse", "good", "bad", "clear", "quick", "long", "short",
    "early", "late", "empty", "full", "think", "know", "want", "try", "keep", "make", "take",
    "find", "look", "use", "move", "remove", "add", "update", "measure", "compare", "profile",
    "benchmark", "refactor", "document", "rename", "split", "batch", "retry", "timeout", "limit",
    "memory", "disk", "network", "thread", "lock", "queue", "worker", "job", "event", "signal",
    "process", "terminal", "editor", "shell", "script", "binary", "crate", "library", "version",
    "migration", "backup", "restore", "snapshot", "refresh", "rebuild", "parse", "render",
    "preview", "layout", "window", "column", "row", "header", "footer", "status", "board",
    "deadline", "priority", "estimate", "budget", "invoice", "receipt", "tax", "bank", "doctor",
    "dentist", "passport", "train", "flight", "hotel", "trip", "holiday", "family", "friend",
    "dinner", "lunch", "coffee", "tea", "market", "garden", "bike", "walk", "swim", "book",
    "chapter", "article", "talk", "video", "podcast", "paper", "draft", "outline", "morning",
    "evening", "night", "monday", "tuesday", "wednesday", "thursday", "friday", "weekend", "month",
    "quarter", "year", "spring", "summer", "autumn", "winter", "rain", "noisy", "quiet", "tired",
    "happy", "busy", "calm", "careful", "honest", "strange", "latency", "throughput", "percentile",
    "histogram", "regression", "flaky", "stable", "incident", "alert", "pager", "runbook",
    "postmortem", "dashboard", "metric", "trace", "fuzzing", "property", "fixture", "sandbox",
    "assertion", "mock", "stub", "harness", "wal", "checkpoint", "vacuum", "pragma", "transaction",
    "rollback", "savepoint", "fts5", "tokenizer", "stemming", "ranking", "snippet", "highlight",
    "bm25", "prefix", "phrase", "yaml", "toml", "json", "markdown", "frontmatter", "heading",
    "checkbox", "fence", "unicode", "utf8", "bom", "newline", "tab", "escape", "quote", "colon",
    "bracket",
];
