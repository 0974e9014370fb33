"""Retention in the window: the daily pass at unlock, the review and the destruction."""
