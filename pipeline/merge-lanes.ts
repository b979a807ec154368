// Which queued events of a batch must be merged one after the other: those that can touch the same profile.

/**
 * Groups items into lanes: two items share a lane when they share a token, directly or through other items (union-find).
 * The merge's tokens are an event's identifier keys and the profiles those identifiers were found to lead to, so a
 * visitor's anonymous page view and the order naming only their e-mail, both leading to one profile, go through one lane
 * and that profile is written once per batch instead of twice (and without the second write's version conflict).
 * Lanes keep the items' order, and so does each lane's position (by its first item).
 */
export function groupIntoLanes<T>(items: readonly T[], tokensOf: (item: T) => readonly string[]): T[][] {
  const parent = new Map<string, string>();
  const root = (token: string): string => {
    let top = token;
    for (let up = parent.get(top); up !== undefined && up !== top; up = parent.get(top)) top = up;
    // Path compression: the next lookup of any token on the way is one step.
    for (let at = token; at !== top; ) {
      const up = parent.get(at)!;
      parent.set(at, top);
      at = up;
    }
    return top;
  };
  const itemTokens = items.map((item, index) => {
    const tokens = tokensOf(item);
    // An item without tokens still needs a lane of its own.
    return tokens.length > 0 ? tokens : [`\u0000item#${index}`];
  });
  for (const tokens of itemTokens) {
    for (const token of tokens) if (!parent.has(token)) parent.set(token, token);
    const first = root(tokens[0]!);
    for (const token of tokens.slice(1)) {
      const other = root(token);
      if (other !== first) parent.set(other, first);
    }
  }
  const lanes = new Map<string, T[]>();
  items.forEach((item, index) => {
    const lane = root(itemTokens[index]![0]!);
    const members = lanes.get(lane);
    if (members) members.push(item);
    else lanes.set(lane, [item]);
  });
  return [...lanes.values()];
}
