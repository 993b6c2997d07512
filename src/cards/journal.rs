//! Journal cards: one per day, at the path the `[new] journal` pattern gives
//! (`journal/YYYY-MM-DD.md` by default), opened again when it exists rather than made
//! twice. `termdex journal` and `termdex new journal` both come here.

use jiff::civil::Date;

use crate::clock::Clock;
use crate::config::Config;
use crate::dex::Dex;

use super::CardsError;
use super::naming::{self, Names};
use super::new::{self, Draft, NewCard};

/// The template journal cards are made from.
pub const TEMPLATE: &str = "journal";

/// A day's journal card: there already, or just created from the template.
#[derive(Debug, Clone, PartialEq)]
pub enum Journal {
    Existing(String),
    Created(Draft),
}

/// The title a journal card gets when none is given: its day, `2026-11-23`.
pub fn title(date: Date) -> String {
    date.strftime("%Y-%m-%d").to_string()
}

/// The dex-relative path of the journal card for `date`.
pub fn path(config: &Config, clock: &Clock, date: Date) -> Result<String, CardsError> {
    let title = title(date);
    let names = Names {
        now: clock.now,
        id: new::card_id(clock),
        title: &title,
        template: TEMPLATE,
        date: Some(date),
    };
    naming::expand(&config.new_card_pattern(true), &names)
}

/// Opens the journal card of `card.date` (default today), in `card.subdir` when given:
/// the existing one, or a new one from `card.template` with `card.title` (default the
/// day) and `card.sets`, which only a new card gets.
pub fn open_or_create(
    dex: &Dex,
    config: &Config,
    clock: &Clock,
    card: &NewCard<'_>,
) -> Result<Journal, CardsError> {
    let date = card.date.unwrap_or(clock.today);
    let mut rel = path(config, clock, date)?;
    if let Some(dir) = card.subdir {
        rel = new::in_subdir(dir, &rel)?;
    }
    if dex.card_path(&rel).is_file() {
        super::editable(&dex.root, &config.extensions, &rel)?;
        return Ok(Journal::Existing(rel));
    }
    let title = match card.title.map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => title(date),
    };
    let template = if card.template.is_empty() { TEMPLATE } else { card.template };
    let create = NewCard {
        template,
        title: Some(&title),
        sets: card.sets,
        subdir: None,
        path: Some(&rel),
        date: Some(date),
    };
    match new::create(dex, config, clock, &create) {
        Ok(draft) => Ok(Journal::Created(draft)),
        // Another termdex made the same day's card just now: that one is the journal.
        Err(_)
            if dex.card_path(&rel).is_file()
                && super::editable(&dex.root, &config.extensions, &rel).is_ok() =>
        {
            Ok(Journal::Existing(rel))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, Dex, Config, Clock) {
        let dir = tempfile::tempdir().expect("tempdir");
        let dex = Dex::at(dir.path()).expect("dex");
        let config = Config::load(&dex.state_dir()).expect("config");
        let now: jiff::civil::DateTime = "2026-11-23T14:15:30".parse().expect("now");
        let clock = Clock { today: now.date(), now, tz: jiff::tz::TimeZone::UTC };
        (dir, dex, config, clock)
    }

    #[test]
    fn a_day_is_created_once_then_reopened() {
        let (_dir, dex, config, clock) = setup();
        let card = NewCard { template: TEMPLATE, ..NewCard::default() };
        let Journal::Created(draft) = open_or_create(&dex, &config, &clock, &card).expect("first") else {
            panic!("the first time creates");
        };
        assert_eq!(draft.file.rel, "journal/2026-11-23.md");
        assert!(draft.content.contains("title: 2026-11-23\n"), "{}", draft.content);
        assert_eq!(
            open_or_create(&dex, &config, &clock, &card).expect("again"),
            Journal::Existing("journal/2026-11-23.md".into())
        );
        let other_day = NewCard { date: Some("2026-11-20".parse().expect("date")), ..card };
        assert_eq!(
            path(&config, &clock, other_day.date.expect("date")).expect("path"),
            "journal/2026-11-20.md"
        );
    }

    #[test]
    fn an_id_in_the_pattern_is_the_real_id() {
        let (_dir, _dex, mut config, clock) = setup();
        config.new.journal = "journal/{id}.md".into();
        let id = new::card_id(&clock);
        assert!(id > 0);
        assert_eq!(path(&config, &clock, clock.today).expect("path"), format!("journal/{id}.md"));
    }
}
