"""One measure over time, drawn by pyqtgraph, with its normal bounds; exportable as PNG.

Dates run along the x axis in the French form; nothing is drawn from outside the record shown.
"""

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pyqtgraph as pg  # type: ignore[import-untyped]
from pyqtgraph.exporters import ImageExporter  # type: ignore[import-untyped]
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from cabinet.ui.common.file_choice import file_to_save

Point = tuple[dt.date, float]
COLOURS = ("#1f5fa8", "#b03a2e")
_DAY = 86400.0


def _seconds(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp()


class FrenchDateAxis(pg.DateAxisItem):  # type: ignore[misc]
    """Dates as JJ/MM/AAAA, MM/AAAA or AAAA depending on the spacing, never month names."""

    def tickStrings(self, values: Sequence[float], scale: float,  # noqa: N802 - Qt API
                    spacing: float) -> list[str]:
        """The labels of the ticks at `values` (seconds since the epoch)."""
        form = "%d/%m/%Y" if spacing < 28 * _DAY else "%m/%Y" if spacing < 360 * _DAY else "%Y"
        return [dt.datetime.fromtimestamp(v, dt.UTC).strftime(form) for v in values]


class CurvePlot(QWidget):
    """A plot of one or two series over time, its bounds as dashed lines, and its export."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(axisItems={"bottom": FrenchDateAxis(orientation="bottom")},
                                  background="w")
        self.plot.setLabel("bottom", "Date")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.addLegend(offset=(10, 10))
        self.plot.setAccessibleName("Courbe")
        self.export_button = QPushButton("&Exporter l'image…")
        self.export_button.clicked.connect(self.export_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.export_button, alignment=Qt.AlignmentFlag.AlignRight)
        self.title = ""
        self.show_series("", "", [])

    def show_series(self, title: str, unit: str, series: Sequence[tuple[str, Sequence[Point]]],
                    low: float | None = None, high: float | None = None) -> None:
        """Draw `series` (name, points) under `title`; `low`/`high` as the normal bounds."""
        self.title = title
        self.plot.clear()
        self.plot.setTitle(title, color="k")
        self.plot.setLabel("left", f"{title} ({unit})" if unit else title)
        for colour, (name, points) in zip(COLOURS * 2, series, strict=False):
            xs = [_seconds(d) for d, _ in points]
            self.plot.plot(xs, [v for _, v in points], name=name or None, symbol="o",
                           symbolSize=6, pen=pg.mkPen(colour, width=2), symbolBrush=colour)
        for bound, label in ((low, "normale basse"), (high, "normale haute")):
            if bound is not None:
                self.plot.addItem(pg.InfiniteLine(
                    bound, angle=0, pen=pg.mkPen("#2e7d32", style=Qt.PenStyle.DashLine),
                    label=f"{label} {bound:g}".replace(".", ","),
                    labelOpts={"color": "#2e7d32", "position": 0.98,
                               "anchors": [(1, 1), (1, 0)]}))
        self.export_button.setEnabled(bool(series))

    def export_png(self, path: Path) -> None:
        """Write the plot as shown to `path` (PNG)."""
        ImageExporter(self.plot.getPlotItem()).export(str(path))

    def export_chosen(self) -> None:
        """« Exporter l'image… »: the physician chooses where."""
        name = (self.title or "courbe").replace("/", "-").replace(" ", "-").lower()
        path = file_to_save(self, "Exporter l'image", f"{name}.png", "Images PNG (*.png)")
        if path is not None:
            self.export_png(path)
