//! otpauth:// URIs as pasted or scanned: any text must parse or give an
//! error, never panic; what parses must survive a round trip.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sparekey_core::{otp, secret::ExposeSecret};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(parsed) = otp::parse_uri(text) {
        let issuer = parsed.issuer.clone().unwrap_or_default();
        let uri = otp::to_uri(&issuer, &parsed.name, &parsed.otp);
        let again = otp::parse_uri(uri.expose_secret()).expect("our own URI parses");
        assert!(again.otp == parsed.otp, "round trip changed the OTP");
    }
});
