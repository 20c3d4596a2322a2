//! Pasted recovery-code text from any service.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(parsed) = sparekey_core::recovery::parse_codes(text) {
            let _ = sparekey_core::recovery::RecoverySet::from_parsed(parsed, 0);
        }
    }
});
