//! `crossTab`: one session for every tab of the app. This instance's end of the channel
//! its provider's tabs share, and the translation between the core's announcements and
//! the channel's messages (`core::crosstab` has their format).
//!
//! Sessions cross only when they come from the Backstage backend: a JS connector (direct
//! mode among them) keeps state of its own, such as a refresh token, that another tab's
//! connector does not have, so only sign-outs are shared for it.

use crate::browser::channel::Channel;
use crate::browser::js;
use crate::browser::record::JsRecord;
use crate::connector::session::JsSession;
use crate::core::crosstab::{read_message, Message, PROTOCOL};
use crate::core::manager::Announcement;
use core::cell::Cell;
use wasm_bindgen::prelude::*;

pub struct CrossTab {
    channel: Channel,
    sessions: bool,
}

/// What arrived from another tab, ready for the session core.
pub enum Received {
    Session(JsSession, f64),
    SignedOut(f64),
}

struct Tab(Cell<f64>);
// The wasm32-unknown-unknown build is single-threaded.
unsafe impl Sync for Tab {}
static TAB: Tab = Tab(Cell::new(0.0));

/// This page's id on the channel, shared by every instance in it, drawn once.
fn tab() -> f64 {
    if TAB.0.get() == 0.0 {
        TAB.0.set(js_sys::Math::random() + 1.0);
    }
    TAB.0.get()
}

impl CrossTab {
    /// Opens the channel `name`; `receive` gets what other tabs announce. `None` where the
    /// browser lacks BroadcastChannel or Web Locks: the instance then works as with
    /// `crossTab: false`.
    pub fn open(name: &str, sessions: bool, receive: impl Fn(Received) + 'static) -> Option<CrossTab> {
        let channel = Channel::open(name, move |data| {
            if let Some(r) = received(data, sessions) {
                receive(r);
            }
        })?;
        Some(CrossTab { channel, sessions })
    }

    pub fn announce(&self, announcement: &Announcement<JsSession>) {
        let (at, session) = match announcement {
            Announcement::SignedOut { at } => (*at, JsValue::UNDEFINED),
            Announcement::Session { .. } if !self.sessions => return,
            Announcement::Session { session, since } => (*since, session.to_js()),
        };
        self.channel.post(PROTOCOL, tab(), at, &session);
    }
}

/// A message another tab of this provider posted, or `None` for anything else.
fn received(data: JsValue, sessions: bool) -> Option<Received> {
    Some(match read_message(&JsRecord(data), tab())? {
        Message::SignedOut { at } => Received::SignedOut(at),
        Message::Session { .. } if !sessions => return None,
        Message::Session { since, session } => Received::Session(JsSession::from_js(&session.0).ok()?, since),
    })
}

/// Back to the sign-in page after another tab signed out: a Backstage app (legacy or new
/// frontend system) decides between its sign-in page and the app only when it starts,
/// and offers no hook to go back, so the page starts again.
pub fn restart_page() {
    if let Some(w) = js::window() {
        let _ = js::call_method(&js::get(&w, "location"), "reload", &[]);
    }
}
