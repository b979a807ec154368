// Personal data and credentials blanked out of text we did not write (vendor error bodies, header values) before it
// reaches a log line, an error message or a stored outcome.

/** Also the suite-wide log scan's definition of an e-mail address (test/log-scan). */
export const EMAIL_IN_TEXT = /[^\s@"'<>,;:=&?/]+(?:@|%40)[^\s@"'<>,;:&?/\\]+\.[A-Za-z]{2,}/gi;
/** International (+31…), national (06…, 0612 …) and North-American (555-625-1199) forms; ids of 9+ digits go too. */
const PHONE_IN_TEXT = /(?:\+|%2B)\d[\d\s().-]{6,}\d|\b0\d[\d\s().-]{6,}\d\b|\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b|\b\d{9,}\b/gi;
const JWT_IN_TEXT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g;
const CREDENTIAL_IN_TEXT =
  /\b(bearer|basic|token|access_token|api_key|apikey|password|secret|authorization)(["']?\s*[:=]\s*["']?|\s+)(?:(?:bearer|basic)\s+)?[^\s"'&,;}]+/gi;

/** `text` with e-mail addresses, phone numbers, JWTs and credential-looking values replaced by placeholders. */
export function redactPersonalData(text: string): string {
  return text
    .replace(JWT_IN_TEXT, '<token>')
    .replace(CREDENTIAL_IN_TEXT, (_m, name: string, sep: string) => `${name}${sep}<secret>`)
    .replace(EMAIL_IN_TEXT, '<e-mail>')
    .replace(PHONE_IN_TEXT, '<phone>');
}

/** A request URL fit for an error message: the path only, since query strings carry selections such as e-mail addresses. */
export function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0]!;
}
