"""The `cabinet` entry point: the integrity guard runs before any other import."""


def main() -> int:
    """Check the process for foreign code, then run the command."""
    from cabinet import guard

    guard.enforce()
    from cabinet.cli import main as run_command

    return run_command()
