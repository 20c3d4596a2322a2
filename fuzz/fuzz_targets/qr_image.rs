//! Image files offered as QR codes (PNG, JPEG): bounded work, no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sparekey_core::qr::decode_image(data);
});
