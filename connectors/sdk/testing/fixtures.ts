// Reads a connector's fixtures: vendor payloads in connectors/<connector>/fixtures/, with their source in SOURCES.md.
import { readFileSync } from 'node:fs';

export interface FixtureFolder {
  /** The folder, as a file URL ending in a slash. */
  url: URL;
  /** The file's text exactly as stored (what a vendor signs is bytes: do not re-serialise it). */
  text(name: string): string;
  /** The file parsed as JSON. */
  json<T = Record<string, unknown>>(name: string): T;
}

/** The fixtures of a connector by its folder name (`fixturesOf('shopify').json('orders-create.json')`). */
export function fixturesOf(connector: string): FixtureFolder {
  return fixtureFolder(new URL(`../../${connector}/fixtures/`, import.meta.url));
}

/** The fixtures in a folder given as a URL (`new URL('./fixtures/', import.meta.url)`). */
export function fixtureFolder(url: URL): FixtureFolder {
  const text = (name: string) => readFileSync(new URL(name, url), 'utf8');
  return { url, text, json: <T>(name: string) => JSON.parse(text(name)) as T };
}
