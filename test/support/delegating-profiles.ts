// A ProfileRepository that forwards to a real one, with some methods replaced: the tests' fault and race doubles.
import type { ProfileRepository } from '../../core/ports.js';

export function delegatingProfiles(real: ProfileRepository, overrides: Partial<ProfileRepository> = {}): ProfileRepository {
  return {
    lookup: (t, ids) => real.lookup(t, ids),
    lookupEntries: (t, ids) => real.lookupEntries(t, ids),
    get: (t, id) => real.get(t, id),
    commit: (t, commit) => real.commit(t, commit),
    erase: (t, profile) => real.erase(t, profile),
    listProfiles: (t) => real.listProfiles(t),
    appendHistory: (t, entries, days) => real.appendHistory(t, entries, days),
    history: (t, ids) => real.history(t, ids),
    removeHistory: (t, entries) => real.removeHistory(t, entries),
    markErased: (t, ids, at) => real.markErased(t, ids, at),
    getMany: (t, ids, options) => real.getMany(t, ids, options),
    ...overrides,
  };
}
