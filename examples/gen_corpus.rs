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
//! cargo run --release --example gen_corpus -- 10000 DIR --body 2.5 --lang cjk --yaml-only
//! ```
//!
//! Deck shapes (issue 16): the options change one thing each, and with none of them
//! the deck is byte for byte the one above (benchmarks compare figures across
//! commits; `tests/cli/shapes.rs` holds the hash). `--body KB` sets the average card
//! size (frontmatter included; the body gets more paragraphs, lists and code of the
//! same vocabulary); `--lang latin` writes cards in French, German, Spanish or
//! Vietnamese words (accents and diacritics, in titles too), `--lang cjk` in Chinese
//! or Japanese without spaces between words, with ASCII terms (`SQLite`, `API`) mixed
//! in; `--links N` gives N links per card on average; `--parents PCT` puts PCT% of
//! cards under a parent; `--yaml-only` gives every card valid YAML frontmatter;
//! `--crlf` ends lines with CRLF. Benchmarks use `generate` (the default deck) or
//! `generate_shaped` with a [`Shape`].
//!
//! The same N, seed and options always give byte-identical files, whatever the number
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
usage: gen_corpus N OUTDIR [--seed S] [--force] [SHAPE OPTIONS]

  N             number of cards to write (1 or more)
  OUTDIR        where to write them; created if missing
  --seed S      random seed (default 1); same N, S and options give identical files
  --force       write into OUTDIR even if it is not empty

shape options (without them, the deck every benchmark has used):
  --body KB     average card size in KB of 1000 bytes, frontmatter included, 0.3 to 100
                (default: bodies of 5 to 60 lines, about 1.1 KB a card)
  --lang L      ascii (default), latin (French, German, Spanish, Vietnamese words with
                accents), or cjk (Chinese, Japanese; no spaces between words, some ASCII
                terms mixed in); titles follow the language
  --links N     links per card on average, 0 to 50 (default: about 1, one in 30% of
                paragraphs; 1 when --body is given)
  --parents PCT share of cards with a parent, 0 to 100 (default 60)
  --yaml-only   valid YAML frontmatter on every card (no TOML, JSON, malformed or bare)
  --crlf        end every line with CRLF";

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
    eprintln!("{}; shape: {}", totals.summary(started.elapsed().as_secs_f64()), args.shape.describe());
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
    shape: Shape,
}

