"""Cabinet's default trust anchors (IGC-Santé) and the certificate path checks built on them."""
