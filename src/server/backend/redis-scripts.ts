/**
 * Redis key layout and the Lua scripts of the Redis backend. Every script runs atomically inside
 * Redis, so `seq`, the last value, the history and the PUBLISH of one message can never interleave
 * with another node's publish on the same channel: all nodes see one order.
 *
 * Per channel `C` (with the default prefix `mp:`):
 * - `mp:{C}:meta` — hash: `seq` (last assigned seq), `last` (the last envelope, JSON)
 * - `mp:{C}:hist` — list: the last `historySize` envelopes (JSON), oldest first; expires when the
 *   channel has had no update for the history TTL (the small `meta` hash never expires, so `seq`
 *   goes on where it was)
 * - `mp:bus:C`    — the pub/sub channel every envelope of `C` is PUBLISHed on
 *
 * The `{C}` hash tag keeps both keys of a channel in one slot, so the per-channel scripts stay
 * valid on a Redis Cluster as well as on a single server. The hash-field-many, recover-many and
 * restore-many scripts touch many channels, so many slots: on a Cluster (not supported by the
 * client setup yet) each would have to be called once per slot's channels.
 */

/** Redis names of one channel's keys and bus. */
export interface ChannelKeys {
  meta: string;
  hist: string;
  bus: string;
}

/** The keys of `channel` under `prefix`. */
export function channelKeys(prefix: string, channel: string): ChannelKeys {
  return {
    meta: `${prefix}{${channel}}:meta`,
    hist: `${prefix}{${channel}}:hist`,
    bus: busName(prefix, channel),
  };
}

/** The pub/sub channel of `channel`. */
export function busName(prefix: string, channel: string): string {
  return `${prefix}bus:${channel}`;
}

/** The channel a bus name belongs to, or null when it is not one of ours. */
export function channelOfBus(prefix: string, bus: string): string | null {
  const head = `${prefix}bus:`;
  return bus.startsWith(head) ? bus.slice(head.length) : null;
}

/** The key of a named leadership lease. */
export function leaseKey(prefix: string, name: string): string {
  return `${prefix}lease:${name}`;
}

/**
 * Publish. KEYS: meta, hist. ARGV: channel as a JSON string, data as JSON, history size,
 * bus name, floor, history TTL in ms (0: none). Returns the stored envelope (JSON).
 *
 * The floor is the highest seq the publishing node has seen for the channel: when Redis lost its
 * data (a restart without persistence), seq continues above what clients already hold instead of
 * starting again at 1, which every client would drop as already seen.
 * The envelope is built by concatenation: both pieces are JSON already, and the field order
 * matches `JSON.stringify({ channel, seq, data })`.
 */
export const PUBLISH_SCRIPT = `
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local floor = tonumber(ARGV[5])
if seq < floor then seq = floor end
seq = seq + 1
local envelope = '{"channel":' .. ARGV[1] .. ',"seq":' .. seq .. ',"data":' .. ARGV[2] .. '}'
redis.call('HSET', KEYS[1], 'seq', seq, 'last', envelope)
redis.call('RPUSH', KEYS[2], envelope)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
if tonumber(ARGV[6]) > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[6]) end
redis.call('PUBLISH', ARGV[4], envelope)
return envelope
`;

/**
 * Recover one or many channels in one round trip. KEYS: meta and hist of each channel, in pairs
 * (meta 1, hist 1, meta 2, hist 2, …). ARGV: each channel's since, in the same order. Returns one
 * entry per channel, in order: `{ seq, last|nil, recovered (1|0), entries }`, where entries are the
 * envelopes after `since` (JSON, in seq order) when history holds them all; or, when its keys could
 * not be read (not a hash and a list, a seq that is not a number: a foreign write), Redis's error
 * text, so that only that channel fails. A `since` above the stored seq means Redis lost data the
 * client had seen: not recovered, so the client resets to the snapshot. Nothing is written (no TTL
 * is touched). The one recover script: a single channel's recovery is this with one channel.
 */
