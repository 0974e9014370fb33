"""Encrypted, deduplicated backups of a vault onto a folder the physician chooses (BAK-1)."""
