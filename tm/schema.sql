-- The schema of a tmalign translation memory (SQLite), built into the binary.
--
-- Each "-- migration N" section takes a memory from schema version N-1 to N
-- and a new memory runs them all, in one transaction; PRAGMA user_version
-- records the version reached. A released section is never edited: a change
-- to the schema is a new section at the end.
--
-- Vocabulary: a document is one article in two or three languages; a version
-- is one language of it (the file it came from and a hash of its content);
-- a unit is one aligned bead, in document order; a sentence belongs to one
-- version and to exactly one unit, at its position in that version.

-- migration 1
CREATE TABLE document (
	id      INTEGER PRIMARY KEY,
	name    TEXT NOT NULL UNIQUE,
	langs   TEXT NOT NULL,                  -- "en,uk,ru", in the order aligned
	origin  TEXT NOT NULL DEFAULT 'align',  -- 'align' or 'import'
	created TEXT NOT NULL                   -- UTC, YYYY-MM-DDThh:mm:ssZ
);

CREATE TABLE version (
	doc       INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
	lang      TEXT NOT NULL,
	source    TEXT NOT NULL,                -- the file name as given
	hash      TEXT NOT NULL,                -- content hash, 16 hex digits
	sentences INTEGER NOT NULL,
	PRIMARY KEY (doc, lang)
) WITHOUT ROWID;
CREATE INDEX version_hash ON version(hash);

CREATE TABLE unit (
	id    INTEGER PRIMARY KEY,
	doc   INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
	ord   INTEGER NOT NULL,                 -- position in the document
	score REAL NOT NULL,                    -- confidence in [0, 1]
	bead  TEXT NOT NULL,                    -- "1-2-1", languages as in document.langs
	hash  INTEGER NOT NULL,                 -- of its texts, to find duplicates
	UNIQUE (doc, ord)
);
CREATE INDEX unit_hash ON unit(hash);

CREATE TABLE sentence (
	id    INTEGER PRIMARY KEY,
	unit  INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
	doc   INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
	lang  TEXT NOT NULL,
	para  INTEGER NOT NULL,                 -- paragraph in the version
	pos   INTEGER NOT NULL,                 -- sentence index in the version
	start INTEGER,                          -- byte offsets in the source file
	end   INTEGER,
	text  TEXT NOT NULL,
	UNIQUE (doc, lang, pos)
);
CREATE INDEX sentence_unit ON sentence(unit, lang, pos);

