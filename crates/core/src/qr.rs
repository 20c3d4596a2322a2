//! QR codes: reading them from screenshots and photos, drawing them for
//! screens and print.
//!
//! A 2FA setup page shows its secret as a QR code of an `otpauth://` URI;
//! an authenticator's export shows one or several. [`decode_image`] finds
//! every QR code in a PNG or JPEG and returns its text as a
//! [`SecretString`]. [`to_svg`] and [`to_png`] draw a QR code of a text
//! (an account's URI) so another device can scan it.
//!
//! # Hostile input
//! [`decode_image`] does bounded work whatever it is given: at most
//! [`MAX_INPUT_BYTES`] of input, and the image's size is read from its header
//! and checked against [`MAX_SIDE`] and [`MAX_PIXELS`] *before* any pixel is
//! decoded (the decoder also gets the same limits and a memory cap).
//!
//! # How codes are searched for
//! The image is turned into 8-bit greyscale and searched with `rqrr`:
//! 1. at full size (skipped for photos over [`FULL_SIZE_PIXELS`], where the
//!    reduced copies below come first and full size is the last resort);
//! 2. if nothing was found and the image is large, on copies reduced to half
//!    size and to fit 800 pixels (area-averaged): a QR code drawn with large,
//!    soft or noisy modules is often found only once reduced;
//! 3. if still nothing was found, on a copy enlarged 2× or 3× (nearest
//!    neighbour, so module edges stay sharp; as long as it
//!    stays under 16 megapixels): a QR code drawn with 1 or 2 pixels per module,
//!    small in a large page, is then found.
//!
//! `rqrr` panics (asserts) on some inputs; a pass that panics counts as
//! having found nothing, so this needs unwinding panics (the workspace's
//! default `panic = "unwind"`).
//!
//! The first pass that reads at least one code wins, and all the codes it
//! read are returned, in the order found, without duplicates.
//!
//! # Secrets
//! Errors and `Debug` output never contain the decoded text or the text to
//! draw. Buffers that Sparekey owns (greyscale copies, module grids, decoded
//! bytes, the SVG text) are zeroized; the thresholded working copy that
//! `rqrr` keeps internally, and the QR encoder's own bit buffers, cannot be
//! reached and are freed without wiping.

use std::io::Cursor;

use image::{
    codecs::png::PngEncoder, imageops, DynamicImage, GrayImage, ImageEncoder, ImageFormat,
    ImageReader, Limits,
};
use qrcode::{types::QrError, EcLevel, QrCode};
use zeroize::{Zeroize, Zeroizing};

use crate::{secret::SecretString, Error, Result};

/// Largest input accepted by [`decode_image`], in bytes (20 MiB).
pub const MAX_INPUT_BYTES: usize = 20 * 1024 * 1024;
/// Largest width or height accepted by [`decode_image`], in pixels.
pub const MAX_SIDE: u32 = 8000;
/// Largest image accepted by [`decode_image`], in pixels (40 megapixels).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Images up to this many pixels (a 4K screenshot) are searched at full size
/// first; larger ones are searched reduced first.
pub const FULL_SIZE_PIXELS: u64 = 3840 * 2160;
/// Quiet zone drawn around the code, in modules (the standard's minimum).
pub const QUIET_ZONE: u32 = 4;
/// Largest text [`to_png`] and [`to_svg`] can draw, in bytes (a version-40
/// code in byte mode at medium error correction).
pub const MAX_TEXT_BYTES: usize = 2331;

/// Memory cap given to the image decoder (the output image counts towards it).
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;
/// Largest enlarged copy searched for tiny codes, in pixels.
const MAX_UPSCALED_PIXELS: u64 = 16_000_000;
/// Longest side of the strongly reduced copy.
const REDUCED_SIDE: u32 = 800;
/// Images with a longer side than this also get the reduced passes.
const REDUCE_FROM_SIDE: u32 = 1000;
/// Most QR finder patterns (the three squares in a code's corners) an image
/// may hold: three per code, so sixteen codes. The decoder tries groups of
/// patterns against each other, which grows with the cube of their number:
/// a small PNG tiled with finder patterns kept it busy for minutes.
const MAX_FINDER_PATTERNS: f64 = 48.0;
/// Field name used in every error of this module.
const FIELD: &str = "image";

const NO_CODE: &str =
    "no QR code found in the image: crop to the QR code or take a sharper screenshot";
const NO_CODE_ON_SCREEN: &str = "no QR code found on the screen: show the setup page's QR code \
     in another window, whole and not covered by this one, then scan again";
const UNREADABLE_ON_SCREEN: &str = "a QR code was found on the screen but could not be read: \
     make it larger (zoom in on the page) and not covered by another window, then scan again";
const UNREADABLE: &str = "a QR code was found but could not be read \
     (it may be damaged, blurred or partly hidden): take a sharper screenshot of the whole code";

