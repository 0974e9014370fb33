"""Documents Cabinet issues: PDF/A rendering, PAdES signature and verification (DESIGN.md §4)."""
