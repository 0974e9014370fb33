"""`cabinet drugs import|info|search`: the public drug base (BDPM of the ANSM), no vault needed.

An import checks the whole downloaded folder before anything is replaced: a refused release
leaves the base in place. `info` and `search` install the shipped release first when no base
is there yet, as the window does.
"""

import argparse
from pathlib import Path
from typing import Any

from cabinet import paths
from cabinet.domain.drugs import NOT_CERTIFIED, DrugHit
from cabinet.domain.identity import parse_french_date
from cabinet.domain.record import french_number
from cabinet.errors import KnownError


def command_import(args: argparse.Namespace) -> int:
    """Check the downloaded folder whole, then make it the base."""
    from cabinet.bootstrap import import_drugs
    from cabinet.drugs import formats
    from cabinet.drugs.base import DrugBase

    published = None
    if args.date is not None:
        published = parse_french_date(args.date)
        if published is None:
            raise KnownError(f"La date « {args.date[:20]} » n'est pas une date JJ/MM/AAAA.")
    release = import_drugs(Path(args.folder), published)
    with DrugBase.open(paths.drugs_dir()) as base:
        counts = base.counts()
    kept = {name: lines - skipped for name, (lines, skipped) in counts.items()}
    skipped = sum(s for _, s in counts.values())
    print(f"{release.label()} importée : {french_number(kept[formats.SPECIALITIES])} spécialités, "
          f"{french_number(kept[formats.PRESENTATIONS])} présentations.")
    if skipped:
        print(f"{french_number(skipped)} ligne(s) écartée(s) : leur spécialité est absente de "
              f"{formats.SPECIALITIES} (détail : cabinet drugs info).")
    return 0


def command_info(_: argparse.Namespace) -> int:
    """The release the base holds, each file's lines and SHA-256."""
    from cabinet.drugs.shipped import open_drug_base

    with open_drug_base(paths.drugs_dir()) as base:
        release, counts = base.release(), base.counts()
    print(release.label())
    for name, digest in release.file_hashes.items():
        lines, skipped = counts[name]
        aside = f", dont {french_number(skipped)} écartée(s)" if skipped else ""
        print(f"{name} : {french_number(lines)} ligne(s){aside}, SHA-256 {digest}")
    print(NOT_CERTIFIED)
    return 0


def _line(hit: DrugHit) -> str:
    parts = [f"{hit.cis}  {hit.name}", hit.dosage, hit.routes,
             f"remboursé {hit.reimbursement}" if hit.reimbursement else "non remboursé",
             f"groupe générique : {hit.generic_group[:60]}" if hit.generic_group else "",
             ", ".join(hit.warnings)]
    box = f"CIP13 {hit.cip13}  " if hit.cip13 else ""
    return box + " — ".join(part for part in parts if part)


def command_search(args: argparse.Namespace) -> int:
    """The specialities a search finds, one per line."""
    from cabinet.drugs.shipped import open_drug_base

    with open_drug_base(paths.drugs_dir()) as base:
        hits = base.search(args.text, limit=args.limit)
    for hit in hits:
        print(_line(hit))
    if not hits:
        print("Aucun médicament trouvé.")
    return 0


def add_commands(commands: Any) -> None:
    """Register `cabinet drugs import|info|search`."""
    drugs = commands.add_parser("drugs", help="base des médicaments de l'ANSM (BDPM)")
    concern = drugs.add_subparsers(dest="drugs_command", required=True)
    load = concern.add_parser(
        "import", help="importer une version téléchargée de la base (fichiers CIS_*.txt)",
        description="Vérifie tous les fichiers du dossier puis remplace la base en une fois ; "
                    "une version refusée laisse la base en place.")
    load.add_argument("folder", type=Path, help="dossier des fichiers téléchargés de l'ANSM")
    load.add_argument("--date", help="date de la version, JJ/MM/AAAA (par défaut : la date de "
                                     "modification la plus récente des fichiers du dossier)")
    load.set_defaults(handler=command_import)
    info = concern.add_parser("info", help="version de la base, lignes et empreintes")
    info.set_defaults(handler=command_info)
    search = concern.add_parser("search", help="chercher un médicament (nom, DCI, CIP13, CIP7)")
    search.add_argument("text", help="début du nom, de la DCI, ou code CIP de la boîte")
    search.add_argument("--limit", type=int, default=30, help="nombre de résultats au plus")
    search.set_defaults(handler=command_search)
