"""Laboratory results: the record's « Résultats » tab, its curves, reception, « À classer »."""
