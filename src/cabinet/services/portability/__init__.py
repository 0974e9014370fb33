"""The practice as a whole: portability archives out and in, and closing the practice (CONT-2/3).

The archive's format lives in `cabinet.archive`; these use cases reach it through the
protocols of `ports`, implemented there and wired by the bootstrap.
"""
