//! An `AuthConnector<OAuth2Session>` supplied from JS (`OAuth2.create({ authConnector })`).

use super::session::JsSession;
use super::JsError;
use crate::browser::{js, scopes};
use crate::core::manager::CreateRequest;
use crate::core::scopes::ScopeSet;
use wasm_bindgen::JsValue;

pub struct SuppliedConnector {
    connector: JsValue,
}

impl SuppliedConnector {
    pub fn new(connector: JsValue) -> Self {
        SuppliedConnector { connector }
    }

    async fn call(&self, method: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
        js::resolve(js::call_method(&self.connector, method, &[arg])?).await
    }

    pub async fn create_session(&self, req: CreateRequest) -> Result<JsSession, JsError> {
        let set = scopes::to_js_set(&req.scopes).into();
        let mut fields = [
            ("scopes", &set),
            ("optional", &JsValue::TRUE),
            ("instantPopup", &JsValue::TRUE),
        ];
        // `{ ...options, scopes }`: only the flags the caller set are present.
        let n = match (req.optional, req.instant_popup) {
            (false, false) => 1,
            (true, false) => 2,
            (false, true) => {
                fields.swap(1, 2);
                2
            }
            (true, true) => 3,
        };
        let session = self.call("createSession", &js::object(&fields[..n])).await?;
        Ok(JsSession::from_js(&session)?)
    }

    pub async fn refresh_session(&self, scopes: ScopeSet) -> Result<JsSession, JsError> {
        let options = js::object(&[("scopes", &scopes::to_js_set(&scopes).into())]);
        let session = self.call("refreshSession", &options).await?;
        Ok(JsSession::from_js(&session)?)
    }

    pub async fn remove_session(&self) -> Result<(), JsError> {
        self.call("removeSession", &JsValue::UNDEFINED).await?;
        Ok(())
    }
}