impl Args {
    /// `Ok(None)` means help was asked for.
    fn parse(mut raw: impl Iterator<Item = String>) -> Result<Option<Args>, Failure> {
        let usage = |msg: String| Err(Failure::Usage(msg));
        let (mut positional, mut seed, mut force) = (Vec::new(), 1, false);
        let mut shape = Shape::default();
        while let Some(arg) = raw.next() {
            // `--name=value` and `--name value` alike.
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name.to_string(), Some(value.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = || inline.clone().or_else(|| raw.next());
            match name.as_str() {
                "-h" | "--help" => return Ok(None),
                "--force" | "--yaml-only" | "--crlf" if inline.is_some() => {
                    return usage(format!("{name} takes no value"));
                }
                "--force" => force = true,
                "--yaml-only" => shape.yaml_only = true,
                "--crlf" => shape.crlf = true,
                "--seed" => seed = parse_seed(value().as_deref())?,
                "--body" => shape.card_bytes = Some(parse_body(value().as_deref())?),
                "--lang" => shape.lang = parse_lang(value().as_deref())?,
                "--links" => shape.links = Some(parse_links(value().as_deref())?),
                "--parents" => shape.parents = parse_parents(value().as_deref())?,
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
        Ok(Some(Args { n, out: PathBuf::from(out), seed, force, shape }))
    }
}

fn parse_seed(value: Option<&str>) -> Result<u64, Failure> {
    let value = value.ok_or_else(|| Failure::Usage("--seed needs a value".into()))?;
    value.parse().map_err(|_| Failure::Usage(format!("seed must be a whole number, not {value:?}")))
}

/// KB (of 1000 bytes, as the summary's MB) to bytes.
fn parse_body(value: Option<&str>) -> Result<u64, Failure> {
    let value = value.ok_or_else(|| Failure::Usage("--body needs a size in KB, e.g. --body 2.5".into()))?;
    match value.parse::<f64>() {
        Ok(kb) if (0.3..=100.0).contains(&kb) => Ok((kb * 1000.0).round() as u64),
        _ => Err(Failure::Usage(format!(
            "--body takes an average card size in KB from 0.3 to 100, not {value:?}"
        ))),
    }
}

fn parse_lang(value: Option<&str>) -> Result<Lang, Failure> {
    match value {
        Some("ascii") => Ok(Lang::Ascii),
        Some("latin") => Ok(Lang::Latin),
        Some("cjk") => Ok(Lang::Cjk),
        Some(other) => Err(Failure::Usage(format!("--lang takes ascii, latin or cjk, not {other:?}"))),
        None => Err(Failure::Usage("--lang needs a value: ascii, latin or cjk".into())),
    }
}

/// Links per card, kept in hundredths so the draws stay integer.
fn parse_links(value: Option<&str>) -> Result<u64, Failure> {
    let value = value.ok_or_else(|| Failure::Usage("--links needs a number of links per card".into()))?;
    match value.parse::<f64>() {
        Ok(n) if (0.0..=50.0).contains(&n) => Ok((n * 100.0).round() as u64),
        _ => Err(Failure::Usage(format!("--links takes links per card from 0 to 50, not {value:?}"))),
    }
}

fn parse_parents(value: Option<&str>) -> Result<u64, Failure> {
    let value = value.ok_or_else(|| Failure::Usage("--parents needs a percentage, 0 to 100".into()))?;
    match value.parse::<u64>() {
        Ok(pct) if pct <= 100 => Ok(pct),
        _ => Err(Failure::Usage(format!("--parents takes a whole percentage from 0 to 100, not {value:?}"))),
    }
}

/// What kind of deck to write. [`Shape::default`] is the original deck, byte for byte:
/// every option only changes the cards when it differs from its default.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Shape {
    /// Average card size in bytes, frontmatter included; `None` keeps the original
    /// bodies (5 to 60 lines, about 1.1 KB a card).
    pub(crate) card_bytes: Option<u64>,
    pub(crate) lang: Lang,
    /// Links per card on average, in hundredths; `None` keeps the original rule (a link
    /// in 30% of paragraphs), or 1 a card when `card_bytes` is set.
    pub(crate) links: Option<u64>,
    /// Percentage of cards with a parent.
    pub(crate) parents: u64,
    pub(crate) yaml_only: bool,
    pub(crate) crlf: bool,
}

impl Default for Shape {
    fn default() -> Shape {
        Shape { card_bytes: None, lang: Lang::Ascii, links: None, parents: 60, yaml_only: false, crlf: false }
    }
}

impl Shape {
    /// Links per card in hundredths, or `None` for a link in 30% of paragraphs. Bigger
    /// bodies would otherwise carry more links, and link density is its own option.
    fn links_per_card(&self) -> Option<u64> {
        self.links.or(self.card_bytes.map(|_| 100))
    }

    fn describe(&self) -> String {
        let mut parts = vec![self.lang.name().to_string()];
        match self.card_bytes {
            Some(bytes) => parts.push(format!("{:.1} KB a card", bytes as f64 / 1000.0)),
            None => parts.push("original bodies".into()),
        }
        match self.links_per_card() {
            Some(links) => parts.push(format!("{:.2} links a card", links as f64 / 100.0)),
            None => parts.push("links in 30% of paragraphs".into()),
        }
        parts.push(format!("{}% with a parent", self.parents));
        if self.yaml_only {
            parts.push("YAML only".into());
        }
        if self.crlf {
            parts.push("CRLF".into());
        }
        parts.join(", ")
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Lang {
    Ascii,
    Latin,
    Cjk,
}

impl Lang {
    fn name(self) -> &'static str {
        match self {
            Lang::Ascii => "ascii",
            Lang::Latin => "latin",
            Lang::Cjk => "cjk",
        }
    }

    /// The languages a card of this deck may be written in.
    fn tongues(self) -> &'static [&'static Tongue] {
        match self {
            Lang::Ascii => &[&ENGLISH],
            Lang::Latin => &[&FRENCH, &GERMAN, &SPANISH, &VIETNAMESE],
            Lang::Cjk => &[&CHINESE, &JAPANESE],
        }
    }
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
    shape: &'a Shape,
    outline: &'a Outline,
    /// One per language of the shape, in [`Lang::tongues`] order.
    vocabs: &'a [Vocab],
}

/// Writes `n` cards into `out` (which should be empty): the entry point for benchmarks,
/// which include this file as a module (so the example itself never calls it).
#[allow(dead_code)]
pub(crate) fn generate(n: u64, seed: u64, out: &Path) -> io::Result<()> {
    generate_shaped(n, seed, out, &Shape::default())
}

/// [`generate`] for a deck of another shape.
#[allow(dead_code)]
pub(crate) fn generate_shaped(n: u64, seed: u64, out: &Path, shape: &Shape) -> io::Result<()> {
    fs::create_dir_all(out)?;
    let args = Args { n, out: out.to_path_buf(), seed, force: true, shape: shape.clone() };
    write_corpus(&args).map(|_| ())
}

fn write_corpus(args: &Args) -> io::Result<Totals> {
    let vocabs: Vec<Vocab> = args.shape.lang.tongues().iter().map(|tongue| Vocab::new(tongue)).collect();
    let outline = Outline::new(args.n, args.shape.parents);
    let corpus = Corpus {
        n: args.n,
        seed: args.seed,
        out: &args.out,
        shape: &args.shape,
        outline: &outline,
        vocabs: &vocabs,
    };
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
        let tongue = tongue_of(self.shape.lang, index);
        let card = Card::generate(index, self.n, self.shape, self.outline, &mut rng);
        let format = match Format::roll(&mut rng) {
            _ if self.shape.yaml_only => Format::Yaml,
            format => format,
        };
        card.write_frontmatter(format, &mut rng, buf);
        let mut body = Body {
            rng: &mut rng,
            vocab: &self.vocabs[tongue],
            tongue: self.shape.lang.tongues()[tongue],
            shape: self.shape,
            seed: self.seed,
            out: buf,
            lines: 0,
            column: 0,
            previous: "",
            links_left: 0,
        };
        body.write(&card, self.n, format == Format::Bare);
        if self.shape.crlf {
            *buf = buf.replace('\n', "\r\n");
        }
        format
    }
}

/// Which of the shape's languages card `index` is written in: a function of the card's
/// number alone (no draw from its stream), so that links by title can name it.
fn tongue_of(lang: Lang, index: u64) -> usize {
    let tongues = lang.tongues().len() as u64;
    (mix64(index ^ 0x1A46u64.wrapping_mul(0x9E37_79B9_7F4A_7C15)) % tongues) as usize
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
    fn generate(index: u64, n: u64, shape: &Shape, outline: &Outline, rng: &mut Rng) -> Card {
        let day = Day::of_card(index, n);
        let what = rng.weighted(WHAT);
        let tongue = shape.lang.tongues()[tongue_of(shape.lang, index)];
        let title = title_for(tongue, what, day, rng);
        let mut fields = vec![("title", Value::Text(title.clone())), ("what", Value::Text(what.to_string()))];
        add_kind_fields(what, day, rng, &mut fields);
        add_common_fields(day, rng, &mut fields);
        if has_alias(index) {
            fields.push(("aliases", Value::List(vec![alias_of(index)])));
        }
        add_outline_fields(outline.parent_of(index), rng, &mut fields);
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

/// Every card's place in the outline. About `percent`% of cards (60 by default) sit under
/// an earlier card, mostly a near one, in chains at most `MAX_DEPTH` below a root; one in
/// a hundred names a card that does not exist, and two in every 5000 name each other (a
/// cycle) unless no card is to have a parent. Whether a card may sit under its candidate
/// parent depends on that card's depth, so depths are worked out once, in card order (a
/// parent is always an earlier card): worked out per card, the chains of candidates made
/// the cost exponential in their length, which `--parents 90` made long.
struct Outline {
    percent: u64,
    depths: Vec<u8>,
}

impl Outline {
    fn new(n: u64, percent: u64) -> Outline {
        let mut outline = Outline { percent, depths: Vec::with_capacity(n as usize) };
        for index in 0..n {
            let depth = match outline.parent_of(index) {
                Some(Parent::Card(parent)) if parent < index => outline.depth(parent) + 1,
                _ => 0,
            };
            outline.depths.push(depth as u8);
        }
        outline
    }

    fn depth(&self, index: u64) -> u64 {
        u64::from(self.depths[index as usize])
    }

    /// Needs the depths of the cards before `index`.
    fn parent_of(&self, index: u64) -> Option<Parent> {
        if self.percent == 0 {
            return None;
        }
        match index % 5000 {
            17 => return Some(Parent::Card(index + 1)),
            18 => return Some(Parent::Card(index - 1)),
            _ => {}
        }
        let roll = mix64(index ^ 0x71E5u64.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        if index == 0 || roll % 100 >= self.percent {
            return None;
        }
        if roll.is_multiple_of(100) {
            return Some(Parent::Missing(index));
        }
        let parent = index - 1 - (roll >> 8) % index.min(200);
        if matches!(parent % 5000, 17 | 18) || self.depth(parent) >= MAX_DEPTH {
            return None;
        }
        Some(Parent::Card(parent))
    }
}

/// `parent` (a wiki link or a bare file stem) and, for a third of the cards with one,
/// `order`.
fn add_outline_fields(parent: Option<Parent>, rng: &mut Rng, fields: &mut Vec<(&'static str, Value)>) {
    let name = match parent {
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

fn title_for(tongue: &Tongue, what: &str, day: Day, rng: &mut Rng) -> String {
    let space = tongue.space;
    let words = |rng: &mut Rng, lo, hi| distinct(rng, tongue.topics, lo, hi).join(space);
    let title = match what {
        "journal" => return format!("{} {day}", tongue.journal),
        "task" => format!("{}{space}{}", rng.pick(tongue.verbs), words(rng, 1, 4)),
        "meeting" => format!("{}{}{}", rng.pick(tongue.meetings), tongue.colon, words(rng, 1, 3)),
        "bookmark" => format!("{}{space}{}", words(rng, 1, 3), rng.pick(tongue.bookmark_nouns)),
        _ if rng.chance(20) => format!("{}{}", tongue.notes_on, words(rng, 1, 3)),
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
fn title_of(seed: u64, index: u64, n: u64, lang: Lang) -> String {
    let mut rng = Rng::for_card(seed, index);
    let what = rng.weighted(WHAT);
    let tongue = lang.tongues()[tongue_of(lang, index)];
    title_for(tongue, what, Day::of_card(index, n), &mut rng)
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
    words: &'static [&'static str],
    rare: &'static [&'static str],
    slots: Vec<u16>,
}

const VOCAB_SLOTS: u64 = 1 << 16;

impl Vocab {
    fn new(tongue: &Tongue) -> Vocab {
        let words = tongue.words;
        let weights: Vec<u64> = (1..=words.len() as u64).map(|rank| (1 << 32) / (rank + 1)).collect();
        let total: u64 = weights.iter().sum();
        let mut slots = Vec::with_capacity(VOCAB_SLOTS as usize);
        let mut cumulative = 0;
        for (index, weight) in weights.iter().enumerate() {
            cumulative += weight;
            slots.resize((cumulative * VOCAB_SLOTS / total) as usize, index as u16);
        }
        Vocab { words, rare: tongue.rare, slots }
    }

    fn word(&self, rng: &mut Rng) -> &'static str {
        // A long tail of rare words gives search terms that match a few cards.
        if rng.below(1500) == 0 {
            return rng.pick(self.rare);
        }
        self.words[usize::from(self.slots[rng.below(VOCAB_SLOTS) as usize])]
    }
}

const WRAP: usize = 80;

struct Body<'a> {
    rng: &'a mut Rng,
    vocab: &'a Vocab,
    tongue: &'static Tongue,
    shape: &'a Shape,
    /// The corpus seed, to name other cards by their titles.
    seed: u64,
    out: &'a mut String,
    lines: u64,
    column: usize,
    previous: &'static str,
    /// Links still to place when the shape sets links per card.
    links_left: u64,
}

impl Body<'_> {
    fn write(&mut self, card: &Card, n: u64, bare: bool) {
        // The frontmatter is already in `out`; the body counts from here.
        let start = self.out.len();
        // Whole blocks overshoot the target by up to ten lines; 60 is the cap.
        let lines = self.rng.skewed(5, 55);
        // A card size scaled by the same skew (its mean is 21.5 lines: most notes are
        // short, a few long), less the frontmatter.
        let bytes = self.shape.card_bytes.map(|mean| (mean * lines * 2 / 43).saturating_sub(start as u64));
        if let Some(hundredths) = self.shape.links_per_card() {
            self.links_left = self.links_for_card(hundredths);
        }
        if bare || self.rng.chance(30) {
            self.line(&format!("# {}", card.title));
            self.blank();
        }
        let mut blocks = 0;
        loop {
            self.block(card, n);
            blocks += 1;
            let done = match bytes {
                None => self.lines >= lines,
                // Stopping half an average block short makes the overshoot even out.
                Some(target) => {
                    let written = (self.out.len() - start) as u64;
                    written + written / blocks / 2 >= target
                }
            };
            if done {
                break;
            }
            self.blank();
        }
        self.remaining_links(card.index, n);
    }

    /// Uniform from 0 to twice the mean (in hundredths), rounded by a draw.
    fn links_for_card(&mut self, hundredths: u64) -> u64 {
        let x = self.rng.below(2 * hundredths + 1);
        x / 100 + u64::from(self.rng.chance(x % 100))
    }

    /// Links the paragraphs had no room for, as a list at the end ("see also").
    fn remaining_links(&mut self, from: u64, n: u64) {
        if self.links_left == 0 {
            return;
        }
        self.blank();
        while self.links_left > 0 {
            self.links_left -= 1;
            let link = self.link(from, n);
            self.line(&format!("- {link}"));
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
        let link = match self.shape.links_per_card() {
            None => self.rng.chance(30),
            Some(_) => self.links_left > 0 && self.rng.chance(40),
        };
        if link {
            self.links_left = self.links_left.saturating_sub(1);
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
                Some(if self.rng.chance(6) { self.tongue.question } else { self.tongue.stop })
            } else if self.rng.chance(5) {
                Some(self.tongue.comma)
            } else {
                None
            };
            self.styled_word(word, i == 0, end);
        }
    }

    /// Redraws once on a repeat: "the the" is the tell-tale of fake text.
    fn next_word(&mut self) -> &'static str {
        if !self.tongue.ascii_terms.is_empty() && self.rng.chance(8) {
            return self.rng.pick(self.tongue.ascii_terms);
        }
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
            40..=54 => format!("See [[{}]].", title_of(self.seed, target, n, self.shape.lang)),
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
        let words = distinct(self.rng, self.tongue.topics, 1, 3).join(self.tongue.space);
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
        if self.tongue.space.is_empty() {
            return self.run_on_word(word, end);
        }
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

    /// CJK text runs on without spaces between words and without wrapping (a newline
    /// between two ideographs would read as a space); a space stands only where a CJK
    /// character does not meet another, as around `SQLite` in 使用 SQLite 的索引.
    fn run_on_word(&mut self, word: &str, end: Option<char>) {
        let joined = self.out.chars().next_back().is_some_and(is_cjk) && word.starts_with(is_cjk);
        if self.column > 0 && !joined {
            self.out.push(' ');
            self.column += 1;
        }
        self.out.push_str(word);
        self.out.extend(end);
        self.column += word.len() + end.map_or(0, char::len_utf8);
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

/// CJK ideographs, kana and their punctuation (fullwidth forms included).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

// ---------------------------------------------------------------------------
// Word lists

/// The words of one language: the body's vocabulary (by frequency), the words of titles
/// and headings, and how words and clauses are joined. Fields, tags, code and URLs stay
/// ASCII in every language, as they do in real notes.
struct Tongue {
    words: &'static [&'static str],
    rare: &'static [&'static str],
    topics: &'static [&'static str],
    verbs: &'static [&'static str],
    meetings: &'static [&'static str],
    bookmark_nouns: &'static [&'static str],
    /// Title prefix of a note "on" some topics, separator included.
    notes_on: &'static str,
    journal: &'static str,
    /// Between words: a space, or nothing in CJK text.
    space: &'static str,
    /// Between a meeting's kind and its topics.
    colon: &'static str,
    comma: char,
    stop: char,
    question: char,
    /// ASCII terms mixed into running text, as CJK notes name tools in Latin letters.
    ascii_terms: &'static [&'static str],
}

