"""Service-layer measures: what the physician waits for, through the real services.

Every measure goes through `AppContext` exactly as the UI will, so audit writes, JSON
decoding and validation are inside the timings. Each returns its `Stats` by operation name;
names share a family prefix ("full_text.rare") so budgets apply to every variant.
"""

import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from benchmarks.queries import FULL_TEXT_QUERIES, IN_RECORD_QUERIES, SearchQuery
from benchmarks.scales import RECORD_ENCOUNTERS
from benchmarks.timing import Stats, time_each, timed
from benchmarks.workload import WORKSTATION, encounter_payload, open_context
from cabinet.bootstrap import AppContext
from cabinet.domain.audit import AccessMode
from cabinet.domain.clock import SystemClock
from cabinet.domain.record import EntryKind
from cabinet.errors import KnownError
from cabinet.vault.session import Credential, unlock

Results = dict[str, Stats]
WRONG_CREDENTIAL = Credential(AccessMode.DEMO, "pas-le-bon")
SEARCH_WARMUP = 300


def vault_open(vault_folder: Path, rounds: int) -> Results:
    """Unlock with the demo credential and wire the services; locking is not timed.

    The plain case imports an empty pending log; the second case follows one failed attempt,
    so the unlock also moves a sealed event into the journal, as after a mistyped PIN.
    """
    open_context(vault_folder).lock()  # warm-up: imports, page cache
    clean: list[float] = []
    after_failure: list[float] = []
    for _ in range(rounds):
        ctx, elapsed = timed(lambda: open_context(vault_folder))
        ctx.lock()
        clean.append(elapsed)
    for _ in range(rounds):
        _fail_once(vault_folder)
        ctx, elapsed = timed(lambda: open_context(vault_folder))
        ctx.lock()
        after_failure.append(elapsed)
    return {"vault_open": Stats(tuple(clean)),
            "vault_open.after_failed_attempt": Stats(tuple(after_failure))}


def _fail_once(vault_folder: Path) -> None:
    try:
        unlock(vault_folder, WRONG_CREDENTIAL, SystemClock(), WORKSTATION).conn.close()
    except KnownError:
        return
    raise RuntimeError("a wrong demo password opened the vault")


def patient_search(ctx: AppContext, queries: Sequence[SearchQuery]) -> Results:
    """Time every input of the mix once; report the mix and each family of input."""
    stats = time_each(ctx.patients.search, [q.text for q in queries],
                      warmup=min(SEARCH_WARMUP, len(queries)))
    by_kind: dict[str, list[float]] = defaultdict(list)
    for query, sample in zip(queries, stats.samples_ms, strict=True):
        by_kind[query.kind].append(sample)
    results = {"patient_search": stats}
    results.update({f"patient_search.{kind}": Stats(tuple(samples))
                    for kind, samples in sorted(by_kind.items())})
    return results


def open_record(ctx: AppContext, patient_id: int, rounds: int) -> Results:
    """Open the 500-encounter record repeatedly (each opening is journaled and committed)."""
    record = ctx.records.open_record(patient_id)
    encounters = len(record.of_kind(EntryKind.ENCOUNTER))
    if encounters != RECORD_ENCOUNTERS:
        raise RuntimeError(f"the record patient has {encounters} encounters, not 500")
    stats = time_each(lambda _: ctx.records.open_record(patient_id), range(rounds), warmup=3)
    return {"open_record_500": stats}


def full_text(ctx: AppContext, rounds: int, record_patient_id: int) -> Results:
    """First page of full-text results, over the whole practice and inside one record."""
    results: Results = {}
    overall = Stats(())
    for family, texts in FULL_TEXT_QUERIES.items():
        stats = time_each(ctx.records.search_text, list(texts) * rounds, warmup=len(texts))
        results[f"full_text.{family}"] = stats
        overall = overall.merged(stats)
    results["full_text"] = overall
    results["full_text.in_record"] = time_each(
        lambda text: ctx.records.search_text(text, record_patient_id),
        list(IN_RECORD_QUERIES) * rounds, warmup=len(IN_RECORD_QUERIES))
    return results


def insert_plan(ctx: AppContext, count: int, seed: int) -> list[tuple[int, dict[str, object]]]:
    """`count` encounters for random existing patients, deterministic from `seed`."""
    rnd = random.Random(seed)
    last_patient = ctx.vault.conn.execute("SELECT max(id) FROM patient").fetchone()[0]
    today = ctx.clock.now().date().isoformat()
    return [(rnd.randint(1, last_patient), encounter_payload(rnd, today)) for _ in range(count)]


def insert(ctx: AppContext, count: int, seed: int) -> Results:
    """Add encounters one by one; each is its own audited transaction, committed to disk."""
    plan = insert_plan(ctx, count, seed)
    stats = time_each(lambda item: ctx.records.add_entry(item[0], EntryKind.ENCOUNTER, item[1]),
                      plan, warmup=min(5, count))
    return {"insert_encounter": stats}


def password_guess(rounds: int = 5) -> Results:
    """What one guess of the degraded-mode password costs, with the default parameters.

    An attacker holding the vault files and the installation secret pays one Argon2id
    derivation per guess.
    """
    import secrets

    from cabinet.keys.password import Argon2Parameters, derive_wrapping_key

    salt, secret = secrets.token_bytes(16), secrets.token_bytes(32)
    calls = [f"Essai-{n}-de-mot-de-passe!" for n in range(rounds)]
    return {"password_guess": time_each(
        lambda guess: derive_wrapping_key(guess, salt, Argon2Parameters(), secret), calls,
        warmup=1)}


SIGNED_RECORD_ENCOUNTERS = 200


def signed_record_pdf(ctx: AppContext, patient_id: int, rounds: int) -> Results:
    """Lay out, make PDF/A and sign the record with 200 encounters (demo software key)."""
    from cabinet.documents import content
    from cabinet.documents.demo_certificate import demo_signer
    from cabinet.documents.issue import issue
    from cabinet.documents.layout import Letterhead

    record = ctx.records.open_record(patient_id)
    encounters = record.of_kind(EntryKind.ENCOUNTER)[:SIGNED_RECORD_ENCOUNTERS]
    others = [e for e in record.entries if e.kind != EntryKind.ENCOUNTER.value]
    identity = ctx.patients.identity(patient_id)
    letterhead = Letterhead("Dr Camille Démo", "Médecine générale", "10000000000",
                            "1 place de la Mairie 75001 Paris", "01 00 00 00 00")
    signer, clock = demo_signer(), SystemClock()

    def sign_once(_: int) -> None:
        document = content.record(letterhead, identity, others + encounters, {})
        issue(document, signer, clock.now())

    return {"signed_pdf_200": time_each(sign_once, range(rounds), warmup=1)}


GUARD_PROGRAM = ("import time\nstarted = time.perf_counter()\nfrom cabinet import guard\n"
                 "guard.enforce()\nprint((time.perf_counter() - started) * 1000)\n")


def guard_start(rounds: int) -> Results:
    """What the integrity guard adds to start-up, in a fresh process each time."""
    import subprocess
    import sys

    timings = []
    for _ in range(rounds + 1):
        output = subprocess.run(  # noqa: S603 - this interpreter, our own program
            [sys.executable, "-c", GUARD_PROGRAM], capture_output=True,
            text=True, check=True, timeout=60).stdout
        timings.append(float(output.strip()))
    return {"guard_start": Stats(tuple(timings[1:]))}
