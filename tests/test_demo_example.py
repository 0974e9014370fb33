"""The README's example search finds a patient in the demo practice (issue 12, 7)."""

import re
from pathlib import Path

from cabinet.demo.generator import DemoSize, generate


def test_the_readme_s_example_birth_date_finds_a_demo_patient(ctx):
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"a birth date as (\d\d/\d\d/\d{4})", readme)
    assert example is not None
    generate(ctx, DemoSize(patients=3, encounters_per_patient=0, documents_per_patient=0),
             seed=1)
    found = ctx.patients.search(example.group(1))
    assert len(found) == 1
    assert found[0].birth_date == "1961-03-12"
