"""DOCUMENTATION/: what a successor's software (or a person) needs to read the archive.

DICTIONNAIRE.HTM (the files, the fields of every kind of entry, "negative" versus "not
entered", and where the archive follows or departs from the PDLGC draft), SCHEMA.JSON (the
JSON schema of DOSSIER.JSON), EXEMPLE.JSON (a synthetic patient) and ENVELOPPE.TXT (the
encrypted container). Generated from the same tables the application validates with.
"""

import json
from html import escape
from importlib import resources

from cabinet.domain.prescribing import DURATION_UNITS, NON_SUBSTITUTION, check_line
from cabinet.domain.record import (
    CONSENT_TOPICS,
    DOCUMENT_TYPES,
    HISTORY_CATEGORIES,
    PRIVATE_NOTE_CATEGORIES,
    VITAL_SIGNS,
)

FOLDER = "DOCUMENTATION"

_KINDS = {
    "history": ("Antécédent", "category (" + ", ".join(HISTORY_CATEGORIES) + "), text, "
                "date, relative"),
    "allergy": ("Allergie ou intolérance", "status: present (substance, reaction, "
                "intolerance ; substance_code, code de la substance dans la base des "
                "médicaments de l'ANSM, ou allergy_class, classe de médicaments nommée, quand "
                "l'allergie y a été rattachée) ou none_known (négatif explicite : aucune "
                "allergie connue)"),
    "risk_factor": ("Facteur de risque", "text"),
    "treatment": ("Traitement au long cours", "drug, dosage, since, stopped, cis (code CIS "
                  "du médicament prescrit dont la date d'arrêt met fin à la ligne)"),
    "encounter": ("Consultation", "date, reason, history, examination, conclusion, plan, "
                  "vitals [{code, value, unit}] (codes : " + ", ".join(
                      f"{code} = {sign.label} en {sign.unit}"
                      for code, sign in VITAL_SIGNS.items()) + ")"),
    "prescription": ("Ordonnance", "date, lines : ligne en texte libre {drug, dosage, "
                     "duration, ald}, ou ligne de la base des médicaments de l'ANSM (avec "
                     "dci) : dci, brand (nom de marque gardé, sinon vide), form, cis, cip13 "
                     "(boîte choisie), units_per_box, release (date de la base), secure "
                     "(ordonnance sécurisée), posology {dose, unit, per_day, duration, "
                     "duration_unit (" + ", ".join(DURATION_UNITS) + "), text}, boxes, "
                     "non_substitutable (" + ", ".join(NON_SUBSTITUTION) + " ou vide), ald, "
                     "long_term (traitement de fond), renewals, allergy_alerts, "
                     "allergy_override (motif de prescription malgré l'allergie) ; drug, "
                     "dosage et duration y sont le texte imprimé. En FHIR : MedicationRequest "
                     "codé par le CIS et le CIP13 (systèmes du guide ePrescription de l'ANS), "
                     "posologie structurée et nombre de boîtes (dispenseRequest)"),
    "document": ("Document", "doc_type (" + ", ".join(DOCUMENT_TYPES) + "), title, origin, "
                 "date, filename, media_type, sha256, size (le fichier est DOCnnnnn)"),
    "advance_directive": ("Directives anticipées", "date, text, holder"),
    "private_note": ("Note personnelle du médecin (non communicable au patient)",
                     "category (" + ", ".join(PRIVATE_NOTE_CATEGORIES) + "), text"),
    "consent": ("Consentement ou opposition", "topic (" + ", ".join(CONSENT_TOPICS) + "), "
                "choice (objects, agrees), date, note"),
}

