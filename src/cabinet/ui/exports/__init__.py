"""What leaves the record signed.

Signing with the card, the export dialogs, printing, the seizure, copies for the patient,
and checking a signed file.
"""
