-- The knowledge base (core::kb, docs/STORAGE.md "Knowledge base"): knowledge bases per tenant,
-- documents (an FAQ is a one-chunk document), their chunks, the FTS5 index over the chunks,
-- ingestion jobs, and the questions the receptionist could not answer.
CREATE TABLE kb_bases (
  id          TEXT PRIMARY KEY,                 -- kbs_…
  tenant_id   TEXT NOT NULL REFERENCES tenants(id),
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX kb_bases_name ON kb_bases(tenant_id, name);

CREATE TABLE kb_documents (
  id            TEXT PRIMARY KEY,               -- kbd_…
  tenant_id     TEXT NOT NULL,
  kb_id         TEXT NOT NULL REFERENCES kb_bases(id),
  title         TEXT NOT NULL,                  -- an FAQ's question
  source        TEXT NOT NULL,                  -- faq | document | the URL it was fetched from
  format        TEXT NOT NULL,                  -- faq | text | markdown | html
  content_hash  TEXT NOT NULL,                  -- hex SHA-256 of the content (core::kb::content_hash)
  chunk_count   INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);
-- Re-ingesting the same content into the same knowledge base stores nothing new.
CREATE UNIQUE INDEX kb_documents_hash ON kb_documents(tenant_id, kb_id, content_hash);
CREATE INDEX kb_documents_kb ON kb_documents(tenant_id, kb_id, id);

CREATE TABLE kb_chunks (
  -- The FTS5 rowid. AUTOINCREMENT: a deleted chunk's number is never reused, so an index row
  -- that outlived its chunk can never be joined to a newer one.
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,            -- kbc_…
  tenant_id    TEXT NOT NULL,
  kb_id        TEXT NOT NULL,
  -- No foreign key: a queued ingestion stores its chunks before its document row, which is
  -- what makes them visible (search joins the document).
  document_id  TEXT NOT NULL,
  title        TEXT NOT NULL,                   -- the FAQ's question, or the document's title › heading
  text         TEXT NOT NULL,                   -- the FAQ's answer, or the chunk's text
  category     TEXT,
  position     INTEGER NOT NULL                 -- order within the document, from 0
);
CREATE INDEX kb_chunks_document ON kb_chunks(tenant_id, document_id, position);
CREATE INDEX kb_chunks_kb ON kb_chunks(tenant_id, kb_id);

-- BM25 over title and text (the query weights the title, an FAQ's question, above the text).
-- Its own copy of the text rather than external content: a knowledge base can then be re-indexed
-- on its own (DELETE + INSERT by rowid) without a table-wide 'rebuild'.
CREATE VIRTUAL TABLE kb_fts USING fts5(title, text, tokenize = 'porter unicode61');

-- Kept in sync by triggers, so every writer (the API, the seed, a re-index) indexes alike.
CREATE TRIGGER kb_chunks_fts_insert AFTER INSERT ON kb_chunks BEGIN
  INSERT INTO kb_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER kb_chunks_fts_delete AFTER DELETE ON kb_chunks BEGIN
  DELETE FROM kb_fts WHERE rowid = old.seq;
END;
CREATE TRIGGER kb_chunks_fts_update AFTER UPDATE OF title, text ON kb_chunks BEGIN
  DELETE FROM kb_fts WHERE rowid = old.seq;
  INSERT INTO kb_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

-- Ingestions run off the queue (a URL, or a document of many chunks): input kept here rather
-- than in the queue message (128 KB limit), progress and outcome readable by the API.
CREATE TABLE kb_jobs (
  id           TEXT PRIMARY KEY,                -- kbj_…
  tenant_id    TEXT NOT NULL,
  kb_id        TEXT NOT NULL,
  input        TEXT NOT NULL,                   -- JSON: {title, content, format} or {url}
  status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  document_id  TEXT,
  chunk_count  INTEGER,
  duplicate    INTEGER,
  error        TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX kb_jobs_tenant ON kb_jobs(tenant_id, id);

CREATE TABLE kb_unanswered (
  id TEXT PRIMARY KEY,            -- una_…
  tenant_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  question TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',   -- open | answered | dismissed
  faq_id TEXT,                            -- the FAQ chunk created from it ("add as FAQ")
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX kb_unanswered_message ON kb_unanswered(tenant_id, message_id);
CREATE INDEX kb_unanswered_open ON kb_unanswered(tenant_id, status, created_at);
