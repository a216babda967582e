"""A measured figure and its one-line output."""

import statistics
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str

    def line(self) -> str:
        return f"{self.name} {format_value(self.value)} {self.unit}"


def format_value(value: float) -> str:
    """Three or four significant digits, never in exponent notation (scripts parse the lines)."""
    size = abs(value)
    if size >= 100:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}" if size >= 0.01 or size == 0 else f"{value:.6f}"


def emit(figure: Figure) -> None:
    sys.stdout.write(figure.line() + "\n")
    sys.stdout.flush()


def note(message: str) -> None:
    sys.stderr.write(f"bench: {message}\n")
    sys.stderr.flush()


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline else float("nan")
