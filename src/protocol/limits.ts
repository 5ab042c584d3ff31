/** Limits of protocol v1 that both ends check. Server-side limits beyond these are configurable. */

/** Most channels in one `subscribe`/`unsubscribe` frame. */
export const MAX_CHANNELS_PER_FRAME = 100;

/** Longest accepted token, in characters. */
export const MAX_TOKEN_LENGTH = 8192;

/** Largest text frame either end accepts, in bytes (the relay's `maxPayload`). */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Most messages in one `batch` frame a client accepts. */
export const MAX_BATCH_MESSAGES = 10_000;
