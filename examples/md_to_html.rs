//! Renders a corpus Markdown version as a plain HTML page, for the browser
//! benchmark (the AWS Service Terms have no HTML snapshot in the corpus).
//!
//!     cargo run --release --example md_to_html -- IN.md > OUT.html

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: md_to_html IN.md");
        std::process::exit(2);
    };
    let md = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let mut body = String::new();
    let parser = pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::ENABLE_TABLES);
    pulldown_cmark::html::push_html(&mut body, parser);
    println!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Service Terms</title></head><body><main>{body}</main></body></html>"
    );
}
