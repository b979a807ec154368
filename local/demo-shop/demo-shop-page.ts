// A small demo shop served by the local stack at /demo-shop/{tenant}/{site}/: a product list, product pages, a search,
// a cart, a login form and a consent banner, with the real syncline.js snippet (docs/website-tracking.md) and a
// "recommended for you" panel filled from GET /personalize. For the browser test and for trying the site path by hand.

export interface DemoProduct {
  sku: string;
  name: string;
  category: string;
  price: number;
}

/** Products of the simulated Shopify's sample shop (connectors/shopify/sample-shop.ts), with categories. */
export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { sku: 'KOF-BON-1KG', name: 'Koffiebonen Espresso 1 kg', category: 'coffee', price: 24.95 },
  { sku: 'KOF-MLK-OPS', name: 'Melkopschuimer', category: 'coffee-gear', price: 59 },
  { sku: 'THE-GRN-100', name: 'Groene thee 100 g', category: 'tea', price: 7.5 },
  { sku: 'MOK-STW-2', name: 'Stroopwafelmok (set van 2)', category: 'mugs', price: 14.99 },
  { sku: 'FLT-PAP-100', name: 'Koffiefilters nr. 4 (100 st.)', category: 'coffee-gear', price: 3.25 },
  { sku: 'KOF-MOL-HND', name: 'Handkoffiemolen', category: 'coffee-gear', price: 39.95 },
];

export interface DemoSite {
  tenant: string;
  site: string;
  writeKey: string;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const money = (n: number) => `€ ${n.toFixed(2).replace('.', ',')}`;

/** The page for `path` below the shop's base (`''`, `product/<sku>`), or undefined for none. */
export function renderDemoShop(site: DemoSite, path: string, query: URLSearchParams): string | undefined {
  const base = `/demo-shop/${encodeURIComponent(site.tenant)}/${encodeURIComponent(site.site)}/`;
  const product = /^product\/([^/]+)$/.exec(path);
  if (path === '') return page(site, base, 'Demo koffiewinkel', home(base, query.get('q')));
  if (product) {
    const p = DEMO_PRODUCTS.find((x) => x.sku === decodeURIComponent(product[1]!));
    return p ? page(site, base, p.name, productPage(p)) : undefined;
  }
  return undefined;
}

function home(base: string, q: string | null): string {
  const query = q?.trim().toLowerCase() ?? '';
  const shown = query ? DEMO_PRODUCTS.filter((p) => `${p.name} ${p.category}`.toLowerCase().includes(query)) : DEMO_PRODUCTS;
  const list = shown
    .map((p) => `<li><a href="${base}product/${encodeURIComponent(p.sku)}">${escape(p.name)}</a> <span>${money(p.price)}</span></li>`)
    .join('');
  const search = query
    ? `<p role="status" data-search="${escape(query)}" data-results="${shown.length}">${shown.length} result(s) for “${escape(query)}”</p>`
    : '';
  return `<h1>Demo koffiewinkel</h1>${search}<ul aria-label="Products">${list}</ul>`;
}

function productPage(p: DemoProduct): string {
  return `<h1>${escape(p.name)}</h1><p>${escape(p.category)} · ${money(p.price)}</p>
<button type="button" id="add" data-product='${escape(JSON.stringify({ ...p, currency: 'EUR' }))}'>Add to cart</button>`;
}

function page(site: DemoSite, base: string, title: string, main: string): string {
  const init = JSON.stringify({ endpoint: `/collect/${site.tenant}/${site.site}`, key: site.writeKey, flushMs: 200 });
  const personalize = JSON.stringify(`/personalize/${site.tenant}/${site.site}`);
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font:16px system-ui;margin:2rem;max-width:44rem}#banner{border:1px solid #999;padding:1rem;margin-bottom:1rem}
aside{border-top:1px solid #ccc;margin-top:1rem}header a{margin-right:1rem}</style>
<script>
  // The snippet a shop pastes into its theme (docs/website-tracking.md): calls queue until syncline.js has loaded.
  window.syncline = window.syncline || function () { (window.syncline.q = window.syncline.q || []).push(arguments); };
  syncline('init', ${init});
</script>
<script async src="/syncline.js"></script>
</head><body>
<header><a href="${base}">Shop</a>
<form role="search" action="${base}" style="display:inline"><input name="q" aria-label="Search"><button>Search</button></form></header>
<div id="banner" role="dialog" aria-label="Cookies" hidden><p>May we remember your visit to recommend products?</p>
<button type="button" id="accept">Accept</button> <button type="button" id="refuse">Refuse</button></div>
<main>${main}</main>
<form id="login" aria-label="Log in"><input type="email" name="email" aria-label="E-mail" required><button>Log in</button></form>
<p id="cart" aria-live="polite"></p>
<aside aria-label="Recommended for you"><h2>Recommended for you</h2><ul id="suggestions"></ul><p id="segments"></p></aside>
<script>
(function () {
  // The demo's consent banner keeps an acceptance in localStorage; a refusal is kept nowhere (no cookie before consent).
  var accepted = localStorage.getItem('demo-consent') === 'yes';
  var banner = document.getElementById('banner');
  if (accepted) syncline('consent', { analytics: true, personalisation: true });
  else banner.hidden = false;
  document.getElementById('accept').onclick = function () {
    localStorage.setItem('demo-consent', 'yes');
    banner.hidden = true;
    syncline('consent', { analytics: true, personalisation: true });
    recommend();
  };
  document.getElementById('refuse').onclick = function () {
    banner.hidden = true;
    syncline('consent', { analytics: false, personalisation: false });
  };
  var results = document.querySelector('[data-search]');
  if (results) syncline('search', { query: results.dataset.search, resultCount: Number(results.dataset.results) });
  var add = document.getElementById('add');
  if (add) {
    var p = JSON.parse(add.dataset.product);
    syncline('product', p);
    add.onclick = function () {
      syncline('addToCart', p);
      syncline('flush');
      document.getElementById('cart').textContent = 'Added ' + p.name + ' to the cart';
    };
  }
  document.getElementById('login').onsubmit = function (e) {
    e.preventDefault();
    syncline('identify', { email: this.email.value, via: 'login' });
    document.getElementById('cart').textContent = 'Logged in';
  };
  function recommend() {
    var m = document.cookie.match(/(?:^|;\\s*)_syncline_id=([A-Za-z0-9_-]+)/);
    if (!m) return;
    // no-cache: the browser asks again with the ETag it holds (a 304 when nothing changed), so a page right after a
    // login or a purchase shows the answer as it is now, not the one cached at consent time.
    fetch(${personalize} + '?anonymousId=' + m[1], { cache: 'no-cache' }).then(function (r) { return r.json(); }).then(function (a) {
      var ul = document.getElementById('suggestions');
      ul.textContent = '';
      (a.suggestions || []).forEach(function (s) {
        var li = document.createElement('li');
        li.dataset.sku = s.sku;
        li.textContent = s.name + ' (' + s.reason + ')';
        ul.appendChild(li);
      });
      document.getElementById('segments').textContent = (a.segments || []).join(', ');
      document.body.dataset.personalized = 'yes';
    });
  }
  if (accepted) recommend();
})();
</script>
</body></html>`;
}
