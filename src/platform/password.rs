//! PBKDF2-SHA256 through WebCrypto (`crypto.subtle.deriveBits`): native code, so 100,000
//! iterations cost the isolate a few milliseconds of wall time instead of the CPU budget the
//! same loop in wasm would burn. The stored format and the comparison are core's
//! (`frontdesk_core::users::password`).

use super::webcrypto::{js_error, params, subtle};
use crate::error::AppResult;
use frontdesk_core::users::password::{PasswordHash, HASH_BYTES, ITERATIONS, SALT_BYTES};
use frontdesk_durable::platform::time::random_bytes;
use wasm_bindgen::JsValue;
use worker::js_sys::{Array, Uint8Array};

/// The PBKDF2-SHA256 of `password` with `salt` and `iterations`, `HASH_BYTES` long.
pub async fn derive(password: &str, salt: &[u8], iterations: u32) -> AppResult<Vec<u8>> {
    let import_args = Array::of5(
        &"raw".into(),
        &Uint8Array::from(password.as_bytes()),
        &"PBKDF2".into(),
        &JsValue::FALSE,
        &Array::of1(&"deriveBits".into()),
    );
    let key = subtle("importKey", &import_args).await?.map_err(js_error("importKey"))?;
    let params = params(&[
        ("name", JsValue::from_str("PBKDF2")),
        ("hash", JsValue::from_str("SHA-256")),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", JsValue::from_f64(f64::from(iterations))),
    ])?;
    let bits_args = Array::of3(&params, &key, &JsValue::from_f64((HASH_BYTES * 8) as f64));
    let buffer = subtle("deriveBits", &bits_args).await?.map_err(js_error("deriveBits"))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Whether `password` is the one `stored` was made from. A stored value that does not parse
/// matches nothing (and is logged: it is a broken row, not a wrong password).
pub async fn verify(password: &str, stored: &str) -> AppResult<bool> {
    let Some(hash) = PasswordHash::parse(stored) else {
        worker::console_error!("a users.password_hash does not parse; the sign-in is refused");
        return Ok(false);
    };
    Ok(hash.matches(&derive(password, &hash.salt, hash.iterations).await?))
}

/// The stored form of a new `password`: a fresh random salt, `ITERATIONS` rounds.
pub async fn hash_new(password: &str) -> AppResult<String> {
    let salt = random_bytes::<SALT_BYTES>().to_vec();
    let hash = derive(password, &salt, ITERATIONS).await?;
    Ok(PasswordHash { iterations: ITERATIONS, salt, hash }.format())
}
