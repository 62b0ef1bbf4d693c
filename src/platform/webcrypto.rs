//! `crypto.subtle` reached through js_sys: WebCrypto runs natively in workerd, so key
//! derivation and encryption cost wall time instead of the wasm CPU budget. Used by `password`
//! (PBKDF2) and `at_rest` (AES-256-GCM).

use crate::error::{AppError, AppResult};
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{self, Array, Function, Object, Reflect};
use worker::wasm_bindgen_futures::JsFuture;

pub fn js_error(what: &str) -> impl Fn(JsValue) -> AppError + '_ {
    move |e| AppError::Internal(format!("webcrypto {what}: {e:?}"))
}

/// Calls `crypto.subtle[name](...args)` and awaits its promise; `Err(rejection)` when it rejects
/// (a tag that does not verify, for instance), so the caller decides whether that is an error.
pub async fn subtle(name: &str, args: &Array) -> AppResult<Result<JsValue, JsValue>> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(js_error("crypto"))?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(js_error("subtle"))?;
    let method =
        Reflect::get(&subtle, &name.into()).map_err(js_error(name))?.dyn_into::<Function>().map_err(js_error(name))?;
    let promise = method.apply(&subtle, args).map_err(js_error(name))?;
    Ok(JsFuture::from(js_sys::Promise::from(promise)).await)
}

/// An algorithm-parameters object (`{ name: "AES-GCM", iv: … }`).
pub fn params(fields: &[(&str, JsValue)]) -> AppResult<Object> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &(*name).into(), value).map_err(js_error("params"))?;
    }
    Ok(object)
}
