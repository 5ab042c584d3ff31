/**
 * The page served at `/` until demo/index.html exists: a plain WebSocket client that lists live
 * prices. Symbols and prices are inserted with textContent only — they are data, never markup.
 */
export const FALLBACK_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>market-pulse relay</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
  table { border-collapse: collapse; min-width: 32rem; }
  td, th { padding: .2rem .8rem; text-align: right; font-variant-numeric: tabular-nums; }
  td:first-child, th:first-child { text-align: left; }
  .up { color: #0a7d32; } .down { color: #c0262d; }
  #status { color: #57606a; }
</style>
</head>
<body>
<h1>market-pulse relay</h1>
<p id="status">connecting…</p>
<table><thead><tr><th>Symbol</th><th>Price</th><th>Change</th><th>%</th><th>Seq</th></tr></thead><tbody id="rows"></tbody></table>
<script type="module">
const SYMBOLS = ['BTC-USD','ETH-USD','SOL-USD','AAPL','MSFT','NVDA','AMZN','GOOGL','TSLA','META','EUR-USD','GBP-USD','USD-JPY','SPX','NDX','DJI'];
const rows = new Map();
const tbody = document.getElementById('rows');
const status = document.getElementById('status');
for (const symbol of SYMBOLS) {
  const tr = document.createElement('tr');
  const cells = Array.from({ length: 5 }, () => document.createElement('td'));
  cells[0].textContent = symbol;
  tr.append(...cells);
  tbody.append(tr);
  rows.set('price:' + symbol, cells);
}
function show(message) {
  const cells = rows.get(message.channel);
  if (!cells || !message.data) return;
  const tick = message.data;
  cells[1].textContent = Number(tick.price).toLocaleString(undefined, { maximumFractionDigits: 5 });
  cells[2].textContent = tick.change === undefined ? '' : Number(tick.change).toFixed(2);
  cells[3].textContent = tick.changePct === undefined ? '' : Number(tick.changePct).toFixed(2) + '%';
  cells[4].textContent = String(message.seq);
  const direction = (tick.change ?? 0) >= 0 ? 'up' : 'down';
  cells[2].className = cells[3].className = direction;
}
function connect() {
  const ws = new WebSocket(new URL('/ws', location.href.replace(/^http/, 'ws')));
  ws.onopen = () => {
    status.textContent = 'live';
    ws.send(JSON.stringify({ type: 'subscribe', id: 1, channels: [...rows.keys()] }));
  };
  ws.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'batch') frame.messages.forEach(show);
    else if (frame.type === 'snapshot' || frame.type === 'update') show(frame);
    else if (frame.type === 'error') status.textContent = 'error: ' + frame.code;
  };
  ws.onclose = (event) => {
    status.textContent = 'disconnected (' + event.code + '), retrying…';
    setTimeout(connect, 2000);
  };
}
connect();
</script>
</body>
</html>
`;
