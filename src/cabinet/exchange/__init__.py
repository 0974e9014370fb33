"""What leaves the vault: staged writes to a chosen folder, IHE XDM packages, CMS envelopes."""
