//! The decrypted vault document: a damaged or hostile one must give an
//! error, never a panic; what parses must serialize and parse again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sparekey_core::vault::Document;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("vault.age");
    if let Ok(doc) = Document::from_json(data, path) {
        let again = Document::from_json(&doc.to_json(), path).expect("our own JSON parses");
        assert_eq!(again.accounts.len(), doc.accounts.len());
    }
});
