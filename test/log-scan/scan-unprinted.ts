// Log lines that tests keep off the terminal (silentLogger) still go through the suite-wide scan: quiet is not private.
import { CAPTURE_KEY } from './files.js';

interface Capture {
  chunks: string[];
}

/** Adds `line` to the current test file's scanned output without printing it; a no-op outside the vitest setup. */
export function scanWithoutPrinting(line: string): void {
  (globalThis as { [key: symbol]: Capture | undefined })[Symbol.for(CAPTURE_KEY)]?.chunks.push(line.endsWith('\n') ? line : `${line}\n`);
}