/// Every QR code found in a PNG or JPEG image (a screenshot of a 2FA setup
/// page, a photo), as text.
///
/// Returns at least one text, or an error:
/// - the input is empty, larger than [`MAX_INPUT_BYTES`], not a PNG or JPEG,
///   damaged, or larger than [`MAX_SIDE`]×[`MAX_SIDE`] / [`MAX_PIXELS`];
/// - no QR code was found ("crop to the QR code or take a sharper
///   screenshot");
/// - a QR code was found but none could be read, or its content is not
///   UTF-8 text.
///
/// See the [module documentation](self) for how the image is searched.
pub fn decode_image(bytes: &[u8]) -> Result<Vec<SecretString>> {
    let gray = load_gray(bytes)?;
    decode_gray(&gray, NO_CODE, UNREADABLE)
}

/// Every QR code in a capture of the screen, as text: `bgrx` holds
/// `width`×`height` pixels of four bytes each, blue, green, red and one
/// unused (the layout of an X server's 24-bit screens, and of most
/// screenshots in memory), row after row.
///
/// The same bounds and search as [`decode_image`]: a screen over
/// [`MAX_SIDE`] pixels wide or high, or over [`MAX_PIXELS`], is refused
/// before any pixel is read, and so is a buffer of the wrong length. The
/// greyscale copy is wiped once searched; `bgrx` is the caller's to wipe.
pub fn decode_screen(width: u32, height: u32, bgrx: &[u8]) -> Result<Vec<SecretString>> {
    if width == 0 || height == 0 {
        return Err(Error::invalid(FIELD, "the screen capture is empty"));
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Error::invalid(
            FIELD,
            format!(
                "the screen is {width}×{height} pixels; at most {MAX_SIDE}×{MAX_SIDE} and {} \
                 megapixels are searched: take a screenshot of the QR code and choose it instead",
                MAX_PIXELS / 1_000_000
            ),
        ));
    }
    let expected = u64::from(width) * u64::from(height) * 4;
    if bgrx.len() as u64 != expected {
        return Err(Error::invalid(
            FIELD,
            format!(
                "the screen capture holds {} bytes, not the {expected} of {width}×{height} pixels",
                bgrx.len()
            ),
        ));
    }
    let luma: Vec<u8> = bgrx
        .chunks_exact(4)
        .map(|px| {
            // ITU-R BT.601 weights, as `image`'s own greyscale conversion.
            let (b, g, r) = (u32::from(px[0]), u32::from(px[1]), u32::from(px[2]));
            ((r * 299 + g * 587 + b * 114 + 500) / 1000) as u8
        })
        .collect();
    let gray = match GrayImage::from_raw(width, height, luma) {
        Some(gray) => Zeroizing::new(GrayImageBox(gray)),
        None => return Err(Error::invalid(FIELD, "the screen capture is damaged")),
    };
    decode_gray(&gray, NO_CODE_ON_SCREEN, UNREADABLE_ON_SCREEN)
}

/// The search of [`decode_image`] and [`decode_screen`], on greyscale;
/// `no_code` and `unreadable` are the errors' messages.
fn decode_gray(
    gray: &GrayImage,
    no_code: &'static str,
    unreadable: &'static str,
) -> Result<Vec<SecretString>> {
    let patterns = finder_patterns(gray);
    if patterns > MAX_FINDER_PATTERNS {
        return Err(Error::invalid(
            FIELD,
            format!(
                "holds about {patterns:.0} QR finder patterns, more than {} codes' worth; crop it \
                 to the code you want",
                MAX_FINDER_PATTERNS as u32 / 3
            ),
        ));
    }
    let (w, h) = gray.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    let longest = w.max(h);

    let mut saw_code = false;
    let mut try_pass = |img: Zeroizing<Vec<u8>>, pw: u32, ph: u32| -> Option<Vec<SecretString>> {
        // rqrr asserts on some inputs (e.g. 1-pixel modules): a panic in one
        // pass is taken as "nothing found there" and the next pass runs.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scan(img, pw, ph)));
        match outcome.unwrap_or(Scan::Nothing) {
            Scan::Found(found) => Some(found),
            Scan::Unreadable => {
                saw_code = true;
                None
            }
            Scan::Nothing => None,
        }
    };

    let full_first = pixels <= FULL_SIZE_PIXELS;
    if full_first {
        if let Some(found) = try_pass(copy_of(gray), w, h) {
            return Ok(found);
        }
    }
    if longest > REDUCE_FROM_SIDE {
        let (hw, hh) = ((w / 2).max(1), (h / 2).max(1));
        let (buf, hw, hh) = reduced(gray, hw, hh);
        if let Some(found) = try_pass(buf, hw, hh) {
            return Ok(found);
        }
        if longest / 2 > REDUCED_SIDE {
            let (rw, rh) = fit(w, h, REDUCED_SIDE);
            let (buf, rw, rh) = reduced(gray, rw, rh);
            if let Some(found) = try_pass(buf, rw, rh) {
                return Ok(found);
            }
        }
    }
    if !full_first {
        if let Some(found) = try_pass(copy_of(gray), w, h) {
            return Ok(found);
        }
    }
    let factor = upscale_factor(pixels);
    if factor >= 2 {
        let (uw, uh) = (w * factor, h * factor);
        let up = imageops::resize(gray, uw, uh, imageops::FilterType::Nearest);
        if let Some(found) = try_pass(Zeroizing::new(up.into_raw()), uw, uh) {
            return Ok(found);
        }
    }
    Err(Error::invalid(
        FIELD,
        if saw_code { unreadable } else { no_code },
    ))
}