_DEPARTURES = [
    "Le manifeste suit le modèle PDLGCManifest (exportId, extractTime, exportType, "
    "exportStatus, période, editeurSortant, compteurs, Archive : type, archiveid, patientId, "
    "size, hash). Ajouts : l'attribut schemaVersion, l'élément exportePar (nom, RPPS, empreinte "
    "du certificat du signataire) et, par sous-archive, fileCount et expandedSize.",
    "L'élément destinataire du manifeste, couvert par la signature, nomme à qui l'archive est "
    "destinée : « passphrase » (archive chiffrée par phrase secrète) ou l'empreinte SHA-256 du "
    "certificat du successeur. À l'import, une archive ouverte autrement (enveloppe chiffrée de "
    "nouveau pour un autre destinataire) est refusée avant toute écriture. Les archives écrites "
    "avant cet élément n'en ont pas : elles restent importées comme avant, sans ce contrôle.",
    "Le brouillon ne définit pas de signature : Cabinet signe MANIFEST.XML (CMS détaché "
    "CAdES-BES, MANIFEST.P7S) avec la carte du médecin sortant. INDEX.HTM et les fichiers de "
    "DOCUMENTATION/ figurent aussi dans le manifeste (types Index et Documentation).",
    "Chaque patient est une archive zip PATnnnnn.ZIP au format IHE XDM (IHE_XDM/SUBSET01). "
    "Le hash du manifeste est le SHA-256 du fichier zip (le brouillon dit « du répertoire » "
    "sans préciser comment le calculer).",
    "Données structurées : JSON documenté (DOSSIER.JSON, toutes versions) et FHIR R4 "
    "(FHIR.JSON, état courant) au lieu du CDA R2 niveau 3 (VSM) demandé par le périmètre "
    "pivot ; le rendu PDF du dossier est en PDF/A-2b et non PDF/A-1.",
    "Traces : syslog RFC 5424 (TRACES.LOG) et JSON chaîné (TRACES.JSONL).",
    "Agenda : AGENDA.ICS (iCalendar RFC 5545) dans TRANSV.ZIP d'un export MASSIF seulement, "
    "un VEVENT par rendez-vous (annulés et manqués compris), heure locale du cabinet "
    "(« flottante »), motif en DESCRIPTION, type en CATEGORIES et X-CABINET-TYPE, statut "
    "Cabinet en X-CABINET-STATUS (prevu, arrive, vu, absent, annule), heure d'arrivée en "
    "X-CABINET-ARRIVED et numéro du patient dans le logiciel d'origine en X-CABINET-PATIENT "
    "(le même que source_patient_id de son DOSSIER.JSON) ; relu et rattaché aux patients "
    "importés à l'import.",
    "Transport : l'archive est chiffrée (voir ENVELOPPE.TXT) ; le brouillon ne fixe pas "
    "d'algorithme.",
]

ENVELOPE = """Enveloppe de transport (fichier .cabarch)

"CABARCH1" | longueur de l'en-tête (4 octets, gros-boutiste) | en-tête JSON UTF-8 | blocs

L'en-tête indique le destinataire : un certificat (la clé de contenu AES-256 est chiffrée
en RSA PKCS#1 v1.5 pour ce certificat) ou une phrase secrète remise une fois (clé dérivée
par HKDF-SHA256, clé de contenu chiffrée en AES-256-GCM). Le contenu, une archive zip, est
découpé en blocs de chunk_size octets ; chaque bloc est chiffré en AES-256-GCM, nonce =
nonce_prefix (7 octets) | numéro du bloc (4 octets) | 1 pour le dernier bloc sinon 0,
données associées = tout l'en-tête ; key_check (HMAC-SHA256 de la clé de contenu, 16
octets) dit aussitôt si la clé déchiffrée est la bonne. Un bloc modifié, déplacé ou
retiré, ou une archive tronquée, sont détectés. Le dernier bloc, éventuellement vide, est
toujours présent.
"""


def schema() -> bytes:
    """The JSON schema of DOSSIER.JSON, as shipped."""
    return (resources.files("cabinet.archive") / "schemas" / "patient-1.schema.json").read_bytes()


