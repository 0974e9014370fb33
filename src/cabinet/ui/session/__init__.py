"""Opening and closing the vault.

The lock screen, the inactivity and desktop-lock watches, the practice's settings and
its enrolled cards.
"""
