//! `termdex set` on any card with any edits: `frontmatter::apply` must never panic, and a
//! result it gives must keep the editor's promises (see `oracle::set`: parses, values
//! read back as meant, fence and body and every line outside the edited fields kept,
//! idempotent). Input layout: edit lines, a NUL byte, the card (`oracle::SetCase`).

#![no_main]

#[path = "../../tests/hostile/oracle.rs"]
mod oracle;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

/// `SetCase` is decoded from text rather than derived, so that seeds are readable cards.
#[derive(Debug)]
struct Case(oracle::SetCase);

impl<'a> Arbitrary<'a> for Case {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Case(oracle::SetCase::decode(u.bytes(u.len())?)))
    }

    fn arbitrary_take_rest(u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Case(oracle::SetCase::decode(u.take_rest())))
    }
}

fuzz_target!(|case: Case| case.0.run());
