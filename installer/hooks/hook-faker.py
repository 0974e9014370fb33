"""Faker, trimmed to the locales the demo generator uses.

Replaces the hook of pyinstaller-hooks-contrib, which ships the providers of all ninety
locales as source files. Faker finds its providers and locales by listing `__init__.py`
files on disk in a frozen application (`faker.utils.loading.list_module`), so those of the
kept locales are shipped as files; the modules themselves load from the archive.
"""

import re
from pathlib import Path

from PyInstaller.utils.hooks import collect_submodules, get_module_file_attribute

# fr_FR for the demo; en_US, en_GB and la are providers' fallbacks (`default_locale`).
KEPT_LOCALES = frozenset({"fr_FR", "en_US", "en_GB", "la"})
LOCALE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")


def _kept(name: str) -> bool:
    parts = name.split(".")
    return not any(LOCALE.fullmatch(p) and p not in KEPT_LOCALES for p in parts[3:])


hiddenimports = collect_submodules("faker.providers", filter=_kept)
_providers = Path(get_module_file_attribute("faker.providers")).parent
datas = [(str(init), str(Path("faker/providers") / init.parent.relative_to(_providers)))
         for init in sorted(_providers.rglob("__init__.py"))
         if _kept(".".join(["faker", "providers", *init.parent.relative_to(_providers).parts]))]
