"""One patient's record.

The search, the record's tabs and lists, the dialogs that write an entry, the documents
kept in the record, the access journal.
"""
