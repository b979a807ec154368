// Query-string secrets in a stored request URL (Mailchimp authenticates its deliveries by `?token=<secret>` in the
// callback URL): replaced by a placeholder naming the secret before a quarantine entry is stored, and put back from the
// instance's current secret only by the quarantine replay, never for a live request.

/** Shorter values (ids, flags) could equal a secret by chance; connector secrets are far longer. */
const MIN_SECRET_LENGTH = 8;
const PLACEHOLDER = /^\{secret:([A-Za-z0-9_]+)\}$/;

function secretValues(secrets: unknown): [name: string, value: string][] {
  if (secrets === null || typeof secrets !== 'object') return [];
  return Object.entries(secrets).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].length >= MIN_SECRET_LENGTH,
  );
}

/** Rewrites the values of the query's `name=value` pairs, leaving every other byte of the URL as it was (signed URLs). */
function mapQueryValues(url: string, map: (value: string) => string | undefined): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const [query, fragment] = [url.slice(at + 1).split('#')[0]!, url.slice(at + 1).includes('#') ? url.slice(url.indexOf('#', at)) : ''];
  const pairs = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return pair;
    }
    const replaced = map(value);
    return replaced === undefined ? pair : `${pair.slice(0, eq + 1)}${encodeURIComponent(replaced)}`;
  });
  return `${url.slice(0, at)}?${pairs.join('&')}${fragment}`;
}

/** `url` with every query value that equals one of the instance's secrets replaced by `{secret:<name>}`. */
export function withoutQuerySecrets(url: string, secrets: unknown): string {
  const known = secretValues(secrets);
  if (known.length === 0) return url;
  return mapQueryValues(url, (value) => {
    const found = known.find(([, secret]) => secret === value);
    return found ? `{secret:${found[0]}}` : undefined;
  });
}

/** The stored URL with its placeholders filled from the instance's current secrets: for the quarantine replay only. */
export function withQuerySecrets(url: string, secrets: unknown): string {
  const known = new Map(secretValues(secrets));
  return mapQueryValues(url, (value) => {
    const name = PLACEHOLDER.exec(value)?.[1];
    return name === undefined ? undefined : known.get(name);
  });
}