/// Spaces, Latin punctuation, no ASCII terms: the part English, French, German, Spanish
/// and Vietnamese share.
const SPACED: Tongue = Tongue {
    words: &[],
    rare: &[],
    topics: &[],
    verbs: &[],
    meetings: &[],
    bookmark_nouns: &[],
    notes_on: "",
    journal: "",
    space: " ",
    colon: ": ",
    comma: ',',
    stop: '.',
    question: '?',
    ascii_terms: &[],
};

/// No spaces between words, fullwidth punctuation, ASCII terms: Chinese and Japanese.
const RUN_ON: Tongue = Tongue {
    space: "",
    colon: "：",
    comma: '，',
    stop: '。',
    question: '？',
    ascii_terms: ASCII_TERMS,
    ..SPACED
};

const ENGLISH: Tongue = Tongue {
    words: WORDS,
    rare: RARE_WORDS,
    topics: TOPICS,
    verbs: VERBS,
    meetings: MEETINGS,
    bookmark_nouns: BOOKMARK_NOUNS,
    notes_on: "Notes on ",
    journal: "Journal",
    ..SPACED
};

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

// Other languages (`--lang latin`, `--lang cjk`): smaller vocabularies than English's,
// function words first, then the words of notes about work and life; titles and headings
// from their own topics. Written to look and tokenize like the real thing, not to be
// good prose.

