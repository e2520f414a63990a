//! Mounts the Canopy app into the page (in the browser); on the host there is nothing to run.

#[cfg(target_arch = "wasm32")]
fn main() {
    canopy::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Canopy runs in the browser: `make serve`, then open http://127.0.0.1:8080");
}
