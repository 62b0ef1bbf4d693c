//! The MCP server's protocol side (docs/API.md "MCP"), pure: JSON-RPC framing, which era and
//! protocol version a request speaks, the tool registry with its schemas, and the dispatch from
//! one HTTP POST to either an answer or a tool to run. The Worker (`src/routes/mcp/`)
//! authenticates, runs the tool through the same actions the API uses, and sends the answer.
//!
//! Both eras are served on one endpoint, statelessly: the 2026-07-28 revision (per-request
//! `_meta`, `server/discover`, `Mcp-Method`/`Mcp-Name` headers) and the `initialize`-based
//! 2025-11-25 / 2025-06-18 / 2025-03-26 revisions, without a session id.

pub mod approval;
pub mod args;
pub mod audit;
pub mod challenge;
pub mod dispatch;
pub mod fixtures;
pub mod jsonrpc;
pub mod origin;
pub mod tools;
pub mod version;
