// Where the log scan's global setup and the per-file capture meet: a temporary directory named by an environment variable.
export const LOG_SCAN_DIR_VARIABLE = 'SYNCLINE_LOG_SCAN_DIR';
/** JSON array of the known test secrets, collected once per run. */
export const SECRETS_FILE = 'known-secrets.json';
/** One JSON line per scanned test file: {file, lines, bytes, findings}. */
export const STATS_FILE = 'scanned.jsonl';
/** Symbol.for() key of the per-process capture that capture-output.ts installs and scan-unprinted.ts feeds. */
export const CAPTURE_KEY = 'syncline.log-scan.capture';
