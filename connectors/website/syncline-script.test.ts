// syncline.js in a small browser shim (node:vm): what it stores, when it sends, and what it sends.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const SOURCE = readFileSync(new URL('./syncline.js', import.meta.url), 'utf8');

interface Sent {
  url: string;
  body: { writeKey: string; anonymousId: string; events: { type: string; id: string; data: Record<string, unknown> }[] };
  via: 'beacon' | 'fetch';
}

/** A page: cookie jar, localStorage, beacon and fetch recorders, window/document events, a manual clock for timers. */
function page(
  options: {
    beacon?: boolean;
    fetchAnswer?: number | 'network-error';
    cookies?: Record<string, string>;
    storage?: Record<string, string>;
  } = {},
) {
  const cookies = new Map(Object.entries(options.cookies ?? {}));
  const storage = new Map(Object.entries(options.storage ?? {}));
  const sent: Sent[] = [];
  const listeners = new Map<string, ((e: unknown) => void)[]>();
  const timers: (() => void)[] = [];
  const on = (prefix: string) => (name: string, f: (e: unknown) => void) =>
    listeners.set(prefix + name, [...(listeners.get(prefix + name) ?? []), f]);
  const blobText = (blob: Blob) => (blob as unknown as { text: string }).text;
  const document = {
    title: 'Drills',
    referrer: 'https://www.google.com/search?q=secret',
    visibilityState: 'visible',
    get cookie() {
      return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    set cookie(text: string) {
      const [pair, ...attributes] = text.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (attributes.some((a) => a.trim() === 'max-age=0')) cookies.delete(name);
      else cookies.set(name, value);
    },
    addEventListener: on('document:'),
  };
  const window: Record<string, unknown> = {
    localStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, String(v)),
      removeItem: (k: string) => storage.delete(k),
    },
    crypto: { randomUUID: () => crypto.randomUUID() },
    navigator:
      options.beacon === false
        ? {}
        : {
            sendBeacon: (url: string, blob: Blob) => {
              sent.push({ url, body: JSON.parse(blobText(blob)), via: 'beacon' });
              return true;
            },
          },
    fetch: (url: string, init: { body: string; keepalive: boolean }) => {
      expect(init.keepalive, 'the fallback outlives the page').toBe(true);
      sent.push({ url, body: JSON.parse(init.body), via: 'fetch' });
      const answer = options.fetchAnswer ?? 202;
      return answer === 'network-error' ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve({ status: answer });
    },
    addEventListener: on('window:'),
  };
  const context = {
    window,
    document,
    location: { pathname: '/products/drill', protocol: 'https:' },
    // A Blob that keeps its text readable synchronously.
    Blob: class {
      text: string;
      constructor(parts: string[]) {
        this.text = parts.join('');
      }
    },
    setTimeout: (f: () => void) => timers.push(f),
    clearTimeout: () => undefined,
    Date,
    JSON,
    Math,
  };
  const fire = (target: 'window' | 'document', name: string, event: unknown = {}) => {
    for (const f of listeners.get(`${target}:${name}`) ?? []) f(event);
  };
  return {
    load(snippet = '') {
      runInNewContext(`${snippet};${SOURCE}`, context);
    },
    call: (...args: unknown[]) => (window.syncline as (...a: unknown[]) => void)(...args),
    cookies,
    storage,
    sent,
    window,
    fire,
    events: () => sent.flatMap((s) => s.body.events),
    runTimers: () => timers.splice(0).forEach((f) => f()),
    leave: () => {
      document.visibilityState = 'hidden';
      fire('document', 'visibilitychange');
      fire('window', 'pagehide');
    },
  };
}

const INIT = { endpoint: 'https://collect.example/collect/acme/web', key: 'pk_test_1234567890' };

