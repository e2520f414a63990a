fn main() {
    let bytes = std::fs::read("bench/data/otlp-100000.json").unwrap();
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let mut s = canopy::import::Stream::new("bench.json");
        for piece in bytes.chunks(1 << 20) {
            s.push(piece).unwrap();
        }
        let l = s.finish().unwrap();
        eprintln!("{} obs in {:?}", l.set.observation_count(), t.elapsed());
    }
}
