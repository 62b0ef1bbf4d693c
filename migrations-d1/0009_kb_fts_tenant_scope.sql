-- The knowledge index gains a `scope` column: the hex of the chunk's tenant id, one token.
-- Search matches `scope : "<hex>"` inside the FTS5 query, so FTS intersects the tenant's posting
-- list before ranking; with only a join filter (0007), BM25 scored every tenant's matching rows
-- and the join threw most away — cost growing with the whole platform, not the tenant (an
-- SQLite replica: 44 ms → 10 ms for a tenant of 10k chunks among 200k). Hex is one token under
-- `porter unicode61` and, being even-length [0-9A-F] of ASCII ids, no two tenants' stem alike.
DROP TRIGGER kb_chunks_fts_insert;
DROP TRIGGER kb_chunks_fts_delete;
DROP TRIGGER kb_chunks_fts_update;
DROP TABLE kb_fts;

CREATE VIRTUAL TABLE kb_fts USING fts5(title, text, scope, tokenize = 'porter unicode61');
INSERT INTO kb_fts (rowid, title, text, scope) SELECT seq, title, text, hex(tenant_id) FROM kb_chunks;

CREATE TRIGGER kb_chunks_fts_insert AFTER INSERT ON kb_chunks BEGIN
  INSERT INTO kb_fts (rowid, title, text, scope) VALUES (new.seq, new.title, new.text, hex(new.tenant_id));
END;
CREATE TRIGGER kb_chunks_fts_delete AFTER DELETE ON kb_chunks BEGIN
  DELETE FROM kb_fts WHERE rowid = old.seq;
END;
CREATE TRIGGER kb_chunks_fts_update AFTER UPDATE OF title, text ON kb_chunks BEGIN
  DELETE FROM kb_fts WHERE rowid = old.seq;
  INSERT INTO kb_fts (rowid, title, text, scope) VALUES (new.seq, new.title, new.text, hex(new.tenant_id));
END;
