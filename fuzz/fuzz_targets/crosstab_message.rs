//! A message on the tabs' BroadcastChannel: any page of the origin can post one.
#![no_main]
use backstage_oauth2_wasm::core::crosstab::{read_message, Message, PROTOCOL};
use backstage_oauth2_wasm::core::record::Record;
use backstage_oauth2_wasm_fuzz::Json;
use libfuzzer_sys::fuzz_target;

const TAB: f64 = 0.5;

fuzz_target!(|data: Json| {
    let data = data.0;
    let Some(message) = read_message(&data, TAB) else {
        return;
    };
    assert_eq!(data.field("v").and_then(|v| v.string()).as_deref(), Some(PROTOCOL));
    assert_ne!(
        data.field("tab").and_then(|t| t.number()),
        Some(TAB),
        "a page's own message"
    );
    match message {
        Message::SignedOut { at } => assert!(at.is_finite()),
        Message::Session { since, session } => assert!(since.is_finite() && session.is_object()),
    }
});
