//! The scan's problems, their grouping by line and their limit, and where items start.

use super::*;

fn codes(text: &str) -> Vec<&'static str> {
    scan(FileId(0), text)
        .problems
        .iter()
        .map(|(_, d)| d.code.as_str())
        .collect()
}

#[test]
fn balanced_text_has_no_problems() {
    let text =
        "intent \"a {x}\" {\n  then body.x matches /[{(]/ # a { comment\n  and 200/s > 1\n}\n";
    assert!(codes(text).is_empty(), "{:?}", codes(text));
    assert_eq!(scan(FileId(0), text).comments.len(), 1);
}

#[test]
fn reports_unclosed_bracket_at_next_item() {
    let text = "intent \"a\" {\n  then [1, 2\n}\nintent \"b\" {\n}\n";
    assert_eq!(codes(text), vec!["E0003"]);
    let s = scan(FileId(0), text);
    assert_eq!(
        s.item_starts,
        vec![0, text.find("intent \"b\"").unwrap_or(0)]
    );
}

#[test]
fn reports_unterminated_literals_and_stray_closers() {
    assert_eq!(codes("let a = \"abc\nlet b = 1\n"), vec!["E0005"]);
    assert_eq!(codes("let a = \"\"\"abc\n"), vec!["E0006"]);
    assert_eq!(codes("type A = string matching /abc\n"), vec!["E0007"]);
    assert_eq!(codes("let a = 1)\n"), vec!["E0004"]);
}

#[test]
fn an_unclosed_interpolation_is_reported_at_its_brace() {
    let text = "intent \"a\" {\n  then body.text == \"Hi {name!\"\n}\n";
    assert_eq!(codes(text), vec!["E0003"]);
    let brace = text.find("{name").unwrap_or(0);
    let s = scan(FileId(0), text);
    assert_eq!(s.problems[0].1.primary().span.start as usize, brace);
}

#[test]
fn an_unterminated_raw_string_hides_the_brackets_it_swallowed() {
    assert_eq!(
        codes("intent \"a\" {\n  when POST s /x\n    body \"\"\"abc\n}\n"),
        vec!["E0006"]
    );
}

/// The messages of the problems, for the tests of what is counted.
fn messages(text: &str) -> Vec<String> {
    scan(FileId(0), text)
        .problems
        .into_iter()
        .map(|(_, d)| d.message)
        .collect()
}

#[test]
fn deep_nesting_is_reported_once() {
    let text = format!("let a = {}{}", "[".repeat(20_000), "]".repeat(20_000));
    assert_eq!(codes(&text), vec!["E0008"]);
    let unclosed = format!("let a = {}", "[".repeat(20_000));
    assert_eq!(codes(&unclosed), vec!["E0003", "E0008"]);
}

#[test]
fn deep_nesting_is_reported_once_per_line() {
    let deep = format!("{}1{}", "[".repeat(60), "]".repeat(60));
    let text = format!(
        "let a = [{deep}, {deep}]
let b = {deep}
"
    );
    assert_eq!(codes(&text), vec!["E0008", "E0008"]);
}

#[test]
fn the_unclosed_brackets_of_a_line_are_one_problem_at_the_first() {
    let text = "let a = f([1, (2
let b = 1
";
    assert_eq!(
        messages(text),
        vec!["3 brackets opened on this line are never closed"]
    );
    let s = scan(FileId(0), text);
    assert_eq!(s.problems[0].0, text.find('(').unwrap_or(0));
    // Inside a block, the `}` that closes it finds them; lines are still counted apart.
    let text = format!(
        "intent \"a\" {{\n  then x == {}\n  and [(\n}}\n",
        "(".repeat(20_000)
    );
    assert_eq!(
        messages(&text),
        vec![
            "20000 brackets opened on this line are never closed".to_string(),
            "brackets are nested more than 48 levels deep".to_string(),
            "2 brackets opened on this line are never closed".to_string(),
        ]
    );
}

#[test]
fn brackets_of_one_line_found_unclosed_at_different_times_are_one_problem() {
    assert_eq!(
        messages("let a = {\n  b: ([(\n  ] \"x\n}\n"),
        vec![
            "2 brackets opened on this line are never closed",
            "this string is not closed on its line",
        ]
    );
}

#[test]
fn the_stray_closers_of_a_line_are_one_problem() {
    assert_eq!(
        messages("let a = 1)]}\nlet b = 2))\n"),
        vec![
            "3 closing brackets on this line close nothing",
            "2 closing brackets on this line close nothing",
        ]
    );
}

#[test]
fn problems_past_the_limit_are_counted_in_one_more() {
    let text = "let a = (\n".repeat(MAX_PROBLEMS + 50);
    let s = scan(FileId(0), &text);
    assert_eq!(s.problems.len(), MAX_PROBLEMS + 1);
    assert_eq!(
        s.problems[MAX_PROBLEMS].1.message,
        "50 more problems with brackets, strings or regexes are not shown"
    );
    assert_eq!(s.problems[MAX_PROBLEMS].0, MAX_PROBLEMS * 10 + 8);
    assert_eq!(s.hidden.len(), 49);
}

#[test]
fn a_stray_closer_at_top_level_starts_a_region_of_its_own() {
    let text = "target a = \"x\"\n}\nintent \"b\" { }})\nlet c = 1\n";
    let s = scan(FileId(0), text);
    let stray = text.find('}').unwrap_or(0);
    let second = text.find("}})").unwrap_or(0) + 1;
    let after = text.find("let c").unwrap_or(0);
    let intent = text.find("intent").unwrap_or(0);
    assert_eq!(s.item_starts, vec![0, stray, intent, second, after]);
    assert_eq!(
        s.problems.iter().map(|(at, _)| *at).collect::<Vec<_>>(),
        vec![stray, second]
    );
    // Inside a bracket, a stray closer belongs to the item it is in.
    let s = scan(FileId(0), "let a = [1)]\n");
    assert_eq!(s.item_starts, vec![0]);
}

#[test]
fn a_stray_closer_does_not_close_the_enclosing_block() {
    assert_eq!(
        codes("intent \"a\" {\n  then len(x)) == 2\n}\n"),
        vec!["E0004"]
    );
    assert_eq!(codes("let a = [1, (2]\n"), vec!["E0003"]);
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let s = scan(FileId(0), "\u{feff}intent \"a\" {\n}\n");
    assert!(s.problems.is_empty());
    assert_eq!(s.item_starts, vec![3]);
}
