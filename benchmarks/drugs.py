"""The drug base (issue 16): importing a whole BDPM release, and searching it as typed.

The import runs in a fresh process per round, on the shipped January 2026 release written
out as the ANSM publishes it (Windows-1252), so its time includes reading, checking and
building the base, and its peak resident memory (`ru_maxrss` of that process) is the
import's own plus the interpreter's. Search times every keystroke of realistic queries
typed letter by letter, box codes digit by digit, over the imported base.
"""

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.timing import Stats, time_each, timed
from cabinet.drugs.base import DrugBase
from cabinet.drugs.reader import decode
from cabinet.drugs.shipped import SHIPPED_RELEASE, shipped_files

IMPORT_MEMORY_BUDGET_MB = 300.0
IMPORT_ROUNDS = 3
SEARCH_ROUNDS = 5
OPEN_ROUNDS = 10
WORDS = ("amoxicilline", "doliprane 1000", "paracetamol", "paracétamol 500", "ibuprofene 400",
         "levothyrox", "kardegic 75", "metformine 1000", "atorvastatine 20", "augmentin",
         "ventoline", "spasfon", "smecta", "morphine", "tramadol", "amlodipine 5",
         "prednisolone", "oméprazole 20", "zolpidem", "seretide")
CODES = ("3400935955838", "3400934951374", "3400933857042", "3595583", "3385704")
IMPORT_PROGRAM = """
import datetime as dt, resource, sys, time
from pathlib import Path
started = time.perf_counter()
from cabinet.drugs.importer import import_release
from cabinet.drugs.shipped import folder_files
import_release(folder_files(Path(sys.argv[1])), Path(sys.argv[2]),
               dt.date.fromisoformat(sys.argv[3]))
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def typed(text: str) -> list[str]:
    """Every state of the search field while `text` is typed."""
    return [text[:end] for end in range(1, len(text) + 1)]


def official_release(folder: Path) -> Path:
    """The shipped release written out in the ANSM's own encoding."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in shipped_files().items():
        (folder / name).write_bytes(decode(name, data)[0].encode("cp1252"))
    return folder


def import_once(release: Path, base: Path) -> tuple[float, float]:
    """One import in a fresh process: its seconds and its peak resident memory in MB."""
    output = subprocess.run(  # noqa: S603 - this interpreter, our own program
        [sys.executable, "-c", IMPORT_PROGRAM, str(release), str(base),
         SHIPPED_RELEASE.isoformat()], capture_output=True, text=True, check=True,
        timeout=600).stdout.split()
    return float(output[0]), int(output[1]) / 1024


def measure(workdir: Path) -> tuple[dict[str, Stats], dict[str, Any]]:
    """Import rounds, then opening and searching the imported base."""
    release = official_release(workdir / "bdpm-release")
    base = workdir / "medicaments"
    imports = [import_once(release, base) for _ in range(IMPORT_ROUNDS)]
    opens = []
    for _ in range(OPEN_ROUNDS):
        opened, elapsed = timed(lambda: DrugBase.open(base))
        opened.close()
        opens.append(elapsed)
    text = [state for word in WORDS for state in typed(word)]
    codes = [state for code in CODES for state in typed(code)]
    with DrugBase.open(base) as drugs:
        by_text = time_each(drugs.search, text * SEARCH_ROUNDS, warmup=len(text))
        by_code = time_each(drugs.search, codes * SEARCH_ROUNDS, warmup=len(codes))
        counts = drugs.counts()
    size = sum(p.stat().st_size for p in base.iterdir())
    shutil.rmtree(release, ignore_errors=True)
    results = {"drugs_import": Stats(tuple(seconds * 1000 for seconds, _ in imports)),
               "drugs_open": Stats(tuple(opens)),
               "drugs_search": by_text.merged(by_code),
               "drugs_search.text": by_text, "drugs_search.cip": by_code}
    detail = {"release": SHIPPED_RELEASE.isoformat(), "encoding": "Windows-1252",
              "import_peak_rss_mb": round(max(mb for _, mb in imports), 1),
              "budget_mb": IMPORT_MEMORY_BUDGET_MB, "base_megabytes": round(size / 2**20, 1),
              "lines": {name: lines for name, (lines, _) in counts.items()},
              "queries": {"text": len(text), "cip": len(codes)},
              "measured": dt.date.today().isoformat()}
    return results, detail


def overruns(detail: dict[str, Any]) -> list[str]:
    """The import's memory budget, which is not a time."""
    if not detail or detail["import_peak_rss_mb"] <= detail["budget_mb"]:
        return []
    return [f"drugs_import ({detail['import_peak_rss_mb']} MB)"]


def notes(detail: dict[str, Any]) -> list[str]:
    """The import's memory beside its budget, and the base's size."""
    if not detail:
        return []
    return [f"Drug base import: peak RSS {detail['import_peak_rss_mb']:.0f} MB "
            f"(budget {detail['budget_mb']:.0f} MB), base {detail['base_megabytes']} MB"]