-- migration 2
-- Properties of a unit that come from elsewhere: a TMX <prop> of an imported
-- unit ("x-doc", a tool's own), or the full language tag of a variant
-- ("x-lang:en" = "en-US") when tmalign keeps only its primary subtag.
CREATE TABLE unit_prop (
	unit  INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
	type  TEXT NOT NULL,
	value TEXT NOT NULL
);
CREATE INDEX unit_prop_unit ON unit_prop(unit);

-- migration 3
-- Full-text search over sentences, for lookup: words (unicode61, which folds
-- case in every script; diacritics are removed only from Latin letters), so
-- that a query of any length finds the sentences sharing its words. The
-- vocabulary table tells how many sentences hold a word.
CREATE VIRTUAL TABLE sentence_fts USING fts5(
	text, content = 'sentence', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE sentence_vocab USING fts5vocab(sentence_fts, 'row');
CREATE TRIGGER sentence_fts_insert AFTER INSERT ON sentence BEGIN
	INSERT INTO sentence_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER sentence_fts_delete AFTER DELETE ON sentence BEGIN
	INSERT INTO sentence_fts (sentence_fts, rowid, text)
	VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER sentence_fts_update AFTER UPDATE OF text ON sentence BEGIN
	INSERT INTO sentence_fts (sentence_fts, rowid, text)
	VALUES ('delete', old.id, old.text);
	INSERT INTO sentence_fts (rowid, text) VALUES (new.id, new.text);
END;
INSERT INTO sentence_fts (sentence_fts) VALUES ('rebuild');

-- migration 4
-- A key of each sentence's text (its words and marks, white space
-- squeezed), so that an exact lookup is one probe of an index.
-- tmalign_key() is a function tmalign registers on its connections.
ALTER TABLE sentence ADD COLUMN key INTEGER;
UPDATE sentence SET key = tmalign_key(text);
CREATE INDEX sentence_key ON sentence(key);

-- migration 5
-- Storing made faster; the index answers the same queries.
-- Sentences are indexed by tmalign once per transaction, in one statement
-- (INSERT INTO sentence_fts SELECT ... from the first new id): FTS5 writes
-- its pending index at every statement's savepoint, so indexing through a
-- trigger on each row made storing several times slower. Removing and
-- changing sentences still goes through the triggers.
-- The index is made anew without the sizes of its rows (columnsize=0:
-- lookup does not rank by BM25) and merges its segments less eagerly
-- (automerge 8): both about a quarter of the time a sentence takes to
-- index.
DROP TRIGGER sentence_fts_insert;
DROP TABLE sentence_fts;
CREATE VIRTUAL TABLE sentence_fts USING fts5(
	text, content = 'sentence', content_rowid = 'id', columnsize = 0,
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO sentence_fts (sentence_fts, rank) VALUES ('automerge', 8);
INSERT INTO sentence_fts (sentence_fts) VALUES ('rebuild');

-- migration 6
-- The identity of an article's content, whatever order its languages were
-- given in: tmalign_content() over its versions' (language, hash) pairs
-- (tma_content_key in src/tm_store.c), so that the same article under
-- another name is found with one probe of an index.
ALTER TABLE document ADD COLUMN content INTEGER;
UPDATE document SET content = (SELECT tmalign_content(lang, hash) FROM version
			       WHERE version.doc = document.id);
CREATE INDEX document_content ON document(content);

-- migration 7
-- The normal forms of the memory's words (src/norm.c): for every word of
-- every language (ICU's words, case-folded), its lemmas and stems, so
-- that a phrase is found in any inflected form: the forms of a query's
-- word give the memory's words that share one. Derived data, filled as
-- documents are stored; the sentences of an older memory are indexed
-- when it is first opened for writing (meta 'words_backlog': sentences
-- up to that id still to do).
CREATE TABLE word_norm (
	lang TEXT NOT NULL,
	word TEXT NOT NULL,
	norm TEXT NOT NULL,
	PRIMARY KEY (lang, word, norm)
) WITHOUT ROWID;
CREATE INDEX word_norm_norm ON word_norm(lang, norm);
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value
);
INSERT INTO meta (key, value)
	SELECT 'words_backlog', m FROM (SELECT max(id) AS m FROM sentence) WHERE m IS NOT NULL;

-- migration 8
-- A word translation model learned from the memory's units (src/wmodel.c,
-- `tmalign train`): for each language pair and direction, per source word
-- (its canonical normal form; '' for no word), the expected counts of its
-- translations: a blob of entries, each a length byte, the target word
-- and a little-endian float. Derived data: `tmalign train --full` makes
-- it anew from the units. meta 'model_upto' is the last unit it learned.
CREATE TABLE wmodel (
	src   TEXT NOT NULL,
	tgt   TEXT NOT NULL,
	word  TEXT NOT NULL,
	total REAL NOT NULL,
	entries BLOB NOT NULL,
	PRIMARY KEY (src, tgt, word)
) WITHOUT ROWID;
-- The normal forms of migration 7 without the lemmas Hunspell gives by
-- stripping a prefix ("republican" -> "publican"): the word index is made
-- anew, as for an older memory.
DELETE FROM word_norm;
DELETE FROM meta WHERE key IN ('words_backlog', 'words_from');
INSERT INTO meta (key, value)
	SELECT 'words_backlog', m FROM (SELECT max(id) AS m FROM sentence) WHERE m IS NOT NULL;
