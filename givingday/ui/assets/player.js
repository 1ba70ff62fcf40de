// The big screen's player: keeps one frame on the page and changes it in place.
// Python sends the whole frame's HTML once a second; the player touches the page only when it
// differs, counts the headline figure up from the figure it showed to the new one (same
// formatting as bigscreen.hero_figure), shrinks a scene's type when it would not fit (never
// below the stylesheet's floor), and cycles the live lane one item at a time.

const COUNT_MS = 2400;
const LANE_MS = 4500;

function heroHtml(fen, prefix) {
  const whole = Math.floor(Math.abs(fen) / 100);
  const cents = Math.abs(fen) % 100;
  const groups = whole.toLocaleString("en-US").split(",");
  const texts = groups.map((g, i) => g + (i < groups.length - 1 ? "," : ""));
  texts[0] = prefix + texts[0];
  if (fen < 0) texts[0] = "-" + texts[0];
  const tail = "." + String(cents).padStart(2, "0");
  return texts.map((t, i) => '<span class="g">' + t +
    (i === texts.length - 1 ? '<span class="c">' + tail + "</span>" : "") + "</span>").join("");
}

// A count runs on whatever element carries its `data-count` id now, so a new frame that
// replaces the element mid-count (the lane, the "as of" line) does not cut it short.
function counted(count, now) {
  const progress = Math.min(1, Math.max(0, (now - count.started) / COUNT_MS));
  const eased = 1 - Math.pow(1 - progress, 3);
  return { value: Math.round(count.from + (count.target - count.from) * eased), done: progress >= 1 };
}

function paint(state, now) {
  for (const [id, count] of Object.entries(state.counting)) {
    const { value, done } = counted(count, now);
    const element = document.querySelector('.bs-screen [data-count="' + id + '"]');
    if (done) delete state.counting[id];
    if (!element) continue;
    if (done) {
      element.innerHTML = count.final;
      delete element.dataset.counting;
    } else {
      element.innerHTML = heroHtml(value, element.dataset.prefix || "");
      element.dataset.counting = "1";
    }
  }
  if (Object.keys(state.counting).length && !state.painting) {
    state.painting = true;
    requestAnimationFrame((t) => { state.painting = false; paint(state, t); });
  }
}

function countUp(state, element) {
  const id = element.dataset.count;
  const target = Number(element.dataset.fen);
  const now = performance.now();
  const running = state.counting[id];
  if (running && running.target === target) {  // the same count, on a new frame's element
    running.final = element.innerHTML;
    paint(state, now);
    return;
  }
  const from = running ? counted(running, now).value : state.shown[id];
  state.shown[id] = target;
  if (from === undefined || from === target) {
    delete state.counting[id];
    return;
  }
  state.counting[id] = { from, target, started: now, final: element.innerHTML };
  state.counts = (state.counts || 0) + 1;
  window.__bsCountUps = state.counts;
  paint(state, now);
}

function fit(root) {
  const body = root.querySelector(".bs-body");
  if (!body) return;
  let scale = 1;
  body.style.setProperty("--fit", "1");
  while ((body.scrollHeight > body.clientHeight + 1 || body.scrollWidth > body.clientWidth + 1) && scale > 0.5) {
    scale -= 0.05;
    body.style.setProperty("--fit", scale.toFixed(2));
  }
}

function lane(state) {
  const slot = document.querySelector(".bs-screen .bs-lane span");
  if (!slot || !state.lane.length) return;
  state.laneAt = (state.laneAt + 1) % state.lane.length;
  slot.style.opacity = "0";
  setTimeout(() => { slot.innerHTML = state.lane[state.laneAt] || "&nbsp;"; slot.style.opacity = "1"; }, 400);
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const state = (window.__bsPlayer = window.__bsPlayer || { shown: {}, counting: {}, html: null, lane: [], laneAt: 0 });
  let root = parentElement.querySelector(".bs-screen");
  if (!root) {
    root = document.createElement("div");
    root.className = "bs-screen";
    parentElement.appendChild(root);
    if (state.html) {  // remounted: put the frame on air again at once
      root.innerHTML = state.html;
      fit(root);
    }
  }
  if (!state.reported) {
    state.reported = true;
    const report = () => setStateValue("viewport", [window.innerWidth, window.innerHeight]);
    window.addEventListener("resize", () => { clearTimeout(state.resizing); state.resizing = setTimeout(report, 500); });
    report();
  }
  if (!data) return;
  document.documentElement.lang = data.lang || document.documentElement.lang;
  if (data.html !== state.html) {
    state.html = data.html;
    state.scene = data.scene;
    root.innerHTML = data.html;
    root.querySelectorAll("[data-count]").forEach((element) => countUp(state, element));
    fit(root);
    const slot = root.querySelector(".bs-lane span");
    if (slot && state.lane.length) slot.innerHTML = state.lane[state.laneAt % state.lane.length] || "&nbsp;";
  }
  const items = data.lane || [];
  if (JSON.stringify(items) !== JSON.stringify(state.lane)) {
    state.lane = items;
    state.laneAt = state.laneAt % Math.max(items.length, 1);
  }
  if (!state.ticking) state.ticking = setInterval(() => lane(state), LANE_MS);
}
