fn main() {
    println!("seen: the site build is not there yet");
}
