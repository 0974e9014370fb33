"""The `cabinet` entry point: the integrity guard runs before any other import."""


def main() -> int:
    """Check the process for foreign code, then run the command."""
    from cabinet import guard

    guard.enforce()
    import multiprocessing

    multiprocessing.freeze_support()  # in the bundle, an export's worker runs here and exits
    from cabinet.cli import main as run_command

    return run_command()