const FRENCH: Tongue = Tongue {
    words: FR_WORDS,
    rare: FR_RARE,
    topics: FR_TOPICS,
    verbs: &[
        "corriger",
        "écrire",
        "réviser",
        "mettre à jour",
        "migrer",
        "mesurer",
        "documenter",
        "supprimer",
        "vérifier",
        "planifier",
        "préparer",
        "réserver",
        "appeler",
        "acheter",
        "renouveler",
    ],
    meetings: &["Réunion", "Point", "Revue", "Rétro", "Planification", "Lancement"],
    bookmark_nouns: &["guide", "référence", "tutoriel", "article", "conférence", "fil", "thèse"],
    notes_on: "Notes sur ",
    journal: "Journal",
    ..SPACED
};
#[rustfmt::skip]
const FR_WORDS: &[&str] = &[
    "le", "la", "de", "et", "les", "des", "à", "un", "une", "est", "en", "du", "que", "pour",
    "dans", "qui", "pas", "sur", "il", "ce", "avec", "plus", "au", "on", "se", "nous", "mais",
    "ou", "été", "très", "déjà", "où", "être", "après", "avant", "même", "là", "ça", "aussi",
    "encore", "peut-être", "demain", "aujourd'hui", "problème", "réunion", "équipe", "données",
    "requête", "résultat", "mémoire", "sécurité", "système", "élément", "étape", "début",
    "fenêtre", "clé", "schéma", "vérifier", "créer", "déployer", "réviser", "écrire", "fermer",
    "générer", "index", "fichier", "carte", "note", "tâche", "projet", "temps", "semaine",
    "jour", "travail", "client", "serveur", "erreur", "journal", "version", "dossier", "lien",
    "filtre", "vue", "champ", "valeur", "chemin", "tri", "rapide", "lent", "petit", "grand",
    "nouveau", "ancien", "première", "dernière", "prochaine", "rôle", "cœur", "août", "hôtel",
    "fête", "forêt", "château", "garçon", "réponse", "modèle", "qualité", "priorité",
    "échéance", "dépôt", "sauvegarde", "récupération", "intérêt", "préférence", "développeur",
    "mise", "à-côté", "déménagement", "numéro", "écran", "télécharger", "événement", "société",
];
const FR_RARE: &[&str] =
    &["éphémère", "dépaysement", "flânerie", "retrouvailles", "chuchoter", "pamplemousse"];
