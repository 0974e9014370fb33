"""The audit journal's storage: the chained table in the vault and the sealed pending log."""
