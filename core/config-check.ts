// The strict reading of syncline.config.json: a key the schema does not know is an error with a "did you mean", a
// connector that is not installed is named with the installed ones, and every instance's settings pass its
// connector's schema. Every problem is collected, so one run shows them all. Zod's own objects strip unknown keys;
// rather than rewrite every schema (the core's and each connector's) as a strict object, the check walks the schema
// beside the raw value and reports what the schema would have dropped.
import type { z } from 'zod';
import { SynclineConfig } from './config.js';

export interface ConfigProblem {
  /** Where in the file: `tenants[0].instances[1].settings.acessToken`; empty for the file as a whole. */
  path: string;
  message: string;
}

/** What the check needs of an installed connector. */
export interface ConnectorSchemas {
  settingsSchema: z.ZodType;
  secretsSchema: z.ZodType;
}

/** The settings value that makes the local stack start the connector's simulated vendor (local/simulators.ts). */
const SIMULATOR = 'simulator';

type Path = (string | number)[];
type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
}

/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/** The known word closest to `word`, when it is close enough to be a typo of it (a third of its letters at most). */
export function suggestion(word: string, known: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const d = distance(word, candidate);
    if (d <= limit && (!best || d < best.distance)) best = { word: candidate, distance: d };
  }
  return best?.word;
}

interface UnknownKey {
  path: Path;
  key: string;
  known: string[];
}

/** The keys of `value` that `schema` does not declare, at any depth. */
function unknownKeys(schema: unknown, value: unknown, path: Path, out: UnknownKey[]): void {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return unknownKeys(def.innerType, value, path, out);
    case 'pipe':
      // z.preprocess(fn, schema) is a pipe from a transform: the schema is its output side.
      return unknownKeys(defOf(def.in).type === 'transform' ? def.out : def.in, value, path, out);
    case 'lazy':
      return unknownKeys((def.getter as () => unknown)(), value, path, out);
    case 'array':
      if (Array.isArray(value)) value.forEach((item, i) => unknownKeys(def.element, item, [...path, i], out));
      return;
    case 'tuple':
      if (Array.isArray(value)) (def.items as unknown[]).forEach((item, i) => unknownKeys(item, value[i], [...path, i], out));
      return;
    case 'record':
      if (isRecord(value)) for (const [key, item] of Object.entries(value)) unknownKeys(def.valueType, item, [...path, key], out);
      return;
    case 'union': {
      // The option the value is meant for is the one it passes; unknown keys are looked for in that one.
      const option = (def.options as z.ZodType[]).find((o) => o.safeParse(value).success);
      if (option) unknownKeys(option, value, path, out);
      return;
    }
    case 'object': {
      if (!isRecord(value)) return;
      const shape = def.shape as Record<string, unknown>;
      const catchall = def.catchall === undefined ? undefined : defOf(def.catchall).type === 'never' ? undefined : def.catchall;
      for (const [key, item] of Object.entries(value)) {
        if (Object.hasOwn(shape, key)) unknownKeys(shape[key], item, [...path, key], out);
        else if (catchall) unknownKeys(catchall, item, [...path, key], out);
        else out.push({ path: [...path, key], key, known: Object.keys(shape) });
      }
      return;
    }
    default:
      return;
  }
}

/** The top-level keys an object schema declares (through optional, default and the like). */
function declaredKeys(schema: unknown): string[] {
  const def = defOf(schema);
  if (def.type === 'object') return Object.keys(def.shape as object);
  if ('innerType' in def) return declaredKeys(def.innerType);
  if (def.type === 'pipe') return declaredKeys(def.in);
  return [];
}