/// About how many QR finder patterns `gray` holds, in one pass over its
/// pixels: each row is cut into runs of dark and light,
/// and a dark-light-dark-light-dark run of widths 1:1:3:1:1 whose middle
/// column shows the same 1:1:3:1:1 is a row through the middle of a
/// pattern. A pattern of module size `u` shows on about `3u` rows, so each
/// hit counts `1 / 3u`.
fn finder_patterns(gray: &GrayImage) -> f64 {
    let (w, h) = gray.dimensions();
    let (w, h) = (w as usize, h as usize);
    let raw = gray.as_raw();
    if w == 0 || h == 0 {
        return 0.0;
    }
    // Dark means below the middle of the 1st and 99th percentile, so the
    // noise of a mostly white (or JPEG) page is not dark.
    let mut histogram = [0usize; 256];
    for &p in raw {
        histogram[usize::from(p)] += 1;
    }
    let percentile = |q: usize| {
        let mut seen = 0;
        (0..256u16)
            .find(|&v| {
                seen += histogram[usize::from(v)];
                seen * 100 >= raw.len() * q
            })
            .unwrap_or(255)
    };
    let threshold = (percentile(1) + percentile(99)) / 2;
    let dark = |x: usize, y: usize| u16::from(raw[y * w + x]) < threshold;
    let mut estimate = 0.0;
    let mut runs: Vec<(bool, usize, usize)> = Vec::with_capacity(256);
    for y in 0..h {
        runs.clear();
        for x in 0..w {
            let d = dark(x, y);
            match runs.last_mut() {
                Some((rd, _, n)) if *rd == d => *n += 1,
                _ => runs.push((d, x, 1)),
            }
        }
        for win in runs.windows(5) {
            if !win[0].0 {
                continue;
            }
            let widths: [usize; 5] = std::array::from_fn(|i| win[i].2);
            let Some(unit) = ratio_1_1_3_1_1(widths) else {
                continue;
            };
            let centre = win[2].1 + win[2].2 / 2;
            if column_fits(&dark, centre, y, h) {
                estimate += 1.0 / (3.0 * unit);
            }
        }
    }
    estimate
}

/// The module size when five run widths are 1:1:3:1:1 (within half a module
/// for the thin runs, one module for the middle one).
fn ratio_1_1_3_1_1(widths: [usize; 5]) -> Option<f64> {
    let w = widths.map(|n| n as f64);
    let unit = w.iter().sum::<f64>() / 7.0;
    let fits = |width: f64, modules: f64| {
        (width - modules * unit).abs() <= unit * if modules > 1.0 { 1.0 } else { 0.5 }
    };
    (unit >= 1.0
        && fits(w[0], 1.0)
        && fits(w[1], 1.0)
        && fits(w[2], 3.0)
        && fits(w[3], 1.0)
        && fits(w[4], 1.0))
    .then_some(unit)
}

/// True when the column `x` through row `y` (a dark pixel in the middle of
/// a finder pattern) also reads dark-light-dark-light-dark as 1:1:3:1:1.
fn column_fits(dark: &impl Fn(usize, usize) -> bool, x: usize, y: usize, h: usize) -> bool {
    if !dark(x, y) {
        return false;
    }
    // Run lengths walking up and down from (x, y): the middle run, then the
    // light and the dark ring on each side.
    let walk = |step: isize| -> [usize; 3] {
        let mut lengths = [0usize; 3];
        let mut yy = y as isize;
        for (i, want_dark) in [true, false, true].into_iter().enumerate() {
            while yy >= 0 && (yy as usize) < h && dark(x, yy as usize) == want_dark {
                lengths[i] += 1;
                yy += step;
            }
        }
        lengths
    };
    let up = walk(-1);
    let down = walk(1);
    ratio_1_1_3_1_1([up[2], up[1], up[0] + down[0] - 1, down[1], down[2]]).is_some()
}

/// An SVG document of `text` as a QR code (dark modules on white, a quiet
/// zone of [`QUIET_ZONE`] modules, medium error correction), for screens and
/// print. One SVG unit is one module; the document scales to any size.
///
/// Fails only when `text` is too long for a QR code (over
/// [`MAX_TEXT_BYTES`] bytes, or fewer if the text mixes encodings); the
/// error names the length, never the text.
pub fn to_svg(text: &str) -> Result<Zeroizing<String>> {
    let (modules, width) = encode(text)?;
    let side = width + 2 * QUIET_ZONE;

    // Count the runs of dark modules first so the String is allocated once
    // and never reallocated (a reallocation would leave an unwiped copy).
    let mut runs = 0usize;
    for row in modules.chunks(width as usize) {
        let mut prev = false;
        for &dark in row {
            if dark && !prev {
                runs += 1;
            }
            prev = dark;
        }
    }
    // Each run is at most "M185 185h185v1h-185z" (20 bytes).
    let mut svg = Zeroizing::new(String::with_capacity(400 + runs * 24));
    svg.push_str(&format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1""#,
            r#" width="{s}" height="{s}" viewBox="0 0 {s} {s}" shape-rendering="crispEdges">"#,
            r##"<rect x="0" y="0" width="{s}" height="{s}" fill="#fff"/>"##,
            r##"<path fill="#000" d=""##
        ),
        s = side
    ));
    for (y, row) in modules.chunks(width as usize).enumerate() {
        let y = y as u32 + QUIET_ZONE;
        let mut x = 0usize;
        while x < row.len() {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < row.len() && row[x] {
                x += 1;
            }
            let n = x - start;
            let sx = start as u32 + QUIET_ZONE;
            // Small fixed-size pieces, pushed into the pre-sized String.
            push_num(&mut svg, 'M', sx);
            push_num(&mut svg, ' ', y);
            push_num(&mut svg, 'h', n as u32);
            svg.push_str("v1h-");
            push_num(&mut svg, '\0', n as u32);
            svg.push('z');
        }
    }
    svg.push_str(r#""/></svg>"#);
    svg.push('\n');
    Ok(svg)
}

