"""What the physician writes from: document templates and the address book of correspondents."""
