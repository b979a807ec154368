// syncline.js: the first-party tracking script a shop pastes into its theme (docs/website-tracking.md). Plain browser
// JavaScript, no dependencies. Consent first: until syncline('consent', {analytics: true}) it sets no cookie, touches no
// storage and sends nothing; withdrawing consent clears the id and the unsent events.
(function (w, d) {
  var ID = '_syncline_id';
  var CART = '_syncline_cart';
  var GRANTED = '_syncline_consent';
  var UNSENT = '_syncline_unsent';
  var YEAR = 31536000;
  var cfg = {};
  var consent = null; // {analytics, personalisation, advertising} once the page told us
  var id = null;
  var queue = [];
  var timer = 0;
  var seq = 0;
  var old = w.syncline;
  var hooked = {};
  var paged = 0; // this page's view is recorded once, on the first consent that allows it

  function now() {
    return new Date().toISOString();
  }
  function rand() {
    var c = w.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    return (Date.now().toString(36) + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2)).slice(0, 32);
  }
  function store() {
    try {
      return w.localStorage;
    } catch (e) {
      return null; // storage blocked (Safari private mode, sandboxed frames)
    }
  }
  function readCookie() {
    var m = d.cookie.match(/(?:^|;\s*)_syncline_id=([A-Za-z0-9_-]{8,64})/);
    return m ? m[1] : null;
  }
  function writeCookie(value, age) {
    // SameSite=Lax, first-party; Secure on https pages only so that http://localhost development works.
    d.cookie =
      ID +
      '=' +
      value +
      ';path=/;max-age=' +
      age +
      ';SameSite=Lax' +
      (location.protocol === 'https:' ? ';Secure' : '') +
      (cfg.cookieDomain ? ';domain=' + cfg.cookieDomain : '');
  }
  function ensureId() {
    if (id) return id;
    var s = store();
    id = readCookie() || (s && s.getItem(ID)) || rand().replace(/[^A-Za-z0-9_-]/g, '');
    // Both: the cookie survives a cleared localStorage and the other way round.
    writeCookie(id, YEAR);
    if (s) s.setItem(ID, id);
    return id;
  }
  function clearId() {
    var s = store();
    writeCookie('', 0);
    if (s) {
      s.removeItem(ID);
      s.removeItem(CART);
      s.removeItem(GRANTED);
      s.removeItem(UNSENT);
    }
    id = null;
  }
  function allowed() {
    return !!(consent && consent.analytics && cfg.endpoint);
  }

  // A batch that was not delivered (no beacon slot, then the network or the stack failed): kept for the next page, with
  // consent only. Its events keep their ids, so one that did arrive after all is applied once (the merge skips it).
  function keep(events) {
    var s = store();
    if (!s || !allowed()) return;
    s.setItem(UNSENT, JSON.stringify(stored(UNSENT).concat(events).slice(-100)));
  }
  function stored(key) {
    var s = store();
    try {
      return (s && JSON.parse(s.getItem(key) || '[]')) || [];
    } catch (e) {
      return [];
    }
  }
  function send(events, anonymousId) {
    var body = JSON.stringify({ writeKey: cfg.key, anonymousId: anonymousId, sentAt: now(), events: events });
    // text/plain keeps the request "simple": sendBeacon cannot send a CORS preflight.
    var blob = new Blob([body], { type: 'text/plain;charset=UTF-8' });
    var n = w.navigator;
    try {
      if (n.sendBeacon && n.sendBeacon(cfg.endpoint, blob)) return;
    } catch (e) {}
    if (w.fetch)
      w.fetch(cfg.endpoint, {
        method: 'POST',
        body: body,
        keepalive: true,
        credentials: 'omit',
        mode: 'cors',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      }).then(
        function (r) {
          if (r.status > 499 || r.status == 429) keep(events);
        },
        function () {
          keep(events);
        },
      );
    else keep(events);
  }
  function later() {
    if (!timer) timer = setTimeout(flush, cfg.flushMs || 3000);
  }
  function flush() {
    clearTimeout(timer);
    timer = 0;
    if (!queue.length || !allowed()) return;
    // Beacons are limited to 64 KiB in flight: 20 events a request stays far below it.
    while (queue.length) send(queue.splice(0, 20), id);
  }
  function track(type, data) {
    if (!allowed()) return;
    ensureId();
    queue.push({ type: type, id: rand(), at: now(), url: location.pathname, data: data || {} });
    if (queue.length >= 20) flush();
    else later();
  }

  function cart() {
    return stored(CART);
  }
  function changeCart(item, delta) {
    var lines = cart();
    var q = item.quantity || 1;
    for (var i = 0; i < lines.length && lines[i].sku !== item.sku; i++);
    if (!lines[i]) lines[i] = { sku: item.sku, name: item.name, category: item.category, price: item.price, quantity: 0 };
    lines[i].quantity = Math.max(0, lines[i].quantity + delta * q);
    lines = lines.filter(function (l) {
      return l.quantity > 0;
    });
    var s = store();
    if (s) s.setItem(CART, JSON.stringify(lines));
    track('cart', { action: delta > 0 ? 'add' : 'remove', sku: item.sku, quantity: q, currency: item.currency, lines: lines });
  }

  function setConsent(c) {
    var s = store();
    var prior = s && s.getItem(GRANTED);
    // Granted before, on this page or an earlier one (what the last consent event recorded).
    var was = consent ? consent.analytics : !!prior && prior.indexOf('"analytics":true') > 0;
    consent = { analytics: !!c.analytics, personalisation: !!c.personalisation, advertising: !!c.advertising };
    var text = JSON.stringify(consent);
    if (consent.analytics) {
      ensureId();
      // Banners report consent on every page load: only a change of what was granted becomes an event.
      if (prior !== text) track('consent', consent);
      if (s) s.setItem(GRANTED, text);
      if (!paged++) track('page', { title: d.title, referrer: d.referrer ? d.referrer.split('?')[0] : undefined });
      // What an earlier page could not deliver, if not older than a day.
      var old = stored(UNSENT).filter(function (e) {
        return Date.parse(e.at) > Date.now() - 864e5;
      });
      if (s) s.removeItem(UNSENT);
      if (old.length) {
        queue = old.concat(queue);
        later();
      }
    } else {
      var known = id || readCookie() || (s && s.getItem(ID));
      queue = [];
      clearTimeout(timer);
      timer = 0;
      // The withdrawal itself is recorded, once, under the id being forgotten; then nothing more.
      if (was && known && cfg.endpoint) send([{ type: 'consent', id: rand(), at: now(), url: location.pathname, data: consent }], known);
      clearId();
    }
  }

  // Consent banners' documented events: each maps the banner's categories onto analytics, personalisation and advertising.
  var banners = {
    shopify: function () {
      // Shopify Customer Privacy API: document event `visitorConsentCollected`, detail {analyticsAllowed, marketingAllowed, preferencesAllowed}.
      d.addEventListener('visitorConsentCollected', function (e) {
        var x = e.detail || {};
        setConsent({ analytics: x.analyticsAllowed, personalisation: x.preferencesAllowed, advertising: x.marketingAllowed });
      });
      var p = w.Shopify && w.Shopify.customerPrivacy;
      if (p && p.analyticsProcessingAllowed)
        setConsent({
          analytics: p.analyticsProcessingAllowed(),
          personalisation: p.preferencesProcessingAllowed && p.preferencesProcessingAllowed(),
          advertising: p.marketingAllowed && p.marketingAllowed(),
        });
    },
    cookiebot: function () {
      // Cookiebot: window events CookiebotOnAccept / CookiebotOnDecline; categories on window.Cookiebot.consent.
      function read() {
        var c = (w.Cookiebot && w.Cookiebot.consent) || {};
        setConsent({ analytics: c.statistics, personalisation: c.preferences, advertising: c.marketing });
      }
      w.addEventListener('CookiebotOnAccept', read);
      w.addEventListener('CookiebotOnDecline', read);
      if (w.Cookiebot && w.Cookiebot.hasResponse) read();
    },
    onetrust: function (groups) {
      // OneTrust: window event OneTrustGroupsUpdated, detail = the active group ids (defaults: C0002 performance, C0003
      // functional, C0004 targeting).
      groups = groups || {};
      function read(active) {
        active = active || [];
        setConsent({
          analytics: active.indexOf(groups.analytics || 'C0002') >= 0,
          personalisation: active.indexOf(groups.personalisation || 'C0003') >= 0,
          advertising: active.indexOf(groups.advertising || 'C0004') >= 0,
        });
      }
      w.addEventListener('OneTrustGroupsUpdated', function (e) {
        read(e.detail);
      });
      if (typeof w.OnetrustActiveGroups === 'string') read(w.OnetrustActiveGroups.split(',').filter(Boolean));
    },
  };

  var commands = {
    init: function (o) {
      cfg = o || {};
    },
    consent: function (c) {
      if (typeof c === 'string') {
        if (banners[c] && !hooked[c]) {
          hooked[c] = 1;
          banners[c](arguments[1]);
        }
      } else setConsent(c || {});
    },
    page: function (o) {
      track('page', { title: (o && o.title) || d.title });
    },
    product: function (p) {
      track('product', { sku: p.sku, productId: p.productId, name: p.name, category: p.category, price: p.price, currency: p.currency });
    },
    search: function (s) {
      track('search', { query: s.query, resultCount: s.resultCount, category: s.category });
    },
    addToCart: function (item) {
      changeCart(item, 1);
    },
    removeFromCart: function (item) {
      changeCart(item, -1);
    },
    checkout: function (o) {
      track('checkout', { currency: (o && o.currency) || undefined, total: o && o.total, lines: cart() });
    },
    // The shop's thank-you page: the order (from the shop) closes the cart on the profile; this forgets the stored copy
    // so the next cart does not start with what was just bought.
    purchase: function () {
      var s = store();
      if (s) s.removeItem(CART);
    },
    identify: function (p) {
      track('identify', { email: p.email, customerId: p.customerId, via: p.via });
      flush();
    },
    flush: flush,
  };

  function syncline(name) {
    var f = commands[name];
    if (f) f.apply(null, [].slice.call(arguments, 1));
  }
  w.syncline = syncline;
  // Leaving the page: the last chance to send; sendBeacon survives the unload.
  w.addEventListener('pagehide', flush);
  d.addEventListener('visibilitychange', function () {
    if (d.visibilityState === 'hidden') flush();
  });
  // Calls made before the script loaded (the snippet's stub queues them in syncline.q).
  var early = (old && old.q) || [];
  for (var i = 0; i < early.length; i++) syncline.apply(null, early[i]);
})(window, document);
