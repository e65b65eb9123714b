//! PNG export through resvg, with text drawn in DejaVu Sans bundled in the
//! binary (the `dejavu` crate), never a system font: every machine renders
//! the same pixels. resvg is built without its `system-fonts` feature.

use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(dejavu::sans::regular().to_vec());
        db.load_font_data(dejavu::sans::bold().to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// Parses an SVG with the bundled fonts.
pub fn tree(svg: &str) -> Result<usvg::Tree, String> {
    let opt = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &opt).map_err(|e| format!("invalid SVG: {e}"))
}

/// Renders an SVG to a pixmap at `scale` (1.0 = its own size).
pub fn pixmap(svg: &str, scale: f32) -> Result<tiny_skia::Pixmap, String> {
    let tree = tree(svg)?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("empty SVG")?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("SVG too large to render")?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}

/// Renders an SVG to PNG bytes.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    pixmap(svg, scale)?
        .encode_png()
        .map_err(|e| format!("PNG encoding failed: {e}"))
}
