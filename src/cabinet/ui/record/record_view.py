"""The patient's record: a header that never scrolls away, then one tab per part (REC-1).

Every read goes through the services, so every opening is journaled; nothing read is kept
once the application locks (`clear`).
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.agreement import born_on, life_stage
from cabinet.domain.identity import Identity, age_on
from cabinet.domain.record import EntryKind
from cabinet.domain.text import fold
from cabinet.domain.treatments import CurrentTreatment, current_treatments, renewal_lines
from cabinet.domain.wording import (
    age_text,
    french_date,
    french_datetime,
    mode_label,
    target_text,
)
from cabinet.errors import KnownError
from cabinet.services.ports import DraftKey, StoredVersion
from cabinet.services.records import PatientRecord, ReplacementObjection
from cabinet.ui.common.dialogs import ServiceDialog, ask_reason, side_by_side
from cabinet.ui.common.drug_base import DrugBaseHolder
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.common.worker import BackgroundJob, JobStopped
from cabinet.ui.exports.record_exports import PRINT_KEYS, RecordExports
from cabinet.ui.exports.signing import Exporter
from cabinet.ui.record.allergy_suggestions import AllergyLookup
from cabinet.ui.record.audit_viewer import ACTION_LABELS
from cabinet.ui.record.documents_tab import DocumentsTab
from cabinet.ui.record.encounter_dialog import EncounterDialog
from cabinet.ui.record.entry_dialog import EntryDialog
from cabinet.ui.record.entry_list import EntryList
from cabinet.ui.record.erasure_dialog import ERASE_LABEL, erase_on_request
from cabinet.ui.record.patient_dialog import PatientDialog
from cabinet.ui.record.prescription_dialog import PrescribingAids, PrescriptionDialog
from cabinet.ui.record.rendering import entry_html
from cabinet.ui.record.rights_dialog import RightsDialog
from cabinet.ui.results.results_tab import ResultsTab

ACCESS_READING = "Lecture de l'historique des accès…"
ACCESS_STOPPED = "Lecture de l'historique interrompue."
SUMMARY_KINDS = (EntryKind.ALLERGY, EntryKind.HISTORY, EntryKind.RISK_FACTOR,
                 EntryKind.TREATMENT, EntryKind.ADVANCE_DIRECTIVE, EntryKind.CONSENT)
RENEW_TREATMENTS_KEYS = "Ctrl+Alt+R"
RENEW_TREATMENTS = "Renouveler le traitement de fond"
NO_TREATMENT_DE_FOND = (
    "Aucun traitement de fond en cours dans les ordonnances de ce dossier. Une ligne le "
    "devient quand « Traitement de fond » est coché en la prescrivant ; pour renouveler une "
    "ordonnance, choisissez-la dans l'onglet Ordonnances (Ctrl+R).")


def treatment_names(treatments: Sequence[Mapping[str, Any]],
                    current: Sequence[CurrentTreatment]) -> list[str]:
    """The treatment entries not stopped, then the prescriptions' running lines, each once.

    A line prescribed for a duration says its last day: the header shows what runs out.
    """
    names = [str(t["drug"]) for t in treatments if not t.get("stopped")]
    seen = {fold(name).strip() for name in names}
    for treatment in current:
        name = str(treatment.line["drug"])
        if fold(name).strip() in seen:
            continue
        seen.add(fold(name).strip())
        if treatment.until is not None:
            last = treatment.until - dt.timedelta(days=1)
            name += f" (jusqu'au {last:%d/%m/%Y})"
        names.append(name)
    return names


DECEASED = {"F": "décédée", "M": "décédé"}


class RecordHeader(QLabel):
    """Name, age, sex, allergies in a colour that cannot be missed, current treatments."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("recordHeader")
        self.setWordWrap(True)
        self.setStyleSheet("padding: 6px; border-bottom: 1px solid #999;")

    def show_patient(self, identity: Identity, record: PatientRecord, today: dt.date,
                     current: Sequence[CurrentTreatment] = ()) -> None:
        """Fill the header from the current identity and record, and the running lines."""
        status = record.allergy_status()
        allergies = [e for e in record.of_kind(EntryKind.ALLERGY)
                     if e.payload["status"] == "present"]
        if status == "present":
            allergy = ("<span style='background:#b00020;color:white;padding:2px'>"
                       "&nbsp;ALLERGIES : " + escape(", ".join(a.payload["substance"]
                                                             for a in allergies)) + "&nbsp;</span>")
        elif status == "none_known":
            allergy = "<span style='color:#1b5e20'>Aucune allergie connue</span>"
        else:
            allergy = "<span style='color:#e65100'><b>Allergies non renseignées</b></span>"
        treatments = ", ".join(treatment_names(
            [e.payload for e in record.of_kind(EntryKind.TREATMENT)], current))
        birth, sex = identity.birth_date, identity.sex.value
        self.setText(
            f"<span style='font-size:16pt'><b>{escape(identity.display_name())}</b></span> "
            f"— {life_stage(sex, birth, today)}, {age_text(birth.isoformat(), today)} "
            f"({born_on(sex, birth)})"
            + (f" — NIR {escape(identity.nir)}" if identity.nir else "")
            + (f" — {DECEASED.get(sex, 'décès')} le {identity.death_date:%d/%m/%Y}"
               if identity.death_date else "")
            + (f"<br><b>Dossier en archive intermédiaire depuis le "
               f"{french_date(record.archived_on)}</b> : lecture seule, une nouvelle "
               "consultation le rouvre." if record.archived_on else "")
            + f"<br>{allergy}"
            + (f"<br>Traitements en cours : {escape(treatments)}" if treatments else ""))


