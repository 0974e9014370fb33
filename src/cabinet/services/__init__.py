"""Use cases over the record.

Every method that touches medical data writes its audit event
in the same transaction (enforced by `cabinet.services.auditing.audited`).
"""
