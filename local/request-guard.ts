// Guards for the local server's routes that are for the person at this machine (status page, JSON API, replay):
// a page on another site must neither read them through DNS rebinding nor post to them (CSRF). Webhooks are not
// guarded here: vendors reach them through a tunnel, under its Host, and authenticate by signature.
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/** The Host names this machine's loopback: a rebound DNS name (attacker.example → 127.0.0.1) does not. */
export function sameMachine(req: IncomingMessage): boolean {
  return LOOPBACK_HOST.test(req.headers.host ?? '');
}

/** Browsers send Origin on a cross-site POST, and Sec-Fetch-Site; the CLI sends neither. */
export function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}
