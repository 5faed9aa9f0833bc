"""The hand-written SVG charts: well-formed, every value drawn where it belongs, text escaped, and no
inline style (the web UI's Content-Security-Policy would refuse it)."""

from __future__ import annotations

from xml.etree import ElementTree

from reverie import charts

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart: charts.Chart) -> ElementTree.Element:
    return ElementTree.fromstring(chart.svg)


def titles(root: ElementTree.Element, tag: str) -> list[str]:
    return [element.findtext(f"{SVG}title") or "" for element in root.iter(f"{SVG}{tag}")]


def test_bars_draw_one_rect_per_nonzero_value_with_its_height_in_proportion() -> None:
    chart = charts.bars(
        "learned",
        ["w1", "w2", "w3"],
        [charts.Series("added", [(0, 4), (1, 0), (2, 2)]), charts.Series("retired", [(0, 1), (1, 0), (2, 0)])],
        y_max=4,
    )
    root = parsed(chart)
    bars = {title: rect for title, rect in zip(titles(root, "rect"), root.iter(f"{SVG}rect"), strict=True) if title}
    assert set(bars) == {"w1: added 4", "w3: added 2", "w1: retired 1"}  # a zero draws nothing
    heights = {title: float(rect.get("height") or 0) for title, rect in bars.items()}
    assert heights["w1: added 4"] == 2 * heights["w3: added 2"] == 4 * heights["w1: retired 1"]
    assert root.get("role") == "img" and root.get("aria-label") == "learned"


def test_overlays_are_lines_with_a_point_per_category_and_a_legend_entry() -> None:
    chart = charts.bars(
        "stock",
        ["a", "b"],
        [charts.Series("added", [(0, 1), (1, 1)])],
        overlays=[charts.Series("active", [(0, 1), (1, 3)])],
    )
    root = parsed(chart)
    assert titles(root, "circle") == ["a: active 1", "b: active 3"]
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    legend = {text.text for text in root.iter(f"{SVG}text")}
    assert {"added", "active"} <= legend


def test_lines_keep_each_series_colour_by_position_even_when_one_is_empty() -> None:
    chart = charts.lines(
        "recall",
        [charts.Series("none", []), charts.Series("reverie", [(1, 0.5), (2, 0.75)])],
        target=0.9,
        y_max=1,
    )
    root = parsed(chart)
    (line,) = root.iter(f"{SVG}polyline")
    assert line.get("stroke") == charts.PALETTE[1]  # the same colour in every panel of a grid
    assert titles(root, "circle") == ["reverie: 0.5 at 1", "reverie: 0.75 at 2"]
    assert "target 0.9" in titles(root, "line")


def test_text_is_escaped_and_nothing_carries_an_inline_style() -> None:
    chart = charts.bars("<script>alert(1)</script>", ["a & b"], [charts.Series("x<y", [(0, 1)])])
    assert "<script>" not in chart.svg
    root = parsed(chart)  # well-formed despite the markup in the names
    assert root.findtext(f"{SVG}title") == "<script>alert(1)</script>"
    assert all("style" not in element.attrib for element in root.iter())
    assert "<style" not in chart.svg


def test_a_grid_places_every_chart_in_rows_under_one_legend() -> None:
    panels = [charts.lines(f"p{n}", [charts.Series("m", [(0, n)])], legend=False) for n in range(5)]
    chart = charts.grid("all", panels, columns=3, legend=["m"])
    root = parsed(chart)
    nested = [element for element in root.iter(f"{SVG}svg") if element is not root]
    assert len(nested) == 5
    places = {(int(e.get("x") or 0), int(e.get("y") or 0)) for e in nested}
    top = min(y for _, y in places)
    assert top > 0  # under the title and the legend
    assert places == {(x * 360, top + y * 220) for x, y in ((0, 0), (1, 0), (2, 0), (0, 1), (1, 1))}
    assert chart.width == 3 * 360 and chart.height == top + 2 * 220
