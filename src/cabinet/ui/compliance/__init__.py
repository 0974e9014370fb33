"""The GDPR paperwork: the patients' notice, the record of processing, the breach register."""
