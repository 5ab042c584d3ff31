/**
 * The simulated market: ~50 instruments with plausible reference prices, each with its asset
 * class's volatility, spread and price precision.
 */

/** An instrument of the simulated market. */
export interface SimulatedSymbol {
  symbol: string;
  /** Reference price around which the day opens. */
  price: number;
  kind: 'crypto' | 'stock' | 'fx' | 'index';
  currency: string;
}

/** Per asset class: annualized volatility, half-spread in basis points, decimals, typical trade size. */
export const CLASS_TRAITS = {
  crypto: { volatility: 0.65, halfSpreadBps: 2, tradeSize: 0.5 },
  stock: { volatility: 0.3, halfSpreadBps: 1, tradeSize: 150 },
  fx: { volatility: 0.08, halfSpreadBps: 0.5, tradeSize: 100_000 },
  index: { volatility: 0.18, halfSpreadBps: 0.5, tradeSize: 10 },
} as const;

const crypto = (symbol: string, price: number): SimulatedSymbol => ({ symbol, price, kind: 'crypto', currency: 'USD' });
const stock = (symbol: string, price: number): SimulatedSymbol => ({ symbol, price, kind: 'stock', currency: 'USD' });
const fx = (symbol: string, price: number): SimulatedSymbol => ({ symbol, price, kind: 'fx', currency: symbol.slice(4, 7) });
const index = (symbol: string, price: number, currency = 'USD'): SimulatedSymbol => ({ symbol, price, kind: 'index', currency });

/** The default instruments. */
export const SYMBOLS: readonly SimulatedSymbol[] = [
  crypto('BTC-USD', 97_250), crypto('ETH-USD', 3_420), crypto('SOL-USD', 238.4), crypto('XRP-USD', 1.42),
  crypto('ADA-USD', 0.98), crypto('DOGE-USD', 0.385), crypto('AVAX-USD', 42.6), crypto('DOT-USD', 8.9),
  crypto('LINK-USD', 19.7), crypto('LTC-USD', 104.3), crypto('MATIC-USD', 0.61), crypto('BNB-USD', 652),
  stock('AAPL', 229.9), stock('MSFT', 417.0), stock('NVDA', 142.6), stock('AMZN', 198.4),
  stock('GOOGL', 168.2), stock('META', 563.1), stock('TSLA', 339.6), stock('BRK.B', 471.5),
  stock('JPM', 241.3), stock('V', 309.8), stock('JNJ', 152.4), stock('WMT', 90.2),
  stock('XOM', 121.7), stock('UNH', 590.3), stock('MA', 523.9), stock('PG', 171.6),
  stock('HD', 411.2), stock('KO', 63.8), stock('PEP', 156.9), stock('NFLX', 897.6),
  stock('AMD', 137.2), stock('INTC', 24.6), stock('DIS', 113.5), stock('BA', 155.8),
  fx('EUR-USD', 1.0842), fx('GBP-USD', 1.2695), fx('USD-JPY', 154.32), fx('USD-CHF', 0.8843),
  fx('AUD-USD', 0.6521), fx('USD-CAD', 1.3987), fx('NZD-USD', 0.5874), fx('EUR-GBP', 0.8541),
  index('SPX', 5_948.7), index('NDX', 20_776.3), index('DJI', 44_296.5), index('RUT', 2_406.7),
  index('FTSE', 8_262.1, 'GBP'), index('DAX', 19_322.6, 'EUR'), index('N225', 38_283.9, 'JPY'),
];

/** Decimals a price is shown with: FX 5 (JPY pairs 3), sub-dollar crypto 5, otherwise 2. */
export function decimalsFor(instrument: SimulatedSymbol, price: number): number {
  if (instrument.kind === 'fx') return instrument.symbol.includes('JPY') ? 3 : 5;
  if (price < 1) return 5;
  if (price < 10) return 4;
  return 2;
}
