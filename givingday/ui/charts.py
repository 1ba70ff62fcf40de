"""Altair chart builders shared by the pages. Each chart answers one question; money
arrives in fen and is plotted in yi (10^8 yuan, Chinese) or millions of yuan (English).

The public builders return Vega-Lite specs, built once per distinct input (`as_spec`): a
page hands them to `st.vega_lite_chart`, so a rerun redoes none of Altair's work."""

from __future__ import annotations

import datetime as dt
import functools

import altair as alt
import polars as pl
from altair.utils import schemapi

from givingday.event import Event
from givingday.ui import format as fmt
from givingday.ui.i18n import english, pick, t
from givingday.ui.memo import memoized

PUBLIC = "#0072B2"
MATCHED = "#D55E00"
HEIGHT = 260


# Altair checks a chart against the Vega-Lite schema as each part is made and again as it is
# converted: half of a chart's making, again on every version. The builders are fixed code,
# so the app's tests check every chart the pages make (tests/app/conftest.py turns this on)
# and a server does not.
CHECK_AGAINST_SCHEMA = False
schemapi.disable_debug_mode()


def as_spec(builder):
    """Turn an Altair builder into one that returns the chart's Vega-Lite spec (with its data
    as Arrow datasets, as st.altair_chart would make it), memoized by its inputs."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec  # pinned streamlit

    @memoized
    @functools.wraps(builder)
    def build(*args, **kwargs) -> dict:
        chart = builder(*args, **kwargs)
        # the conversion calls chart.to_dict(), which checks unless told not to
        object.__setattr__(chart, "to_dict", functools.partial(chart.to_dict, validate=CHECK_AGAINST_SCHEMA))
        return _convert_altair_to_vega_lite_spec(chart)
    return build


def named(chart: alt.TopLevelMixin, description: str) -> alt.TopLevelMixin:
    """The chart's accessible name, in the page's language: Vega puts the spec's description
    on the figure (role graphics-document) instead of "Vega visualization". Axes and legends
    leave the accessibility tree (Vega describes them in English); the figures themselves
    are in the table one tab away."""
    return chart.properties(description=description).configure_axis(aria=False).configure_legend(aria=False)


def _days(event: Event, language: str) -> dict[str, str]:
    return {"start": fmt.day(event.days[0], language), "end": fmt.day(event.days[-1], language)}


def _unit(language: str, largest_fen: float = 1e12) -> tuple[float, str]:
    """Divide fen by this to plot, and the axis unit (hundreds of millions or tens of thousands of yuan; millions or thousands)."""
    if english(language):
        return (1e8, t("chart.unit_big", language)) if largest_fen >= 1e8 else (1e5, t("chart.unit_small", language))
    return (1e10, t("chart.unit_big", language)) if largest_fen >= 1e10 else (1e6, t("chart.unit_small", language))


def _local(frame: pl.DataFrame, column: str, event: Event) -> pl.DataFrame:
    """Vega-Lite shows times in the browser's zone: hand it event-local wall times."""
    return frame.with_columns(pl.col(column).dt.convert_time_zone(str(event.tz)).dt.replace_time_zone(None))


def _marks(event: Event, language: str) -> alt.Chart:
    """Day boundaries, the daily openings of matching and the light show."""
    opening = t("match_opens", language).format(time=f"{event.matching_opens_at:%H:%M}")
    rows = [{"at": dt.datetime.combine(day, dt.time(0)), "kind": t("day_boundary", language)} for day in event.days[1:]]
    rows += [{"at": opens.replace(tzinfo=None), "kind": opening} for opens in event.matching_opens()]
    if event.light_show_start:
        rows.append({"at": event.light_show_start.astimezone(event.tz).replace(tzinfo=None),
                     "kind": t("light_show", language)})
    marks = pl.DataFrame(rows)
    kinds = [t("day_boundary", language), opening, t("light_show", language)]
    return alt.Chart(marks).mark_rule(strokeDash=[4, 3], strokeWidth=1, aria=False).encode(
        x="at:T",
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=["#8a8a8a", MATCHED, "#7B3294"]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("kind:N", title=""), alt.Tooltip("at:T", format="%-m/%-d %H:%M", title="")],
    )


