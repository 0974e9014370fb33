"""Search as the physician types: brand, DCI, a scanned box, accents and case aside, marketed
specialities first; and what the base says of one speciality."""

from decimal import Decimal

from cabinet.domain.drugs import Nature


def _names(hits):
    return [hit.name for hit in hits]


def test_a_brand_prefix_finds_the_brand(base):
    hits = base.search("doli")
    assert _names(hits) == ["DOLIPRANE 1000 mg, comprimé",
                            "DOLIPRANE 1000 mg, comprimé effervescent sécable"]
    assert hits[0].dosage == "paracétamol 1000 mg"
    assert (hits[0].form, hits[0].routes, hits[0].reimbursement) == ("comprimé", "orale", "65%")


def test_each_word_is_a_prefix(base):
    assert _names(base.search("doli 1000 eff")) == [
        "DOLIPRANE 1000 mg, comprimé effervescent sécable"]
    assert _names(base.search("ibupro 400")) == [
        "IBUPROFENE BIOGARAN 400 mg, comprimé pelliculé", "ADVIL 400 mg, comprimé enrobé"]


def test_a_dci_finds_the_brands_after_the_names(base):
    names = _names(base.search("paracétamol"))
    assert names[0].startswith("PARACETAMOL BIOGARAN 1000 mg")
    assert set(names[1:]) == {"DOLIPRANE 1000 mg, comprimé",
                              "DOLIPRANE 1000 mg, comprimé effervescent sécable"}
    assert "ADVIL 400 mg, comprimé enrobé" in _names(base.search("ibuprofène"))


def test_accents_and_case_do_not_matter(base):
    assert _names(base.search("ROPIVACAINE")) == _names(base.search("ropivacaïne")) == \
        _names(base.search("Ropi")) == ["ROPIVACAÏNE KABI 2 mg/ml, solution injectable en ampoule"]
    assert _names(base.search("PARACETAMOL")) == _names(base.search("paracétamol"))


def test_marketed_specialities_come_first(base):
    hits = base.search("amox")
    assert [hit.marketed for hit in hits] == [True] * 4 + [False] * 2
    assert hits[3].name == "CLAMOXYL 500 mg, gélule"  # by its DCI, after the names
    assert hits[-1].name.startswith("AMOXICILLINE ARROW 500 mg")
    assert hits[-1].warnings == ("non commercialisé",)
    assert all(h.dosage.startswith("amoxicilline") for h in hits)
    assert hits[0].generic_group == "AMOXICILLINE 500 mg - CLAMOXYL 500 mg, gélule"


def test_a_scanned_box_finds_its_speciality(base):
    by_cip13 = base.search("3400956511792")
    by_cip7 = base.search("5651179")
    assert by_cip13 == by_cip7
    assert [(h.name[:8], h.cip13) for h in by_cip13] == [("TRACRIUM", "3400956511792")]
    assert base.search("34009 5651179 2") == by_cip13


def test_warnings_say_shortage_and_monitoring(base):
    [tetracaine] = base.search("tetracaine")
    assert tetracaine.warnings == ("rupture de stock",)
    [gemcitabine] = base.search("gemcitabine")
    assert gemcitabine.warnings == ("rupture de stock",)
    [fluorouracile] = base.search("fluorouracile")
    assert fluorouracile.warnings == ("tension d'approvisionnement",)
    [abecma] = base.search("abecma")
    assert abecma.warnings == ("surveillance renforcée",)
    assert base.search("clamoxyl")[0].warnings == ()  # « remise à disposition »


def test_nothing_typed_or_nothing_found(base):
    assert base.search("") == base.search("  ' ") == base.search("zzzz") == []
    assert base.search('amox" OR *') == base.search("amox or")


def test_the_limit_holds(base):
    assert len(base.search("a", limit=3)) == 3


def test_a_speciality_whole(base):
    clamoxyl = base.speciality("67707794")
    assert clamoxyl.name == "CLAMOXYL 500 mg, gélule"
    assert clamoxyl.conditions == ("liste I",)
    assert clamoxyl.generic_group == "AMOXICILLINE 500 mg - CLAMOXYL 500 mg, gélule"
    assert [c.substance for c in clamoxyl.substances()] == ["AMOXICILLINE"]
    assert {c.nature for c in clamoxyl.components} == {Nature.ACTIVE, Nature.FRACTION}
    [box] = [p for p in clamoxyl.presentations if p.marketed]
    assert box.units == 12
    assert box.reimbursement == "65%"
    assert isinstance(box.price, Decimal)
    actiskenan = base.speciality("60328261")
    assert "stupéfiants" in actiskenan.conditions
    assert "réservé à l'usage HOSPITALIER" in base.speciality("60028552").conditions
    assert base.speciality("61200510").shortage == "Rupture de stock"


def test_a_box_by_its_code(base):
    speciality, box = base.by_cip("3400956511792")
    assert speciality.cis == "60028552"
    assert box.cip7 == "5651179"
    assert base.by_cip("5651179") == (speciality, box)
    assert base.by_cip("3400900000000") is None
    shortage = {p.cip13: p.shortage for p in base.speciality("62308535").presentations}
    assert shortage["3400955028284"] == "Rupture de stock"


def test_substances_for_an_allergy(base):
    assert ("05248", "AMOXICILLINE") in base.substances("amox", 10)
    assert all("PARAC" in name for _, name in base.substances("paracét", 10))
    assert base.substances("", 10) == []


def test_the_release_and_its_hashes(base):
    release = base.release()
    assert release.label() == "Base des médicaments ANSM du 28/01/2026"
    assert len(release.file_hashes) == 7
    assert all(len(digest) == 64 for digest in release.file_hashes.values())
