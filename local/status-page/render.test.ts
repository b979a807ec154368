import { describe, expect, it } from 'vitest';
import { escape, renderStatusPage } from './render.js';
import type { StatusView } from './status-view.js';

const view = (reason: string): StatusView => ({
  generatedAt: '2026-11-23T09:00:00.000Z',
  queues: { changes: 0, push: 0, changesDlq: 2, pushDlq: 0 },
  tenants: [
    {
      id: 'shop',
      profiles: 3,
      countedAt: '2026-11-23T03:00:00.000Z',
      segments: [{ name: 'repeat', profiles: 1 }],
      instances: [],
      quarantine: [{ id: 'q"1', instance: 'shopify', receivedAt: '2026-11-23T08:00:00.000Z', reason }],
    },
  ],
});

describe('status page HTML', () => {
  it('escapes quarantine reasons, ids and attributes', () => {
    const html = renderStatusPage(view('<img src=x onerror=alert(1)> "quoted" & more'));
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; more');
    expect(html).not.toContain('<img');
    expect(html).toContain('data-quarantine-id="q&quot;1"');
    expect(html).toContain('action="/status/quarantine/shop/q%221/replay"');
  });

  it('labels every form control and gives tables captions and header cells', () => {
    const html = renderStatusPage(view('bad'));
    expect(html).toContain('<label for="search-tenant">');
    expect(html).toContain('<label for="search-query">');
    expect(html.match(/<table>/g)?.length).toBe(html.match(/<caption>/g)?.length);
    expect(html).toContain('<th scope="col">Dead letters</th>');
    expect(html).toContain('data-metric="queue-changesDlq">2<');
  });

  it('escapes the five HTML metacharacters', () => {
    expect(escape(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});
