"""The kinds of portability export the ANS draft (PDLGC) names, with their French meaning."""

EXPORT_TYPES = {"UNITAIRE": "un patient", "CIBLE": "une sélection de patients",
                "MASSIF": "toute la patientèle"}
