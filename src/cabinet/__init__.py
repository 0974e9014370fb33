"""Cabinet: practice-management software for a solo French physician.

Medical records live in one SQLCipher vault on the physician's workstation and open only
with the physician's card (or, degraded, a password, or the sealed recovery key).
"""

__version__ = "0.1.0"
