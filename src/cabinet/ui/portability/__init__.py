"""Moving a practice.

The portability archive's export and import, and the closure of the practice.
"""
