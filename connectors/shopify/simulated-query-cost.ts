// Shopify's documented query cost for the simulator: a scalar or enum costs 0, an object 1, a connection 2 plus
// `first` (or `last`) times the cost of one node; a single query may cost at most 1,000 points. Requested cost is
// computed from the query before running it, actual cost from what the answer holds. Only what syncline's queries
// use is parsed: fields, aliases, arguments (literals and variables) and selection sets, no fragments.

export const SINGLE_QUERY_MAX_COST = 1000;

export interface Selection {
  name: string;
  args: Record<string, unknown>;
  children?: Selection[];
}

const TOKEN = /\.\.\.|\$?[A-Za-z_]\w*|"(?:\\.|[^"\\])*"|-?\d+(?:\.\d+)?|[{}()[\]:,!=@]/g;

/** The selection set of the query's (first) operation, arguments resolved against the variables. */
export function parseOperation(query: string, variables: Record<string, unknown>): Selection[] {
  const tokens = query.match(TOKEN) ?? [];
  let i = 0;
  // Skip `query Name($a: Int!, …)` up to the operation's selection set.
  let depth = 0;
  while (i < tokens.length && !(tokens[i] === '{' && depth === 0)) {
    if (tokens[i] === '(') depth++;
    if (tokens[i] === ')') depth--;
    i++;
  }
  const value = (): unknown => {
    const token = tokens[i++] ?? '';
    if (token.startsWith('$')) return variables[token.slice(1)];
    if (token.startsWith('"')) return JSON.parse(token) as string;
    if (/^-?\d/.test(token)) return Number(token);
    if (token === '[' || token === '{') {
      // Lists and input objects are skipped: no cost rule reads them.
      for (let open = 1; open > 0 && i < tokens.length; i++) {
        if (tokens[i] === '[' || tokens[i] === '{') open++;
        if (tokens[i] === ']' || tokens[i] === '}') open--;
      }
      return undefined;
    }
    return token === 'null' ? null : token;
  };
  const selectionSet = (): Selection[] => {
    const out: Selection[] = [];
    i++; // {
    while (i < tokens.length && tokens[i] !== '}') {
      let name = tokens[i++] ?? '';
      if (tokens[i] === ':') {
        i++;
        name = tokens[i++] ?? ''; // an alias: the cost is the field's
      }
      const args: Record<string, unknown> = {};
      if (tokens[i] === '(') {
        i++;
        while (i < tokens.length && tokens[i] !== ')') {
          const arg = tokens[i++] ?? '';
          i++; // :
          args[arg] = value();
          if (tokens[i] === ',') i++;
        }
        i++; // )
      }
      out.push(tokens[i] === '{' ? { name, args, children: selectionSet() } : { name, args });
      if (tokens[i] === ',') i++;
    }
    i++; // }
    return out;
  };
  return tokens[i] === '{' ? selectionSet() : [];
}

const sizeOf = (s: Selection): number | undefined => {
  const size = s.args['first'] ?? s.args['last'];
  return typeof size === 'number' ? size : undefined;
};

/** The node selection of a connection: `nodes { … }` or `edges { node { … } }`. */
function nodeSelection(connection: Selection): Selection[] {
  const nodes = connection.children?.find((c) => c.name === 'nodes');
  if (nodes?.children) return nodes.children;
  const node = connection.children?.find((c) => c.name === 'edges')?.children?.find((c) => c.name === 'node');
  return node?.children ?? [];
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The requested cost: every connection at its full `first`. */
export function requestedCost(selections: Selection[]): number {
  const cost = (s: Selection): number => {
    if (!s.children) return 0;
    const size = sizeOf(s);
    if (size !== undefined) return 2 + size * (1 + sum(nodeSelection(s).map(cost)));
    // pageInfo is counted with its connection (not confirmed: see SOURCES.md).
    if (s.name === 'pageInfo') return 0;
    return 1 + sum(s.children.map(cost));
  };
  return sum(selections.map(cost));
}

/** The actual cost: the same rules over what the answer holds (fewer nodes, absent objects). */
export function actualCost(selections: Selection[], data: Record<string, unknown> | undefined): number {
  const cost = (s: Selection, value: unknown): number => {
    if (!s.children || value === null || value === undefined) return 0;
    const record = value as Record<string, unknown>;
    if (sizeOf(s) !== undefined) {
      const nodes =
        (record['nodes'] as unknown[] | undefined) ?? ((record['edges'] as { node: unknown }[] | undefined) ?? []).map((e) => e.node);
      const inner = nodeSelection(s);
      return 2 + sum(nodes.map((n) => 1 + sum(inner.map((c) => cost(c, (n as Record<string, unknown>)[c.name])))));
    }
    if (s.name === 'pageInfo') return 0;
    return 1 + sum(s.children.map((c) => cost(c, record[c.name])));
  };
  return sum(selections.map((s) => cost(s, data?.[s.name])));
}

/** The selection at a path of field names (`orders`, `nodes`, `lineItems`), if the query has it. */
export function selectionAt(selections: Selection[], path: string[]): Selection | undefined {
  let current: Selection | undefined;
  let level: Selection[] | undefined = selections;
  for (const name of path) {
    current = level?.find((s) => s.name === name);
    level = current?.children;
  }
  return current;
}
