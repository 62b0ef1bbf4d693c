use super::config::{EmbedderConfig, EmbedderVars, WORKERS_AI_MODEL};
use super::hash::{cosine, HashEmbedder, DIMS, MIN_SCORE};
use super::memory::MemoryIndex;
use super::wire::{ai_vectors, openai_request, openai_vectors, QueryOptions, QueryResult};
use super::*;
use futures::executor::block_on;
use std::cell::RefCell;

fn fixture(name: &str) -> String {
    let path = format!("{}/src/kb/vector/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")).trim_end().to_owned()
}

fn chunk<'a>(id: &'a str, tenant_id: &'a str, kb: &'a str, text: &'a str) -> Chunk<'a> {
    Chunk { id, tenant_id, kb, category: None, text }
}

/// Each FAQ question of a small letting agent, indexed for `tenant`.
fn faq_index(tenant: &str) -> MemoryIndex {
    let index = MemoryIndex::new();
    let faqs = [
        ("dep", "What is the deposit?"),
        ("pets", "Are pets allowed?"),
        ("hours", "What are your opening hours?"),
        ("view", "How do I book a viewing?"),
        ("fees", "What fees do tenants pay?"),
    ];
    let chunks: Vec<Chunk> = faqs.iter().map(|(id, q)| chunk(id, tenant, "faq", q)).collect();
    block_on(index_chunks(&HashEmbedder, &index, &chunks)).unwrap();
    index
}

fn ids(hits: &[(String, f64)]) -> Vec<&str> {
    hits.iter().map(|(id, _)| id.as_str()).collect()
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------- the stand-in embedder

#[test]
fn the_hash_embedder_gives_the_javascript_fakes_vectors() {
    let cases: serde_json::Value = serde_json::from_str(&fixture("hash_embedder.json")).unwrap();
    for case in cases.as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let mine = HashEmbedder::vector(text);
        let mut expected = vec![0.0f32; DIMS];
        for pair in case["nonzero"].as_array().unwrap() {
            expected[pair[0].as_u64().unwrap() as usize] = pair[1].as_f64().unwrap() as f32;
        }
        assert_eq!(mine, expected, "{text:?}");
    }
}

#[test]
fn the_hash_embedder_matches_spelling_not_meaning() {
    let near = |a: &str, b: &str| cosine(&HashEmbedder::vector(a), &HashEmbedder::vector(b));
    assert!(near("how much is the deposti", "What is the deposit?") > MIN_SCORE, "a typo keeps most trigrams");
    assert!(near("book a viewnig", "How do I book a viewing?") > MIN_SCORE);
    assert!(near("can I bring my dog", "Are pets allowed?") < MIN_SCORE, "no meaning: dog is not pet");
    assert!(near("hello there", "What is the deposit?") < MIN_SCORE);
    let v = HashEmbedder::vector("Opening hours?");
    assert!((v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>() - 1.0).abs() < 1e-6, "unit length");
    assert!(HashEmbedder::vector("the of a ?").iter().all(|x| *x == 0.0), "stopwords only: no features");
}

// ---------------------------------------------------------------- wire formats

#[test]
fn upsert_vectors_carry_tenant_kb_and_category_as_vectorize_takes_them() {
    let with_category = Chunk { category: Some("fees"), ..chunk("kbc_1", "ten_demo", "faq", "…") };
    let vectors = [
        Vector::of(&with_category, vec![0.6, 0.8]),
        Vector::of(&chunk("kbc_2", "ten_demo", "faq", "…"), vec![1.0, 0.0]),
    ];
    assert_eq!(serde_json::to_string(&vectors).unwrap(), fixture("vectorize_upsert.json"));
}

#[test]
fn query_options_filter_on_the_tenant_and_ask_for_indexed_metadata() {
    let filter = Filter::new("ten_demo", Some("faq"), None);
    assert_eq!(
        serde_json::to_string(&QueryOptions::new(10, &filter)).unwrap(),
        fixture("vectorize_query_options.json")
    );
    let everything = Filter::new("ten_demo", None, None);
    assert_eq!(
        serde_json::to_string(&everything).unwrap(),
        r#"{"tenant_id":"ten_demo"}"#,
        "the tenant is always there"
    );
}

