//! Base32 secrets as typed by people (spaces, dashes, any case, padding).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = sparekey_core::otp::parse_secret(text);
    }
});
