"""The table of medicine classes an allergy may name, shipped beside the drug base.

`allergy_classes.json` says where each class comes from (WHO ATC index, ANSM names); the
alerts themselves are the domain's (`cabinet.domain.allergy_alerts`), which takes this table.
"""

import json
from functools import cache
from importlib import resources

from cabinet.domain.allergy_alerts import AllergyClass


@cache
def allergy_classes() -> tuple[AllergyClass, ...]:
    """The shipped classes, read once."""
    text = (resources.files("cabinet.drugs") / "allergy_classes.json").read_text("utf-8")
    return tuple(AllergyClass(c["name"], tuple(c["aliases"]), tuple(c["substances"]),
                              tuple(c["atc"])) for c in json.loads(text)["classes"])