@as_spec
def cumulative_raised(timeline: pl.DataFrame, event: Event, language: str) -> alt.Chart:
    """How did the total grow over the three days?"""
    divisor, unit = _unit(language, timeline["cumulative_raised_fen"].max() or 0)
    frame = _local(timeline, "bucket_start", event).with_columns(
        value=pl.col("cumulative_raised_fen") / divisor)
    area = alt.Chart(frame).mark_area(line={"color": PUBLIC, "aria": False}, color=PUBLIC, opacity=0.18, aria=False).encode(
        x=alt.X("bucket_start:T", title=None, axis=alt.Axis(format=t("chart.hour_axis", language),
                                                              labelAngle=0, tickCount=6)),
        y=alt.Y("value:Q", title=unit),
        tooltip=[alt.Tooltip("bucket_start:T", format="%-m/%-d %H:%M", title=t("time", language)),
                 alt.Tooltip("value:Q", format=",.3f", title=f"{t('raised', language)} ({unit})")],
    )
    return named((area + _marks(event, language)).properties(height=HEIGHT),
                 t("chart.about.cumulative", language).format(**_days(event, language)))


def _picked(zh: str, en: str, language: str) -> pl.Expr:
    """i18n.pick as an expression: the English name where there is one, else the Chinese
    (no Python function inside polars: see tables.texts)."""
    chinese = pl.col(zh).fill_null("")
    if not english(language):
        return chinese
    return pl.when(pl.col(en).is_not_null() & (pl.col(en) != "")).then(pl.col(en)).otherwise(chinese)


def _said(labels: pl.Series, values: pl.Series, show) -> pl.Series:
    """What a screen reader says for each bar: "Education: 3.3%" (Vega would say the raw fields)."""
    return pl.Series("about", [f"{label}: {show(value)}" for label, value in zip(labels, values, strict=True)])


@as_spec
def category_shares(categories: pl.DataFrame, language: str) -> alt.Chart:
    """Where does the money go? Share of raised money by category, every category listed."""
    total = max(int(categories["raised_fen"].sum()), 1)
    frame = categories.with_columns(
        label=_picked("name", "name_en", language),
        share=pl.col("raised_fen") / total,
        order=pl.int_range(pl.len()))
    frame = frame.with_columns(about=_said(frame["label"], frame["share"], lambda v: f"{v:.1%}"))
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", sort=alt.SortField("order"), title=None),
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title=t("share", language)),
    )
    bars = base.mark_bar().encode(color=alt.Color("colour:N", scale=None), description="about:N",
                                  tooltip=[alt.Tooltip("label:N", title=t("category", language)),
                                           alt.Tooltip("share:Q", format=".1%", title=t("share", language))])
    text = base.mark_text(align="left", dx=4, color="#1b1b1b", aria=False).encode(
        text=alt.Text("share:Q", format=".1%"))
    return named((bars + text).properties(height=alt.Step(30)),
                 t("chart.about.category_shares", language).format(n=frame.height))


