// What the suite-wide log scan looks for: personal data and credentials in text the code under test printed.
import { EMAIL_IN_TEXT } from '../../connectors/sdk/redact.js';

export interface LogFinding {
  /** Which kind of data: `e-mail address`, `phone number`, `JWT`, `bearer token`, `known test secret`. */
  pattern: string;
  /** The match with all but its first characters masked: enough to find it, not enough to reuse it. */
  masked: string;
  /** 1-based line of the scanned text. */
  line: number;
  /** That line with every finding blanked out, cut to 200 characters: shows which log call printed it. */
  context: string;
}

// Stricter than redact.ts's PHONE_IN_TEXT, which also blanks any id of 9+ digits: log lines legitimately carry
// vendor ids, epoch milliseconds and UUIDs, and a scanner that cries wolf gets switched off.
const PHONES: readonly RegExp[] = [
  /(?<![\w+%])(?:\+|%2B)[1-9](?:[\s.()/-]?\d){7,14}(?![\d-])/gi, // E.164, also spaced (+31 6 1234 5678) and URL-encoded
  /(?<![\w.:/-])0\d{9}(?![\w.:-])/g, // national, one block: 0612345678
  /(?<![\w.:/-])0\d{1,3}(?:[\s-]\d{2,5}){2,4}(?![\w.:-])/g, // national, grouped: 06-123 45678, 020 123 4567, 06 12 34 56 78
  /(?<![\w.:/-])\(?\d{3}\)?[\s.-]\d{3}[.-]\d{4}(?![\w.:-])/g, // North-American: 555-625-1199, (555) 625-1199
];
/** Fewer digits than any phone number: a short grouped figure such as `01 23 45`. */
const MIN_PHONE_DIGITS = 9;
const BEARER = /\bBearer\s+(?!<)[A-Za-z0-9._~+/=-]{8,}/g;
// Three dot-separated parts: redact.ts also blanks a bare `eyJ…`, but base64url cursors of JSON start that way too.
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

const mask = (value: string): string =>
  `${value.slice(0, 3)}${'*'.repeat(Math.max(3, Math.min(value.length - 3, 12)))} (${value.length} chars)`;

function lineAt(text: string, index: number): { line: number; start: number; end: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  const end = text.indexOf('\n', index);
  return { line, start, end: end === -1 ? text.length : end };
}

/** Every e-mail address, phone number, JWT, bearer token and known secret in `text`. */
export function scanLogText(text: string, knownSecrets: readonly string[] = []): LogFinding[] {
  const raw: { pattern: string; value: string; index: number }[] = [];
  const add = (pattern: string, value: string, index: number) => raw.push({ pattern, value, index });
  const matchAll = (pattern: string, regex: RegExp, accept: (value: string) => boolean = () => true) => {
    for (const m of text.matchAll(new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`)))
      if (accept(m[0])) add(pattern, m[0], m.index);
  };
  matchAll('e-mail address', EMAIL_IN_TEXT);
  for (const phone of PHONES)
    matchAll('phone number', phone, (value) => value.replace(/%2B/gi, '').replace(/\D/g, '').length >= MIN_PHONE_DIGITS);
  matchAll('JWT', JWT);
  matchAll('bearer token', BEARER);
  for (const secret of knownSecrets) {
    for (let i = text.indexOf(secret); i !== -1; i = text.indexOf(secret, i + secret.length)) add('known test secret', secret, i);
  }
  raw.sort((a, b) => a.index - b.index);
  return raw.map(({ pattern, value, index }) => {
    const { line, start, end } = lineAt(text, index);
    let context = text.slice(start, end);
    for (const other of raw) context = context.split(other.value).join(`<${other.pattern}>`);
    return { pattern, masked: mask(value), line, context: context.slice(0, 200) };
  });
}
