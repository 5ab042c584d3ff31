/**
 * The object guard shared by the frame validators and the tabs' port messages. It lives apart from
 * validate.ts so that a page, which checks port messages only, does not bundle the frame validators.
 */

/** A JSON object. */
export type Json = { [key: string]: unknown };

/** Keys that would reach Object.prototype if a validated object were merged into another one. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `value` is a JSON object (not null, not an array) with no forbidden keys at its top. */
export function isPlainObject(value: unknown): value is Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key of Object.keys(value)) if (FORBIDDEN_KEYS.has(key)) return false;
  return true;
}
