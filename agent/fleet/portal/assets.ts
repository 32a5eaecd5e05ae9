/**
 * The portal's two static files, served from memory at /assets/ (no build step, no static file
 * plugin): the style sheet (screen and print: the issuer script prints alone, as on the slip) and
 * the little client script. The script only adds to what the server rendered: live updates over
 * server-sent events (new failures on the list and on the terminal page) and the print button.
 * It builds every new node with textContent, never markup, so event data cannot inject any.
 */

export const PORTAL_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif; color: #111827; margin: 0; background: #f9fafb; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 8px 20px; background: #1f2937; color: #fff; }
header a { color: #fff; }
header .brand { font-weight: 600; text-decoration: none; }
nav { display: flex; flex: 1; align-items: center; justify-content: space-between; gap: 16px; }
nav ul { display: flex; gap: 14px; list-style: none; margin: 0; padding: 0; }
.who { display: flex; align-items: center; gap: 8px; font-size: 13px; }
form.inline { display: inline; }
.lang select { font-size: 12px; }
main { padding: 16px 20px; max-width: 1300px; margin: 0 auto; }
h1 { font-size: 22px; margin: 4px 0 12px; }
h2 { font-size: 17px; margin: 22px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #e5e7eb; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #e5e7eb; }
th { border-bottom: 2px solid #9ca3af; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap, td.code { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.lines { white-space: pre-line; }
form.search { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; background: #fff; padding: 10px; border: 1px solid #e5e7eb; margin-bottom: 12px; }
form.search label { display: flex; flex-direction: column; font-size: 12px; color: #374151; }
form.search input, form.search select { font-size: 13px; padding: 3px 5px; }
input[type=text], input[type=password], textarea, select { border: 1px solid #9ca3af; border-radius: 3px; }
button { font-size: 13px; padding: 4px 12px; border-radius: 3px; border: 1px solid #1d4ed8; background: #2563eb; color: #fff; cursor: pointer; }
header button { background: transparent; border-color: #9ca3af; }
.pager { display: flex; gap: 16px; margin: 10px 0; }
.message { padding: 8px 12px; border-left: 4px solid #dc2626; background: #fff; }
.ok { padding: 8px 12px; border-left: 4px solid #16a34a; background: #fff; }
.live { min-height: 1.5em; margin: 6px 0; color: #1d4ed8; }
.state-online { color: #15803d; } .state-offline { color: #b91c1c; } .state-silent { color: #b45309; } .state-unknown { color: #6b7280; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }
.box { background: #fff; border: 1px solid #e5e7eb; padding: 10px 14px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.kv dt { color: #4b5563; }
dl.kv dd { margin: 0; }
pre.script { font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; white-space: pre; border: 1px dashed #9ca3af; padding: 8px 10px; width: max-content; max-width: 100%; overflow-x: auto; background: #fff; }
form.case { display: grid; gap: 8px; max-width: 520px; }
form.case textarea { width: 100%; min-height: 70px; font: inherit; }
textarea.json { width: 100%; min-height: 260px; font: 12px/1.35 ui-monospace, monospace; }
ol.timeline { padding-left: 20px; }
ol.timeline li { white-space: pre-line; }
.chart { max-width: 100%; height: auto; display: block; }
.chart text { font-size: 12px; fill: #111827; }
.chart text.axis { font-size: 11px; fill: #4b5563; }
.chart line.grid { stroke: #e5e7eb; } .chart line.base { stroke: #6b7280; }
.signin { max-width: 340px; margin: 60px auto; background: #fff; border: 1px solid #e5e7eb; padding: 20px; display: grid; gap: 10px; }
.signin label { display: grid; gap: 4px; }
@media print {
  header, nav, .noprint, form { display: none !important; }
  body { background: #fff; }
  body.print-script main > *:not(.script-section) { display: none !important; }
  pre.script { border: 1px solid #000; }
}
`;

export const PORTAL_JS = `'use strict';
(function () {
  function each(sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); }
  each('[data-print]', function (b) {
    b.addEventListener('click', function () {
      document.body.classList.add('print-script');
      window.print();
      document.body.classList.remove('print-script');
    });
  });
  var live = document.querySelector('[data-live]');
  if (!live || !window.EventSource) return;
  var kind = live.getAttribute('data-live');
  var template = live.getAttribute('data-text-new') || '{n}';
  var count = 0;
  var src = new EventSource('/events');
  function cell(tr, text, cls) { var td = document.createElement('td'); td.textContent = text == null ? '' : String(text); if (cls) td.className = cls; tr.appendChild(td); return td; }
  src.addEventListener('failure', function (ev) {
    var f; try { f = JSON.parse(ev.data); } catch (_) { return; }
    if (kind !== 'failures') return;
    count += 1;
    live.textContent = template.replace('{n}', String(count));
    var body = document.querySelector('[data-testid="results"] tbody');
    if (!body) return;
    var tr = document.createElement('tr');
    tr.setAttribute('data-testid', 'result-row');
    tr.setAttribute('data-id', f.id);
    tr.className = 'new';
    var a = document.createElement('a'); a.href = '/failures/' + encodeURIComponent(f.id); a.textContent = f.time;
    var td = document.createElement('td'); td.className = 'nowrap'; td.appendChild(a); tr.appendChild(td);
    cell(tr, f.terminal, 'nowrap'); cell(tr, f.merchant_id, 'nowrap'); cell(tr, f.amount, 'num'); cell(tr, f.card, 'code');
    cell(tr, f.rc, 'code'); cell(tr, f.category); cell(tr, f.outcome); cell(tr, f.case_status);
    body.insertBefore(tr, body.firstChild);
  });
  src.addEventListener('terminal', function (ev) {
    var t; try { t = JSON.parse(ev.data); } catch (_) { return; }
    if (kind !== 'terminals') return;
    var row = document.querySelector('tr[data-key="' + CSS.escape(t.key) + '"]');
    if (!row) { count += 1; live.textContent = template.replace('{n}', String(count)); return; }
    ['state', 'backlog', 'rate', 'alarms', 'last_seen', 'failures'].forEach(function (k) {
      var c = row.querySelector('[data-col="' + k + '"]');
      if (c && t[k] != null) c.textContent = String(t[k]);
    });
    var st = row.querySelector('[data-col="state"]');
    if (st) st.className = 'state-' + t.state_key;
    live.textContent = t.key + ': ' + t.state;
  });
})();
`;
