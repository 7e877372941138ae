// termlens: the card's stylesheet, isolated in its closed shadow root.
//
// `:host { all: initial }` keeps the page's inherited styles out (the host's own
// inline styles say the same, for page rules that match a `div`); the shadow boundary
// keeps these rules in. Colours follow the reader's colour scheme.

export const CARD_CSS = `
:host {
  all: initial;
  position: fixed;
  top: 0;
  left: 0;
  z-index: 2147483647;
  contain: layout style;
}
* { box-sizing: border-box; }
.card {
  --bg: #ffffff;
  --fg: #1d1b24;
  --muted: #5d5870;
  --line: #e2dff0;
  --accent: #4b2bb3;
  --quote: #f5f3fb;
  --ins-bg: #d9f5dd;
  --ins-fg: #0b4f17;
  --del-bg: #fde0df;
  --del-fg: #7d1411;
  --high-bg: #fde0df; --high-fg: #7d1411;
  --medium-bg: #fff1c7; --medium-fg: #6b4a00;
  --low-bg: #dff3e4; --low-fg: #14532d;
  position: fixed;
  width: min(440px, calc(100vw - 16px));
  max-height: min(70vh, 640px);
  overflow: auto;
  overscroll-behavior: contain;
  padding: 14px 16px 12px;
  background: var(--bg);
  color: var(--fg);
  border: 1px solid var(--line);
  border-radius: 10px;
  box-shadow: 0 10px 30px rgba(20, 10, 50, 0.25);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  text-align: left;
  direction: ltr;
}
@media (prefers-color-scheme: dark) {
  .card {
    --bg: #201d2b;
    --fg: #ece9f6;
    --muted: #b3adc9;
    --line: #3b3650;
    --accent: #b6a4ff;
    --quote: #2a2638;
    --ins-bg: #173d20;
    --ins-fg: #b8f0c3;
    --del-bg: #4a1c1b;
    --del-fg: #ffc9c6;
    --high-bg: #4a1614; --high-fg: #ffc9c5;
    --medium-bg: #3d3000; --medium-fg: #ffe08a;
    --low-bg: #12391a; --low-fg: #b7f0c1;
    box-shadow: 0 10px 30px rgba(0, 0, 0, 0.6);
  }
}
.card:focus { outline: 2px solid var(--accent); outline-offset: 2px; }
.head { display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; align-items: start; }
.eyebrow { grid-column: 1; color: var(--muted); font-size: 12px; letter-spacing: 0.02em; }
h2 { grid-column: 1; margin: 0; font-size: 16px; line-height: 1.3; font-weight: 650; }
.close {
  all: unset;
  grid-column: 2; grid-row: 1 / span 2;
  cursor: pointer;
  width: 28px; height: 28px;
  display: inline-grid; place-items: center;
  border-radius: 6px;
  color: var(--muted);
  font-size: 20px; line-height: 1;
}
.close:hover { background: var(--quote); color: var(--fg); }
.close:focus-visible { outline: 2px solid var(--accent); }
.panel-row { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 2px 8px; align-items: baseline; }
.panel-link {
  all: unset;
  cursor: pointer;
  color: var(--accent);
  font-size: 12px;
  text-decoration: underline;
  border-radius: 4px;
}
.panel-link:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.panel-note { color: var(--muted); font-size: 12px; }
.status { margin: 8px 0 0; font-size: 12px; color: var(--muted); }
.status b { color: var(--fg); font-weight: 600; }
.status.detected { border-left: 3px dotted var(--muted); padding-left: 6px; }
.diff { margin: 6px 0 0; padding: 8px 10px; background: var(--quote); border-radius: 6px; font-size: 13px; }
ins { background: var(--ins-bg); color: var(--ins-fg); text-decoration: none; border-radius: 2px; }
del { background: var(--del-bg); color: var(--del-fg); border-radius: 2px; }
h3 { margin: 14px 0 4px; font-size: 13px; font-weight: 650; color: var(--accent); }
p { margin: 4px 0 0; }
.explanation { margin-top: 10px; }
ul, ol { margin: 4px 0 0; padding-left: 20px; }
li { margin: 2px 0; }
.comparisons { list-style: none; padding: 0; }
.comparisons li { margin: 8px 0 0; }
.who { font-weight: 600; }
details.quote > summary { cursor: pointer; color: var(--muted); font-size: 12px; }
.where { color: var(--muted); font-size: 12px; }
blockquote {
  margin: 4px 0 0; padding: 6px 10px;
  background: var(--quote);
  border-left: 3px solid var(--line);
  border-radius: 4px;
  font-size: 13px;
}
dl { margin: 4px 0 0; }
dt { margin: 8px 0 0; font-weight: 600; font-size: 13px; }
dd { margin: 2px 0 0; }
.exposure { display: inline-block; padding: 0 6px; margin-right: 6px; border-radius: 4px; font-weight: 600; font-size: 12px; }
.exposure-low { background: var(--low-bg); color: var(--low-fg); }
.exposure-medium { background: var(--medium-bg); color: var(--medium-fg); }
.exposure-high { background: var(--high-bg); color: var(--high-fg); }
.flags { display: flex; flex-wrap: wrap; gap: 4px; }
.flag { padding: 0 6px; border: 1px solid var(--line); border-radius: 10px; font-size: 12px; }
.secondary { font-style: italic; }
.history { font-size: 12px; color: var(--muted); }
.source { margin-top: 14px; padding-top: 8px; border-top: 1px solid var(--line); font-size: 12px; color: var(--muted); }
a { color: var(--accent); }
`;
