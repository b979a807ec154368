// Mailchimp posts webhooks as application/x-www-form-urlencoded with PHP-style keys (data[merges][FNAME]=…).

export interface FormObject {
  [key: string]: string | FormObject;
}

/** Keys that would reach an object's prototype once copied into a plain object. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

/** Decodes PHP-style nested keys (`a[b][c]=v`) into nested objects; list keys (`a[]`) are not used by Mailchimp. */
export function decodeForm(body: string): FormObject {
  const root: FormObject = Object.create(null) as FormObject;
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const match = KEY.exec(rawKey);
    const path = match ? [match[1] as string, ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] as string)] : [rawKey];
    if (path.some((part) => FORBIDDEN.has(part) || part === '')) continue;
    let node = root;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next === 'object') node = next;
      else node = node[part] = Object.create(null) as FormObject;
    }
    node[path[path.length - 1] as string] = value;
  }
  return root;
}

/** Encodes flat `key → value` pairs as Mailchimp sends them (used by tests and the simulator). */
export function encodeForm(pairs: Record<string, string>): string {
  return new URLSearchParams(pairs).toString();
}