/// A PNG of `text` as a QR code, `scale` pixels per module (1..=32), with a
/// quiet zone of [`QUIET_ZONE`] modules, 8-bit greyscale, black on white,
/// medium error correction.
///
/// Fails when `scale` is outside 1..=32 or `text` is too long for a QR code
/// (the error names the length, never the text).
pub fn to_png(text: &str, scale: u32) -> Result<Vec<u8>> {
    if !(1..=32).contains(&scale) {
        return Err(Error::invalid(
            "QR code scale",
            format!("{scale} pixels per module is out of range: use 1 to 32"),
        ));
    }
    let (modules, width) = encode(text)?;
    let side_modules = width + 2 * QUIET_ZONE;
    let side = side_modules * scale;
    let mut pixels = Zeroizing::new(vec![255u8; (side as usize) * (side as usize)]);
    for (my, row) in modules.chunks(width as usize).enumerate() {
        for (mx, &dark) in row.iter().enumerate() {
            if !dark {
                continue;
            }
            let px = (mx as u32 + QUIET_ZONE) * scale;
            let py = (my as u32 + QUIET_ZONE) * scale;
            for y in py..py + scale {
                let at = (y * side + px) as usize;
                pixels[at..at + scale as usize].fill(0);
            }
        }
    }
    // Reserve more than the worst case (stored deflate blocks plus filter
    // bytes) so the output never reallocates and leaves copies behind.
    let raw = pixels.len() + side as usize;
    let mut out = Vec::with_capacity(raw + raw / 16 + 4096);
    PngEncoder::new(&mut out)
        .write_image(&pixels, side, side, image::ExtendedColorType::L8)
        .map_err(|e| {
            out.zeroize();
            Error::invalid("QR code", format!("the PNG could not be written ({e})"))
        })?;
    Ok(out)
}

/// The modules of `text` as a QR code (row-major, `true` = dark) and its width.
fn encode(text: &str) -> Result<(Zeroizing<Vec<bool>>, u32)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        let len = text.len();
        match e {
            QrError::DataTooLong => Error::invalid(
                "QR code text",
                format!(
                    "{len} bytes are too long for a QR code: at most {MAX_TEXT_BYTES} bytes fit"
                ),
            ),
            _ => Error::invalid(
                "QR code text",
                format!("{len} bytes could not be encoded as a QR code"),
            ),
        }
    })?;
    let width = code.width() as u32;
    // Collected in place (same size, same allocation), then wiped on drop.
    let modules = code
        .into_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok((Zeroizing::new(modules), width))
}

/// Appends `prefix` (unless NUL) and the decimal digits of `n`, without a
/// temporary heap String.
fn push_num(s: &mut String, prefix: char, n: u32) {
    if prefix != '\0' {
        s.push(prefix);
    }
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        s.push(char::from(d));
    }
}

/// Checks the input and its header, then decodes it to greyscale.
fn load_gray(bytes: &[u8]) -> Result<Zeroizing<GrayImageBox>> {
    if bytes.is_empty() {
        return Err(Error::invalid(
            FIELD,
            "the image is empty (no bytes were given)",
        ));
    }
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::invalid(
            FIELD,
            format!(
                "the image is {:.1} MiB; at most {} MiB are read: crop it to the QR code",
                bytes.len() as f64 / (1024.0 * 1024.0),
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        ));
    }
    let reader = || -> Result<ImageReader<Cursor<&[u8]>>> {
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| not_png_or_jpeg())?;
        match reader.format() {
            Some(ImageFormat::Png | ImageFormat::Jpeg) => Ok(reader),
            _ => Err(not_png_or_jpeg()),
        }
    };
    let kind = match reader()?.format() {
        Some(ImageFormat::Png) => "PNG",
        _ => "JPEG",
    };
    let damaged = || {
        Error::invalid(
            FIELD,
            format!("the {kind} image could not be read: it is damaged or cut short"),
        )
    };

    // Header only: no pixel is decoded or allocated here.
    let (w, h) = reader()?.into_dimensions().map_err(|_| damaged())?;
    if w == 0 || h == 0 {
        return Err(damaged());
    }
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Error::invalid(
            FIELD,
            format!(
                "the image is {w}×{h} pixels; at most {MAX_SIDE}×{MAX_SIDE} and {} megapixels \
                 are read: crop it to the QR code or scale it down",
                MAX_PIXELS / 1_000_000
            ),
        ));
    }

    let mut reader = reader()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|_| damaged())?;
    let gray = decoded.to_luma8();
    wipe(decoded);
    Ok(Zeroizing::new(GrayImageBox(gray)))
}

