//! The `VECTORIZE` and `AI` bindings through hand-written wasm-bindgen externs: workers-rs 0.8.7
//! has no Vectorize wrapper, and its `Ai` refuses any object whose constructor is not the
//! runtime's own (so a test fake could not stand in). Calls take and return JSON built and read
//! by core's `kb::vector::wire`, parsed to and from JS objects at the boundary.

use frontdesk_core::kb::vector::wire::{ai_vectors, AiTextInput, QueryOptions, QueryResult};
use frontdesk_core::kb::vector::{Embedder, Filter, Match, Vector, VectorError, VectorIndex};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use worker::js_sys::{Error, Promise, Reflect, JSON};
use worker::wasm_bindgen_futures::JsFuture;
use worker::Env;

#[wasm_bindgen]
extern "C" {
    /// A Vectorize index (or anything with its methods, such as the tests' fake).
    pub type VectorizeIndex;
    #[wasm_bindgen(method, catch)]
    fn upsert(this: &VectorizeIndex, vectors: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn query(this: &VectorizeIndex, vector: &JsValue, options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = deleteByIds)]
    fn delete_by_ids(this: &VectorizeIndex, ids: &JsValue) -> Result<JsValue, JsValue>;

    /// The Workers AI binding.
    pub type AiBinding;
    #[wasm_bindgen(method, catch)]
    fn run(this: &AiBinding, model: &str, inputs: &JsValue) -> Result<JsValue, JsValue>;
}

/// The binding called `name`, if the deployment has one.
pub fn binding<T: JsCast>(env: &Env, name: &str) -> Option<T> {
    Reflect::get(env, &JsValue::from_str(name)).ok().filter(|b| b.is_object()).map(JsCast::unchecked_into)
}

/// A binding's answer, awaited: a thrown error or a rejected promise becomes a `VectorError`.
/// `Promise.resolve` adopts what RPC stubs return (thenables, not `Promise`s).
async fn settle(call: Result<JsValue, JsValue>) -> Result<JsValue, VectorError> {
    let value = call.map_err(js_error)?;
    JsFuture::from(Promise::resolve(&value)).await.map_err(js_error)
}

fn js_error(e: JsValue) -> VectorError {
    let text = e.dyn_ref::<Error>().map(|e| String::from(e.message())).or_else(|| e.as_string());
    VectorError::new(text.unwrap_or_else(|| "binding failed".to_owned()))
}

fn to_js(value: &impl Serialize) -> Result<JsValue, VectorError> {
    let text = serde_json::to_string(value).map_err(VectorError::new)?;
    JSON::parse(&text).map_err(js_error)
}

fn to_text(value: &JsValue) -> Result<String, VectorError> {
    JSON::stringify(value).map(String::from).map_err(js_error)
}

impl VectorIndex for VectorizeIndex {
    async fn upsert(&self, vectors: &[Vector]) -> Result<(), VectorError> {
        settle(VectorizeIndex::upsert(self, &to_js(&vectors)?)).await.map(drop)
    }

    async fn query(&self, vector: &[f32], top_k: usize, filter: &Filter) -> Result<Vec<Match>, VectorError> {
        let options = to_js(&QueryOptions::new(top_k, filter))?;
        let answer = settle(VectorizeIndex::query(self, &to_js(&vector)?, &options)).await?;
        let result: QueryResult =
            serde_json::from_str(&to_text(&answer)?).map_err(|e| VectorError::new(format!("Vectorize answer: {e}")))?;
        Ok(result.matches)
    }

    async fn delete_by_ids(&self, ids: &[String]) -> Result<(), VectorError> {
        settle(VectorizeIndex::delete_by_ids(self, &to_js(&ids)?)).await.map(drop)
    }
}

/// Workers AI with one text-embedding model.
pub struct WorkersAi {
    pub binding: AiBinding,
    pub model: String,
    pub min_score: f64,
}

impl Embedder for WorkersAi {
    async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, VectorError> {
        let inputs = to_js(&AiTextInput { text: texts })?;
        let answer = settle(self.binding.run(&self.model, &inputs)).await?;
        ai_vectors(&to_text(&answer)?, texts.len())
    }

    fn min_score(&self) -> f64 {
        self.min_score
    }
}
