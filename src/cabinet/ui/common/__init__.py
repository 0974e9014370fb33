"""What every window uses.

Dialogs and their buttons, file choice, known-error messages, work off the GUI thread,
the card watch and the PDF viewer.
"""