function unknownKeyProblem({ path, key, known }: UnknownKey, secretKeys: readonly string[] = []): ConfigProblem {
  const near = suggestion(key, known);
  if (near) return { path: formatPath(path), message: `unknown key "${key}"; did you mean "${near}"?` };
  const secret = suggestion(key, secretKeys);
  if (secret) {
    return {
      path: formatPath(path),
      message:
        `unknown key "${key}"; did you mean "${secret}"? That is a secret: it belongs in the instance's secret ` +
        '(secrets.local.json locally, Secrets Manager when deployed), not in the config',
    };
  }
  return { path: formatPath(path), message: `unknown key "${key}" (known keys: ${known.join(', ') || 'none'})` };
}

const zodProblems = (issues: readonly z.core.$ZodIssue[], prefix: Path): ConfigProblem[] =>
  issues
    // Strict objects report their unknown keys too: those are reported with a suggestion already.
    .filter((issue) => issue.code !== 'unrecognized_keys')
    .map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message }));

/** Each instance's connector is installed and its settings pass the connector's schema, with no unknown keys. */
function instanceProblems(raw: unknown, connectors: Readonly<Record<string, ConnectorSchemas>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const installed = Object.keys(connectors).sort();
  const tenants = isRecord(raw) && Array.isArray(raw.tenants) ? raw.tenants : [];
  tenants.forEach((tenant, t) => {
    const instances = isRecord(tenant) && Array.isArray(tenant.instances) ? tenant.instances : [];
    instances.forEach((instance, i) => {
      if (!isRecord(instance) || typeof instance.connector !== 'string') return;
      const at: Path = ['tenants', t, 'instances', i];
      const connector = connectors[instance.connector];
      if (!connector) {
        const near = suggestion(instance.connector, installed);
        problems.push({
          path: formatPath([...at, 'connector']),
          message:
            `connector "${instance.connector}" is not installed${near ? `; did you mean "${near}"?` : ''} ` +
            `(installed: ${installed.join(', ')})`,
        });
        return;
      }
      const settings = instance.settings ?? {};
      if (!isRecord(settings)) return; // the config schema reports it
      const unknown: UnknownKey[] = [];
      unknownKeys(connector.settingsSchema, settings, [...at, 'settings'], unknown);
      const secretKeys = declaredKeys(connector.secretsSchema);
      problems.push(...unknown.map((u) => unknownKeyProblem(u, secretKeys)));
      // A simulated vendor (the local stack) fills in its own URLs and whatever else its settings leave out: then only
      // the settings given are held to the schema.
      const simulated = settings.apiBaseUrl === SIMULATOR;
      const parsed = connector.settingsSchema.safeParse(simulated ? { ...settings, apiBaseUrl: undefined } : settings);
      if (!parsed.success) {
        const given = (issue: z.core.$ZodIssue) => issue.path.length > 0 && Object.hasOwn(settings, issue.path[0] as string);
        const issues = simulated
          ? parsed.error.issues.filter((issue) => given(issue) && issue.path[0] !== 'apiBaseUrl')
          : parsed.error.issues;
        problems.push(...zodProblems(issues, [...at, 'settings']));
      }
    });
  });
  return problems;
}

/**
 * The config, or every problem with it: unknown keys, schema violations, unknown connectors, invalid settings. Without
 * `connectors` (a deployed function, whose file `cdk synth` checked whole) the instances' connectors and settings are
 * left to the binding of each instance, so the check loads no connector.
 */
export function checkConfig(
  raw: unknown,
  connectors?: Readonly<Record<string, ConnectorSchemas>>,
): { config: SynclineConfig; problems: [] } | { config?: undefined; problems: ConfigProblem[] } {
  const unknown: UnknownKey[] = [];
  unknownKeys(SynclineConfig, raw, [], unknown);
  const problems = unknown.map((u) => unknownKeyProblem(u));
  const parsed = SynclineConfig.safeParse(raw);
  if (!parsed.success) problems.push(...zodProblems(parsed.error.issues, []));
  if (connectors) problems.push(...instanceProblems(raw, connectors));
  return problems.length === 0 && parsed.success ? { config: parsed.data, problems: [] } : { problems };
}

/** One line per problem, indented, for an error message or `syncline config check`. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n');
}
