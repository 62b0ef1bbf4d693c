# The README's commands. `make dev` and `make test` install whatever is missing first
# (scripts/setup.sh, idempotent), so a fresh clone needs nothing else.
SHELL := /bin/bash
.DEFAULT_GOAL := help
ENV := source scripts/env.sh &&

.PHONY: help setup build dev test test-dates fmt fmt-check lint test-rust test-miniflare fuzz bench bench-sgd bench-dialogue bench-kb bench-listings sms call deploy deploy-dry-run bench-bundle bench-d1-growth check-deploy-guide clean bench-bookings bench-voice bench-sse bench-console screenshots

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: ## install the toolchain (Node 22, worker-build, wasm-bindgen, npm deps) if missing
	@bash scripts/setup.sh

build: setup ## release build of the Worker into build/worker
	@bash scripts/build.sh

dev: build ## build, migrate, seed the demo tenants, serve on http://127.0.0.1:8787
	@bash scripts/dev.sh

test: setup fmt-check lint test-rust build deploy-dry-run test-miniflare ## everything CI runs

fmt: ## format the Rust code
	cargo fmt --all

fmt-check:
	cargo fmt --all -- --check

lint: setup ## clippy with -D warnings, host and wasm32
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --workspace --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p frontdesk-core --features fuzzing --bin fuzz -- -D warnings

test-rust: ## host unit and integration tests
	cargo test --workspace

fuzz: ## every fuzz target for 1,000,000 executions (FUZZ_EXECUTIONS=n, FUZZ_TARGETS="a b"); crashes saved to core/fuzz/artifacts → BENCHMARKS.md
	cargo build --profile fuzz -p frontdesk-core --features fuzzing --bin fuzz
	nice -n 10 target/fuzz/fuzz run --executions $(or $(FUZZ_EXECUTIONS),1000000) $(FUZZ_TARGETS)

test-miniflare: ## the built wasm in real workerd (D1, Durable Objects, Queues)
	@$(ENV) node --test --test-force-exit --test-timeout=180000 --test-concurrency=1 'miniflare-tests/*.test.mjs'

test-dates: build ## the miniflare suite with the business clock a month and a year ahead (FRONTDESK_TEST_NOW)
	@for days in 30 365; do \
	  at=$$(date -u -d "+$$days days" +%Y-%m-%dT%H:%M:%SZ); echo "== business clock at $$at"; \
	  FRONTDESK_TEST_NOW=$$at $(MAKE) --no-print-directory test-miniflare || exit 1; \
	done

bench: build ## wrangler dev vs workerd direct vs the FastAPI peer: latency, req/s, server CPU per request, cold start, wasm size → BENCHMARKS.md
	@$(ENV) nice -n 5 node bench/http.mjs

bench-sgd: ## rules-brain understanding on SGD train/dev (../shared/data/sgd) → BENCHMARKS.md
	cargo build --release -p frontdesk-core --bin understand
	python3 bench/sgd_eval.py

bench-dialogue: build ## SGD train/dev dialogues replayed through the SMS webhook: loops, generic replies, questions after goodbye, re-asks → BENCHMARKS.md
	@$(ENV) nice -n 5 node bench/dialogue.mjs

bench-kb: build ## knowledge base: retrieval nDCG@10/recall@3, search latency at 1k/10k chunks, ingestion → BENCHMARKS.md
	@$(ENV) nice -n 5 node bench/kb.mjs

bench-listings: build ## listings: search latency by query shape at 1k listings, against /health → BENCHMARKS.md
	@$(ENV) nice -n 5 node bench/listings.mjs
bench-voice: build ## calls over ConversationRelay: prompt → first/last token p50/p99 (rules brain, fake streaming LLM), 50 simultaneous calls, vs /health → BENCHMARKS.md
	@$(ENV) nice -n 5 node bench/voice.mjs

bench-d1-growth: build ## D1 bytes per conversation turn (new and returning senders), the figure docs/SCALING.md rests on → BENCHMARKS.md
	@$(ENV) nice -n 5 node bench/d1_growth.mjs

bench-sse: build ## SSE fan-out: a signed SMS to 100 and 300 live /api/v1/events subscribers, p50/p99 vs /health (workerd direct) → BENCHMARKS.md
	@$(ENV) nice -n 5 node bench/sse.mjs

bench-console: build ## the operator console: JS + CSS gzip size, first render in headless Chromium → BENCHMARKS.md
	@$(ENV) nice -n 5 node bench/console.mjs

screenshots: build ## the console's main pages, light and dark, into docs/screenshots/
	@$(ENV) node scripts/screenshots.mjs

bench-bookings: build ## availability p50/p99 with 10k bookings, booking under 20-way contention (one winner per round), vs /health → BENCHMARKS.md
	@$(ENV) nice -n 5 node bench/bookings.mjs

sms: ## simulate Twilio: make sms FROM=+447700900123 BODY="Hi"
	@$(ENV) node scripts/sms.mjs --from "$(FROM)" --body "$(BODY)" $(if $(TO),--to "$(TO)")

call: ## a phone call in the terminal through the voice relay: make call [FROM=+447700900123]
	@$(ENV) node scripts/call.mjs $(if $(FROM),--from "$(FROM)") $(if $(TO),--to "$(TO)") $(if $(URL),--url "$(URL)")

deploy: build ## production: D1 migrations, then the Worker (`--env production`; first time: README "Deploy to Cloudflare")
	$(ENV) wrangler d1 migrations apply DB --remote --env production
	$(ENV) wrangler deploy --env production

deploy-dry-run: build ## `wrangler deploy --dry-run` for the local config and production: bundle sizes → bench/results/bundle.json
	@$(ENV) node scripts/deploy_dry_run.mjs

bench-bundle: build ## the same dry runs, sizes (raw and gzip) → BENCHMARKS.md
	@$(ENV) node scripts/deploy_dry_run.mjs --benchmarks

check-deploy-guide: build ## every command of README's first-deploy guide, run locally (no Cloudflare)
	@$(ENV) node scripts/check_deploy_guide.mjs

clean:
	rm -rf build target/wasm32-unknown-unknown .wrangler