#[rustfmt::skip]
const FR_TOPICS: &[&str] = &[
    "index", "cache", "schéma", "requête", "analyseur", "sauvegarde", "configuration", "budget",
    "migration", "sécurité", "déploiement", "recherche", "latence", "tests", "documentation",
    "facture", "jardin", "vélo", "passeport", "cuisine", "clavier", "serveur", "données",
    "journaux", "métriques", "mémoire", "réseau", "éditeur", "thèmes", "impôts", "assurance",
    "dentiste", "courses", "recettes", "vacances", "vols", "préférences", "événements", "équipe",
];

const GERMAN: Tongue = Tongue {
    words: DE_WORDS,
    rare: DE_RARE,
    topics: DE_TOPICS,
    verbs: &[
        "beheben",
        "schreiben",
        "prüfen",
        "aktualisieren",
        "migrieren",
        "messen",
        "dokumentieren",
        "löschen",
        "untersuchen",
        "planen",
        "ausliefern",
        "testen",
        "aufräumen",
        "buchen",
        "anrufen",
        "kaufen",
        "verlängern",
    ],
    meetings: &["Abstimmung", "Tagesrunde", "Überprüfung", "Rückblick", "Planung", "Auftakt"],
    bookmark_nouns: &["Anleitung", "Referenz", "Einführung", "Beitrag", "Vortrag", "Aufsatz"],
    notes_on: "Notizen zu ",
    journal: "Tagebuch",
    ..SPACED
};
#[rustfmt::skip]
const DE_WORDS: &[&str] = &[
    "der", "die", "und", "in", "den", "von", "zu", "das", "mit", "sich", "des", "auf", "für",
    "ist", "im", "dem", "nicht", "ein", "eine", "als", "auch", "es", "an", "werden", "aus", "er",
    "hat", "dass", "sie", "nach", "wird", "bei", "über", "müssen", "können", "würde", "schön",
    "Größe", "Straße", "Prüfung", "Änderung", "Übersicht", "Lösung", "Ergebnis", "Abfrage",
    "Speicher", "Schlüssel", "Datei", "Ordner", "Verknüpfung", "Aufgabe", "Besprechung", "Woche",
    "heute", "morgen", "später", "früh", "spät", "natürlich", "gemäß", "außerdem", "zurück",
    "wählen", "prüfen", "ändern", "löschen", "öffnen", "schließen", "schnell", "langsam", "groß",
    "klein", "neu", "alt", "Fehler", "Überprüfung", "Zuverlässigkeit", "Geschwindigkeit",
    "Ausführung", "Bücher", "Käse", "Brötchen", "Frühstück", "Köln", "München", "Zürich", "Übung",
    "grün", "weiß", "fünf", "zwölf", "dreißig", "Gebühr", "Tür", "Schlüsselwort", "Datenbank",
    "Suchindex", "Zwischenspeicher", "Veröffentlichung", "Sicherung", "Einstellungen", "Rückgabe",
    "Verzögerung", "Bestätigung", "Größenordnung", "Ausnahme", "Protokoll", "Kündigung",
];
const DE_RARE: &[&str] = &["Fernweh", "Kummerspeck", "Schnapsidee", "Treppenwitz", "Zugzwang", "Ohrwurm"];
#[rustfmt::skip]
const DE_TOPICS: &[&str] = &[
    "Index", "Zwischenspeicher", "Schema", "Abfrage", "Parser", "Veröffentlichung", "Sicherung",
    "Konfiguration", "Budget", "Übersicht", "Warnungen", "Bereitstellung", "Suche", "Latenz",
    "Prüfungen", "Dokumentation", "Rechnung", "Garten", "Fahrrad", "Reisepass", "Küche",
    "Schlüssel", "Datenbank", "Protokolle", "Messwerte", "Speicher", "Netzwerk", "Größe",
    "Lösungen", "Steuern", "Versicherung", "Zahnarzt", "Einkäufe", "Rezepte", "Flüge",
    "Änderungen", "Übergabe",
];