fn not_png_or_jpeg() -> Error {
    Error::invalid(
        FIELD,
        "not a PNG or JPEG image: save the screenshot or photo as PNG or JPEG",
    )
}

/// A greyscale image whose pixels are zeroized on drop.
struct GrayImageBox(GrayImage);

impl Zeroize for GrayImageBox {
    fn zeroize(&mut self) {
        let px: &mut [u8] = &mut self.0;
        px.zeroize();
    }
}

impl std::ops::Deref for GrayImageBox {
    type Target = GrayImage;
    fn deref(&self) -> &GrayImage {
        &self.0
    }
}

/// Zeroizes the decoded pixels of every kind of image.
fn wipe(img: DynamicImage) {
    match img {
        DynamicImage::ImageLuma8(mut b) => (*b).zeroize(),
        DynamicImage::ImageLumaA8(mut b) => (*b).zeroize(),
        DynamicImage::ImageRgb8(mut b) => (*b).zeroize(),
        DynamicImage::ImageRgba8(mut b) => (*b).zeroize(),
        DynamicImage::ImageLuma16(mut b) => (*b).zeroize(),
        DynamicImage::ImageLumaA16(mut b) => (*b).zeroize(),
        DynamicImage::ImageRgb16(mut b) => (*b).zeroize(),
        DynamicImage::ImageRgba16(mut b) => (*b).zeroize(),
        DynamicImage::ImageRgb32F(mut b) => (*b).zeroize(),
        DynamicImage::ImageRgba32F(mut b) => (*b).zeroize(),
        _ => {}
    }
}

fn copy_of(gray: &GrayImage) -> Zeroizing<Vec<u8>> {
    let src: &[u8] = gray;
    let mut v = Zeroizing::new(Vec::with_capacity(src.len()));
    v.extend_from_slice(src);
    v
}

/// An area-averaged reduced copy, `w`×`h`.
fn reduced(gray: &GrayImage, w: u32, h: u32) -> (Zeroizing<Vec<u8>>, u32, u32) {
    let small = imageops::thumbnail(gray, w, h);
    let (w, h) = small.dimensions();
    (Zeroizing::new(small.into_raw()), w, h)
}

/// Dimensions scaled so the longest side is `side`.
fn fit(w: u32, h: u32, side: u32) -> (u32, u32) {
    let longest = u64::from(w.max(h));
    let sw = (u64::from(w) * u64::from(side) / longest).max(1) as u32;
    let sh = (u64::from(h) * u64::from(side) / longest).max(1) as u32;
    (sw, sh)
}

/// The enlargement factor (0, 2 or 3) for the last pass.
fn upscale_factor(pixels: u64) -> u32 {
    (2..=3)
        .rev()
        .find(|f| pixels * f * f <= MAX_UPSCALED_PIXELS)
        .unwrap_or(0) as u32
}

enum Scan {
    Found(Vec<SecretString>),
    Unreadable,
    Nothing,
}

