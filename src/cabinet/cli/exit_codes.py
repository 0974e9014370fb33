"""How a command ends, for the scripts that run it.

0 when done, 1 when a check fails, 2 on a known error (said in French on standard error).
"""

EXIT_CHECK_FAILED = 1
EXIT_KNOWN_ERROR = 2
