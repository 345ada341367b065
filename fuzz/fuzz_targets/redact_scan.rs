//! Feeds arbitrary text into liuhen-redact: `scan`, `redact` under every channel policy and
//! `leak_check`, with the first line used as a known person's name. Nothing may panic; every
//! finding must lie on char boundaries, in order, without overlap; masking must be idempotent and
//! a public channel's output must pass `leak_check` (D10-d).
#![no_main]

use libfuzzer_sys::fuzz_target;
use liuhen_redact::policy::{Channel, Policy};
use liuhen_redact::{KnownEntities, Role, leak_check, redact, scan};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut known = KnownEntities::new();
    if let Some(first_line) = text.lines().next() {
        let _ = known.add_person(
            first_line.chars().take(6).collect::<String>().as_str(),
            Role::Party,
        );
    }
    let findings = scan(&text, &known);
    let mut last_end = 0;
    for finding in &findings {
        assert!(
            text.is_char_boundary(finding.bytes.start) && text.is_char_boundary(finding.bytes.end)
        );
        assert!(last_end <= finding.bytes.start && finding.bytes.start < finding.bytes.end);
        assert_eq!(&text[finding.bytes.start..finding.bytes.end], finding.text);
        last_end = finding.bytes.end;
    }
    for channel in [
        Channel::Portal,
        Channel::OpenData,
        Channel::Party,
        Channel::Internal,
    ] {
        let policy = Policy::for_channel(channel);
        let once = redact(&text, &policy, &known).text;
        let twice = redact(&once, &policy, &known).text;
        assert_eq!(once, twice, "masking is not idempotent");
        if channel.is_public() {
            assert!(
                leak_check(&once, &known).is_ok(),
                "public output still leaks: {once}"
            );
        }
    }
});
