"""The demo vault's fictitious physician, so that the demonstration signs like a practice.

Every signed document names its prescriber; the demo's is plainly marked « démonstration »
and carries an RPPS number that has the right shape and check key but that no physician
holds (all nines).
"""

from cabinet.services.settings import SettingsService

DEMO_PHYSICIAN = "Dr Claire Martin (démonstration)"
DEMO_SETTINGS = {"physician_name": DEMO_PHYSICIAN, "rpps": "99999999990", "physician_sex": "F",
                 "address": "1 place de la Démonstration 75000 Paris"}


def name_demo_prescriber(settings: SettingsService) -> None:
    """Set the fictitious physician in a demo vault whose settings name no prescriber yet."""
    if settings.prescriber_missing() is not None:
        settings.change(DEMO_SETTINGS)