const SPANISH: Tongue = Tongue {
    words: ES_WORDS,
    rare: ES_RARE,
    topics: ES_TOPICS,
    verbs: &[
        "corregir",
        "escribir",
        "revisar",
        "actualizar",
        "migrar",
        "medir",
        "documentar",
        "eliminar",
        "investigar",
        "planificar",
        "publicar",
        "probar",
        "limpiar",
        "reservar",
        "llamar",
        "comprar",
        "renovar",
    ],
    meetings: &["Reunión", "Diaria", "Revisión", "Retrospectiva", "Planificación", "Arranque"],
    bookmark_nouns: &["guía", "referencia", "tutorial", "artículo", "charla", "hilo", "documentación"],
    notes_on: "Notas sobre ",
    journal: "Diario",
    ..SPACED
};
#[rustfmt::skip]
const ES_WORDS: &[&str] = &[
    "de", "la", "que", "el", "en", "y", "a", "los", "se", "del", "las", "un", "por", "con", "no",
    "una", "su", "para", "es", "al", "lo", "como", "más", "pero", "sus", "le", "ya", "o", "fue",
    "este", "sí", "también", "está", "están", "después", "así", "según", "aquí", "allí",
    "todavía", "mañana", "búsqueda", "índice", "consulta", "página", "código", "público",
    "número", "último", "próximo", "rápido", "fácil", "difícil", "análisis", "información",
    "configuración", "reunión", "versión", "función", "sesión", "conexión", "migración",
    "revisión", "corrección", "tarea", "nota", "archivo", "carpeta", "enlace", "campo", "valor",
    "año", "niño", "España", "señal", "diseño", "pequeño", "compañía", "cumpleaños", "Málaga",
    "acción", "atención", "decisión", "razón", "lección", "opinión", "jamás", "qué", "cómo",
    "cuándo", "dónde", "aún", "crédito", "teléfono", "círculo", "semana", "día", "equipo",
    "servidor", "error", "memoria", "caché", "datos", "tiempo", "cambio", "prueba", "lógica",
];
const ES_RARE: &[&str] = &["sobremesa", "madrugada", "estrenar", "friolero", "desvelado", "ojalá"];
#[rustfmt::skip]
const ES_TOPICS: &[&str] = &[
    "índice", "caché", "esquema", "consulta", "analizador", "versión", "copia", "configuración",
    "presupuesto", "migración", "panel", "alertas", "despliegue", "búsqueda", "latencia",
    "pruebas", "documentación", "factura", "jardín", "bicicleta", "pasaporte", "cocina",
    "teclado", "servidor", "registros", "métricas", "memoria", "red", "diseño", "impuestos",
    "seguro", "dentista", "compras", "recetas", "vacaciones", "vuelos", "reunión", "sesión",
];

