import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installed, loadConnector } from './installed.js';

const folders = readdirSync(import.meta.dirname)
  .filter((entry) => entry !== 'sdk' && statSync(join(import.meta.dirname, entry)).isDirectory())
  .sort();

describe('the installed connectors', () => {
  it('registers every connector folder under its own name', () => {
    expect(Object.keys(installed).sort()).toEqual(folders);
  });

  it.each(folders)('loads %s by name, once per process', async (name) => {
    const connector = await loadConnector(name);
    expect(connector?.name).toBe(name);
    expect(await loadConnector(name), 'the same object on the next load').toBe(connector);
  });

  it('answers undefined for a name that is not installed, including names every object has', async () => {
    for (const name of ['no-such-vendor', 'constructor', 'toString', '__proto__']) expect(await loadConnector(name), name).toBeUndefined();
  });
});
