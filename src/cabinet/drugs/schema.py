"""The drug base's tables: the BDPM's rows as read, and what search needs precomputed.

`hit` holds one line of search results per speciality, numbered in the order results are
shown (marketed first, then by name): the full-text index `hit_index` uses that number as its
rowid, so the first matches it yields in rowid order are already the ones to show, and a
prefix as short as « a » stops after `limit` rows instead of sorting thousands. Homeopathic
registrations come after the other marketed specialities (« doli » means DOLIPRANE before
DOLICHOS PRURIENS).
"""

SCHEMA = """
CREATE TABLE release (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE source_file (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, encoding TEXT NOT NULL,
                          lines INTEGER NOT NULL, skipped INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE speciality (cis TEXT PRIMARY KEY, name TEXT NOT NULL, form TEXT NOT NULL,
                         routes TEXT NOT NULL, marketed INTEGER NOT NULL,
                         reinforced INTEGER NOT NULL, amm_status TEXT NOT NULL,
                         amm_date TEXT NOT NULL, holders TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE presentation (cip13 TEXT PRIMARY KEY, cip7 TEXT NOT NULL UNIQUE,
                           cis TEXT NOT NULL, label TEXT NOT NULL, marketed INTEGER NOT NULL,
                           reimbursement TEXT NOT NULL, price TEXT NOT NULL,
                           units INTEGER, shortage TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX presentation_cis ON presentation (cis);
CREATE TABLE component (cis TEXT NOT NULL, element TEXT NOT NULL, substance_code TEXT NOT NULL,
                        substance TEXT NOT NULL, dosage TEXT NOT NULL, reference TEXT NOT NULL,
                        nature TEXT NOT NULL, link INTEGER NOT NULL);
CREATE INDEX component_cis ON component (cis);
CREATE TABLE condition (cis TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX condition_cis ON condition (cis);
CREATE TABLE generic (group_id INTEGER NOT NULL, label TEXT NOT NULL, cis TEXT NOT NULL,
                      kind INTEGER NOT NULL, sort INTEGER NOT NULL);
CREATE INDEX generic_cis ON generic (cis);
CREATE TABLE shortage (cis TEXT NOT NULL, cip13 TEXT NOT NULL, code INTEGER NOT NULL,
                       label TEXT NOT NULL, started TEXT NOT NULL, updated TEXT NOT NULL,
                       back TEXT NOT NULL);
CREATE INDEX shortage_cis ON shortage (cis);
CREATE TABLE major_interest (cis TEXT PRIMARY KEY, atc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE substance (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
CREATE TABLE hit (rank INTEGER PRIMARY KEY, cis TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                  form TEXT NOT NULL, dosage TEXT NOT NULL, routes TEXT NOT NULL,
                  marketed INTEGER NOT NULL, reimbursement TEXT NOT NULL,
                  generic_group TEXT NOT NULL, warnings TEXT NOT NULL);
CREATE VIRTUAL TABLE hit_index USING fts5(name, substances, content='', detail='column',
                                          tokenize='unicode61 remove_diacritics 2',
                                          prefix='1 2 3');
CREATE VIRTUAL TABLE substance_index USING fts5(name, content='', detail='none',
                                                tokenize='unicode61 remove_diacritics 2',
                                                prefix='1 2 3');
"""
