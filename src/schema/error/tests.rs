use super::*;

fn issue(row: usize, code: IssueCode) -> Issue {
    Issue {
        path: format!("rows[{row}].x"),
        code,
        expected: "a number".into(),
        received: "\"a\"".into(),
    }
}

#[test]
fn a_million_issues_are_summarised_not_listed() {
    let mut issues: Vec<Issue> = (0..1_000_000)
        .map(|i| issue(i, IssueCode::WrongType))
        .collect();
    issues[500_000].code = IssueCode::AboveMax;
    let message = SchemaError { issues }.to_string();
    assert!(message.len() < 10_000, "{} bytes", message.len());
    assert_eq!(message.lines().count(), 1 + SHOWN_ISSUES + 1);
    assert!(message.starts_with("input does not match the model's schema (1000000 problems):"));
    assert!(message.contains("\n  rows[99].x: expected a number"));
    assert!(!message.contains("rows[100].x"));
    assert!(message
        .ends_with("\n  …and 999900 more; all 1000000 by code: 999999 wrong_type, 1 above_max"));
}

#[test]
fn a_few_issues_are_all_listed() {
    let issues: Vec<Issue> = (0..3).map(|i| issue(i, IssueCode::WrongType)).collect();
    let message = SchemaError { issues }.to_string();
    assert_eq!(message.lines().count(), 4);
    assert!(!message.contains("more"));
}
