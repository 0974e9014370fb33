"""Key slots: the ways to unwrap the vault's data key (DESIGN.md §2)."""
