"""Certificate and letter templates: shipped in French, edited by the physician, filled.

The shipped templates (`domain/document_templates.json`) are never changed: the physician's
version of one is kept in the vault beside them, and « Rétablir le modèle d'origine » forgets
it. Filling a template reads the record (journaled as its opening); the filled text is only
offered to the physician, who edits it, previews it and signs it through `ExportService`.
"""

import json
from functools import cache
from importlib import resources

from cabinet.domain import templates
from cabinet.domain.audit import Action
from cabinet.domain.template_fields import Physician, field_values
from cabinet.domain.templates import Template, TemplateError
from cabinet.errors import InvalidInput
from cabinet.services.auditing import audited, not_audited
from cabinet.services.issuing import Practice, PracticeService
from cabinet.services.writing_ports import TemplateStore


@cache
def shipped() -> tuple[Template, ...]:
    """The templates shipped with Cabinet, in the order they are offered."""
    data = json.loads((resources.files("cabinet.domain") / "document_templates.json")
                      .read_text("utf-8"))
    return tuple(Template(t["key"], t["kind"], t["title"], t["text"]) for t in data["templates"])


class TemplateService(PracticeService):
    """List, edit, restore and fill the document templates."""

    def __init__(self, practice: Practice, store: TemplateStore) -> None:
        super().__init__(practice)
        self._templates = store

    @not_audited("the templates' texts: the physician's wording, no patient data")
    def templates(self, kind: str = "") -> list[Template]:
        """Every template (of one kind if given), the physician's version where there is one."""
        edited = self._templates.edited_templates()
        return [Template(t.key, t.kind, t.title, edited[t.key], True) if t.key in edited else t
                for t in shipped() if not kind or t.kind == kind]

    def _template(self, key: str) -> Template:
        for template in self.templates():
            if template.key == key:
                return template
        raise InvalidInput("Ce modèle n'existe pas.")

    @audited
    def save(self, key: str, text: str) -> None:
        """Keep the physician's version; refused (French) if it names an unknown field."""
        original = next((t for t in shipped() if t.key == key), None)
        if original is None:
            raise InvalidInput("Ce modèle n'existe pas.")
        try:
            templates.check(text)
        except TemplateError as error:
            raise InvalidInput(str(error)) from None
        if text == original.text:
            self._templates.drop_template(key)
        else:
            self._templates.put_template(key, text, self._trail.now(), self._trail.actor.name)
        self._trail.record(Action.ADMIN, target=f"template:{key}", detail="modèle modifié")

    @audited
    def restore(self, key: str) -> Template:
        """Forget the physician's version: the shipped text applies again."""
        self._template(key)
        self._templates.drop_template(key)
        self._trail.record(Action.ADMIN, target=f"template:{key}",
                           detail="modèle d'origine rétabli")
        return self._template(key)

    @audited
    def fill(self, key: str, patient_id: int, recipient: str = "") -> str:
        """The template's text with the record's fields in it, for the physician to edit."""
        template = self._template(key)
        self._issuer.require_prescriber()
        record = self._records.open_record(patient_id)  # journals the reading
        letterhead = self._issuer.letterhead()
        physician = Physician(letterhead.physician, letterhead.specialty, letterhead.rpps,
                              letterhead.address, letterhead.phone, letterhead.sex)
        values = field_values(self._issuer.identity(patient_id), record.entries, physician,
                              self._issuer.today(), recipient)
        return templates.fill(template.text, values)
