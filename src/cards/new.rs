//! A new card: a template rendered, fields set, a file created under a fresh name. The
//! editor session ([`super::session`]) then keeps it or takes it away again.

use jiff::civil::Date;

use crate::clock::Clock;
use crate::config::Config;
use crate::dex::Dex;
use crate::frontmatter::{self, Edit, EditError, EditValue};
use crate::scan::CardRules;

use super::CardsError;
use super::naming::{self, CreatedFile, Names};
use super::templates::{self, Vars};

/// What to create.
#[derive(Debug, Clone, Default)]
pub struct NewCard<'a> {
    pub template: &'a str,
    pub title: Option<&'a str>,
    /// `--set key=value`: fills `{{key}}` and sets the field, adding it if the template lacks it.
    pub sets: &'a [(String, EditValue)],
    /// `--in SUBDIR`: the card goes straight into this folder instead of the dated ones.
    pub subdir: Option<&'a str>,
    /// An exact dex-relative path (`edit`, `journal`) instead of the naming pattern.
    pub path: Option<&'a str>,
    /// The day the card is for, when not today (`journal -1d`).
    pub date: Option<Date>,
}

/// A card as created, before anyone edited it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub file: CreatedFile,
    pub content: String,
    /// Why the dex's own template was not used (it could not be read), for the command to
    /// say; the built-in of that name was.
    pub warning: Option<String>,
}

/// The number `{{id}}` and `{id}` stand for: the Unix time of creation.
pub fn card_id(clock: &Clock) -> i64 {
    clock.now.to_zoned_datetime(clock.tz.clone()).map(|z| z.timestamp().as_second()).unwrap_or(0)
}

/// Renders the template and creates the card's file, never overwriting another.
pub fn create(dex: &Dex, config: &Config, clock: &Clock, card: &NewCard<'_>) -> Result<Draft, CardsError> {
    let template = templates::load(&dex.state_dir(), card.template)?;
    let title = card.title.unwrap_or("").trim();
    let id = card_id(clock);
    let date = card.date.unwrap_or(clock.today);
    let vars = variables(clock, date, id, title, card.sets);
    let rendered = templates::render(&template, &vars)?;
    let content = apply_sets(&rendered, card.sets, card.template)?;
    let rel = match card.path {
        Some(path) => naming::check_relative(path)?,
        None => {
            let names = Names { now: clock.now, id, title, template: card.template, date: card.date };
            let pattern = config.new_card_pattern(card.template == "journal");
            let expanded = naming::expand(&pattern, &names)?;
            match card.subdir {
                Some(dir) => in_subdir(dir, &expanded)?,
                None => expanded,
            }
        }
    };
    let rules = &mut CardRules::new(&dex.root, &config.extensions);
    let file = if card.path.is_some() {
        naming::create_exact(rules, &rel, content.as_bytes())?
    } else {
        naming::create_unique(rules, &rel, content.as_bytes())?
    };
    Ok(Draft { file, content, warning: template.warning })
}

fn variables(clock: &Clock, date: Date, id: i64, title: &str, sets: &[(String, EditValue)]) -> Vars {
    let mut vars = Vars::default();
    let title_or_date =
        if title.is_empty() { date.strftime("%Y-%m-%d").to_string() } else { title.to_string() };
    vars.set("title", title);
    vars.set("date", date.strftime("%Y-%m-%d").to_string());
    vars.set("time", clock.now.strftime("%H:%M").to_string());
    vars.set("datetime", clock.now.strftime("%Y-%m-%dT%H:%M:%S").to_string());
    vars.set("id", id.to_string());
    vars.set("slug", naming::slug(&title_or_date));
    for (key, value) in sets {
        let text = match value {
            EditValue::Scalar(s) | EditValue::Text(s) => s.clone(),
            EditValue::List(items) => items.join(", "),
        };
        vars.set(key, text);
    }
    vars
}

/// `--set` fields go in through the lossless editor: replaced where the template has the
/// key, added where it does not, quoted as the format needs.
fn apply_sets(text: &str, sets: &[(String, EditValue)], template: &str) -> Result<String, CardsError> {
    if sets.is_empty() {
        return Ok(text.to_string());
    }
    let edits: Vec<Edit> =
        sets.iter().map(|(key, value)| Edit::Set { key: key.clone(), value: value.clone() }).collect();
    frontmatter::apply(text, &edits).map_err(|cause| {
        // About the --set itself, whatever the template holds: no change to it would help.
        let advice = match cause {
            EditError::Nested { .. } | EditError::Key { .. } | EditError::Assignment { .. } => {
                "change or leave out that --set"
            }
            _ => "change the template's frontmatter, or leave that --set out",
        };
        CardsError::BadTemplate {
            name: template.to_string(),
            message: format!("--set cannot fill it in: {}; {advice}", cause.without_advice()),
        }
    })
}

/// `--in work/meetings`: the pattern's file name, in that folder; `--in .` is the top of
/// the dex.
pub fn in_subdir(dir: &str, expanded: &str) -> Result<String, CardsError> {
    let name = expanded.rsplit('/').next().unwrap_or(expanded);
    if dir.is_empty() {
        return Err(CardsError::BadPath("--in names no folder (`--in .` is the top of the dex)".into()));
    }
    let top = !dir.starts_with('/') && dir.split('/').all(|part| part.is_empty() || part == ".");
    if top {
        return naming::check_relative(name);
    }
    let dir = naming::check_relative(dir)?;
    naming::check_relative(&format!("{dir}/{name}"))
}
