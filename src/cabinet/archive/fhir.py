"""The record's current state as a FHIR R4 Bundle, for software that is not Cabinet.

Resources: Patient, AllergyIntolerance, Condition, MedicationStatement, MedicationRequest,
Encounter, Observation (vital signs, LOINC and UCUM), DocumentReference. They are written as
plain JSON (building a million validated models would take minutes at "large"); the tests parse
every one with `fhir.resources` (R4B, wire-compatible with R4 for these resources).

"Not entered" is the absence of a resource; an explicit negative is a resource saying so:
"no known allergy" is an AllergyIntolerance coded SNOMED CT 716186003.

A prescription line written from the drug base is coded by its CIS and its box's CIP13, with
its posology structured where it is (dose, times a day, duration) and the boxes to dispense;
an allergy recorded against a substance of the base is coded by the substance's code. The
code systems are those of the ANS's FHIR ePrescription guide (`input/fsh/aliases.fsh` of
github.com/ansforge/interop-ig-fhir-ePrescription: `$SpecialitePharmaceutique`, `$CIP`,
`$TechANSM`). A free-text line is its text, as always.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from cabinet.domain.prescribing import DURATION_UNITS, NON_SUBSTITUTION, is_structured
from cabinet.services.ports import StoredVersion

INS_NIR_OID = "urn:oid:1.2.250.1.213.1.4.8"
CIS_SYSTEM = "http://data.esante.gouv.fr/ansm/medicament/SpecialitePharmaceutique"
CIP_SYSTEM = "http://data.esante.gouv.fr/ansm/medicament/Presentation"
SUBSTANCE_SYSTEM = "http://data.esante.gouv.fr/ansm/medicament/substance"
COURSE_OF_THERAPY = "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
VITAL_LOINC = {
    "weight": ("29463-7", "Body weight", "kg"),
    "height": ("8302-2", "Body height", "cm"),
    "systolic": ("8480-6", "Systolic blood pressure", "mm[Hg]"),
    "diastolic": ("8462-4", "Diastolic blood pressure", "mm[Hg]"),
    "heart_rate": ("8867-4", "Heart rate", "/min"),
    "temperature": ("8310-5", "Body temperature", "Cel"),
    "spo2": ("59408-5", "Oxygen saturation by pulse oximetry", "%"),
    "glycemia": ("41653-7", "Glucose [Mass/volume] in Capillary blood by Glucometer", "g/L"),
}
_GENDER = {"F": "female", "M": "male", "I": "unknown"}
_UCUM_TIME = {"days": "d", "weeks": "wk", "months": "mo"}
_SUBJECT = {"reference": "Patient/patient"}


def _text(value: str) -> dict[str, str]:
    return {"text": value}


def _patient(identity: Mapping[str, Any]) -> dict[str, Any]:
    names = [{"use": "official", "family": identity["birth_name"],
              "given": identity["first_names"].split()}]
    if identity.get("used_name"):
        names.append({"use": "usual", "family": identity["used_name"],
                      "given": identity["first_names"].split()})
    resource: dict[str, Any] = {
        "resourceType": "Patient", "id": "patient", "name": names,
        "gender": _GENDER[identity["sex"]], "birthDate": identity["birth_date"]}
    if identity.get("nir"):
        resource["identifier"] = [{"system": INS_NIR_OID, "value": identity["nir"]}]
    phones = [{"system": "phone", "value": p} for p in identity.get("phones", [])]
    if identity.get("email"):
        phones.append({"system": "email", "value": identity["email"]})
    if phones:
        resource["telecom"] = phones
    if identity.get("address") or identity.get("city"):
        resource["address"] = [{"line": [identity.get("address", "")] if identity.get(
            "address") else [], "postalCode": identity.get("postal_code", ""),
            "city": identity.get("city", "")}]
    return resource


def _allergy(entry: StoredVersion) -> dict[str, Any]:
    payload = entry.payload
    resource: dict[str, Any] = {"resourceType": "AllergyIntolerance", "id": f"e{entry.lineage}",
                                "patient": _SUBJECT, "recordedDate": entry.created_at}
    if payload["status"] == "none_known":
        resource["code"] = {"coding": [{"system": SNOMED, "code": "716186003",
                                        "display": "No known allergy"}],
                            "text": "Aucune allergie connue"}
        return resource
    resource["code"] = _text(payload["substance"])
    if payload.get("substance_code"):
        resource["code"]["coding"] = [{"system": SUBSTANCE_SYSTEM,
                                       "code": payload["substance_code"]}]
    resource["type"] = "intolerance" if payload.get("intolerance") else "allergy"
    if payload.get("reaction"):
        resource["reaction"] = [{"manifestation": [_text(payload["reaction"])]}]
    return resource


def _condition(entry: StoredVersion) -> dict[str, Any]:
    payload = entry.payload
    resource: dict[str, Any] = {
        "resourceType": "Condition", "id": f"e{entry.lineage}", "subject": _SUBJECT,
        "code": _text(payload["text"]),
        "category": [_text({"medical": "antécédent médical",
                            "surgical": "antécédent chirurgical",
                            "family": "antécédent familial"}.get(payload.get("category", ""),
                                                                 "facteur de risque"))]}
    if payload.get("date"):
        resource["onsetDateTime"] = payload["date"]
    if payload.get("relative"):
        resource["note"] = [{"text": f"Parent : {payload['relative']}"}]
    return resource


def _treatment(entry: StoredVersion) -> dict[str, Any]:
    payload = entry.payload
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement", "id": f"e{entry.lineage}", "subject": _SUBJECT,
        "status": "stopped" if payload.get("stopped") else "active",
        "medicationCodeableConcept": _text(payload["drug"])}
    if payload.get("dosage"):
        resource["dosage"] = [{"text": payload["dosage"]}]
    period = {k: payload[v] for k, v in (("start", "since"), ("end", "stopped")) if payload.get(v)}
    if period:
        resource["effectivePeriod"] = period
    return resource


def _prescription(entry: StoredVersion) -> list[dict[str, Any]]:
    found = []
    for n, line in enumerate(entry.payload["lines"], start=1):
        resource: dict[str, Any] = {
            "resourceType": "MedicationRequest", "id": f"e{entry.lineage}-{n}",
            "status": "completed", "intent": "order", "subject": _SUBJECT,
            "authoredOn": entry.payload["date"],
            "medicationCodeableConcept": _text(line["drug"]),
            "dosageInstruction": [{"text": f"{line['dosage']} — {line['duration']}"}]}
        if is_structured(line):
            resource.update(_structured(line, resource["dosageInstruction"][0]))
        if line.get("ald"):
            resource["note"] = [{"text": "ALD (bizone, partie haute)"}]
        found.append(resource)
    return found


def _structured(line: Mapping[str, Any], dosage: dict[str, Any]) -> dict[str, Any]:
    """What a line of the drug base adds: codes, structured posology, boxes, substitution."""
    # no display: the base's name of the speciality is not kept with the line, only its DCI
    codes = [{"system": CIS_SYSTEM, "code": line["cis"]}]
    if line.get("cip13"):
        codes.append({"system": CIP_SYSTEM, "code": line["cip13"]})
    posology = line["posology"]
    bounds = {"value": posology["duration"], "unit": DURATION_UNITS[posology["duration_unit"]],
              "system": UCUM, "code": _UCUM_TIME[posology["duration_unit"]]}
    repeat: dict[str, Any] = {"boundsDuration": bounds}
    if posology.get("per_day"):
        repeat |= {"frequency": posology["per_day"], "period": 1, "periodUnit": "d"}
    dosage["timing"] = {"repeat": repeat}
    if posology.get("dose") is not None:
        dosage["doseAndRate"] = [{"doseQuantity": {"value": posology["dose"],
                                                   "unit": posology["unit"]}}]
    added: dict[str, Any] = {
        "medicationCodeableConcept": {"coding": codes, "text": line["drug"]},
        "courseOfTherapyType": {"coding": [{
            "system": COURSE_OF_THERAPY,
            "code": "continuous" if line.get("long_term") else "acute"}]}}
    dispense: dict[str, Any] = {"numberOfRepeatsAllowed": line.get("renewals", 0),
                                "expectedSupplyDuration": bounds}
    if line.get("boxes"):
        dispense["quantity"] = {"value": line["boxes"], "unit": "boîte"}
    added["dispenseRequest"] = dispense
    if line.get("non_substitutable"):
        reason = line["non_substitutable"]
        added["substitution"] = {"allowedBoolean": False, "reason": {
            "text": f"Non substituable ({reason}) : {NON_SUBSTITUTION[reason]}"}}
    return added


def _encounter(entry: StoredVersion) -> list[dict[str, Any]]:
    payload = entry.payload
    encounter_id = f"e{entry.lineage}"
    found: list[dict[str, Any]] = [{
        "resourceType": "Encounter", "id": encounter_id, "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": _SUBJECT, "period": {"start": payload["date"]},
        "reasonCode": [_text(payload["reason"])]}]
    for n, vital in enumerate(payload.get("vitals", []), start=1):
        code, display, unit = VITAL_LOINC[vital["code"]]
        found.append({
            "resourceType": "Observation", "id": f"{encounter_id}-v{n}", "status": "final",
            "category": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "vital-signs"}]}],
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
            "subject": _SUBJECT, "encounter": {"reference": f"Encounter/{encounter_id}"},
            "effectiveDateTime": payload["date"],
            "valueQuantity": {"value": vital["value"], "unit": unit, "system": UCUM,
                              "code": unit}})
    return found


def _document(entry: StoredVersion, paths: Mapping[str, str]) -> dict[str, Any]:
    payload = entry.payload
    return {"resourceType": "DocumentReference", "id": f"e{entry.lineage}",
            "status": "current", "subject": _SUBJECT, "date": f"{payload['date']}T00:00:00Z",
            "description": payload["title"], "type": _text(payload["doc_type"]),
            "content": [{"attachment": {"contentType": payload["media_type"],
                                        "url": paths.get(payload["sha256"], ""),
                                        "size": payload["size"], "title": payload["filename"]}}]}


def bundle(identity: Mapping[str, Any], entries: Sequence[StoredVersion],
           paths: Mapping[str, str]) -> dict[str, Any]:
    """A `collection` Bundle of the current entries; `paths` names each file in the folder."""
    resources: list[dict[str, Any]] = [_patient(identity)]
    for entry in entries:
        match entry.kind:
            case "allergy":
                resources.append(_allergy(entry))
            case "history" | "risk_factor":
                resources.append(_condition(entry))
            case "treatment":
                resources.append(_treatment(entry))
            case "prescription":
                resources += _prescription(entry)
            case "encounter":
                resources += _encounter(entry)
            case "document":
                resources.append(_document(entry, paths))
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": f"urn:cabinet:{r['resourceType']}/{r['id']}", "resource": r}
                      for r in resources]}
