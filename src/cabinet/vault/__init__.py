"""The vault: one SQLCipher file plus a key-slot header beside it (DESIGN.md §2)."""
