"""The retention engine (issue 20, RET-1): the daily pass over the whole practice.

The pass runs at unlock on its own connection, off the GUI thread, as the window runs it
(`daily_retention_pass`): every record's dates read and judged, then one short transaction
archives those due, each journaled. The first pass over the generated vault archives every
record without an encounter for five years (the most it ever writes); the next ones judge
everything again and find nothing new to archive, which is what each day costs. The review
window's list of proposals is timed too. Each pass is timed on a connection of its own, so
the window's is never held meanwhile.
"""

from typing import Any

from benchmarks.timing import Stats, time_calls, timed
from cabinet.bootstrap import AppContext, daily_retention_pass, retention_service
from cabinet.services.retention import PassReport
from cabinet.vault import database

DAILY_ROUNDS = 3
PROPOSAL_ROUNDS = 3


def _pass(ctx: AppContext) -> PassReport | None:
    """One pass on its own connection, whether or not today's already ran."""
    conn = database.connect(ctx.vault.layout.database, bytes(ctx.vault.data_key))
    try:
        return retention_service(ctx.vault, ctx.clock, ctx.trail, conn).run_pass()
    finally:
        conn.close()


def measure(ctx: AppContext) -> tuple[dict[str, Stats], dict[str, Any]]:
    """The first pass (archives what is due), the daily ones, the list of proposals."""
    first, first_ms = timed(lambda: daily_retention_pass(ctx, lambda: False))
    if first is None:  # the reused vault had its pass today: time a pass anyway
        first, first_ms = timed(lambda: _pass(ctx))
    assert first is not None
    results = {
        "retention_pass_first": Stats((first_ms,)),
        "retention_pass": time_calls(lambda: _pass(ctx) for _ in range(DAILY_ROUNDS)),
        "retention_proposals": time_calls(ctx.retention.proposals
                                          for _ in range(PROPOSAL_ROUNDS)),
    }
    archived = ctx.vault.conn.execute("SELECT count(*) FROM record_archive").fetchone()[0]
    return results, {"first_pass_archived": first.archived, "proposed": first.proposed,
                     "records_in_archive": archived}