/// Searches one greyscale buffer and decodes every code found.
fn scan(mut pixels: Zeroizing<Vec<u8>>, w: u32, h: u32) -> Scan {
    // Moved, not copied: rqrr thresholds this buffer in place and keeps it.
    let Some(img) = GrayImage::from_raw(w, h, std::mem::take(&mut *pixels)) else {
        return Scan::Nothing;
    };
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    if grids.is_empty() {
        return Scan::Nothing;
    }
    let mut found: Vec<SecretString> = Vec::new();
    for grid in grids {
        // Pre-sized so it never reallocates: rqrr writes at most this much.
        let mut buf = Zeroizing::new(Vec::with_capacity(rqrr::MAX_PAYLOAD_SIZE));
        if grid.decode_to(&mut *buf).is_err() {
            continue;
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t,
            Err(_) => continue,
        };
        use crate::secret::ExposeSecret;
        if found.iter().any(|f| f.expose_secret() == text) {
            continue;
        }
        // Exact capacity: `SecretString::from` then boxes it without a copy.
        let mut s = String::with_capacity(text.len());
        s.push_str(text);
        found.push(SecretString::from(s));
    }
    if found.is_empty() {
        Scan::Unreadable
    } else {
        Scan::Found(found)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::secret::ExposeSecret;
    use image::codecs::jpeg::JpegEncoder;
    use std::time::{Duration, Instant};

    const SHORT: &str = "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI";

    /// A long URI with a 64-byte secret (103 base32 characters).
    fn long_uri() -> String {
        let key: Vec<u8> = (0u8..64)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        let secret = data_encoding::BASE32_NOPAD.encode(&key);
        assert_eq!(secret.len(), 103);
        format!(
            "otpauth://totp/Example%20Corporation:alice.example%40mail.example.com?secret={secret}\
             &issuer=Example%20Corporation&algorithm=SHA512&digits=8&period=60"
        )
    }

    fn texts(found: &[SecretString]) -> Vec<String> {
        found.iter().map(|s| s.expose_secret().to_owned()).collect()
    }

    fn gray_of(text: &str, scale: u32) -> GrayImage {
        image::load_from_memory(&to_png(text, scale).unwrap())
            .unwrap()
            .to_luma8()
    }

    /// `gray` pasted at (`x`, `y`) on a mid-grey 1280×800 "screen" in the
    /// blue-green-red-unused layout of an X server's screen.
    fn screen_with(gray: &GrayImage, x: u32, y: u32) -> (u32, u32, Vec<u8>) {
        let (w, h) = (1280u32, 800u32);
        let mut bgrx = vec![0x80u8; (w * h * 4) as usize];
        for (gx, gy, px) in gray.enumerate_pixels() {
            let at = (((y + gy) * w + x + gx) * 4) as usize;
            bgrx[at..at + 3].fill(px.0[0]);
        }
        (w, h, bgrx)
    }

    /// A code shown somewhere on a screen is read from its raw pixels.
    #[test]
    fn reads_a_code_shown_on_the_screen() {
        let (w, h, bgrx) = screen_with(&gray_of(SHORT, 4), 900, 420);
        let found = decode_screen(w, h, &bgrx).unwrap();
        assert_eq!(texts(&found), [SHORT]);
    }

    /// A screen with no code says so; a buffer of the wrong size, an empty or
    /// an oversized screen is refused before any pixel is read.
    #[test]
    fn a_screen_without_a_code_or_of_the_wrong_size_is_refused() {
        let (w, h, bgrx) = screen_with(&GrayImage::new(1, 1), 0, 0);
        let error = decode_screen(w, h, &bgrx).unwrap_err().to_string();
        assert!(error.contains("no QR code found on the screen"), "{error}");
        let error = decode_screen(w, h, &bgrx[4..]).unwrap_err().to_string();
        assert!(error.contains("not the 4096000 of 1280×800"), "{error}");
        assert!(decode_screen(0, 800, &[]).is_err());
        let start = Instant::now();
        let error = decode_screen(MAX_SIDE + 1, 1, &[]).unwrap_err().to_string();
        assert!(error.contains("at most 8000×8000"), "{error}");
        let error = decode_screen(8000, 8000, &[]).unwrap_err().to_string();
        assert!(error.contains("40 megapixels"), "{error}");
        assert!(start.elapsed() < Duration::from_secs(1));
    }

    fn png_bytes(img: &GrayImage) -> Vec<u8> {
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(img, img.width(), img.height(), image::ExtendedColorType::L8)
            .unwrap();
        out
    }

    fn jpeg_bytes(img: &GrayImage, quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, quality)
            .write_image(img, img.width(), img.height(), image::ExtendedColorType::L8)
            .unwrap();
        out
    }

    /// A white `w`×`h` canvas with each code pasted at its position.
    fn canvas(w: u32, h: u32, codes: &[(&GrayImage, u32, u32)]) -> GrayImage {
        let mut c = GrayImage::from_pixel(w, h, image::Luma([255]));
        for (code, x, y) in codes {
            imageops::replace(&mut c, *code, i64::from(*x), i64::from(*y));
        }
        c
    }

    fn err_text(r: Result<Vec<SecretString>>) -> String {
        match r {
            Ok(found) => panic!("expected an error, decoded {} code(s)", found.len()),
            Err(e) => e.to_string(),
        }
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }

    /// A valid-looking PNG that claims `w`×`h` greyscale pixels but carries a
    /// tiny IDAT.
    fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        png_chunk(&mut out, b"IHDR", &ihdr);
        // zlib stream of a few zero bytes.
        png_chunk(
            &mut out,
            b"IDAT",
            &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
        );
        png_chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn png_round_trip_short_uri() {
        for scale in [1, 2, 4, 8] {
            let png = to_png(SHORT, scale).unwrap();
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
            let found = decode_image(&png).unwrap();
            assert_eq!(texts(&found), [SHORT], "scale {scale}");
        }
    }

    #[test]
    fn png_round_trip_long_uri_with_64_byte_secret() {
        let uri = long_uri();
        for scale in [2, 3, 6] {
            let found = decode_image(&to_png(&uri, scale).unwrap()).unwrap();
            assert_eq!(texts(&found), [uri.as_str()], "scale {scale}");
        }
    }

    #[test]
    fn png_has_quiet_zone_and_requested_scale() {
        let img = gray_of(SHORT, 3);
        let (modules, width) = encode(SHORT).unwrap();
        assert_eq!(img.width(), (width + 2 * QUIET_ZONE) * 3);
        assert_eq!(img.width(), img.height());
        // The quiet zone is white; the top-left finder starts right after it.
        for i in 0..QUIET_ZONE * 3 {
            assert_eq!(img.get_pixel(i, i).0[0], 255);
        }
        assert!(modules[0]);
        assert_eq!(img.get_pixel(QUIET_ZONE * 3, QUIET_ZONE * 3).0[0], 0);
    }

    #[test]
    fn png_scale_out_of_range_is_refused() {
        for scale in [0, 33, 1000] {
            let e = to_png(SHORT, scale).unwrap_err().to_string();
            assert!(e.contains("1 to 32"), "{e}");
            assert!(!e.contains("JBSWY3DPEHPK3PXP"), "{e}");
        }
    }

    #[test]
    fn too_long_text_names_the_length_not_the_text() {
        let text = format!("otpauth://totp/x?secret={}", "SECRETSECRET".repeat(300));
        let e = to_png(&text, 4).unwrap_err().to_string();
        assert!(e.contains(&text.len().to_string()), "{e}");
        assert!(!e.contains("SECRETSECRET"), "{e}");
        let e = to_svg(&text).unwrap_err().to_string();
        assert!(e.contains(&text.len().to_string()), "{e}");
        assert!(!e.contains("SECRETSECRET"), "{e}");
        // The largest text that fits is drawn.
        let longest = "a".repeat(MAX_TEXT_BYTES);
        assert!(to_png(&longest, 1).is_ok());
        assert!(to_svg(&"a".repeat(MAX_TEXT_BYTES + 1)).is_err());
    }

    /// Draws the SVG's path ("M x y h n v1 h-n z" runs) back into pixels, so
    /// the test needs no SVG renderer.
    fn rasterize_own_svg(svg: &str, scale: u32) -> GrayImage {
        let side: u32 = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut img = GrayImage::from_pixel(side * scale, side * scale, image::Luma([255]));
        for run in d.split('z').filter(|r| !r.is_empty()) {
            let run = run.strip_prefix('M').unwrap();
            let (xy, rest) = run.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (u32, u32) = (x.parse().unwrap(), y.parse().unwrap());
            let (n, back) = rest.split_once("v1h-").unwrap();
            assert_eq!(n, back);
            let n: u32 = n.parse().unwrap();
            for px in x * scale..(x + n) * scale {
                for py in y * scale..(y + 1) * scale {
                    img.put_pixel(px, py, image::Luma([0]));
                }
            }
        }
        img
    }

    #[test]
    fn svg_is_a_document_that_reads_back() {
        for text in [SHORT.to_owned(), long_uri()] {
            let svg = to_svg(&text).unwrap();
            assert!(svg.starts_with("<?xml"), "{}", &svg[..40]);
            assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
            assert!(svg.contains("fill=\"#fff\"") && svg.contains("fill=\"#000\""));
            assert!(svg.trim_end().ends_with("</svg>"));
            let img = rasterize_own_svg(&svg, 4);
            // Quiet zone: the path never touches the outer 4 modules.
            let (_, width) = encode(&text).unwrap();
            assert_eq!(img.width(), (width + 2 * QUIET_ZONE) * 4);
            // Same modules as the PNG.
            assert_eq!(img, gray_of(&text, 4));
            let found = decode_image(&png_bytes(&img)).unwrap();
            assert_eq!(texts(&found), [text]);
        }
    }

    #[test]
    fn empty_input_is_refused() {
        let e = err_text(decode_image(b""));
        assert!(e.contains("the image is empty"), "{e}");
    }

    #[test]
    fn non_image_bytes_are_refused() {
        for bytes in [
            SHORT.as_bytes().to_vec(),
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            vec![0u8; 4096],
        ] {
            let e = err_text(decode_image(&bytes));
            assert!(e.contains("not a PNG or JPEG image"), "{e}");
            assert!(!e.contains("JBSWY3DPEHPK3PXP"), "{e}");
        }
    }

    #[test]
    fn damaged_png_is_refused() {
        let mut png = to_png(SHORT, 4).unwrap();
        png.truncate(png.len() / 2);
        let e = err_text(decode_image(&png));
        assert!(e.contains("PNG image could not be read"), "{e}");
    }

    #[test]
    fn oversized_dimensions_are_refused_before_decoding() {
        for (w, h, shown) in [
            (100_000, 100_000, "100000×100000"),
            (12_000, 9_000, "12000×9000"),
            (7_000, 7_000, "7000×7000"), // within each side, over 40 megapixels
        ] {
            let png = png_claiming(w, h);
            let started = Instant::now();
            let e = err_text(decode_image(&png));
            assert!(started.elapsed() < Duration::from_millis(500));
            assert!(
                e.contains(&format!("the image is {shown} pixels; at most")),
                "{e}"
            );
        }
    }

    #[test]
    fn oversized_input_is_refused() {
        let mut big = to_png(SHORT, 1).unwrap();
        big.resize(MAX_INPUT_BYTES + 1, 0);
        let e = err_text(decode_image(&big));
        assert!(e.contains("at most 20 MiB"), "{e}");
    }

    #[test]
    fn blank_image_has_no_code() {
        let white = canvas(640, 480, &[]);
        let e = err_text(decode_image(&png_bytes(&white)));
        assert!(e.contains("no QR code found in the image"), "{e}");
        let e = err_text(decode_image(&jpeg_bytes(&white, 90)));
        assert!(e.contains("no QR code found in the image"), "{e}");
    }

    #[test]
    fn damaged_code_is_found_but_unreadable_without_leaking() {
        let mut img = gray_of(SHORT, 4);
        let (_, width) = encode(SHORT).unwrap();
        // Wipe the data between the finder patterns, keep the finders.
        let lo = (QUIET_ZONE + 9) * 4;
        let hi = (QUIET_ZONE + width - 9) * 4;
        for y in lo..hi {
            for x in lo..hi {
                img.put_pixel(
                    x,
                    y,
                    image::Luma([if (x / 4 + y / 4) % 2 == 0 { 0 } else { 255 }]),
                );
            }
        }
        let e = err_text(decode_image(&png_bytes(&img)));
        assert!(
            e.contains("a QR code was found but could not be read"),
            "{e}"
        );
        assert!(
            !e.contains("JBSWY3DPEHPK3PXP") && !e.contains("otpauth"),
            "{e}"
        );
    }

    #[test]
    fn small_code_in_a_large_screenshot_is_found() {
        let code = gray_of(SHORT, 2);
        let page = canvas(1920, 1080, &[(&code, 900, 480)]);
        let found = decode_image(&png_bytes(&page)).unwrap();
        assert_eq!(texts(&found), [SHORT]);
    }

    #[test]
    fn tiny_code_with_one_pixel_modules_is_found() {
        let code = gray_of(SHORT, 1);
        let page = canvas(800, 600, &[(&code, 400, 300)]);
        let found = decode_image(&png_bytes(&page)).unwrap();
        assert_eq!(texts(&found), [SHORT]);
    }

    /// `n`×`n` QR finder patterns (7×7 modules of `m` pixels) on white.
    fn finder_tiles(n: u32, m: u32) -> GrayImage {
        let cell = 11 * m;
        let side = n * cell + 4 * m;
        GrayImage::from_fn(side, side, |x, y| {
            let (cx, cy) = (
                (x.saturating_sub(4 * m)) % cell,
                (y.saturating_sub(4 * m)) % cell,
            );
            let inside = x >= 4 * m && y >= 4 * m && cx < 7 * m && cy < 7 * m;
            let (mx, my) = (cx / m, cy / m);
            let ring = mx == 0 || mx == 6 || my == 0 || my == 6;
            let stone = (2..=4).contains(&mx) && (2..=4).contains(&my);
            image::Luma([if inside && (ring || stone) { 0 } else { 255 }])
        })
    }

    /// A small PNG tiled with finder patterns is answered at once: the
    /// decoder's work grows with the cube of their number (400 took 40 s in
    /// a debug build, and more take minutes).
    #[test]
    fn an_image_tiled_with_finder_patterns_is_refused_before_decoding() {
        let tiles = finder_tiles(20, 3);
        let estimate = finder_patterns(&tiles);
        assert!((380.0..=420.0).contains(&estimate), "{estimate}");
        let error = decode_image(&png_bytes(&tiles)).unwrap_err().to_string();
        assert!(error.contains("finder patterns"), "{error}");
        // One real code is three patterns, as it should be.
        let code = gray_of(SHORT, 4);
        let one = finder_patterns(&canvas(900, 700, &[(&code, 100, 100)]));
        assert!((2.0..=4.5).contains(&one), "{one}");
    }

    #[test]
    fn jpeg_is_found() {
        let uri = long_uri();
        let code = gray_of(&uri, 4);
        let page = canvas(1280, 800, &[(&code, 300, 150)]);
        let jpeg = jpeg_bytes(&page, 80);
        assert_eq!(&jpeg[..2], b"\xff\xd8");
        let found = decode_image(&jpeg).unwrap();
        assert_eq!(texts(&found), [uri]);
    }

    #[test]
    fn colour_png_is_found() {
        let code = gray_of(SHORT, 5);
        let rgb = DynamicImage::ImageLuma8(canvas(900, 700, &[(&code, 100, 100)])).to_rgba8();
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(
                &rgb,
                rgb.width(),
                rgb.height(),
                image::ExtendedColorType::Rgba8,
            )
            .unwrap();
        assert_eq!(texts(&decode_image(&out).unwrap()), [SHORT]);
    }

    #[test]
    fn every_code_in_the_image_is_returned_once() {
        let a = "otpauth://totp/A:one?secret=JBSWY3DPEHPK3PXP&issuer=A";
        let b = "otpauth://totp/B:two?secret=KRSXG5CTMVRXEZLU&issuer=B";
        let (ca, cb) = (gray_of(a, 4), gray_of(b, 4));
        let page = canvas(
            1400,
            700,
            &[(&ca, 50, 100), (&cb, 700, 100), (&ca, 50, 400)],
        );
        let mut found = texts(&decode_image(&png_bytes(&page)).unwrap());
        found.sort();
        assert_eq!(found, [a, b]);
    }

    #[test]
    fn errors_never_contain_the_payload() {
        let cases: Vec<Vec<u8>> = vec![
            SHORT.as_bytes().to_vec(),
            to_png(SHORT, 4).unwrap()[..200].to_vec(),
        ];
        for bytes in cases {
            let e = decode_image(&bytes).unwrap_err();
            for shown in [e.to_string(), format!("{e:?}")] {
                assert!(!shown.contains("JBSWY3DPEHPK3PXP"), "{shown}");
                assert!(!shown.contains("otpauth"), "{shown}");
            }
        }
        let found = decode_image(&to_png(SHORT, 4).unwrap()).unwrap();
        let shown = format!("{found:?}");
        assert!(!shown.contains("JBSWY3DPEHPK3PXP"), "{shown}");
    }

    #[test]
    fn fit_and_upscale_helpers() {
        assert_eq!(fit(1920, 1080, 800), (800, 450));
        assert_eq!(fit(1080, 1920, 800), (450, 800));
        assert_eq!(upscale_factor(800 * 600), 3);
        assert_eq!(upscale_factor(1920 * 1080), 2);
        assert_eq!(upscale_factor(3840 * 2160), 0);
    }
}
