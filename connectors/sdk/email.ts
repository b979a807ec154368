// E-mail addresses at the border: the one form we key and push profiles by, and blanked out of any vendor text we keep.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EMAIL_IN_TEXT = /[^\s@"'<>,;:]+@[^\s@"'<>,;:]+/g;

/** Trimmed and lower-cased, or undefined when `raw` is not something that looks like an address. */
export function normaliseEmail(raw: unknown): string | undefined {
  const email = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  return email !== undefined && EMAIL.test(email) ? email : undefined;
}

/** A vendor's words with every e-mail address replaced by `<e-mail>`, so that an outcome or log never carries one. */
export function blankEmails(text: string): string {
  return text.replace(EMAIL_IN_TEXT, '<e-mail>');
}
