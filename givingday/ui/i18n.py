"""Words on the screens, in Chinese (default) and English (`?lang=en`, kept across pages)."""

from __future__ import annotations

import streamlit as st

LANGS = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # navigation
    "nav.overview": ("总览", "Overview"),
    "nav.boards": ("排行榜", "Leaderboards"),
    "nav.categories": ("类别", "Categories"),
    "nav.districts": ("区县地图", "Districts"),
    "nav.funds": ("配捐进度", "Match funds"),
    "nav.projects": ("项目", "Projects"),
    "nav.data": ("公开数据", "Open data"),
    # figures
    "raised": ("筹款总额", "Raised"),
    "public": ("公众捐款", "Public gifts"),
    "matched": ("配捐配套", "Matched"),
    "donations": ("捐赠人次", "Gifts"),
    "donors": ("捐赠人数", "Donors"),
    "projects": ("项目", "Projects"),
    "target": ("目标", "Target"),
    "pct_of_target": ("完成度", "% of target"),
    "momentum": ("近1小时", "Last hour"),
    "rank": ("名次", "Rank"),
    "rank_change": ("名次变化", "Move"),
    "name": ("名称", "Name"),
    "project": ("项目", "Project"),
    "organisation": ("机构", "Organisation"),
    "district": ("区县", "District"),
    "category": ("类别", "Category"),
    "share": ("占比", "Share"),
    "budget": ("额度", "Budget"),
    "remaining": ("剩余", "Left"),
    "time": ("时间", "Time"),
    "amount": ("金额", "Amount"),
    "donor": ("爱心人士", "Donor"),
    "channel": ("方式", "Channel"),
    "per_10k": ("每万人筹款", "Raised per 10,000 residents"),
    "all": ("全部", "All"),
    # stamps and states
    "as_of": ("数据截至", "Data as of"),
    "stale": ("数据更新中", "Updating"),
    "event.refused": ("活动配置有误，看板无法启动。请按下列各行修改活动文件夹（python -m givingday event check 可检查）。",
                      "The event folder has problems, so the dashboard cannot start. Fix each line below "
                      "(python -m givingday event check shows them)."),
    # the big screens
    "bs.raised": ("筹款总额（元）", "Raised so far (yuan)"),
    "bs.today": ("今日", "Today"),
    "bs.per_minute": ("每分钟捐赠", "gifts a minute"),
    "bs.top10": ("项目排行 前十", "Top 10 projects"),
    "bs.categories": ("{n}大类筹款", "{n} categories"),
    "bs.funds": ("配捐还剩多少", "Match money left"),
    "bs.opens_at": ("{time} 开启", "opens at {time}"),
    "bs.spent_today": ("今日已用完", "spent for today"),
    "bs.runs_out_in": ("约{hours}小时{minutes}分后用完", "runs out in about {hours} h {minutes} min"),
    "bs.latest": ("最新捐赠", "Latest gifts"),
    "bs.gave_to": ("捐给", "to"),
    "bs.scan": ("扫码查看每一笔善款的去向", "Scan to see where every yuan goes"),
    "bs.qr_alt": ("二维码：公开数据页面", "QR code: the public figures"),
    "bs.thanks": ("特别鸣谢", "Thanks to"),
    "bs.on_now": ("正在进行", "on now"),
    "bs.starts_in": ("倒计时", "starts in"),
    "bs.districts": ("各区县筹款 前五", "Leading districts"),
    "bs.nothing_yet": ("暂无数据", "Nothing to show yet"),
    "bs.coming_soon": ("数据即将发布", "Figures coming soon"),
    "bs.updating": ("数据更新中", "Updating"),
    "bs.as_of": ("数据截至 {time}", "as of {time}"),
    "bs.correction": ("更正：配捐撤回，总额下调 {amount}", "Correction: reversed match credits lowered the total by {amount}"),
    "bs.passed": ("筹款总额突破", "The total has passed"),
    "bs.thank_you": ("感谢每一位捐赠者", "Thank you, every donor"),
    "bs.milestone": ("筹款突破 {amount}！", "Passed {amount}!"),
    "busy.title": ("此刻观看的人太多了", "Too many viewers right now"),
    "busy.body": ("为了让大家都能看到，请一分钟后刷新本页。", "So that everyone can follow, please reload this page in a minute."),
    "busy.reload": ("刷新", "Reload"),
    "busy.live": ("先看实时数据（轻量页面）", "See the live figures now (a light page)"),
    "no_data": ("暂无数据：活动数据发布后即显示。", "No data yet: figures appear as soon as they are published."),
    "query_failed": ("部分数据暂时无法更新，显示的是上一次的数据。", "Some figures could not be refreshed; showing the last good ones."),
    "unavailable": ("这部分数据暂时无法显示，请稍后再看。", "This part is not available right now; please check back soon."),
    "table": ("数据表", "Table"),
    "chart": ("图表", "Chart"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_parquet": ("下载 Parquet", "Download Parquet"),
    "reproduce": ("复现此数据", "Reproduce"),
    "search": ("搜索名称", "Search by name"),
    "sort_by": ("排序", "Sort by"),
    "under_3": ("少于3人", "fewer than 3"),
    # the live page and the embed card (plain HTML, no Streamlit)
    "live.title": ("实时", "Live"),
    "live.top": ("项目前十", "Top 10 projects"),
    "live.pools": ("配捐还剩多少", "Match money left"),
    "live.dashboard": ("完整数据看板", "The full dashboard"),
    "live.open_data": ("开放数据", "Open data"),
    "live.refresh": ("每5秒自动更新", "Updates itself every 5 seconds"),
    "funds.pace_enough": ("近30分钟每分钟支出约{rate}；{enough}。", "About {rate} a minute over the last 30 minutes; {enough}."),
    "funds.enough_today": ("今日额度充足", "enough for today"),
    "funds.enough_to_end": ("额度足够用到活动结束", "enough to the end of the event"),
    "data.api": ("开放数据接口（JSON/CSV，每条路由的说明）：", "The open-data API (JSON/CSV, every route described):"),
    "data.live": ("轻量实时页：", "The light live page:"),
    "embed.of_target": ("目标完成", "of target"),
    "embed.more": ("查看项目", "See the project"),
    "city_wide": ("市级", "City-wide"),
    "share_link": ("分享链接", "Share link"),
    "back_to_projects": ("← 全部项目", "← All projects"),
    "not_found": ("没有找到这个项目。", "No such project."),
    "day_boundary": ("日期分界", "Day boundary"),
    "match_opens": ("{time} 配捐开启", "{time} matching opens"),
    "light_show": ("灯光秀", "Light show"),
    "correction": ("更正", "Correction"),
}


def lang() -> str:
    """The reader's language: ?lang=en wins, then what this session chose, else Chinese."""
    chosen = st.query_params.get("lang") or st.session_state.get("lang") or "zh"
    chosen = chosen if chosen in LANGS else "zh"
    st.session_state["lang"] = chosen
    if chosen != "zh":
        st.query_params["lang"] = chosen  # keep it in the URL when moving between pages
    return chosen


def t(key: str, language: str | None = None) -> str:
    zh, en = STRINGS[key]
    return en if (language or lang()) == "en" else zh


def lang_query(language: str) -> str:
    """The query string that keeps a link in this language ("" for Chinese, the default)."""
    return "?lang=en" if language == "en" else ""


def html_lang(language: str) -> str:
    """The value of <html lang> for this language."""
    return "en" if language == "en" else "zh-CN"


def pick(zh: str | None, en: str | None, language: str) -> str:
    """The right one of a pair of names from the data (falls back to Chinese)."""
    return (en or zh or "") if language == "en" else (zh or "")
