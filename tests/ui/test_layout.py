"""The main window on a laptop's screen: nothing the physician needs is cut (issue 12, 8).

At 125 % scaling Qt draws every logical pixel 1.25 times larger, fonts included: the layout is
the one of a screen 1.25 times smaller at 100 %. Each size is the screen less a desktop's
panel and the window's title bar.
"""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionTab

from cabinet.demo.generator import demo_pdf
from cabinet.domain.identity import Identity, Sex
from helpers.dialog_keys import open_emilie
from helpers.vaults import valid_nir

SCREENS = [(1280, 800), (1366, 768)]
SCALES = [1.0, 1.25]
DESKTOP_CHROME = 64  # a panel and a title bar, in screen pixels
TEXT_MARGIN = 4  # the style's margin on each side of a cell's text
WRAP = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
LONG_NAME = Identity(birth_name="Delacroix-Montmorency", first_names="Marie-Françoise",
                     sex=Sex.FEMALE, birth_date=dt.date(1948, 7, 21),
                     nir=valid_nir("2480775123456"))


@pytest.fixture(params=[(screen, scale) for screen in SCREENS for scale in SCALES],
                ids=lambda p: f"{p[0][0]}x{p[0][1]}@{int(p[1] * 100)}%")
def laid_out(request, unlocked, qtbot):
    (width, height), scale = request.param
    unlocked.ctx.patients.create(LONG_NAME)
    unlocked.ctx.records.add_document(unlocked.ctx.patients.search("lef")[0].patient_id, {
        "doc_type": "report", "title": "Échographie abdominale", "origin": "Imagerie du Parc",
        "date": "2026-09-14", "filename": "echo.pdf", "media_type": "application/pdf"},
        demo_pdf("Échographie abdominale"))
    unlocked.resize(round(width / scale), round((height - DESKTOP_CHROME) / scale))
    open_emilie(unlocked, qtbot)
    QApplication.processEvents()
    return unlocked


def needed_width(widget, text):
    return widget.fontMetrics().horizontalAdvance(text.replace("&", ""))


def shows_whole(view, rect, text):
    """Whether `text`, wrapped at word ends, fits the cell `rect` (nothing elided)."""
    room = rect.adjusted(TEXT_MARGIN, 0, -TEXT_MARGIN, 0)
    return room.contains(view.fontMetrics().boundingRect(room, WRAP, text))


def test_the_record_s_tabs_are_whole(laid_out):
    bar = laid_out.record.tabs.tabBar()
    assert bar.rect().contains(bar.tabRect(bar.count() - 1)), "tabs behind scroll arrows"
    for index in range(bar.count()):
        option = QStyleOptionTab()
        bar.initStyleOption(option, index)
        text_room = bar.style().subElementRect(QStyle.SubElement.SE_TabBarTabText, option, bar)
        assert text_room.width() >= needed_width(bar, bar.tabText(index)), bar.tabText(index)


def test_the_patient_list_shows_whole_names_and_nir(laid_out, qtbot):
    results = laid_out.search.results
    for search in ("delacroix", "lef"):
        laid_out.search.field.clear()
        qtbot.keyClicks(laid_out.search.field, search)
        QApplication.processEvents()
        assert results.rowCount() == 1
        name, nir = results.item(0, 0), results.item(0, 3)
        assert shows_whole(results, results.visualItemRect(name), name.text())
        assert results.columnWidth(3) >= needed_width(results, nir.text()) + 2 * TEXT_MARGIN
        header = results.horizontalHeader()
        assert header.sectionViewportPosition(3) + header.sectionSize(3) <= \
            results.viewport().width(), "the NIR column runs off the list"


def test_the_documents_list_is_usable(laid_out, qtbot):
    record = laid_out.record
    record.tabs.setCurrentWidget(record.documents)
    QApplication.processEvents()
    listing = record.documents.list.list
    item = listing.item(0)
    assert shows_whole(listing, listing.visualItemRect(item), item.text())
    assert listing.viewport().width() >= needed_width(listing, item.text()) + 2 * TEXT_MARGIN
    assert listing.viewport().height() >= 4 * listing.sizeHintForRow(0), "fewer than 4 rows"
    assert record.documents.viewer.height() >= 200
