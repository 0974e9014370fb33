"""Pure rules of the medical record: no I/O, standard library only (checked by import-linter)."""