def dictionary(software: str) -> bytes:
    """DICTIONNAIRE.HTM."""
    kinds = "".join(f"<tr><td><code>{k}</code></td><td>{escape(label)}</td>"
                    f"<td>{escape(fields)}</td></tr>" for k, (label, fields) in _KINDS.items())
    departures = "".join(f"<li>{escape(d)}</li>" for d in _DEPARTURES)
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Dictionnaire des données</title></head><body>
<h1>Archive de portabilité — dictionnaire des données</h1>
<p>Produite par {escape(software)}. Chaque patient : PATnnnnn.ZIP (IHE XDM) contenant
DOSSIER.JSON (schéma SCHEMA.JSON : toutes les versions de l'identité et de chaque entrée,
avec auteur, date d'écriture et motif de correction), FHIR.JSON (état courant en ressources
FHIR R4), DOSSIER.PDF (dossier lisible, PDF/A-2b) et les documents DOCnnnnn tels que
stockés. TRANSV.ZIP : le journal des accès et, pour un export MASSIF, l'agenda
(AGENDA.ICS, iCalendar). Exemple : EXEMPLE.JSON (patient fictif).</p>
<h2>Entrées (champ <code>kind</code>) et contenu (<code>payload</code>)</h2>
<table border="1"><tr><th>kind</th><th>Signification</th><th>Champs</th></tr>{kinds}</table>
<h2>Donnée négative ou non renseignée</h2>
<p>Une donnée non renseignée est absente : aucune entrée. Une donnée négative est une
entrée explicite : pour les allergies, <code>status = none_known</code> (« aucune allergie
connue »), rendu en FHIR par une AllergyIntolerance codée SNOMED CT 716186003.
<code>allergy_status</code> résume : not_entered, none_known ou present. Une mesure absente
d'une consultation n'a pas été prise ; elle n'est jamais « normale » par défaut.</p>
<h2>Versions et auteurs</h2>
<p>Une correction est une nouvelle version (<code>version</code>) de la même lignée
(<code>lineage</code> = id de la première version) ; les anciennes versions restent.
<code>author</code> et <code>created_at</code> sont ceux de l'écriture d'origine.</p>
<h2>Écarts au brouillon PDLGC (ANS, juillet 2026)</h2><ul>{departures}</ul>
</body></html>""".encode()


def sample() -> bytes:
    """EXEMPLE.JSON: a synthetic patient in the DOSSIER.JSON format."""
    # CIS 64539416 « CLAMOXYL 1 g, comprimé dispersible », its box of 14 tablets
    line = check_line({
        "dci": "amoxicilline 1 g", "brand": "", "form": "comprimé dispersible",
        "cis": "64539416", "cip13": "3400934171727", "units_per_box": 14,
        "release": "2026-01-28", "posology": {"dose": 1, "unit": "comprimé", "per_day": 3,
                                              "duration": 7, "duration_unit": "days"}}, 1)
    example = {
        "schema": "cabinet.archive.patient/1", "archive": "PAT00001", "source_patient_id": 1,
        "created_at": "2024-01-15T09:00:00.000+00:00", "created_by": "Dr Exemple",
        "allergy_status": "none_known",
        "identity_versions": [{"version": 1, "data": {
            "birth_name": "EXEMPLE", "first_names": "Camille", "sex": "F",
            "birth_date": "1970-05-04", "identity_status": "provisoire", "nir": "",
            "phones": []}, "author": "Dr Exemple", "created_at": "2024-01-15T09:00:00.000+00:00",
            "reason": ""}],
        "entries": [
            {"id": 1, "lineage": 1, "version": 1, "kind": "allergy", "effective_date":
             "2024-01-15", "payload": {"status": "none_known"}, "non_communicable": False,
             "author": "Dr Exemple", "created_at": "2024-01-15T09:01:00.000+00:00",
             "reason": ""},
            {"id": 2, "lineage": 2, "version": 1, "kind": "encounter",
             "effective_date": "2024-01-15",
             "payload": {"date": "2024-01-15", "reason": "Toux", "history": "", "examination":
                         "", "vitals": [{"code": "weight", "value": 61.0, "unit": "kg"}],
                         "conclusion": "", "plan": ""}, "non_communicable": False,
             "author": "Dr Exemple", "created_at": "2024-01-15T09:05:00.000+00:00",
             "reason": ""},
            {"id": 3, "lineage": 3, "version": 1, "kind": "prescription",
             "effective_date": "2024-01-15",
             "payload": {"date": "2024-01-15", "lines": [line]},
             "non_communicable": False, "author": "Dr Exemple",
             "created_at": "2024-01-15T09:07:00.000+00:00", "reason": ""}],
        "files": []}
    return json.dumps(example, ensure_ascii=False, indent=2).encode()


def files(software: str) -> dict[str, bytes]:
    """Every documentation file by its path in the archive."""
    return {f"{FOLDER}/DICTIONNAIRE.HTM": dictionary(software),
            f"{FOLDER}/SCHEMA.JSON": schema(), f"{FOLDER}/EXEMPLE.JSON": sample(),
            f"{FOLDER}/ENVELOPPE.TXT": ENVELOPE.encode()}
