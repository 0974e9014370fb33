-- Break-glass accesses and their review are found by target at every unlock of the titular
-- physician: a full index on (target, id) replaces the partial one of migration 0002.

DROP INDEX audit_pending_target;
CREATE INDEX audit_target ON audit (target, id);
