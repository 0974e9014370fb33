"""The public drug database (BDPM, ANSM): read-only, beside the vault, never inside it."""
