/**
 * P7, peer: the same page with hand-written custom elements (no framework): a ticker and a tape
 * with the same DOM shape and behaviour as ours (price, arrow + change, opacity flash on change,
 * CSS-animated marquee with two copies), updated at most once per frame like any careful
 * vanilla implementation would.
 */
import { param, ready } from './probe.js';
import { startTicks, symbolsOf, type PageTick } from './tick-driver.js';

type Listener = (tick: PageTick) => void;
const bus = new Map<string, Set<Listener>>();
const on = (symbol: string, listener: Listener) => {
  let set = bus.get(symbol);
  if (!set) bus.set(symbol, (set = new Set()));
  set.add(listener);
};

const priceFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pctFormat = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'always' });
const arrow = (change: number) => (change > 0 ? '▲' : change < 0 ? '▼' : '');

const dirty = new Set<{ paint(): void }>();
let scheduled = false;
function schedule(element: { paint(): void }) {
  dirty.add(element);
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    for (const e of dirty) e.paint();
    dirty.clear();
  });
}

class VanillaTicker extends HTMLElement {
  private tick?: PageTick;
  private previous?: number;
  private price!: HTMLElement;
  private change!: HTMLElement;
  private flash!: HTMLElement;
  private flashAnimation: Animation | undefined;
  connectedCallback() {
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>:host{display:inline-block;contain:content;font-variant-numeric:tabular-nums}
.t{position:relative;display:flex;gap:.5em;padding:.3em .6em;border:1px solid #d5dae0;border-radius:6px;overflow:hidden}
.f{position:absolute;inset:0;opacity:0;background:rgba(10,160,70,.28);pointer-events:none}.f[data-d=down]{background:rgba(220,40,50,.28)}
.c[data-d=up]{color:#080}.c[data-d=down]{color:#c00}</style>
<div class="t"><span class="f"></span><span class="s"></span><span class="p">—</span><span class="c"></span></div>`;
    root.querySelector('.s')!.textContent = this.getAttribute('symbol');
    this.price = root.querySelector('.p')!;
    this.change = root.querySelector('.c')!;
    this.flash = root.querySelector('.f')!;
    on(this.getAttribute('symbol') ?? '', (tick) => ((this.tick = tick), schedule(this)));
  }
  paint() {
    const tick = this.tick!;
    this.price.textContent = priceFormat.format(tick.price);
    this.change.textContent = `${arrow(tick.change)} ${pctFormat.format(tick.changePct / 100)}`;
    this.change.dataset.d = tick.change > 0 ? 'up' : tick.change < 0 ? 'down' : 'flat';
    if (this.previous !== undefined && this.previous !== tick.price) {
      this.flash.dataset.d = tick.price > this.previous ? 'up' : 'down';
      // One animation per ticker, rewound on each change (no style-flushing getAnimations()).
      if (this.flashAnimation) {
        this.flashAnimation.currentTime = 0;
        this.flashAnimation.play();
      } else {
        this.flashAnimation = this.flash.animate([{ opacity: 1 }, { opacity: 0 }], { duration: 700, easing: 'ease-out' });
      }
    }
    this.previous = tick.price;
  }
}

class VanillaTape extends HTMLElement {
  private readonly items = new Map<string, Array<{ price: HTMLElement; change: HTMLElement; li: HTMLElement }>>();
  private readonly pending = new Map<string, PageTick>();
  connectedCallback() {
    const symbols = (this.getAttribute('symbols') ?? '').split(/\s+/).filter(Boolean);
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>:host{display:block;contain:content;font-variant-numeric:tabular-nums}
.v{overflow:hidden}.k{display:flex;width:max-content;animation:s 30s linear infinite;will-change:transform}
@keyframes s{from{transform:translateX(0)}to{transform:translateX(-50%)}}
ul{display:flex;margin:0;padding:0;list-style:none}li{display:inline-flex;gap:.5em;padding:.4em 1em;white-space:nowrap}
li[data-d=up] .c{color:#080}li[data-d=down] .c{color:#c00}</style><div class="v"><div class="k"></div></div>`;
    const track = root.querySelector('.k')!;
    for (let copy = 0; copy < 2; copy++) {
      const ul = document.createElement('ul');
      for (const symbol of symbols) {
        const li = document.createElement('li');
        li.innerHTML = `<span class="s"></span><span class="p">—</span><span class="c"></span>`;
        li.querySelector('.s')!.textContent = symbol;
        ul.append(li);
        const entry = { li, price: li.querySelector<HTMLElement>('.p')!, change: li.querySelector<HTMLElement>('.c')! };
        this.items.set(symbol, [...(this.items.get(symbol) ?? []), entry]);
      }
      track.append(ul);
    }
    for (const symbol of symbols) on(symbol, (tick) => (this.pending.set(symbol, tick), schedule(this)));
  }
  paint() {
    for (const [symbol, tick] of this.pending) {
      for (const item of this.items.get(symbol) ?? []) {
        item.price.textContent = priceFormat.format(tick.price);
        item.change.textContent = `${arrow(tick.change)} ${pctFormat.format(tick.changePct / 100)}`;
        item.li.dataset.d = tick.change > 0 ? 'up' : tick.change < 0 ? 'down' : 'flat';
      }
    }
    this.pending.clear();
  }
}

customElements.define('vanilla-ticker', VanillaTicker);
customElements.define('vanilla-tape', VanillaTape);

const symbols = symbolsOf(param('symbols', 200));
const tape = document.createElement('vanilla-tape');
tape.setAttribute('symbols', symbols.join(' '));
document.body.append(tape);
const grid = document.createElement('div');
grid.style.cssText = 'display:grid;grid-template-columns:repeat(5,1fr);gap:4px';
for (const symbol of symbols.slice(0, param('tickers', 100))) {
  const ticker = document.createElement('vanilla-ticker');
  ticker.setAttribute('symbol', symbol);
  grid.append(ticker);
}
document.body.append(grid);
startTicks(symbols, param('rate', 1000), (tick) => bus.get(tick.symbol)?.forEach((listener) => listener(tick)));
requestAnimationFrame(() => requestAnimationFrame(ready));
