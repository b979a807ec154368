// The answers of the survey route: a short HTML message, the confirm step a link scanner gets, and the redirect.

export interface SurveyResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Never cached, never indexed, and the token never leaves in a Referer to the thank-you page. */
const PRIVATE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };
const HTML = {
  ...PRIVATE,
  'content-type': 'text/html; charset=utf-8',
  // The pages run no script and load nothing; the confirm form posts back to this very URL.
  'content-security-policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
};

const page = (inner: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Your answer</title></head><body>${inner}</body></html>`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function messagePage(statusCode: number, message: string, extra: Record<string, string> = {}): SurveyResponse {
  return { statusCode, headers: { ...HTML, ...extra }, body: message === '' ? '' : page(`<p>${escape(message)}</p>`) };
}

/** One button: a person confirms with one more click, a scanner that only fetches records nothing. */
export function confirmPage(): SurveyResponse {
  return {
    statusCode: 200,
    headers: HTML,
    body: page('<form method="post"><p>Send this answer?</p><button type="submit">Yes, send my answer</button></form>'),
  };
}

export function redirect(location: string): SurveyResponse {
  return { statusCode: 303, headers: { ...PRIVATE, location }, body: '' };
}
