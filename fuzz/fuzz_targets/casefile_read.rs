//! Feeds arbitrary bytes to the case-file verifier (liuhen-casefile, docs/formats/casefile.md):
//! ZIP parsing, the structural refusals, bounded reading, and every document parser behind it.
//! Nothing may panic, nothing unsigned may pass, and the verifier must stay within small limits
//! whatever the archive declares.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use liuhen_casefile::verify::{Limits, TrustedKeys, verify_package};
use liuhen_ledger::signer::Sm2Signer;

fuzz_target!(|data: &[u8]| {
    // A trusted key whose private half the fuzzer never sees.
    let key = Sm2Signer::from_secret_bytes("liuhen.example/fuzz-log", &[0x5a; 32])
        .map(|signer| signer.verifier_key())
        .unwrap_or_default();
    let limits = Limits {
        max_entries: 1_000,
        max_entry_bytes: 1 << 20,
        max_document_bytes: 1 << 20,
        max_documents_total: 4 << 20,
        max_total_bytes: 8 << 20,
        ..Limits::default()
    };
    for use_package_keys in [false, true] {
        let trust = TrustedKeys {
            keys: vec![key.clone()],
            use_package_keys,
        };
        let report = verify_package(Cursor::new(data), &trust, &limits);
        if !use_package_keys {
            assert!(!report.ok(), "an unsigned package passed");
        }
        assert!(report.bytes <= limits.max_total_bytes, "read beyond the limits");
        let _ = report.render_text();
    }
});
