//! Tree lines, as `tree` draws them: `├── ` before a node with siblings after it, `└── `
//! before the last, and `│   ` or four spaces for each level above.

/// The prefix of a node from where it sits (see `query::outline::lasts`: for the
/// top shown and each level below it, whether that node is the last of its siblings).
/// The top level gets none.
pub fn tree_prefix(lasts: &[bool]) -> String {
    let Some((own, above)) = lasts.split_last() else { return String::new() };
    if above.is_empty() {
        return String::new();
    }
    let mut prefix: String = above[1..].iter().map(|&last| if last { "    " } else { "│   " }).collect();
    prefix.push_str(if *own { "└── " } else { "├── " });
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_draw_the_lines_of_tree() {
        assert_eq!(tree_prefix(&[true]), "");
        assert_eq!(tree_prefix(&[true, false]), "├── ");
        assert_eq!(tree_prefix(&[true, true]), "└── ");
        assert_eq!(tree_prefix(&[false, false, true]), "│   └── ");
        assert_eq!(tree_prefix(&[false, true, false]), "    ├── ");
    }
}