def _access_cells(row: dict[str, Any]) -> tuple[str, ...]:
    """One access as the history tab shows it: when, who, how, what, on what, where."""
    return (french_datetime(row["at"]), row["actor"], mode_label(row["mode"]),
            ACTION_LABELS.get(row["action"], row["action"]), target_text(row["target"]),
            row["workstation"])


class RecordView(QWidget):
    """The open record; `context` gives the services while unlocked."""

    break_glass_used = Signal()

    def __init__(self, context: Callable[[], AppContext], exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.exports = RecordExports(self, self, context, exporter)
        self.drugs = DrugBaseHolder(parent=self)
        self._allergies: list[dict[str, Any]] = []  # the open record's, for the prescriptions
        self._current: list[CurrentTreatment] = []  # its running prescribed lines
        self.patient_id: int | None = None
        self.identity: Identity | None = None
        self.header = RecordHeader()
        self.tabs = QTabWidget()
        self.summary = self._summary_tab()
        self.encounters = self._encounters_tab()
        self.prescriptions = self._prescriptions_tab()
        self.documents = DocumentsTab(context, self.reload)
        self.results = ResultsTab(context)
        self._encounters: list[dict[str, Any]] = []  # the open record's, for the curves
        self.private_notes = self._private_tab()
        self.access = QTableWidget(0, 6)
        self.access.setHorizontalHeaderLabels(("Date", "Qui", "Mode", "Action", "Objet",
                                               "Poste"))
        self.access.setAccessibleName("Historique des accès au dossier")
        for tab, title in ((self.summary, "&Synthèse"), (self.encounters, "&Consultations"),
                           (self.prescriptions, "&Ordonnances"), (self.documents, "Doc&uments"),
                           (self.results, "&Résultats"),
                           (self.private_notes, "&Notes privées"),
                           (self.access, "&Accès")):
            self.tabs.addTab(tab, title)
        self.tabs.setTabToolTip(self.tabs.indexOf(self.private_notes),
                                "Notes non communicables : jamais dans une copie du dossier")
        self.tabs.setTabToolTip(self.tabs.indexOf(self.access), "Historique des accès au dossier")
        # seven tabs whole on a 1280-pixel screen at 125 % (tests/ui/test_layout.py)
        self.tabs.setStyleSheet(
            "QTabBar::tab { padding: 5px 7px; margin-right: 1px; border: 1px solid palette(mid);"
            " border-bottom: none; border-top-left-radius: 3px; border-top-right-radius: 3px;"
            " background: palette(button); }"
            " QTabBar::tab:selected { background: palette(base); margin-bottom: -1px; }")
        self.tabs.currentChanged.connect(self._tab_changed)
        for erasable in (self.summary, self.encounters, self.prescriptions,
                         self.private_list, self.documents.list):
            erasable.add_context_action(ERASE_LABEL, self.erase)
        self.placeholder = QLabel("Recherchez un patient (Ctrl+F) pour ouvrir son dossier.")
        layout = QVBoxLayout(self)
        self.banner = side_by_side(self.header, self.exports.button)
        layout.addWidget(self.banner)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.tabs)
        self.clear()

    # --- tabs -------------------------------------------------------------------------
    def _summary_tab(self) -> EntryList:
        tab = EntryList("Synthèse du dossier")
        tab.add_menu("Ajouter", [
            ("Antécédent", lambda: self.add_simple(EntryKind.HISTORY)),
            ("Allergie ou intolérance", lambda: self.add_simple(EntryKind.ALLERGY)),
            ("Aucune allergie connue", self.add_no_known_allergy),
            ("Facteur de risque", lambda: self.add_simple(EntryKind.RISK_FACTOR)),
            ("Traitement en cours", lambda: self.add_simple(EntryKind.TREATMENT)),
            ("Directives anticipées", lambda: self.add_simple(EntryKind.ADVANCE_DIRECTIVE)),
            ("Consentement ou opposition", lambda: self.add_simple(EntryKind.CONSENT)),
        ])
        tab.add_button("Corriger", lambda: self.correct_selected(tab))
        tab.add_button("Versions", lambda: self.show_versions(tab))
        tab.add_button("Identité…", self.correct_identity)
        tab.add_button("Droits…", self.show_rights)
        tab.finish_buttons()
        return tab

    def _encounters_tab(self) -> EntryList:
        tab = EntryList("Consultations")
        tab.add_button("&Nouvelle consultation (Ctrl+N)", self.new_encounter)
        tab.add_button("Corriger", lambda: self.correct_selected(tab))
        tab.add_button("Versions", lambda: self.show_versions(tab))
        tab.finish_buttons()
        return tab

    def _prescriptions_tab(self) -> EntryList:
        tab = EntryList("Ordonnances")
        tab.add_button("Nouvelle &ordonnance (Ctrl+P)", self.new_prescription)
        tab.add_button("&Renouveler (Ctrl+R)", self.renew_prescription)
        keys = QKeySequence(RENEW_TREATMENTS_KEYS).toString(
            QKeySequence.SequenceFormat.NativeText)
        fond = tab.add_button("&Traitement de fond", self.renew_treatments)
        fond.setToolTip(f"Renouveler le traitement de fond ({keys})")  # the row fits 1366 px
        keys = QKeySequence(PRINT_KEYS).toString(QKeySequence.SequenceFormat.NativeText)
        tab.add_button(f"&Imprimer signée… ({keys})",
                       self.exports.print_prescription)
        tab.add_button("Versions", lambda: self.show_versions(tab))
        tab.finish_buttons()
        return tab

    def _private_tab(self) -> QWidget:
        holder = QWidget()
        banner = QLabel("Notes personnelles et informations de tiers : elles ne figurent "
                        "jamais dans une copie remise au patient (non communicables).")
        banner.setWordWrap(True)
        banner.setStyleSheet("background:#fff3cd; padding:6px;")
        self.private_list = EntryList("Notes non communicables")
        self.private_list.add_button("Ajouter une note",
                                     lambda: self.add_simple(EntryKind.PRIVATE_NOTE))
        self.private_list.add_button("Corriger", lambda: self.correct_selected(
            self.private_list))
        self.private_list.finish_buttons()
        layout = QVBoxLayout(holder)
        layout.addWidget(banner)
        layout.addWidget(self.private_list)
        return holder

    # --- loading ----------------------------------------------------------------------
    def open_patient(self, patient_id: int) -> None:
        """Open a record (journaled by the services); an objection asks for break-glass."""
        if patient_id != self.patient_id:
            self.clear()
        self.patient_id = patient_id
        self.tabs.setCurrentIndex(0)
        try:
            self.reload()
        except ReplacementObjection as objection:
            self.clear()
            if not self._break_glass(patient_id, objection.message):
                return
            self.patient_id = patient_id
            self.reload()
        self.placeholder.hide()
        self.banner.show()
        self.tabs.show()

    def _break_glass(self, patient_id: int, explanation: str) -> bool:
        """Ask for the emergency's reason; open by break-glass if one is given (AUTH-4)."""
        reason, ok = QInputDialog.getText(
            self, "Bris de glace", f"{explanation}\n\nMotif de l'urgence :")
        if not ok:
            return False
        try:
            self._context().records.break_glass(patient_id, reason)
        except KnownError as error:
            show_known_error(self, error)
            return False
        self.break_glass_used.emit()
        return True

    def reload(self) -> None:
        """Read the record again after a change."""
        if self.patient_id is None:
            return
        ctx = self._context()
        self.identity = ctx.patients.identity(self.patient_id)
        record = ctx.records.open_record(self.patient_id)
        today = ctx.clock.now().astimezone().date()
        self._current = current_treatments(
            [e.payload for e in record.of_kind(EntryKind.PRESCRIPTION)],
            [e.payload for e in record.of_kind(EntryKind.TREATMENT)], today)
        self.header.show_patient(self.identity, record, today, self._current)
        self._allergies = [e.payload for e in record.of_kind(EntryKind.ALLERGY)]
        self.summary.set_entries([e for e in record.entries
                                  if EntryKind(e.kind) in SUMMARY_KINDS])
        self.encounters.set_entries(record.of_kind(EntryKind.ENCOUNTER))
        self._encounters = [e.payload for e in record.of_kind(EntryKind.ENCOUNTER)]
        self.prescriptions.set_entries(record.of_kind(EntryKind.PRESCRIPTION))
        self.documents.set_entries(self.patient_id, record.of_kind(EntryKind.DOCUMENT))
        self.private_list.set_entries(record.of_kind(EntryKind.PRIVATE_NOTE))
        self._tab_changed()

    def _tab_changed(self) -> None:
        if self.patient_id is None:
            return
        if self.tabs.currentWidget() is self.access:
            self._load_access()
        elif self.tabs.currentWidget() is self.results:
            self.results.load(self.patient_id, self._encounters)

    def _load_access(self) -> None:
        """Read and word the record's access history off the GUI thread, then show it."""
        assert self.patient_id is not None
        journal, patient = self._context().journal, self.patient_id
        try:
            rows = BackgroundJob(self, ACCESS_READING, ACCESS_STOPPED).run(
                lambda _progress: [_access_cells(row) for row in
                                   journal.access_history(patient)])
        except JobStopped:
            return
        self.access.setRowCount(len(rows))
        for index, cells in enumerate(rows):
            for column, text in enumerate(cells):
                self.access.setItem(index, column, QTableWidgetItem(text))
        self.access.resizeColumnsToContents()

    def clear(self) -> None:
        """Forget the record entirely (at lock, or before opening another)."""
        self.patient_id = None
        self.identity = None
        self._allergies = []
        self._current = []
        self.header.clear()
        for tab in (self.summary, self.encounters, self.prescriptions, self.private_list):
            tab.clear()
        self.documents.clear()
        self.results.clear()
        self._encounters = []
        self.access.setRowCount(0)
        self.banner.hide()
        self.tabs.hide()
        self.placeholder.show()

    # --- actions ----------------------------------------------------------------------
    def _run(self, action: Callable[[], Any]) -> None:
        try:
            action()
        except KnownError as error:
            show_known_error(self, error)
        self.reload()

    def patient_text(self) -> str:
        """Whose record this is, as dialogs say it: name and birth date."""
        if self.identity is None:
            return ""
        return (f"{self.identity.display_name()}, "
                f"{born_on(self.identity.sex.value, self.identity.birth_date)}")

    def selected_prescription(self) -> int | None:
        """The lineage of the selected prescription, its tab shown; None if none is."""
        entry = self.prescriptions.current()
        if entry is None:
            return None
        self.tabs.setCurrentWidget(self.prescriptions)
        return entry.lineage

    def _exec(self, dialog: ServiceDialog) -> None:
        """Show a dialog about the open record, saying whose record it is; then delete it.

        A closed dialog would otherwise stay hidden among the view's children with what it
        showed (lines, allergies) after the record is closed, each one slowing the next.
        """
        if self.identity is not None:
            dialog.show_patient(self.patient_text())
        dialog.exec()
        dialog.deleteLater()

    def add_simple(self, kind: EntryKind) -> None:
        """Add a history, allergy, risk factor, treatment, directive or private note."""
        if self.patient_id is None:
            return
        patient = self.patient_id
        records = self._context().records
        self._exec(EntryDialog(kind, lambda p: records.add_entry(patient, kind, p), parent=self,
                               allergy_lookup=self._allergy_lookup()))
        self.reload()

    def add_no_known_allergy(self) -> None:
        """Record the explicit negative 'no known allergy'."""
        if self.patient_id is not None:
            patient = self.patient_id
            self._run(lambda: self._context().records.add_entry(
                patient, EntryKind.ALLERGY, {"status": "none_known"}))

    def new_encounter(self) -> None:
        """Write a new encounter (Ctrl+N)."""
        self.write_encounter()

    def write_encounter(self, reason: str = "") -> bool:
        """Write a new encounter dated today, `reason` pre-filled; True once it is saved.

        The waiting room's way in: the appointment's reason becomes the encounter's.
        """
        if self.patient_id is None:
            return False
        patient, ctx = self.patient_id, self._context()
        self.tabs.setCurrentWidget(self.encounters)
        dialog = EncounterDialog(
            lambda p: ctx.records.add_entry(patient, EntryKind.ENCOUNTER, p),
            today=ctx.clock.now().astimezone().date(), parent=self)
        draft = dialog.keep_drafts(ctx.drafts, DraftKey(patient, EntryKind.ENCOUNTER.value),
                                   dialog.draft_payload)
        if draft is not None:
            dialog.fill(draft)
        elif reason:
            dialog.reason.setText(reason)
        dialog.watch_typing()
        self._exec(dialog)
        if self.patient_id is not None:  # not locked meanwhile
            self.reload()
        return dialog.result() == QDialog.DialogCode.Accepted

    def _aids(self) -> PrescribingAids:
        """The drug base (or why not yet), and the patient's allergies and age, for a dialog."""
        from cabinet.drugs.allergy_classes import allergy_classes

        today = self._context().clock.now().astimezone().date()
        age = age_on(self.identity.birth_date, today) if self.identity else None
        return PrescribingAids(self.drugs.base, self.drugs.unavailable, self._allergies, age,
                               allergy_classes(), today)

    def _allergy_lookup(self) -> AllergyLookup | None:
        """The drug base's substances and the classes an allergy is chosen from, if open."""
        from cabinet.drugs.allergy_classes import allergy_classes

        base = self.drugs.base
        return AllergyLookup(base.substances, allergy_classes()) if base is not None else None

    def new_prescription(self) -> None:
        """Write a new prescription (Ctrl+P)."""
        self._prescribe(())

    def _prescribe(self, lines: Sequence[Mapping[str, Any]], title: str | None = None) -> None:
        """The prescription dialog, pre-filled with `lines` for a renewal, in its tab."""
        if self.patient_id is None:
            return
        patient, records = self.patient_id, self._context().records
        self.tabs.setCurrentWidget(self.prescriptions)
        self._exec(PrescriptionDialog(
            lambda p: records.add_entry(patient, EntryKind.PRESCRIPTION, p),
            lines=lines, aids=self._aids(), title=title, parent=self))
        self.reload()

    def import_document(self) -> None:
        """Import a received file into the documents, shown in their tab (Ctrl+I)."""
        if self.patient_id is None:
            return
        self.tabs.setCurrentWidget(self.documents)
        self.documents.choose_file()

    def renew_prescription(self) -> None:
        """Start a new prescription from the selected one's lines (Ctrl+R)."""
        selected = self.prescriptions.current()
        if selected is not None:
            self._prescribe(selected.payload["lines"])

    def renew_treatments(self) -> None:
        """Start a new prescription from the treatments de fond still running (Ctrl+Alt+R).

        The allergies are checked again at saving, as for any renewal.
        """
        if self.patient_id is None:
            return
        lines = renewal_lines(self._current)
        if not lines:
            self.tabs.setCurrentWidget(self.prescriptions)
            QMessageBox.information(self, RENEW_TREATMENTS, NO_TREATMENT_DE_FOND)
            return
        self._prescribe(lines, RENEW_TREATMENTS)

    def correct_selected(self, tab: EntryList) -> None:
        """Correct the selected entry: a new version with a reason (REC-3)."""
        entry = tab.current()
        if entry is None:
            return
        records = self._context().records
        kind = EntryKind(entry.kind)

        def save(payload: dict[str, Any]) -> None:
            reason = ask_reason(self)
            if reason is not None:
                records.correct_entry(entry.lineage, payload, reason)

        if kind is EntryKind.ENCOUNTER:
            self._exec(EncounterDialog(save, current=entry.payload, parent=self))
        elif kind is EntryKind.ALLERGY and entry.payload["status"] == "none_known":
            self._exec(EntryDialog(kind, save, parent=self))
        else:
            self._exec(EntryDialog(kind, save, current=entry.payload, parent=self,
                                   allergy_lookup=self._allergy_lookup()))
        self.reload()

    def erase(self, entry: StoredVersion) -> None:
        """Erase an entry on the patient's written request (RIGHTS-3)."""
        self._run(lambda: erase_on_request(self, self._context().erasure, entry))

    def show_rights(self) -> None:
        """The information given, the consents and objections, the erasures (RIGHTS-1..3)."""
        if self.patient_id is not None:
            dialog = RightsDialog(self._context, self.patient_id, self)
            dialog.exec()
            dialog.deleteLater()

    def show_versions(self, tab: EntryList) -> None:
        """Every version of the selected entry, with author, time and reason."""
        entry = tab.current()
        if entry is None:
            return
        versions = self._context().records.entry_history(entry.lineage)
        html = "<hr>".join(entry_html(v) for v in reversed(versions))
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Versions de l'entrée", "", parent=self)
        box.setText(html)
        box.exec()

    def correct_identity(self) -> None:
        """Correct the administrative identity (a new version, with a reason)."""
        if self.patient_id is None or self.identity is None:
            return
        patient, patients = self.patient_id, self._context().patients

        def save(identity: Identity) -> None:
            reason = ask_reason(self)
            if reason is not None:
                patients.correct(patient, identity, reason)

        dialog = PatientDialog(save, current=self.identity, parent=self)
        dialog.exec()
        dialog.deleteLater()
        self.reload()

