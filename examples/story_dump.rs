fn main() {
    let body = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let s = seen::scenario::parse(&body).unwrap();
    for run in s.analyze().unwrap() {
        let story = seen::story::tell(&run);
        for st in &story.steps {
            println!("[{}] {}\n    {}", st.phase.name(), st.title, st.narration);
        }
    }
}
