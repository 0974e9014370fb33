"""Generate synthetic French patients, deterministic from a seed.

Everything goes through the real services (validation, versioning, audit), in batches of
patients per transaction so the "large practice" workload (20,000 patients, 400,000
encounters) builds in a few minutes. Content depends only on the seed and the reference day.
"""

import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from faker import Faker

from cabinet.bootstrap import AppContext
from cabinet.demo import catalogue
from cabinet.demo.prescriber import name_demo_prescriber
from cabinet.domain.identity import Identity, IdentityStatus, Sex, nir_key
from cabinet.domain.record import EntryKind

BIRTH_PLACES = ("75056", "69123", "13055", "31555", "33063", "59350", "44109", "67482",
                "2A004", "99134")
PATIENTS_PER_TRANSACTION = 100
README_EXAMPLE_BIRTH = dt.date(1961, 3, 12)  # the first patient: README's example search


@dataclass(frozen=True)
class DemoSize:
    """How much to generate."""

    patients: int
    encounters_per_patient: int = 20
    documents_per_patient: float = 2.5


@cache
def demo_pdf(title: str) -> bytes:
    """A small, byte-for-byte reproducible PDF standing for a received document."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(title)
    pdf.drawString(72, 770, title)
    pdf.drawString(72, 750, "Document de démonstration : patient fictif, sans valeur médicale.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def synthetic_nir(sex: Sex, birth: dt.date, place: str, order: int) -> str:
    """A NIR with a valid key for a synthetic person."""
    body = f"{1 if sex is Sex.MALE else 2}{birth.year % 100:02d}{birth.month:02d}{place}{order:03d}"
    return f"{body}{nir_key(body):02d}"


class DemoGenerator:
    """Builds synthetic records through the services of an open vault."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self._random = random.Random(seed)
        self._faker = Faker("fr_FR")
        self._faker.seed_instance(seed)
        self._today = today

    def _days_ago(self, most: int) -> str:
        return (self._today - dt.timedelta(days=self._random.randint(0, most))).isoformat()

    def identity(self, birth_date: dt.date | None = None) -> Identity:
        """One synthetic identity with a valid NIR, born on `birth_date` if given."""
        rnd, fake = self._random, self._faker
        sex = Sex.FEMALE if rnd.random() < 0.52 else Sex.MALE
        first = fake.first_name_female() if sex is Sex.FEMALE else fake.first_name_male()
        if rnd.random() < 0.15:
            first += "-" + (fake.first_name_female() if sex is Sex.FEMALE
                            else fake.first_name_male())
        drawn = self._today - dt.timedelta(days=rnd.randint(0, 95 * 365))
        birth = birth_date or drawn  # drawn all the same: the other patients stay as they were
        place = rnd.choice(BIRTH_PLACES)
        birth_name = fake.last_name()
        used_name = fake.last_name() if sex is Sex.FEMALE and rnd.random() < 0.3 else ""
        nir = synthetic_nir(sex, birth, place, rnd.randint(1, 999))
        qualified = rnd.random() < 0.6
        return Identity(
            birth_name=birth_name, first_names=first, sex=sex, birth_date=birth,
            used_name=used_name, birth_place_code=place, nir=nir,
            ins_number=nir if qualified else "",
            ins_oid="1.2.250.1.213.1.4.8" if qualified else "",
            identity_status=IdentityStatus.QUALIFIED if qualified else IdentityStatus.PROVISIONAL,
            address=fake.street_address(), postal_code=fake.postcode(), city=fake.city(),
            phones=(fake.phone_number(),), email=fake.email(), insurer="CPAM",
        )

    def populate(self, ctx: AppContext, patient_id: int, size: DemoSize) -> None:
        """Fill one record with history, allergies, encounters, prescriptions, documents."""
        rnd, add = self._random, ctx.records.add_entry
        for category, text in rnd.sample(catalogue.HISTORIES, rnd.randint(0, 3)):
            add(patient_id, EntryKind.HISTORY, {"category": category, "text": text,
                                                "relative": "Père" if category == "family" else ""})
        allergy_roll = rnd.random()
        if allergy_roll < 0.3:
            add(patient_id, EntryKind.ALLERGY, {"status": "none_known"})
        elif allergy_roll < 0.4:
            substance, reaction = rnd.choice(catalogue.ALLERGENS)
            add(patient_id, EntryKind.ALLERGY, {"substance": substance, "reaction": reaction})
        for text in rnd.sample(catalogue.RISK_FACTORS, rnd.randint(0, 2)):
            add(patient_id, EntryKind.RISK_FACTOR, {"text": text})
        for drug, dosage, _ in rnd.sample(catalogue.DRUGS, rnd.randint(0, 3)):
            add(patient_id, EntryKind.TREATMENT, {"drug": drug, "dosage": dosage,
                                                  "since": self._days_ago(3000)})
        for _ in range(rnd.randint(0, 2 * size.encounters_per_patient)):
            self._encounter(ctx, patient_id)
        for _ in range(int(size.documents_per_patient * 2 * rnd.random() + 0.5)):
            doc_type, title, origin = rnd.choice(catalogue.DOCUMENTS)
            ctx.records.add_document(patient_id, {
                "doc_type": doc_type, "title": title, "origin": origin,
                "date": self._days_ago(3650), "filename": f"{doc_type}.pdf",
                "media_type": "application/pdf"}, demo_pdf(title))
        if rnd.random() < 0.05:
            add(patient_id, EntryKind.PRIVATE_NOTE, {
                "category": "third_party", "text": "Information rapportée par un voisin."})

    def _encounter(self, ctx: AppContext, patient_id: int) -> None:
        rnd = self._random
        reason, history, examination, conclusion, plan = rnd.choice(catalogue.ENCOUNTERS)
        date = self._days_ago(3650)
        vitals = [{"code": "weight", "value": round(rnd.uniform(45, 110), 1)},
                  {"code": "height", "value": rnd.randint(150, 195)},
                  {"code": "systolic", "value": rnd.randint(105, 165)},
                  {"code": "diastolic", "value": rnd.randint(60, 95)}]
        ctx.records.add_entry(patient_id, EntryKind.ENCOUNTER, {
            "date": date, "reason": reason, "history": history, "examination": examination,
            "vitals": vitals, "conclusion": conclusion, "plan": plan})
        if rnd.random() < 0.5:
            lines = [{"drug": d, "dosage": p, "duration": t}
                     for d, p, t in rnd.sample(catalogue.DRUGS, rnd.randint(1, 3))]
            ctx.records.add_entry(patient_id, EntryKind.PRESCRIPTION,
                                  {"date": date, "lines": lines})


def generate(ctx: AppContext, size: DemoSize, seed: int,
             progress: Callable[[int, int], None] | None = None) -> list[int]:
    """Create `size.patients` synthetic records; return their numbers.

    A vault that names no prescriber yet gets the fictitious one, so that it signs.
    """
    name_demo_prescriber(ctx.settings)
    generator = DemoGenerator(seed, ctx.clock.now().date())
    created: list[int] = []
    while len(created) < size.patients:
        batch = min(PATIENTS_PER_TRANSACTION, size.patients - len(created))
        with ctx.vault.store.transaction():
            for _ in range(batch):
                patient_id = ctx.patients.create(generator.identity(
                    None if created else README_EXAMPLE_BIRTH))
                generator.populate(ctx, patient_id, size)
                created.append(patient_id)
        if progress:
            progress(len(created), size.patients)
    return created
