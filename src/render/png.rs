//! PNG export through resvg, with text drawn in DejaVu Sans bundled in the
//! binary (the `dejavu` crate), never a system font: every machine renders
//! the same pixels. resvg is built without its `system-fonts` feature.
//!
//! The fonts are parsed once per process ([`fonts`]) and shared by every
//! thread. Encoding dominated the cost of `seen frames --png` (a profile of
//! the 251 frames of the bundled explainer: 60 % of the time in
//! tiny-skia's `encode_png`, i.e. the `png` crate's default deflate level),
//! so [`encode`] picks its own settings. Measured on one frame in four of
//! those (64 PNGs at 2×, 2 cores under load): the default (adaptive filter,
//! zlib level 6) 2.4 s and 8.7 MB; `Compression::Fast` (fdeflate) 0.48 s
//! but 15.6 MB; zlib level 2 with the Up filter 1.45 s, 8.7 MB; zlib level
//! 1 without a filter 0.55 s, 11.4 MB. The frames are flat colours and
//! text, which deflate finds without a filter's help: level 1 unfiltered
//! is nearly the fastest, for files a third bigger. The pixels are the
//! same.

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
    encode(pixmap(svg, scale)?).map_err(|e| format!("PNG encoding failed: {e}"))
}

/// A pixmap as PNG bytes (8-bit RGBA), with fast compression (see the
/// module documentation for the measurements behind the settings).
pub fn encode(pixmap: tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    // PNG stores straight alpha; tiny-skia keeps it premultiplied.
    let rgba = pixmap.take_demultiplied();
    let mut out = Vec::with_capacity(rgba.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(1));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgba)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fast_encoding_keeps_the_pixels() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">\
                   <rect x=\"2\" y=\"2\" width=\"20\" height=\"10\" fill=\"blue\" fill-opacity=\".5\"/>\
                   <text x=\"2\" y=\"18\" font-size=\"8\">x=1</text></svg>";
        let ours = super::png(svg, 2.0).unwrap();
        let reference = super::pixmap(svg, 2.0).unwrap().encode_png().unwrap();
        let decode = |bytes: &[u8]| {
            let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
                .read_info()
                .unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut buf).unwrap();
            buf.truncate(info.buffer_size());
            (info.width, info.height, buf)
        };
        let (a, b) = (decode(&ours), decode(&reference));
        assert_eq!((a.0, a.1), (80, 40));
        assert!(a.2 == b.2, "the same pixels as tiny-skia's own encoder");
    }
}