#[test]
fn query_results_parse_with_and_without_metadata() {
    let result: QueryResult = serde_json::from_str(&fixture("vectorize_query_result.json")).unwrap();
    assert_eq!(result.count, 3);
    assert_eq!(result.matches[0].metadata.as_ref().unwrap().category.as_deref(), Some("fees"));
    assert_eq!((result.matches[2].id.as_str(), result.matches[2].metadata.as_ref()), ("6", None));
}

#[test]
fn workers_ai_embeddings_parse_and_a_short_answer_is_an_error() {
    let vectors = ai_vectors(&fixture("workers_ai_embeddings.json"), 2).unwrap();
    assert_eq!(vectors[1], [-0.5, 0.25, 0.125]);
    assert!(ai_vectors(&fixture("workers_ai_embeddings.json"), 3).is_err());
    assert!(ai_vectors(r#"{"error":"capacity"}"#, 1).is_err());
}

#[test]
fn openai_embeddings_request_and_answer_in_input_order() {
    let texts = ["What is the deposit?", "Are pets allowed?"];
    let request = openai_request("https://api.openai.com/v1/", "sk-test", "text-embedding-3-small", Some(384), &texts);
    assert_eq!((request.method, request.url.as_str()), ("POST", "https://api.openai.com/v1/embeddings"));
    assert!(request.headers.contains(&("Authorization".to_owned(), "Bearer sk-test".to_owned())));
    assert_eq!(request.body, fixture("openai_embeddings_request.json"));
    let keyless = openai_request("http://127.0.0.1:9/v1", "", "m", None, &texts);
    assert!(keyless.headers.iter().all(|(name, _)| name != "Authorization"), "a local server needs no key");

    let vectors = openai_vectors(200, &fixture("openai_embeddings_response.json"), 2).unwrap();
    assert_eq!(vectors, [vec![0.0023064255, -0.009327292], vec![-0.5, 0.25]], "sorted by index");
    let err = openai_vectors(401, r#"{"error":{"message":"Incorrect API key"}}"#, 2).unwrap_err();
    assert!(err.to_string().contains("401"));
}

// ---------------------------------------------------------------- nearest: tenant, kb, floor

#[test]
fn a_typo_finds_its_question_and_unrelated_text_finds_nothing() {
    let index = faq_index("ten_a");
    let filter = Filter::new("ten_a", None, None);
    let hits = block_on(nearest(&HashEmbedder, &index, &filter, "how much is the deposti", 10)).unwrap();
    assert_eq!(ids(&hits), ["dep"], "only the deposit question clears the floor");
    let none = block_on(nearest(&HashEmbedder, &index, &filter, "hello there", 10)).unwrap();
    assert!(none.is_empty(), "every query has a nearest vector; a far one is not a hit: {none:?}");
    index.fail(true);
    assert_eq!(block_on(nearest(&HashEmbedder, &index, &filter, " ?! ", 10)), Ok(vec![]), "nothing to embed: no call");
}

#[test]
fn another_tenants_vectors_never_come_back_even_from_an_index_that_ignores_the_filter() {
    let index = faq_index("ten_a");
    block_on(index_chunks(&HashEmbedder, &index, &[chunk("b_dep", "ten_b", "faq", "What is the deposit?")])).unwrap();
    let as_b = Filter::new("ten_b", None, None);
    let hits = block_on(nearest(&HashEmbedder, &index, &as_b, "deposit", 10)).unwrap();
    assert_eq!(ids(&hits), ["b_dep"]);

    // An index without a metadata index on tenant_id returns everything; nearest still does not.
    index.ignore_filter(true);
    let as_a = Filter::new("ten_a", None, None);
    let hits = block_on(nearest(&HashEmbedder, &index, &as_a, "deposit", 10)).unwrap();
    assert_eq!(ids(&hits), ["dep"], "ten_b's identical question is dropped");
    let as_c = Filter::new("ten_c", None, None);
    assert!(block_on(nearest(&HashEmbedder, &index, &as_c, "deposit", 10)).unwrap().is_empty());
}

#[test]
fn matches_without_metadata_are_dropped_as_unprovable() {
    struct Bare;
    impl VectorIndex for Bare {
        async fn upsert(&self, _: &[Vector]) -> Result<(), VectorError> {
            Ok(())
        }
        async fn query(&self, _: &[f32], _: usize, _: &Filter) -> Result<Vec<Match>, VectorError> {
            Ok(vec![Match { id: "x".into(), score: 0.99, metadata: None }])
        }
        async fn delete_by_ids(&self, _: &[String]) -> Result<(), VectorError> {
            Ok(())
        }
    }
    let hits = block_on(nearest(&HashEmbedder, &Bare, &Filter::new("ten_a", None, None), "deposit", 5)).unwrap();
    assert!(hits.is_empty());
}

#[test]
fn knowledge_base_and_category_filters_narrow_the_tenant() {
    let index = faq_index("ten_a");
    let lettings = Chunk { category: Some("fees"), ..chunk("l_dep", "ten_a", "lettings", "Deposit for a let") };
    block_on(index_chunks(&HashEmbedder, &index, &[lettings])).unwrap();
    let in_kb = Filter::new("ten_a", Some("lettings"), None);
    assert_eq!(ids(&block_on(nearest(&HashEmbedder, &index, &in_kb, "deposit", 10)).unwrap()), ["l_dep"]);
    let by_category = Filter::new("ten_a", None, Some("fees"));
    assert_eq!(ids(&block_on(nearest(&HashEmbedder, &index, &by_category, "deposit", 10)).unwrap()), ["l_dep"]);
    let other_category = Filter::new("ten_a", None, Some("pets"));
    assert!(block_on(nearest(&HashEmbedder, &index, &other_category, "deposit", 10)).unwrap().is_empty());
}

#[test]
fn removed_vectors_are_not_found_and_failures_surface_as_errors() {
    let index = faq_index("ten_a");
    block_on(remove(&index, &owned(&["dep", "unknown"]))).unwrap();
    assert!(!index.ids().contains(&"dep".to_owned()));
    index.fail(true);
    let filter = Filter::new("ten_a", None, None);
    assert!(block_on(nearest(&HashEmbedder, &index, &filter, "deposit", 10)).is_err(), "the caller falls back");
}

/// Counts calls and their sizes, embedding with the hash embedder.
#[derive(Default)]
struct Counting {
    embeds: RefCell<Vec<usize>>,
    index: MemoryIndex,
    upserts: RefCell<Vec<usize>>,
    deletes: RefCell<Vec<usize>>,
}

impl Embedder for Counting {
    async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, VectorError> {
        self.embeds.borrow_mut().push(texts.len());
        HashEmbedder.embed(texts).await
    }
    fn min_score(&self) -> f64 {
        MIN_SCORE
    }
}

impl VectorIndex for Counting {
    async fn upsert(&self, vectors: &[Vector]) -> Result<(), VectorError> {
        self.upserts.borrow_mut().push(vectors.len());
        self.index.upsert(vectors).await
    }
    async fn query(&self, vector: &[f32], top_k: usize, filter: &Filter) -> Result<Vec<Match>, VectorError> {
        self.index.query(vector, top_k, filter).await
    }
    async fn delete_by_ids(&self, ids: &[String]) -> Result<(), VectorError> {
        self.deletes.borrow_mut().push(ids.len());
        self.index.delete_by_ids(ids).await
    }
}

#[test]
fn large_ingestions_go_in_batches_the_bindings_accept() {
    let counting = Counting::default();
    let names: Vec<String> = (0..2_500).map(|i| format!("kbc_{i}")).collect();
    let chunks: Vec<Chunk> = names.iter().map(|id| chunk(id, "ten_a", "faq", "text")).collect();
    assert_eq!(block_on(index_chunks(&counting, &counting, &chunks)).unwrap(), 2_500);
    assert_eq!(counting.embeds.borrow().len(), 25);
    assert!(counting.embeds.borrow().iter().all(|n| *n <= EMBED_BATCH));
    assert!(counting.upserts.borrow().iter().all(|n| *n <= INDEX_BATCH));
    block_on(remove(&counting, &names)).unwrap();
    assert_eq!(*counting.deletes.borrow(), [1_000, 1_000, 500]);
    assert!(counting.index.ids().is_empty());
}

// ---------------------------------------------------------------- hybrid ranking

#[test]
fn a_chunk_both_legs_find_beats_chunks_only_one_leg_found() {
    let lexical = owned(&["hours", "dep", "fees"]);
    let vector = vec![("dep".to_owned(), 0.8), ("view".to_owned(), 0.7)];
    let fused = hybrid(&lexical, &vector, 10);
    assert_eq!(ids(&fused), ["dep", "hours", "view", "fees"]);
}

#[test]
fn a_lexical_exact_match_is_not_pushed_down_by_a_merely_similar_vector_hit() {
    // Same rank in each leg: the lexical hit keeps the head.
    let fused = hybrid(&owned(&["dep"]), &[("view".to_owned(), 0.95)], 10);
    assert_eq!(ids(&fused), ["dep", "view"]);

    // A far vector hit never reaches fusion: with only the lexical leg's second hit relevant,
    // the unrelated nearest vector must not take rank 1 or 2.
    let index = faq_index("ten_a");
    let filter = Filter::new("ten_a", None, None);
    let question = "hello there";
    let vector = block_on(nearest(&HashEmbedder, &index, &filter, question, 10)).unwrap();
    let fused = hybrid(&owned(&["greeting", "hours"]), &vector, 10);
    assert_eq!(ids(&fused), ["greeting", "hours"]);
}

#[test]
fn a_question_the_lexical_leg_misses_is_answered_by_the_vector_leg() {
    let index = faq_index("ten_a");
    let filter = Filter::new("ten_a", None, None);
    let vector = block_on(nearest(&HashEmbedder, &index, &filter, "deposti", 10)).unwrap();
    assert_eq!(ids(&hybrid(&[], &vector, 3)), ["dep"]);
}

#[test]
fn empty_legs_and_the_limit() {
    assert!(hybrid(&[], &[], 10).is_empty());
    assert_eq!(ids(&hybrid(&owned(&["a", "b", "c"]), &[], 2)), ["a", "b"]);
    let vector = vec![("x".to_owned(), 0.9), ("y".to_owned(), 0.5)];
    assert_eq!(ids(&hybrid(&[], &vector, 10)), ["x", "y"]);
}

#[test]
fn a_chunk_is_embedded_with_its_title() {
    assert_eq!(
        embedding_text("Are pets allowed?", "One cat or a small dog."),
        "Are pets allowed?\nOne cat or a small dog."
    );
    assert_eq!(embedding_text("", "Just text."), "Just text.");
}

// ---------------------------------------------------------------- configuration

#[test]
fn the_embedder_comes_from_an_explicit_api_then_the_ai_binding_then_nothing() {
    assert_eq!(EmbedderConfig::from_vars(&EmbedderVars::default()), None, "local: lexical only");
    let ai = EmbedderConfig::from_vars(&EmbedderVars { ai_bound: true, ..Default::default() }).unwrap();
    assert_eq!(ai, EmbedderConfig::WorkersAi { model: WORKERS_AI_MODEL.to_owned(), min_score: 0.6 });
    let api = EmbedderVars {
        base_url: Some("https://api.openai.com/v1"),
        api_key: Some("sk-x"),
        dimensions: Some("384"),
        ai_bound: true,
        ..Default::default()
    };
    match EmbedderConfig::from_vars(&api).unwrap() {
        EmbedderConfig::OpenAi { model, dimensions, min_score, .. } => {
            assert_eq!((model.as_str(), dimensions, min_score), ("text-embedding-3-small", Some(384), 0.3));
        }
        other => panic!("{other:?}"),
    }
    let blank = EmbedderVars { base_url: Some(" "), min_score: Some("0.45"), ai_bound: true, ..Default::default() };
    assert_eq!(
        EmbedderConfig::from_vars(&blank).unwrap().min_score(),
        0.45,
        "blank URL: the binding, floor overridden"
    );
}