describe('syncline.js', () => {
  it('sets no cookie, stores nothing and sends nothing before consent', () => {
    const p = page();
    p.load();
    p.call('init', INIT);
    p.call('product', { sku: 'DR-1', price: 99 });
    p.call('search', { query: 'drill', resultCount: 3 });
    p.runTimers();
    p.leave();
    expect(p.cookies.size, 'no cookie').toBe(0);
    expect(p.storage.size, 'no storage').toBe(0);
    expect(p.sent, 'nothing sent').toEqual([]);
  });

  it('sends nothing and keeps no id when the visitor refuses consent', () => {
    const p = page();
    p.load();
    p.call('init', INIT);
    p.call('consent', { analytics: false, personalisation: false });
    p.call('product', { sku: 'DR-1' });
    p.leave();
    expect([...p.cookies.keys(), ...p.storage.keys()]).toEqual([]);
    expect(p.sent).toEqual([]);
  });

  it('after consent, batches events and sends them with sendBeacon when the page is hidden', () => {
    const p = page();
    p.load();
    p.call('init', INIT);
    p.call('consent', { analytics: true, personalisation: true });
    p.call('product', { sku: 'DR-1', category: 'tools', price: 99.5, currency: 'EUR' });
    p.call('search', { query: 'cordless drill', resultCount: 12 });
    p.call('addToCart', { sku: 'DR-1', price: 99.5, quantity: 2 });
    p.call('removeFromCart', { sku: 'DR-1' });
    p.call('checkout', { currency: 'EUR', total: 99.5 });
    expect(p.sent, 'batched, not sent per event').toEqual([]);
    p.leave();
    expect(p.sent).toHaveLength(1);
    const [request] = p.sent;
    expect(request!.via).toBe('beacon');
    expect(request!.url).toBe(INIT.endpoint);
    expect(request!.body.writeKey).toBe(INIT.key);
    const id = p.cookies.get('_syncline_id');
    expect(id, 'first-party id in a cookie').toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(p.storage.get('_syncline_id'), 'and in localStorage').toBe(id);
    expect(request!.body.anonymousId).toBe(id);
    expect(p.events().map((e) => e.type)).toEqual(['consent', 'page', 'product', 'search', 'cart', 'cart', 'checkout']);
    expect(p.events()[1]!.data.referrer, 'no query string of the referrer').toBe('https://www.google.com/search');
    expect(p.events()[2]!.data).toMatchObject({ sku: 'DR-1', category: 'tools', price: 99.5 });
    expect(p.events()[3]!.data).toMatchObject({ query: 'cordless drill', resultCount: 12 });
    expect(p.events()[4]!.data).toMatchObject({ action: 'add', lines: [{ sku: 'DR-1', quantity: 2 }] });
    expect(p.events()[5]!.data).toMatchObject({ action: 'remove', lines: [{ sku: 'DR-1', quantity: 1 }] });
    expect(p.events()[6]!.data).toMatchObject({ lines: [{ sku: 'DR-1', quantity: 1 }] });
  });

  it('flushes on its timer without waiting for the page to close, and sends 20 events a request at most', () => {
    const p = page();
    p.load();
    p.call('init', INIT);
    p.call('consent', { analytics: true });
    for (let i = 0; i < 45; i++) p.call('product', { sku: `S-${i}` });
    p.runTimers();
    expect(p.sent.map((s) => s.body.events.length)).toEqual([20, 20, 7]);
  });

  it('starts the next cart empty after the thank-you page reports the purchase', () => {
    const p = page();
    p.load();
    p.call('init', INIT);
    p.call('consent', { analytics: true });
    p.call('addToCart', { sku: 'DR-1', price: 99.5 });
    p.call('purchase');
    expect(p.storage.has('_syncline_cart'), 'the stored cart').toBe(false);
    p.call('addToCart', { sku: 'BIT-8', price: 4 });
    p.leave();
    const carts = p.events().filter((e) => e.type === 'cart');
    expect(carts.map((e) => (e.data.lines as { sku: string }[]).map((l) => l.sku))).toEqual([['DR-1'], ['BIT-8']]);
  });

  it('falls back to fetch with keepalive where sendBeacon is missing', () => {
    const p = page({ beacon: false });
    p.load();
    p.call('init', INIT);
    p.call('consent', { analytics: true });
    p.leave();
    expect(p.sent.map((s) => s.via)).toEqual(['fetch']);
  });

  it('keeps a batch the stack could not take for the next page, which sends it again with the same event ids', async () => {
    for (const answer of [503, 'network-error'] as const) {
      const first = page({ beacon: false, fetchAnswer: answer });
      first.load();
      first.call('init', INIT);
      first.call('consent', { analytics: true });
      first.call('product', { sku: 'DR-1' });
      first.leave();
      await new Promise((resolve) => setTimeout(resolve, 0));
      const lost = first.events().map((e) => e.id);
      expect(JSON.parse(first.storage.get('_syncline_unsent') ?? '[]').map((e: { id: string }) => e.id)).toEqual(lost);

      const next = page({ cookies: Object.fromEntries(first.cookies), storage: Object.fromEntries(first.storage) });
      next.load();
      next.call('init', INIT);
      next.call('consent', { analytics: true });
      next.runTimers();
      expect(next.events().map((e) => e.id)).toEqual([...lost, expect.any(String)]);
      expect(next.events().map((e) => e.type)).toEqual(['consent', 'page', 'product', 'page']);
      expect(next.storage.has('_syncline_unsent'), 'sent again once').toBe(false);
    }
  });

  it('does not keep a batch the stack refused as bad, nor anything once consent is withdrawn', async () => {
    const refused = page({ beacon: false, fetchAnswer: 422 });
    refused.load();
    refused.call('init', INIT);
    refused.call('consent', { analytics: true });
    refused.leave();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(refused.storage.has('_syncline_unsent')).toBe(false);

    const withdrawn = page({ beacon: false, fetchAnswer: 'network-error' });
    withdrawn.load();
    withdrawn.call('init', INIT);
    withdrawn.call('consent', { analytics: true });
    withdrawn.leave();
    withdrawn.call('consent', { analytics: false });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([...withdrawn.storage.keys()]).toEqual([]);
  });

  it('keeps the id across visits and sends the consent event only when what was granted changes', () => {
    const first = page();
    first.load();
    first.call('init', INIT);
    first.call('consent', { analytics: true, personalisation: false });
    first.leave();
    const next = page({ cookies: Object.fromEntries(first.cookies), storage: Object.fromEntries(first.storage) });
    next.load();
    next.call('init', INIT);
    next.call('consent', { analytics: true, personalisation: false });
    next.leave();
    expect(next.sent[0]!.body.anonymousId, 'same visitor').toBe(first.sent[0]!.body.anonymousId);
    expect(
      next.events().map((e) => e.type),
      'no second consent event',
    ).toEqual(['page']);
  });

  it('withdrawing consent records the withdrawal once, drops unsent events and clears the id', () => {
    const p = page();
    p.load();
    p.call('init', INIT);
    p.call('consent', { analytics: true });
    p.call('product', { sku: 'DR-1' });
    p.call('consent', { analytics: false });
    p.call('product', { sku: 'DR-2' });
    p.leave();
    expect(p.events().map((e) => [e.type, e.data.analytics ?? e.data.sku])).toEqual([['consent', false]]);
    expect([...p.cookies.keys(), ...p.storage.keys()], 'id, cart and consent forgotten').toEqual([]);
  });

  it('replays calls queued by the snippet before the script loaded', () => {
    const p = page();
    p.load(
      `window.syncline=function(){(window.syncline.q=window.syncline.q||[]).push(arguments)};` +
        `window.syncline('init',${JSON.stringify(INIT)});window.syncline('consent',{analytics:true});window.syncline('identify',{email:'a@example.com',via:'login'});`,
    );
    expect(
      p.events().map((e) => e.type),
      'identify flushes at once',
    ).toEqual(['consent', 'page', 'identify']);
    expect(p.events()[2]!.data).toMatchObject({ email: 'a@example.com', via: 'login' });
  });

  it('follows Cookiebot, OneTrust and Shopify consent events through their hooks', () => {
    const cookiebot = page();
    cookiebot.load();
    cookiebot.call('init', INIT);
    cookiebot.call('consent', 'cookiebot');
    cookiebot.window.Cookiebot = { consent: { statistics: true, preferences: false } };
    cookiebot.fire('window', 'CookiebotOnAccept');
    expect(cookiebot.cookies.has('_syncline_id')).toBe(true);
    cookiebot.window.Cookiebot = { consent: { statistics: false, preferences: false } };
    cookiebot.fire('window', 'CookiebotOnDecline');
    expect(cookiebot.cookies.has('_syncline_id'), 'declined: id cleared').toBe(false);

    const onetrust = page();
    onetrust.load();
    onetrust.call('init', INIT);
    onetrust.call('consent', 'onetrust');
    onetrust.fire('window', 'OneTrustGroupsUpdated', { detail: ['C0001'] });
    expect(onetrust.cookies.has('_syncline_id'), 'only strictly necessary').toBe(false);
    onetrust.fire('window', 'OneTrustGroupsUpdated', { detail: ['C0001', 'C0002', 'C0003', 'C0004'] });
    onetrust.leave();
    expect(onetrust.events()[0]!.data).toEqual({ analytics: true, personalisation: true, advertising: true });

    const shopify = page();
    shopify.load();
    shopify.call('init', INIT);
    shopify.call('consent', 'shopify');
    shopify.fire('document', 'visitorConsentCollected', {
      detail: { analyticsAllowed: true, preferencesAllowed: false, marketingAllowed: true },
    });
    shopify.leave();
    expect(shopify.events()[0]!.data).toEqual({ analytics: true, personalisation: false, advertising: true });
  });
});
