//! The image-upload benchmark (run by `bench/run`): a 12-megapixel JPEG, as a phone or a
//! camera makes one, accepted the way an upload is (decoded under the limits, turned
//! upright, resized to every width, each re-encoded without its metadata).
//!
//!   cargo run --release --example image_upload -- write photo.jpg
//!   cargo run --release --example image_upload -- measure photo.jpg
//!
//! `measure` runs in a process of its own, so its peak memory is the upload's alone.

use image::ImageEncoder;
use std::time::Instant;
use tidings::services::media::make_variants;
use tidings_domain::MediaFormat;

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;
const RUNS: usize = 5;

fn main() -> anyhow::Result<()> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match arguments.as_slice() {
        [mode, path] if mode == "write" => write_photo(path),
        [mode, path] if mode == "measure" => measure(path),
        _ => anyhow::bail!("usage: image_upload write|measure FILE"),
    }
}

/// A photo-like picture: smooth gradients with fine grain, which compresses as a camera's
/// JPEG does (a few megabytes at quality 90), unlike a flat colour.
fn write_photo(path: &str) -> anyhow::Result<()> {
    let mut state: u32 = 0x9E37_79B9;
    let pixels = image::RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let grain = (state % 24) as i32 - 12;
        let channel = |base: u32| (base as i32 + grain).clamp(0, 255) as u8;
        image::Rgb([
            channel(x * 255 / WIDTH),
            channel(y * 255 / HEIGHT),
            channel(((x + y) / 2) * 255 / WIDTH),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).write_image(
        &pixels,
        WIDTH,
        HEIGHT,
        image::ExtendedColorType::Rgb8,
    )?;
    std::fs::write(path, &out)?;
    println!(
        "wrote {path}: {WIDTH} × {HEIGHT}, {:.1} MB",
        megabytes(out.len() as u64)
    );
    Ok(())
}

fn measure(path: &str) -> anyhow::Result<()> {
    let bytes = std::fs::read(path)?;
    let before_kb = status_kb("VmRSS")?;
    let mut times = Vec::with_capacity(RUNS);
    let mut made = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let variants = make_variants(&bytes, MediaFormat::Jpeg)
            .map_err(|problem| anyhow::anyhow!("{problem}"))?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        made = Some(variants);
    }
    // Decoding alone, for scale: what any server that accepts the file must do.
    let mut decode_times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)?;
        decode_times.push(started.elapsed().as_secs_f64() * 1000.0);
        drop(decoded);
    }
    let peak_kb = status_kb("VmHWM")?;
    let made = made.ok_or_else(|| anyhow::anyhow!("no run"))?;
    let sizes: Vec<String> = made
        .variants
        .iter()
        .map(|(width, encoded)| format!("{width} px {:.0} KB", encoded.len() as f64 / 1024.0))
        .collect();
    println!(
        "UPLOAD median {:.0} ms, decoding alone {:.0} ms, peak {:.0} MB ({:.0} MB above the file read), {:.1} MB file, variants: {}",
        median(&mut times),
        median(&mut decode_times),
        peak_kb as f64 / 1024.0,
        peak_kb.saturating_sub(before_kb) as f64 / 1024.0,
        megabytes(bytes.len() as u64),
        sizes.join(", ")
    );
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// A line of `/proc/self/status`, in kilobytes: `VmRSS` now, `VmHWM` the peak.
fn status_kb(field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no {field} in /proc/self/status"))
}
