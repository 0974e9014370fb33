"""Fees and the receipts ledger.

The fee of an encounter, the livre-journal des recettes with its totals, deposit slip and
tiers payant expected, and the act table the physician extends with dated lines.
"""