export const RECOVER_MANY_SCRIPT = `
local out = {}
for i = 1, #ARGV do
  local meta, hist = KEYS[2 * i - 1], KEYS[2 * i]
  local since = tonumber(ARGV[i])
  local seqText = redis.pcall('HGET', meta, 'seq')
  local last = redis.pcall('HGET', meta, 'last')
  local seq, failure = nil, nil
  if type(seqText) == 'table' then
    failure = seqText.err
  elseif type(last) == 'table' then
    failure = last.err
  else
    seq = tonumber(seqText or '0')
    if seq == nil then failure = 'the seq under ' .. meta .. ' is not a number' end
  end
  if failure == nil and since == nil then failure = 'since is not a number' end
  if failure ~= nil then
    out[i] = failure
  elseif since == seq then
    out[i] = {seq, last, 1, {}}
  elseif since > seq then
    out[i] = {seq, last, 0, {}}
  else
    local len = redis.pcall('LLEN', hist)
    if type(len) == 'table' then
      out[i] = len.err
    elseif since + 1 < seq - len + 1 then
      out[i] = {seq, last, 0, {}}
    else
      out[i] = {seq, last, 1, redis.call('LRANGE', hist, since + 1 - (seq - len + 1), -1)}
    end
  end
end
return out
`;

/**
 * One field of many channels' meta hashes in one round trip: `last` for the latest values (a
 * snapshot of many channels), `seq` for the baselines of the channels a node starts watching in one
 * turn. KEYS: the channels' meta hashes. ARGV: the field. Returns one entry per key, in order: the
 * field's value, nil for a channel without one, or 0 when that key could not be read (not a hash:
 * a foreign write), so the node answers that channel as a failed single read would. One script
 * rather than N HGETs: one command for ioredis to build and one reply to parse, and every value
 * from the same instant.
 */
export const HASH_FIELD_MANY_SCRIPT = `
local out = {}
for i = 1, #KEYS do
  local value = redis.pcall('HGET', KEYS[i], ARGV[1])
  if type(value) == 'table' then value = 0 end
  out[i] = value
end
return out
`;

/**
 * Restore after Redis lost data, for many channels in one round trip. KEYS: meta and hist of each
 * channel, in pairs (meta 1, hist 1, meta 2, hist 2, …). ARGV: the history TTL in ms (0: none),
 * then each channel's envelope (JSON) and seq, in pairs, in the same order. Per channel it acts
 * only when Redis is behind the node's knowledge (no seq, or a lower one): it sets `seq` and
 * `last`, replaces the history with the envelope alone and gives it the TTL. Returns one entry
 * per channel, in order: 1 when it restored, 0 when Redis holds that seq or a higher one, or
 * Redis's error text when the channel's keys could not be used (a foreign write, e.g. no hash
 * under meta or a seq that is not a number); that channel is left as it was, the others go on.
 */
export const RESTORE_MANY_SCRIPT = `
local ttl = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS / 2 do
  local meta, hist = KEYS[2 * i - 1], KEYS[2 * i]
  local envelope, known = ARGV[2 * i], tonumber(ARGV[2 * i + 1])
  local seqText = redis.pcall('HGET', meta, 'seq')
  local seq = nil
  if type(seqText) == 'table' then
    out[i] = seqText.err
  else
    seq = tonumber(seqText or '0')
    if seq == nil then out[i] = 'the seq under ' .. meta .. ' is not a number' end
  end
  if seq ~= nil then
    if seq >= known then
      out[i] = 0
    else
      local set = redis.pcall('HSET', meta, 'seq', known, 'last', envelope)
      if type(set) == 'table' then
        out[i] = set.err
      else
        redis.call('DEL', hist)
        redis.call('RPUSH', hist, envelope)
        if ttl > 0 then redis.call('PEXPIRE', hist, ttl) end
        out[i] = 1
      end
    end
  end
end
return out
`;

/**
 * Take or keep a lease. KEYS: lease. ARGV: node id, ttl ms. Returns 1 when this node holds it
 * (renewed, or newly taken because it was free), 0 when another node does.
 */
export const ACQUIRE_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`;

/** Release a lease if this node holds it. KEYS: lease. ARGV: node id. */
export const RELEASE_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
