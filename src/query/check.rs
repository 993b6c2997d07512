//! The check that every view the dex's config file sets compiles, run by whoever loads a
//! config (the CLI's `Ctx::config`): views naming views that do not exist or include
//! themselves, date words that are no dates, and filters that constrain nothing (`?`,
//! blanks: "every card" is written `filter = ""`) are reported at their line of the file
//! rather than at the first query through them.
//!
//! It lives here, not in `config`, because only the query layer knows what a filter is;
//! the config only remembers where each view sits ([`crate::config::ViewSource`]).

use crate::clock::Clock;
use crate::config::{Config, ConfigError};

use super::{filter, prune, view_filter};

/// The first view of the config file whose filter does not compile, or constrains
/// nothing, as an error at its line. Every filter is parsed before any is compiled, so
/// that a typo is reported before what it breaks in the views naming it.
pub fn check_views(config: &Config, clock: &Clock) -> Result<(), ConfigError> {
    for source in &config.view_sources {
        let Some(view) = config.view(&source.name) else { continue };
        filter::parse(&view.filter).map_err(|e| source.error(e.message))?;
    }
    for source in &config.view_sources {
        let Some(view) = config.view(&source.name) else { continue };
        let expr = view_filter(view, config, clock).map_err(|e| source.error(e.message))?;
        // `""` is every card on purpose; a filter written but of nothing is a mistake
        // (`?`, blanks), as it is on the command line.
        let pruned = prune::prune(&expr).map_err(|e| source.error(format!("cannot read its words: {e}")))?;
        if pruned.is_none() && !view.filter.is_empty() {
            return Err(source.error(format!(
                "the filter {:?} constrains nothing: no term in it selects anything (words without letters \
                 or digits, empty values and `*` alone are ignored); for every card, write filter = \"\"",
                view.filter
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn clock() -> Clock {
        Clock::new("2026-11-23".parse().expect("date"), jiff::tz::TimeZone::UTC)
    }

    /// The built-in config overlaid with `text`, loaded and checked as `Ctx::config` does.
    fn load(text: &str) -> Result<Config, ConfigError> {
        let config = Config::parse(text, Path::new("cfg.toml"))?;
        check_views(&config, &clock())?;
        Ok(config)
    }

    #[test]
    fn builtin_views_compile() {
        let config = Config::builtin();
        for view in &config.views {
            view_filter(view, &config, &clock()).unwrap_or_else(|e| panic!("{}: {}", view.name, e.pointed()));
        }
    }

    #[test]
    fn a_filter_that_does_not_parse_is_reported_at_its_line() {
        let e = load("\n[views.x]\nfilter = \"(a\"\n").expect_err("bad filter");
        assert_eq!(
            e.to_string(),
            "cfg.toml:3: key `views.x.filter`: expected `)` to close the `(` at column 1"
        );
        let e = load("[views.a]\nfilter = \"view:b\"\n[views.b]\nfilter = \"(b\"\n").expect_err("bad filter");
        assert!(e.to_string().starts_with("cfg.toml:4: key `views.b.filter`: expected `)`"), "{e}");
    }

    #[test]
    fn views_are_checked_once_all_are_merged() {
        let config = load("[views.a]\nfilter = \"view:b\"\n[views.b]\nfilter = \"what:task\"\n");
        assert!(config.is_ok(), "a view may name one defined after it");
        let e = load("[views.a]\nfilter = \"view:nope\"\n").expect_err("unknown view");
        assert!(e.to_string().starts_with("cfg.toml:2: key `views.a.filter`: no view named `nope`"), "{e}");
        let e = load("[views.a]\nfilter = \"view:b\"\n\n[views.b]\nfilter = \"x OR view:a\"\n")
            .expect_err("cycle");
        assert_eq!(e.to_string(), "cfg.toml:2: key `views.a.filter`: view `a` includes itself (a -> b -> a)");
        let e = load("[views.bad]\nsort = [\"title\"]\nfilter = \"what:task deadline>soon\"\n")
            .expect_err("bad date");
        assert!(
            e.to_string().starts_with("cfg.toml:3: key `views.bad.filter`: expected a date, not `soon`"),
            "{e}"
        );
        for empty in ["?", "   ", "-", "status:\\\"\\\"", "view:all", "title:*"] {
            let e = load(&format!("[views.q]\n\nfilter = \"{empty}\"\n")).expect_err(empty);
            assert!(e.to_string().starts_with("cfg.toml:3: key `views.q.filter`: the filter "), "{e}");
            assert!(e.to_string().ends_with("constrains nothing: no term in it selects anything (words without letters or digits, empty values and `*` alone are ignored); for every card, write filter = \"\""), "{e}");
        }
        assert!(load("[views.q]\nfilter = \"\"\n").is_ok(), "every card, on purpose");
        let deep = format!("[views.deep]\nfilter = \"{}a{}\"\n", "(".repeat(100), ")".repeat(100));
        let e = load(&deep).expect_err("too deep");
        assert!(e.to_string().starts_with("cfg.toml:2: key `views.deep.filter`: nested too deeply"), "{e}");
    }
}
