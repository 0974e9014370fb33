"""Which PKCS#11 slot stands for the PC/SC reader that holds the card.

A slot description holds 64 characters, blank-padded. Middlewares cut a longer reader name
(USB CCID readers often have one): OpenSC keeps its start and appends "...", the ANS Cryptolib
CPS keeps its start and its end around "...", others cut it at 64 characters. A shorter name
comes whole. Only these forms match: a description that merely contains the reader's name
does not.
"""

SLOT_DESCRIPTION_SIZE = 64
CUT_MARK = "..."


def describes(description: str, reader: str) -> bool:
    """Whether a slot description names `reader`, whole or in a form a middleware cut it to."""
    text = description.rstrip(" \x00")
    if not text or not reader:
        return False
    if text == reader:
        return True
    if len(reader) <= SLOT_DESCRIPTION_SIZE:
        return False
    if text == reader[:SLOT_DESCRIPTION_SIZE].rstrip():
        return True
    start, mark, end = text.rpartition(CUT_MARK) if text.endswith(CUT_MARK) else (
        text.partition(CUT_MARK))
    return bool(mark and start and len(start) + len(end) < len(reader)
                and reader.startswith(start) and reader.endswith(end))