const VIETNAMESE: Tongue = Tongue {
    words: VI_WORDS,
    rare: VI_RARE,
    topics: VI_TOPICS,
    verbs: &[
        "sửa",
        "viết",
        "xem lại",
        "cập nhật",
        "di chuyển",
        "đo",
        "ghi lại",
        "xóa",
        "điều tra",
        "lên kế hoạch",
        "phát hành",
        "kiểm tra",
        "dọn dẹp",
        "đặt",
        "gọi",
        "mua",
        "gia hạn",
    ],
    meetings: &["Họp", "Họp nhanh", "Đánh giá", "Nhìn lại", "Lập kế hoạch", "Khởi động"],
    bookmark_nouns: &["hướng dẫn", "tham khảo", "bài viết", "bài nói", "thảo luận", "tài liệu"],
    notes_on: "Ghi chú về ",
    journal: "Nhật ký",
    ..SPACED
};
#[rustfmt::skip]
const VI_WORDS: &[&str] = &[
    "của", "và", "các", "có", "được", "trong", "cho", "này", "những", "người", "một", "không",
    "với", "để", "là", "đã", "khi", "thì", "từ", "cũng", "về", "như", "đến", "sẽ", "nhiều",
    "theo", "trên", "ra", "nào", "tôi", "chúng", "hơn", "phải", "vào", "lại", "đó", "năm",
    "ngày", "tuần", "tháng", "sau", "trước", "mới", "cũ", "nhanh", "chậm", "lớn", "nhỏ", "dữ",
    "liệu", "tìm", "kiếm", "chỉ", "mục", "tệp", "thư", "viện", "ghi", "chú", "thẻ", "việc",
    "làm", "họp", "nhóm", "lỗi", "sửa", "kiểm", "tra", "cập", "nhật", "xóa", "thêm", "đọc",
    "viết", "máy", "chủ", "khách", "hàng", "mạng", "bộ", "nhớ", "khóa", "giá", "trị", "trường",
    "đường", "dẫn", "ổn", "định", "hiệu", "suất", "phiên", "bản", "phát", "hành", "kế", "hoạch",
    "ưu", "tiên", "hạn", "chót", "sáng", "chiều", "tối", "Huế", "Đà", "Nẵng", "phở", "cà", "phê",
];
const VI_RARE: &[&str] = &["thướt", "nguệch", "ngoạc", "khuỷu", "nghiêng", "thuở"];
#[rustfmt::skip]
const VI_TOPICS: &[&str] = &[
    "chỉ mục", "bộ đệm", "lược đồ", "truy vấn", "phân tích", "phát hành", "sao lưu", "cấu hình",
    "ngân sách", "di chuyển", "bảng điều khiển", "cảnh báo", "triển khai", "tìm kiếm", "độ trễ",
    "kiểm thử", "tài liệu", "hóa đơn", "vườn", "xe đạp", "hộ chiếu", "nhà bếp", "bàn phím",
    "máy chủ", "cơ sở dữ liệu", "nhật ký", "bộ nhớ", "mạng", "thuế", "bảo hiểm", "nha sĩ",
    "đi chợ", "công thức", "kỳ nghỉ", "chuyến bay",
];

const CHINESE: Tongue = Tongue {
    words: ZH_WORDS,
    rare: ZH_RARE,
    topics: ZH_TOPICS,
    verbs: &[
        "修复", "编写", "审查", "更新", "迁移", "测量", "记录", "删除", "调查", "规划", "发布", "测试",
        "清理", "预订", "联系", "购买", "续订",
    ],
    meetings: &["周会", "站会", "评审", "复盘", "规划会", "启动会"],
    bookmark_nouns: &["指南", "参考", "教程", "文章", "演讲", "讨论", "论文", "文档"],
    notes_on: "笔记：",
    journal: "日记",
    ..RUN_ON
};
#[rustfmt::skip]
const ZH_WORDS: &[&str] = &[
    "的", "了", "是", "在", "我们", "和", "这个", "一个", "有", "不", "也", "就", "要", "可以",
    "需要", "然后", "因为", "所以", "但是", "如果", "已经", "还", "都", "没有", "现在", "今天",
    "明天", "下周", "上周", "问题", "数据", "索引", "缓存", "查询", "搜索", "文件", "目录",
    "笔记", "卡片", "任务", "项目", "会议", "团队", "版本", "发布", "测试", "修复", "错误",
    "性能", "内存", "磁盘", "网络", "服务器", "客户端", "配置", "字段", "标签", "链接", "视图",
    "过滤", "排序", "标题", "正文", "更新", "删除", "添加", "检查", "优化", "重构", "文档",
    "设计", "方案", "计划", "时间", "进度", "结果", "原因", "速度", "快", "慢", "大", "小",
    "新", "旧", "简单", "复杂", "重要", "注意", "记得", "完成", "开始", "结束", "提交", "合并",
    "分支", "部署", "日志", "监控", "报警", "备份", "恢复", "迁移", "数据库", "事务", "锁",
    "线程", "进程", "队列", "用户", "界面", "终端", "编辑器", "脚本", "读取", "写入", "解析",
    "渲染", "预览", "布局", "窗口", "模板", "格式", "编码", "字符", "中文", "英文", "翻译",
    "总结", "讨论", "决定", "周末", "早上", "晚上", "咖啡", "午饭", "旅行", "家人", "朋友",
];
const ZH_RARE: &[&str] = &["饕餮", "魑魅魍魉", "耄耋", "囹圄", "龃龉", "踟蹰"];
#[rustfmt::skip]
const ZH_TOPICS: &[&str] = &[
    "索引", "缓存", "模式", "查询", "解析器", "发布", "备份", "配置", "预算", "迁移", "仪表盘",
    "告警", "流水线", "部署", "搜索", "延迟", "测试", "文档", "路线图", "发票", "花园", "自行车",
    "护照", "厨房", "键盘", "服务器", "数据库", "日志", "指标", "内存", "网络", "主题", "终端",
    "编辑器", "插件", "同步", "归档", "税务", "保险", "牙医", "菜谱", "假期", "航班",
];

