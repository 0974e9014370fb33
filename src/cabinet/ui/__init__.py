"""The physician's desktop (PySide6). The only package that imports Qt (import-linter).

The UI receives an `AppContext` from the bootstrap after unlock and drops it at lock; it never
writes patient data anywhere but through the services, never to a temporary file.
"""
