//! `event.data` of a message from the login popup.
#![no_main]
use backstage_oauth2_wasm::core::record::Record;
use backstage_oauth2_wasm::core::response::{classify_popup_message, parse_auth_response, PopupMessage};
use backstage_oauth2_wasm_fuzz::Json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: Json| {
    let data = data.0;
    let kind = data.field("type").and_then(|t| t.string());
    match classify_popup_message(&data) {
        PopupMessage::ConfigInfo { .. } => assert_eq!(kind.as_deref(), Some("config_info")),
        PopupMessage::Response(r) => {
            assert_eq!(kind.as_deref(), Some("authorization_response"));
            assert_eq!(r.is_err(), data.has("error"));
            // What the sign-in then reads of the response.
            if let Ok(Some(response)) = r {
                let _ = parse_auth_response(&response);
            }
        }
        PopupMessage::Ignored => assert!(!matches!(
            kind.as_deref(),
            Some("config_info" | "authorization_response")
        )),
    }
});
