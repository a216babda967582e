"""Display of the statistics: Vietnamese number formats, the rows of the figures table, and the
geometry of the bar chart the template draws as inline SVG (no script, no inline style: colours and
sizes are SVG attributes, so the CSP without ``unsafe-inline`` holds)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .selectors import FIGURE_LABELS, Breakdown, Figures, Statistics


def format_count(value: int) -> str:
    """1234 → '1.234'."""
    return f"{value:,}".replace(",", ".")


def format_decimal(value: Decimal | None, suffix: str = "") -> str:
    """Decimal(83.3) → '83,3' (+ suffix); None → '—'."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") + suffix


def format_rate(value: Decimal | None) -> str:
    return format_decimal(value, " %")


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    value: int
    display: str
    level: int = 0  # > 0: a part of the row above ("of which")

    @property
    def indent(self) -> str:
        return "— " * self.level


# (key, level): the figures table, in reading order.
TABLE_ROWS = [
    ("handled", 0),
    ("new", 1),
    ("desk", 2),
    ("online", 2),
    ("postal", 2),
    ("carried_over", 1),
    ("early", 0),
    ("on_time", 0),
    ("late", 0),
    ("open_within", 0),
    ("open_past", 0),
    ("waiting", 1),
    ("withdrawn", 0),
    ("stopped", 0),
    ("refused", 0),
]


def figure_rows(figures: Figures) -> list[FigureRow]:
    values = figures.as_dict()
    return [
        FigureRow(key, str(FIGURE_LABELS[key]), values[key], format_count(values[key]), level)
        for key, level in TABLE_ROWS
    ]


# (key, short column heading) of the breakdown tables, after the procedure or sector.
BREAKDOWN_COLUMNS = [
    ("handled", gettext_lazy("Handled")),
    ("new", gettext_lazy("New")),
    ("carried_over", gettext_lazy("Carried over")),
    ("early", gettext_lazy("Early")),
    ("on_time", gettext_lazy("On time")),
    ("late", gettext_lazy("Late")),
    ("open_within", gettext_lazy("Open, within deadline")),
    ("open_past", gettext_lazy("Open, past deadline")),
    ("waiting", gettext_lazy("Waiting on the applicant")),
    ("withdrawn", gettext_lazy("Withdrawn")),
    ("stopped", gettext_lazy("Stopped")),
    ("refused", gettext_lazy("Refused")),
]


@dataclass(frozen=True)
class BreakdownRow:
    code: str
    name: str
    cells: list[str]
    rate: str


def breakdown_rows(items: list[Breakdown]) -> list[BreakdownRow]:
    rows = []
    for item in items:
        values = item.figures.as_dict()
        cells = [format_count(values[key]) for key, _label in BREAKDOWN_COLUMNS]
        rows.append(BreakdownRow(item.code, item.name, cells, format_rate(item.figures.on_time_rate)))
    return rows


# --- the bar chart -----------------------------------------------------------------------------
CHART_BARS = [
    ("new", "#1f5f99"),
    ("carried_over", "#4a7fb0"),
    ("early", "#1e6b34"),
    ("on_time", "#3b8a4f"),
    ("late", "#a31515"),
    ("open_within", "#9a6500"),
    ("open_past", "#c2410c"),
    ("waiting", "#6b4f9e"),
    ("withdrawn", "#4d5761"),
    ("stopped", "#4d5761"),
    ("refused", "#4d5761"),
]
WIDTH = 760
LABEL_WIDTH = 300
BAR_SPACE = 380
ROW_HEIGHT = 30
BAR_HEIGHT = 20
PADDING = 10


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int
    display: str
    fill: str
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    width: int
    height: int
    bar_x: int
    label_x: int
    axis_bottom: int
    bar_height: int


def bar_chart(stats: Statistics) -> BarChart:
    """Horizontal bars of the outcome figures, scaled to the largest one."""
    values = stats.totals.as_dict()
    largest = max([values[key] for key, _fill in CHART_BARS] + [1])
    bars = []
    for index, (key, fill) in enumerate(CHART_BARS):
        value = values[key]
        y = PADDING + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        width = round(BAR_SPACE * value / largest)
        bars.append(
            Bar(
                key=key,
                label=str(FIGURE_LABELS[key]),
                value=value,
                display=format_count(value),
                fill=fill,
                y=y,
                width=width,
                text_y=y + BAR_HEIGHT // 2 + 5,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    height = 2 * PADDING + len(CHART_BARS) * ROW_HEIGHT
    title = _("Dossiers by outcome: %(agency)s, %(period)s") % {"agency": stats.agency.name, "period": stats.period}
    description = "; ".join(f"{bar.label}: {bar.display}" for bar in bars)
    return BarChart(
        title=title,
        description=description,
        bars=bars,
        width=WIDTH,
        height=height,
        bar_x=LABEL_WIDTH,
        label_x=LABEL_WIDTH - 8,
        axis_bottom=height - PADDING,
        bar_height=BAR_HEIGHT,
    )
