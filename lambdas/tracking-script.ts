// syncline.js as the collect function serves it: the minified copy the bundle carries (cdk/handler-bundle.ts), or,
// run from the repository (local stack, tests), the readable source.
import { existsSync, readFileSync } from 'node:fs';

const BUNDLED = new URL('./syncline.js', import.meta.url);
const SOURCE = new URL('../connectors/website/syncline.js', import.meta.url);

let script: string | undefined;

export function trackingScript(): string {
  script ??= readFileSync(existsSync(BUNDLED) ? BUNDLED : SOURCE, 'utf8');
  return script;
}
