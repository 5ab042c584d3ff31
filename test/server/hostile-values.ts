/**
 * fast-check arbitraries for hostile input, shared by the fuzz tests of the relay's WebSocket
 * frames and HTTP endpoints: strings a parser may trip on, channel names, and field values.
 */
import fc from 'fast-check';

/** Strings that break naive parsers: control and lone-surrogate characters, prototype keys, markup, path tricks, 10k chars. */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', 'price:', ':', 'price:BTC-USD\u0000', 'price:<script>alert(1)</script>',
    'price:../../etc/passwd', 'PRICE:BTC-USD', 'price:BTC USD', 'price:' + 'A'.repeat(70), '\uD800', 'price:\u202EDSU-CTB'),
  fc.constant('x'.repeat(10_000)),
);
/** A valid price channel name. */
export const validChannel = fc.stringMatching(/^price:[A-Z][A-Z0-9.-]{0,8}$/);
/** A channel name, valid or hostile. */
export const channelName = fc.oneof(validChannel, hostileString);
/** Any value a field of a message could hold: JSON of any shape, edge numbers, channel lists and maps. */
export const fieldValue = fc.oneof(
  fc.anything({ maxDepth: 3, maxKeys: 4 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 53), 1e308, Number.MAX_SAFE_INTEGER),
  channelName,
  fc.array(channelName, { maxLength: 120 }),
  fc.dictionary(channelName, fc.oneof(fc.integer(), fc.double(), hostileString), { maxKeys: 4 }),
);
/** Mostly the valid value, sometimes an arbitrary one, sometimes left out (undefined). */
export const maybe = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fieldValue }, { weight: 1, arbitrary: fc.constant(undefined) });