const JAPANESE: Tongue = Tongue {
    words: JA_WORDS,
    rare: JA_RARE,
    topics: JA_TOPICS,
    verbs: &[
        "修正",
        "作成",
        "レビュー",
        "更新",
        "移行",
        "計測",
        "文書化",
        "削除",
        "調査",
        "計画",
        "リリース",
        "テスト",
        "整理",
        "予約",
        "電話",
        "購入",
        "更新手続き",
    ],
    meetings: &["定例", "朝会", "レビュー", "振り返り", "計画会議", "キックオフ"],
    bookmark_nouns: &["ガイド", "リファレンス", "チュートリアル", "記事", "講演", "スレッド", "論文"],
    notes_on: "メモ：",
    comma: '、',
    journal: "日記",
    ..RUN_ON
};
#[rustfmt::skip]
const JA_WORDS: &[&str] = &[
    "の", "に", "は", "を", "た", "が", "で", "て", "と", "し", "ある", "いる", "する", "こと",
    "これ", "それ", "ため", "よう", "もの", "から", "まで", "など", "ます", "です", "でした",
    "ません", "として", "について", "データ", "インデックス", "キャッシュ", "クエリ", "検索",
    "ファイル", "フォルダ", "メモ", "カード", "タスク", "プロジェクト", "会議", "チーム",
    "バージョン", "リリース", "テスト", "修正", "エラー", "性能", "メモリ", "ディスク",
    "ネットワーク", "サーバー", "クライアント", "設定", "フィールド", "タグ", "リンク", "ビュー",
    "フィルター", "並べ替え", "タイトル", "本文", "更新", "削除", "追加", "確認", "最適化",
    "リファクタリング", "ドキュメント", "設計", "計画", "時間", "進捗", "結果", "原因", "速い",
    "遅い", "大きい", "小さい", "新しい", "古い", "簡単", "複雑", "重要", "注意", "完了", "開始",
    "終了", "コミット", "マージ", "ブランチ", "デプロイ", "ログ", "監視", "バックアップ", "移行",
    "データベース", "トランザクション", "スレッド", "キュー", "ユーザー", "画面", "ターミナル",
    "エディタ", "スクリプト", "読み込み", "書き込み", "解析", "表示", "プレビュー", "テンプレート",
    "形式", "文字", "日本語", "英語", "翻訳", "まとめ", "議論", "決定", "週末", "朝", "夜",
    "コーヒー", "昼ご飯", "旅行", "家族", "友達", "今日", "明日", "来週",
];
const JA_RARE: &[&str] = &["木漏れ日", "積ん読", "侘寂", "物の哀れ", "生き甲斐", "森林浴"];
#[rustfmt::skip]
const JA_TOPICS: &[&str] = &[
    "インデックス", "キャッシュ", "スキーマ", "クエリ", "パーサー", "リリース", "バックアップ",
    "設定", "予算", "移行", "ダッシュボード", "アラート", "デプロイ", "検索", "レイテンシ",
    "テスト", "ドキュメント", "請求書", "庭", "自転車", "パスポート", "台所", "キーボード",
    "サーバー", "データベース", "ログ", "メトリクス", "メモリ", "ネットワーク", "テーマ", "端末",
    "エディタ", "同期", "税金", "保険", "歯医者", "買い物", "レシピ", "休暇", "フライト",
];

/// The ASCII mixed into CJK notes: names of tools, formats and abbreviations.
#[rustfmt::skip]
const ASCII_TERMS: &[&str] = &[
    "SQLite", "API", "Rust", "CLI", "JSON", "YAML", "TOML", "Markdown", "Git", "GitHub", "PR",
    "CI", "bug", "TODO", "UI", "TUI", "HTTP", "Linux", "macOS", "v2", "FTS5", "UTF-8", "cache",
    "index", "query", "termdex", "fzf", "Docker", "SSD", "CPU", "100ms", "OK",
];

/// Run by `tests/cli/shapes.rs`, which includes this file as a module.
#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> Result<Shape, String> {
        let raw = format!("10 out {args}");
        match Args::parse(raw.split_whitespace().map(String::from)) {
            Ok(Some(args)) => Ok(args.shape),
            Ok(None) => Err("help".into()),
            Err(Failure::Usage(msg) | Failure::Io(msg)) => Err(msg),
        }
    }

    #[test]
    fn shape_options_parse_in_both_spellings() {
        let shape = Shape {
            card_bytes: Some(2500),
            lang: Lang::Cjk,
            links: Some(50),
            parents: 30,
            yaml_only: true,
            crlf: true,
        };
        let spaced = "--body 2.5 --lang cjk --links 0.5 --parents 30 --yaml-only --crlf";
        assert_eq!(parse(spaced), Ok(shape.clone()));
        let joined = "--body=2.5 --lang=cjk --links=0.5 --parents=30 --yaml-only --crlf";
        assert_eq!(parse(joined), Ok(shape));
        assert_eq!(parse(""), Ok(Shape::default()));
    }

    #[test]
    fn bad_shape_options_say_what_is_wrong() {
        for (args, message) in [
            ("--body 0", "--body takes an average card size in KB from 0.3 to 100, not \"0\""),
            ("--body 101", "--body takes an average card size in KB from 0.3 to 100, not \"101\""),
            ("--body lots", "--body takes an average card size in KB from 0.3 to 100, not \"lots\""),
            ("--body", "--body needs a size in KB, e.g. --body 2.5"),
            ("--lang klingon", "--lang takes ascii, latin or cjk, not \"klingon\""),
            ("--links -1", "--links takes links per card from 0 to 50, not \"-1\""),
            ("--parents 101", "--parents takes a whole percentage from 0 to 100, not \"101\""),
            ("--parents 2.5", "--parents takes a whole percentage from 0 to 100, not \"2.5\""),
            ("--crlf=yes", "--crlf takes no value"),
            ("--cjk", "unknown option \"--cjk\""),
        ] {
            assert_eq!(parse(args), Err(message.to_string()), "{args}");
        }
    }
}
