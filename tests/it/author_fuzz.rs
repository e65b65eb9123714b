//! Arbitrary text through the scenario parser and through whole pages:
//! errors are fine, panics are not. Bounded by the case count of
//! `support::proptest_config`, so it runs with the rest of `cargo test`
//! (raise PROPTEST_CASES to fuzz longer).

use std::fs;

use proptest::prelude::*;
use seen::render::hook::Figures;
use seen::site::{self, BuildConfig};

use crate::support::proptest_config;

/// Fragments that reach past the TOML layer into the expression parser,
/// lowering, the engine and the figures.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("w".to_string()),
        Just("x".to_string()),
        Just("z".to_string()),
        Just(" + ".to_string()),
        Just(" - ".to_string()),
        Just(" * ".to_string()),
        Just(" / ".to_string()),
        Just(" ^ ".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(", ".to_string()),
        Just("\n".to_string()),
        Just(" = ".to_string()),
        Just("-".to_string()),
        Just("exp(".to_string()),
        Just("log(".to_string()),
        Just("recip(".to_string()),
        Just("relu(".to_string()),
        Just("tanh(".to_string()),
        Just("linear(".to_string()),
        Just("sigmoid(".to_string()),
        Just("bce(".to_string()),
        Just("#".to_string()),
        (-1000i32..1000).prop_map(|n| n.to_string()),
        prop::num::f64::ANY.prop_map(|f| format!("{f:e}")),
        "[a-z]{1,3}",
        "\\PC{0,3}",
    ]
}

fn graph_text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..30).prop_map(|v| v.concat())
}

/// A block whose keys are valid, or nearly so.
fn block() -> impl Strategy<Value = String> {
    let figure = prop_oneof![
        Just(""),
        Just("figure = \"graph\"\n"),
        Just("figure = \"rule\"\n"),
        Just("figure = \"compare\"\nview = \"both\"\n"),
        Just("figure = \"batch\"\nexamples = [ { x = 1 }, { x = -2 } ]\nupdate = { lr = 0.1 }\n"),
        Just("figure = \"step-size\"\nwrt = \"w\"\n"),
        Just("view = \"modules\"\n"),
        Just("seed = 0\n"),
        Just("reduce = \"sum\"\n"),
    ];
    (graph_text(), figure, -5.0f64..5.0, -5.0f64..5.0).prop_map(|(g, f, w, x)| {
        let g = g.replace('"', "");
        format!("id = \"f\"\nparams = {{ w = {w} }}\ninputs = {{ x = {x} }}\n{f}graph = \"\"\"\n{g}\n\"\"\"\n")
    })
}

fn parse_and_analyze(body: &str) {
    if let Ok(s) = seen::scenario::parse(body) {
        let _ = s.analyze();
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn the_scenario_parser_never_panics_on_any_text(body in "\\PC{0,200}") {
        parse_and_analyze(&body);
    }

    #[test]
    fn the_scenario_parser_never_panics_on_near_valid_blocks(body in block()) {
        parse_and_analyze(&body);
    }

    #[test]
    fn the_scenario_parser_never_panics_on_mangled_blocks(
        body in block(),
        cut in 0usize..400,
        junk in "\\PC{0,8}",
    ) {
        let mut at = cut.min(body.len());
        while !body.is_char_boundary(at) {
            at -= 1;
        }
        parse_and_analyze(&format!("{}{junk}{}", &body[..at], &body[at..]));
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn whole_pages_never_panic_the_checker(
        front in prop_oneof![Just("+++\ntitle = \"T\"\n+++\n".to_string()), "\\PC{0,40}"],
        before in "\\PC{0,80}",
        body in block(),
        after in "[ -~\n]{0,80}",
        fence in prop_oneof![Just("```"), Just("~~~"), Just("    ```"), Just("> ```"), Just("- ```")],
    ) {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("content")).unwrap();
        let page = format!("{front}\n{before}\n\n{fence}autograd\n{body}{fence}\n{after}");
        fs::write(dir.path().join("content/index.md"), page).unwrap();
        let config = BuildConfig::new(dir.path(), "Fuzz");
        let _ = site::check(&config, &Figures);
        prop_assert!(!dir.path().join("public").exists());
    }
}
