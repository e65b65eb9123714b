//! Renders every golden SVG to PNG for review: `cargo run --example golden_png -- OUT_DIR`.
fn main() {
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "golden-png".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    for e in walkdir::WalkDir::new("tests/golden").into_iter().flatten() {
        if e.path().extension().is_some_and(|x| x == "svg") {
            let svg = std::fs::read_to_string(e.path()).unwrap();
            let name = e
                .path()
                .strip_prefix("tests/golden")
                .unwrap()
                .to_string_lossy()
                .replace('/', "_");
            let png = seen::render::png::png(&svg, 1.0).unwrap();
            std::fs::write(out.join(name.replace(".svg", ".png")), png).unwrap();
        }
    }
}
