"""Medicines of the public drug base, written by hand from real lines of its January 2026
snapshot (the CIS and the files' lines are quoted), for tests of prescribing."""

import datetime as dt
from decimal import Decimal

from cabinet.domain.drugs import Component, Nature, Presentation, Speciality

RELEASE = dt.date(2026, 1, 28)

# CIS 64539416 « CLAMOXYL 1 g, comprimé dispersible » (CIS_COMPO: 05248 AMOXICILLINE ANHYDRE
# 1000,00 mg FT, 28165 AMOXICILLINE TRIHYDRATÉE SA; CIS_CPD « liste I »; CIS_CIP 3400934171727
# « plaquette(s) PVDC PVC-Aluminium de 14 comprimé(s) »)
CLAMOXYL = Speciality(
    cis="64539416", name="CLAMOXYL 1 g, comprimé dispersible", form="comprimé dispersible",
    routes=("orale",), marketed=True, reinforced_monitoring=False,
    components=(Component("comprimé", "05248", "AMOXICILLINE ANHYDRE", "1000,00 mg",
                          "un comprimé", Nature.FRACTION, 1),
                Component("comprimé", "28165", "AMOXICILLINE TRIHYDRATÉE", "", "un comprimé",
                          Nature.ACTIVE, 1)),
    presentations=(Presentation("3417172", "3400934171727",
                                "plaquette(s) PVDC PVC-Aluminium de 14 comprimé(s)", True, "65%",
                                Decimal("4.09"), 14),),
    conditions=("liste I",))

# CIS 64288864 « ACTISKENAN 10 mg, gélule » (CIS_COMPO: 01099 SULFATE DE MORPHINE 10 mg SA;
# CIS_CPD « prescription limitée à 4 semaines », « prescription en toutes lettres sur
# ordonnance sécurisée », « stupéfiants »; CIS_CIP 3400934990007 « … de 14 gélule(s) »)
ACTISKENAN = Speciality(
    cis="64288864", name="ACTISKENAN 10 mg, gélule", form="gélule", routes=("orale",),
    marketed=True, reinforced_monitoring=False,
    components=(Component("gélule", "01099", "SULFATE DE MORPHINE", "10 mg", "une gélule",
                          Nature.ACTIVE, 1),),
    presentations=(Presentation("3499000", "3400934990007",
                                "plaquette(s) PVC-Aluminium de 14 gélule(s)", True, "65%",
                                Decimal("2.19"), 14),),
    conditions=("prescription limitée à 4 semaines",
                "prescription en toutes lettres sur ordonnance sécurisée", "stupéfiants"))

# CIS 60234100 « DOLIPRANE 1000 mg, comprimé » (CIS_COMPO: 02202 PARACÉTAMOL 1000 mg SA)
DOLIPRANE = Speciality(
    cis="60234100", name="DOLIPRANE 1000 mg, comprimé", form="comprimé", routes=("orale",),
    marketed=True, reinforced_monitoring=False,
    components=(Component("comprimé", "02202", "PARACÉTAMOL", "1000 mg", "un comprimé",
                          Nature.ACTIVE, 1),))
