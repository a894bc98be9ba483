//! The messages tabs exchange over their BroadcastChannel (`crossTab`), read without
//! trusting them: anything on the channel that is not exactly one of these is ignored.
//!
//! ```text
//! { v: "backstage-oauth2-wasm/1", tab, since, session }   a session a tab obtained
//! { v: "backstage-oauth2-wasm/1", tab, signedOutAt }      a tab signed out
//! ```
//! `tab` tells a page's own messages apart (every instance in one page shares it, so
//! instances in one tab never act on each other: a single tab behaves as 1.20.7).
//! `session` is an `OAuth2Session` as the app sees it (dates as `Date`s), read like the
//! sessions a JS connector returns. Times are epoch milliseconds of the one machine clock
//! all tabs share.

use super::record::Record;

pub const PROTOCOL: &str = "backstage-oauth2-wasm/1";

#[derive(Debug, Clone, PartialEq)]
pub enum Message<R> {
    Session { since: f64, session: R },
    SignedOut { at: f64 },
}

fn finite<R: Record>(r: &R, key: &str) -> Option<f64> {
    r.field(key).and_then(|v| v.number()).filter(|n| n.is_finite())
}

/// The message in `data`, unless it is not ours or comes from this very page (`tab`).
pub fn read_message<R: Record>(data: &R, tab: f64) -> Option<Message<R>> {
    if data.field("v")?.string()? != PROTOCOL || finite(data, "tab")? == tab {
        return None;
    }
    if let Some(at) = finite(data, "signedOutAt") {
        return Some(Message::SignedOut { at });
    }
    let session = data.field("session").filter(Record::is_object)?;
    Some(Message::Session {
        since: finite(data, "since")?,
        session,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::testing::{obj, s, Value};
    use alloc::vec;

    const TAB: f64 = 0.25;

    #[test]
    fn reads_sessions_and_sign_outs_from_other_tabs() {
        let session = obj(&[("providerInfo", obj(&[]))]);
        let msg = obj(&[
            ("v", s(PROTOCOL)),
            ("tab", Value::Num(0.5)),
            ("since", Value::Num(7.0)),
            ("session", session.clone()),
        ]);
        assert_eq!(read_message(&msg, TAB), Some(Message::Session { since: 7.0, session }));
        let out = obj(&[
            ("v", s(PROTOCOL)),
            ("tab", Value::Num(0.5)),
            ("signedOutAt", Value::Num(9.0)),
        ]);
        assert_eq!(read_message(&out, TAB), Some(Message::SignedOut { at: 9.0 }));
    }

    #[test]
    fn ignores_its_own_page_and_anything_else() {
        let own = obj(&[
            ("v", s(PROTOCOL)),
            ("tab", Value::Num(TAB)),
            ("signedOutAt", Value::Num(9.0)),
        ]);
        assert_eq!(read_message(&own, TAB), None);
        let hostile = [
            Value::Null,
            Value::Num(1.0),
            s(PROTOCOL),
            Value::Arr(vec![s(PROTOCOL)]),
            obj(&[]),
            obj(&[
                ("v", s("backstage-oauth2-wasm/2")),
                ("tab", Value::Num(0.5)),
                ("signedOutAt", Value::Num(1.0)),
            ]),
            obj(&[
                ("v", Value::Num(1.0)),
                ("tab", Value::Num(0.5)),
                ("signedOutAt", Value::Num(1.0)),
            ]),
            obj(&[("v", s(PROTOCOL)), ("signedOutAt", Value::Num(1.0))]),
            obj(&[("v", s(PROTOCOL)), ("tab", s("0.5")), ("signedOutAt", Value::Num(1.0))]),
            obj(&[
                ("v", s(PROTOCOL)),
                ("tab", Value::Num(f64::NAN)),
                ("signedOutAt", Value::Num(1.0)),
            ]),
            obj(&[
                ("v", s(PROTOCOL)),
                ("tab", Value::Num(0.5)),
                ("signedOutAt", Value::Num(f64::INFINITY)),
            ]),
            obj(&[("v", s(PROTOCOL)), ("tab", Value::Num(0.5)), ("signedOutAt", s("1"))]),
            obj(&[("v", s(PROTOCOL)), ("tab", Value::Num(0.5)), ("session", obj(&[]))]),
            obj(&[
                ("v", s(PROTOCOL)),
                ("tab", Value::Num(0.5)),
                ("since", Value::Num(1.0)),
                ("session", s("x")),
            ]),
        ];
        for h in hostile {
            assert_eq!(read_message(&h, TAB), None, "{h:?}");
        }
    }
}
