fn main() {
    let path = std::env::args().nth(1).expect("path");
    let text = std::fs::read_to_string(&path).expect("read");
    let parsed = intent_syntax::parse(intent_source::FileId(0), &text);
    let mut map = intent_source::SourceMap::new();
    map.add(intent_source::SourceFile::new(path, text));
    for d in &parsed.diagnostics {
        println!(
            "{}",
            intent_source::render(d, &map, intent_source::RenderOptions::plain())
        );
    }
    if std::env::args().nth(2).is_some() {
        println!(
            "{}",
            serde_json::to_string_pretty(&parsed.file).expect("json")
        );
    }
    println!("items: {}", parsed.file.items.len());
}