@as_spec
def category_stacked(timeline: pl.DataFrame, event: Event, language: str) -> alt.Chart:
    """How did each category's total grow? Cumulative money, stacked by category."""
    divisor, unit = _unit(language, timeline.group_by("bucket_start").agg(pl.col("cumulative_raised_fen").sum())
                          ["cumulative_raised_fen"].max() or 0)
    order = {c.code: c.order for c in event.categories}
    frame = _local(timeline, "bucket_start", event).with_columns(
        value=pl.col("cumulative_raised_fen") / divisor,
        label=_picked("name", "name_en", language),
        order=pl.col("category").replace_strict(order, return_dtype=pl.Int64))
    labels = [pick(c.name_zh, c.name_en, language) for c in event.categories]
    colours = [c.colour for c in event.categories]
    chart = alt.Chart(frame).mark_area(aria=False).encode(
        x=alt.X("bucket_start:T", title=None, axis=alt.Axis(format=t("chart.day_axis", language),
                                                              labelAngle=0, tickCount=6)),
        y=alt.Y("value:Q", stack=True, title=unit),
        color=alt.Color("label:N", scale=alt.Scale(domain=labels, range=colours),
                        legend=alt.Legend(title=None, orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("label:N", title=t("category", language)),
                 alt.Tooltip("bucket_start:T", format="%-m/%-d %H:%M", title=t("time", language)),
                 alt.Tooltip("value:Q", format=",.3f", title=unit)],
    ).properties(height=HEIGHT + 40)
    return named(chart, t("chart.about.category_stacked", language).format(**_days(event, language)))


@as_spec
def public_and_matched(frame: pl.DataFrame, label_zh: str, label_en: str, language: str,
                       about_key: str = "chart.about.public_and_matched") -> alt.Chart:
    """How much is the donors' own money, how much match money? Stacked bars per row
    (per category unless `about_key` names other rows)."""
    divisor, unit = _unit(language, (frame["public_fen"] + frame["matched_fen"]).max() or 0)
    rows = frame.with_columns(
        label=_picked(label_zh, label_en, language),
        order=pl.int_range(pl.len()))
    long = pl.concat([
        rows.select("label", "order", value=pl.col("public_fen") / divisor, part=pl.lit(t("public", language))),
        rows.select("label", "order", value=pl.col("matched_fen") / divisor, part=pl.lit(t("matched", language))),
    ])
    long = long.with_columns(about=_said(long["label"] + " · " + long["part"], long["value"],
                                         lambda v: f"{v:,.4f} {unit}"))
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("label:N", sort=alt.SortField("order"), title=None),
        x=alt.X("value:Q", stack=True, title=unit),
        color=alt.Color("part:N", scale=alt.Scale(domain=[t("public", language), t("matched", language)],
                                                  range=[PUBLIC, MATCHED]),
                        legend=alt.Legend(title=None, orient="bottom")),
        description="about:N",
        tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("part:N", title=""),
                 alt.Tooltip("value:Q", format=",.4f", title=unit)],
    ).properties(height=alt.Step(30))
    return named(chart, t(about_key, language))


@as_spec
def burndown(frame: pl.DataFrame, event: Event, language: str, pool: str,
             ran_out: list[dt.datetime] | None = None) -> alt.Chart:
    """How much is left in the pool, over time? Remaining money, from the budget down;
    the moments a daily share ran out are marked."""
    divisor, unit = _unit(language, frame["remaining_fen"].max() or 0)
    rows = _local(frame, "bucket_start", event).with_columns(value=pl.col("remaining_fen") / divisor)
    line = alt.Chart(rows).mark_line(color=MATCHED, interpolate="step-after", aria=False).encode(
        x=alt.X("bucket_start:T", title=None, axis=alt.Axis(format=t("chart.hour_axis", language),
                                                              labelAngle=0, tickCount=6)),
        y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=True)),
        tooltip=[alt.Tooltip("bucket_start:T", format="%-m/%-d %H:%M", title=t("time", language)),
                 alt.Tooltip("value:Q", format=",.2f", title=f"{t('remaining', language)} ({unit})")],
    )
    layers = line + _marks(event, language)
    if ran_out:
        label = t("chart.share_spent", language)
        points = pl.DataFrame({"at": [m.astimezone(event.tz).replace(tzinfo=None) for m in ran_out], "what": label})
        layers += alt.Chart(points).mark_rule(color="#A00020", strokeWidth=2, aria=False).encode(
            x="at:T", tooltip=[alt.Tooltip("what:N", title=""), alt.Tooltip("at:T", format="%-m/%-d %H:%M", title="")])
    return named(layers.properties(height=HEIGHT - 40),
                 t("chart.about.burndown", language).format(pool=pool, **_days(event, language)))


@as_spec
def project_growth(timeline: pl.DataFrame, event: Event, language: str, project: str) -> alt.Chart:
    """How did this project's total grow?"""
    rows = _local(timeline, "bucket_start", event).with_columns(value=pl.col("cumulative_raised_fen") / 100)
    chart = alt.Chart(rows).mark_area(line={"color": PUBLIC, "aria": False}, color=PUBLIC, opacity=0.18, interpolate="step-after",
                                      aria=False).encode(
        x=alt.X("bucket_start:T", title=None, axis=alt.Axis(format=t("chart.hour_axis", language),
                                                              labelAngle=0, tickCount=5)),
        y=alt.Y("value:Q", title=t("unit.yuan", language)),
        tooltip=[alt.Tooltip("bucket_start:T", format="%-m/%-d %H:%M", title=t("time", language)),
                 alt.Tooltip("value:Q", format=",.2f", title=t("raised", language))],
    ).properties(height=HEIGHT - 40)
    return named(chart, t("chart.about.project_growth", language).format(project=project, **_days(event, language)))
