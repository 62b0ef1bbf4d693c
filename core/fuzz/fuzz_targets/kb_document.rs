#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| frontdesk_core::fuzz_targets::kb_document(data));
