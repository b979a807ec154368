// Copernica posts callbacks as application/x-www-form-urlencoded with PHP-style keys (fields[name]=…, interests[]=…).

type FormValue = string | string[] | Record<string, string>;
export type FormObject = Record<string, FormValue>;

/** Keys that would reach an object's prototype once copied into a plain object. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const KEY = /^([^[\]]+)(?:\[([^[\]]*)\])?$/;

/** Decodes one level of PHP-style nesting, which is all Copernica documents; deeper keys stay flat strings. */
export function decodeForm(body: string): FormObject {
  const out: FormObject = Object.create(null) as FormObject;
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const match = KEY.exec(rawKey);
    const name = match?.[1] ?? rawKey;
    const sub = match?.[2];
    if (FORBIDDEN.has(name) || (sub !== undefined && FORBIDDEN.has(sub))) continue;
    if (sub === undefined) {
      out[name] = value;
    } else if (sub === '') {
      const list = out[name];
      out[name] = Array.isArray(list) ? [...list, value] : [value];
    } else {
      const existing = out[name];
      const record =
        existing !== undefined && typeof existing === 'object' && !Array.isArray(existing)
          ? existing
          : (Object.create(null) as Record<string, string>);
      record[sub] = value;
      out[name] = record;
    }
  }
  return out;
}

/** Encodes a decoded callback the way Copernica sends it: the inverse of decodeForm (used by tests and the simulator). */
export function encodeForm(payload: Record<string, unknown>): string {
  const params = new URLSearchParams();
  const scalar = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  for (const [key, value] of Object.entries(payload)) {
    if (Array.isArray(value)) for (const item of value) params.append(`${key}[]`, scalar(item));
    else if (value !== null && typeof value === 'object')
      for (const [sub, item] of Object.entries(value)) params.append(`${key}[${sub}]`, scalar(item));
    else params.append(key, scalar(value));
  }
  return params.toString();
}
