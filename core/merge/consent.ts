// Consent precedence (issue 22): an explicit withdrawal is overridden only by an explicit grant made after it (a form,
// a double opt-in, a platform subscribe that is not our echo); a grant an order implies (accepted marketing at
// checkout) never overrides it, however late the order. Otherwise the later fact wins. Kept a join, so arrival order
// does not matter: the record carries the latest explicit fact and the latest implied grant, one of them as the
// record itself (the one in force) and the other behind it.
import type { ConsentRecord } from '../profile.js';
import { latest } from './provenance.js';

const fact = ({ explicit: _explicit, impliedGrant: _implied, ...rest }: ConsentRecord): ConsentRecord => rest;
const explicitPart = (r: ConsentRecord | undefined) => (r === undefined ? undefined : r.implied ? r.explicit : r);
const impliedPart = (r: ConsentRecord | undefined) => (r === undefined ? undefined : r.implied ? r : r.impliedGrant);

/** The consent in force after `incoming`; `current` itself when `incoming` changes nothing. */
export function joinConsent(current: ConsentRecord | undefined, incoming: ConsentRecord): ConsentRecord {
  const explicit = latest(explicitPart(current), explicitPart(incoming));
  const implied = latest(impliedPart(current), impliedPart(incoming));
  if (current && explicit === explicitPart(current) && implied === impliedPart(current)) return current;
  if (explicit === undefined) return fact(implied!);
  if (implied === undefined) return fact(explicit);
  if (!explicit.granted || latest(explicit, implied) === explicit) return { ...fact(explicit), impliedGrant: fact(implied) };
  return { ...fact(implied), explicit: fact(explicit) };
}
