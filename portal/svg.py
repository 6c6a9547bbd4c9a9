"""Monthly trend chart as inline SVG, drawn on the server (no script, nothing from the internet)."""

from __future__ import annotations

from html import escape

from report.missions import MONTHS

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 36
COLOURS = {"prev": "#8a8f98", "cur": "#1f5fa8"}


def _fmt(value: float) -> str:
    text = f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
    return text.replace(",", " ").replace(".", ",")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float((int(value / step) + 1) * step)


def trend_svg(title: str, unit: str, series: dict[str, list[float | None]]) -> str:
    """`series`: label → 12 monthly values (None: masked by secrecy or absent, drawn as a gap).

    The title and unit are in <title>/<desc> so a screen reader gets them too."""
    known = [v for values in series.values() for v in values if v is not None]
    top = _nice_max(max(known, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: int) -> float:
        return LEFT + plot_w * (month + 0.5) / 12

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="tendance" role="img" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">',
             f"<title>{escape(title)}</title><desc>{escape(unit)} par mois</desc>"]
    for frac in (0, 0.5, 1):
        yy = TOP + plot_h * (1 - frac)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
                     'stroke="#dde1e6"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="11">'
                     f"{_fmt(top * frac)}</text>")
    for m, label in enumerate(MONTHS):
        parts.append(f'<text x="{x(m):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="11">{escape(label)}</text>')
    for i, (label, values) in enumerate(series.items()):
        colour = COLOURS["cur"] if i == len(series) - 1 else COLOURS["prev"]
        parts.extend(_polyline(values, x, y, colour, dashed=i < len(series) - 1))
        parts.append(f'<rect x="{LEFT + 130 * i}" y="{HEIGHT - 12}" width="12" height="4" fill="{colour}"/>'
                     f'<text x="{LEFT + 16 + 130 * i}" y="{HEIGHT - 7}" font-size="11">'
                     f"{escape(label)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _polyline(values: list[float | None], x, y, colour: str, dashed: bool) -> list[str]:
    """Runs of known months as lines, each known month as a dot with its value as tooltip."""
    out, run = [], []
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    for m, v in enumerate([*values, None]):
        if v is not None:
            run.append(f"{x(m):.1f},{y(v):.1f}")
            out.append(f'<circle cx="{x(m):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                       f"<title>{escape(MONTHS[m])} : {_fmt(v)}</title></circle>")
        elif run:
            if len(run) > 1:
                out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} '
                           f'points="{" ".join(run)}"/>')
            run = []
    return out
