/**
 * Channel data that is easy to get wrong when JSON text is spliced instead of serialized: non-ASCII
 * and astral characters, U+2028/U+2029 (valid in JSON, not in old JavaScript string literals),
 * quotes, backslashes and control characters, `</script>`, deep nesting, and numbers at the edges
 * of what a double holds. Shared by the HTTP tests of both backends.
 */
export const TRICKY_DATA: Record<string, Record<string, unknown>> = {
  'price:UNI': {
    symbol: 'UNI', price: 12.5, ts: 1763780000000,
    note: 'é ü ß 中文 日本語 🚀📈 \u2028line\u2029para "quoted" back\\slash </script><!-- \u0000\u0001\u001f\ttab\nnl',
    'kéy \u2028': '\ud83d\ude80',
  },
  'news:NESTED': {
    a: { b: { c: { d: [1, { e: 'deep' }, [null, true, false]] } } },
    empty: { o: {}, a: [], s: '' },
    '2': 'integer-like key', '1': 'comes first in JSON.stringify',
  },
  'price:BIG': {
    symbol: 'BIG', ts: 1763780000001,
    price: 2 ** 53 + 2, big: 1e21, huge: Number.MAX_VALUE, tiny: 5e-324, negative: -123.456e-7,
    safe: Number.MAX_SAFE_INTEGER, fraction: 0.1 + 0.2,
  },
  'alerts:x/y.z_1-2': { text: 'a channel id with every allowed punctuation', n: -1 },
};

/** What a reader gets back for `data`: its JSON round trip (as any client parses it). */
export const asRead = (data: unknown): unknown => JSON.parse(JSON.stringify(data));
