//! AES-256-GCM of values kept encrypted in D1, with `DATA_KEY` (config::data_key). The stored
//! format is core's (`frontdesk_core::at_rest`). The additional data binds a value to its row
//! (the user id for a TOTP secret), so a value copied into another row does not open.

use super::config;
use super::webcrypto::{js_error, params, subtle};
use crate::error::AppResult;
use frontdesk_core::at_rest::{Sealed, NONCE_BYTES};
use frontdesk_durable::platform::time::random_bytes;
use wasm_bindgen::JsValue;
use worker::js_sys::{Array, Uint8Array};
use worker::Env;

async fn key(env: &Env, usage: &str) -> AppResult<JsValue> {
    let raw = config::data_key(env)?;
    let args = Array::of5(
        &"raw".into(),
        &Uint8Array::from(&raw[..]),
        &"AES-GCM".into(),
        &JsValue::FALSE,
        &Array::of1(&usage.into()),
    );
    subtle("importKey", &args).await?.map_err(js_error("importKey"))
}

fn gcm(nonce: &[u8], bound_to: &str) -> AppResult<JsValue> {
    Ok(params(&[
        ("name", JsValue::from_str("AES-GCM")),
        ("iv", Uint8Array::from(nonce).into()),
        ("additionalData", Uint8Array::from(bound_to.as_bytes()).into()),
    ])?
    .into())
}

/// `plaintext` sealed with a fresh random nonce, bound to `bound_to`, in its stored form.
pub async fn seal(env: &Env, bound_to: &str, plaintext: &str) -> AppResult<String> {
    let nonce = random_bytes::<NONCE_BYTES>();
    let args =
        Array::of3(&gcm(&nonce, bound_to)?, &key(env, "encrypt").await?, &Uint8Array::from(plaintext.as_bytes()));
    let buffer = subtle("encrypt", &args).await?.map_err(js_error("encrypt"))?;
    Ok(Sealed { nonce, ciphertext: Uint8Array::new(&buffer).to_vec() }.format())
}

/// The plaintext of `sealed`, or `None` when it does not open: another key, another row's
/// value, or tampered with (logged: it is a broken or moved row, not a user's mistake).
pub async fn open(env: &Env, bound_to: &str, sealed: &Sealed) -> AppResult<Option<String>> {
    let args = Array::of3(
        &gcm(&sealed.nonce, bound_to)?,
        &key(env, "decrypt").await?,
        &Uint8Array::from(&sealed.ciphertext[..]),
    );
    let opened = match subtle("decrypt", &args).await? {
        Ok(buffer) => String::from_utf8(Uint8Array::new(&buffer).to_vec()).ok(),
        Err(_) => None,
    };
    if opened.is_none() {
        worker::console_error!(
            "an encrypted value of {bound_to} does not decrypt (wrong key, or moved from another row)"
        );
    }
    Ok(opened)
}
