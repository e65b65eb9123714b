fn main() {
    let body = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let out = std::env::args().nth(2).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let s = seen::scenario::parse(&body).unwrap();
    for run in s.analyze().unwrap() {
        let story = seen::story::tell(&run);
        let scene = seen::render::frame::Scene::new(run.graph(), &story);
        for k in 0..story.steps.len() {
            let id = format!("{}-s{k}", s.id);
            let svg = seen::render::frame::frame(
                run.graph(),
                &story,
                &scene,
                k,
                &seen::render::frame::FrameMeta {
                    id: &id,
                    figure_title: "t",
                },
            );
            std::fs::write(format!("{out}/{id}.svg"), &svg).unwrap();
            std::fs::write(
                format!("{out}/{id}.png"),
                seen::render::png::png(&svg, 1.0).unwrap(),
            )
            .unwrap();
        }
    }
}
