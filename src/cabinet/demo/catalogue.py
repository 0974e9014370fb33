"""Realistic building blocks for synthetic records: reasons, findings, drugs, histories."""

ENCOUNTERS: tuple[tuple[str, str, str, str, str], ...] = (
    # reason, history, examination, conclusion, plan
    ("Toux fébrile", "Toux productive depuis 4 jours, fièvre à 38,5 °C.",
     "Crépitants en base droite, pas de signe de détresse.", "Pneumopathie communautaire",
     "Amoxicilline 7 jours, radiographie thoracique, réévaluation à 48 heures."),
    ("Renouvellement d'ordonnance", "Patient stable, bonne observance.",
     "Examen cardiovasculaire normal.", "Hypertension artérielle équilibrée",
     "Poursuite du traitement, bilan biologique annuel."),
    ("Lombalgie", "Douleur lombaire après port de charge, sans irradiation.",
     "Contracture paravertébrale, Lasègue négatif.", "Lombalgie commune aiguë",
     "Paracétamol, maintien de l'activité, kinésithérapie si persistance."),
    ("Angine", "Odynophagie depuis 2 jours, fièvre modérée.",
     "Amygdales érythémateuses, TDR streptocoque négatif.", "Angine virale",
     "Traitement symptomatique, pas d'antibiotique."),
    ("Suivi diabète", "Diabète de type 2, autosurveillance correcte.",
     "Pieds sans lésion, monofilament perçu.", "Diabète de type 2 équilibré",
     "HbA1c dans 3 mois, fond d'œil annuel."),
    ("Certificat de sport", "Pratique du football en club.", "Examen normal, ECG normal.",
     "Absence de contre-indication", "Certificat de non contre-indication remis."),
    ("Gastro-entérite", "Diarrhée et vomissements depuis la veille.",
     "Abdomen souple, pas de déshydratation.", "Gastro-entérite aiguë",
     "Réhydratation orale, arrêt de travail 2 jours."),
    ("Anxiété", "Troubles du sommeil, ruminations depuis un mois.",
     "Examen somatique normal.", "Trouble anxieux réactionnel",
     "Psychothérapie de soutien, revoir dans 3 semaines."),
    ("Vaccination", "Rappel dTcaPolio prévu.", "Pas de contre-indication.",
     "Vaccination réalisée", "Prochain rappel à 65 ans."),
    ("Douleur thoracique", "Douleur atypique à l'effort depuis une semaine.",
     "Auscultation normale, ECG sans anomalie.", "Douleur thoracique à explorer",
     "Avis cardiologique, épreuve d'effort."),
)

DRUGS: tuple[tuple[str, str, str], ...] = (
    ("Paracétamol 1 g", "1 comprimé 3 fois par jour si douleur", "5 jours"),
    ("Amoxicilline 1 g", "1 comprimé matin et soir", "7 jours"),
    ("Ramipril 5 mg", "1 comprimé le matin", "3 mois"),
    ("Metformine 1000 mg", "1 comprimé matin et soir au repas", "3 mois"),
    ("Atorvastatine 20 mg", "1 comprimé le soir", "3 mois"),
    ("Ibuprofène 400 mg", "1 comprimé 3 fois par jour au repas", "3 jours"),
    ("Lévothyroxine 75 µg", "1 comprimé le matin à jeun", "3 mois"),
    ("Salbutamol 100 µg", "2 bouffées si gêne respiratoire", "6 mois"),
    ("Oméprazole 20 mg", "1 gélule le matin", "1 mois"),
    ("Amlodipine 5 mg", "1 comprimé le matin", "3 mois"),
)

HISTORIES: tuple[tuple[str, str], ...] = (
    ("medical", "Hypertension artérielle"), ("medical", "Diabète de type 2"),
    ("medical", "Asthme"), ("medical", "Hypothyroïdie"), ("medical", "Dépression"),
    ("surgical", "Appendicectomie"), ("surgical", "Cholécystectomie"),
    ("surgical", "Prothèse totale de hanche"), ("family", "Infarctus du myocarde"),
    ("family", "Cancer du sein"), ("family", "Diabète de type 2"),
)

ALLERGENS: tuple[tuple[str, str], ...] = (
    ("Pénicillines", "Urticaire généralisée"), ("Acide acétylsalicylique", "Bronchospasme"),
    ("Iode", "Érythème"), ("Pollens de graminées", "Rhinite"), ("Lactose", "Troubles digestifs"),
)

RISK_FACTORS = ("Tabagisme actif", "Surpoids", "Sédentarité", "Dyslipidémie",
                "Consommation d'alcool à risque", "Antécédent familial cardiovasculaire")

DOCUMENTS: tuple[tuple[str, str, str], ...] = (
    ("result", "Bilan biologique", "Laboratoire d'analyses"),
    ("letter_received", "Courrier du cardiologue", "Cardiologue correspondant"),
    ("report", "Compte rendu de radiographie", "Cabinet de radiologie"),
    ("letter_sent", "Lettre d'adressage", "Cabinet"),
    ("scan", "Ancien dossier numérisé", "Médecin précédent"),
)
