// A connector's simulated vendor for the local stack: `npm start` runs it for an instance whose settings say
// `"apiBaseUrl": "simulator"`. A connector exports one as `simulator` from its simulator.ts; the local runtime finds it
// there by convention, so nothing else is edited and no simulator code reaches a Lambda bundle (connectors/index.ts
// never imports a simulator). Test-side: not in index.ts.
import type { SimulatorFaults } from './simulator-kit.js';

export interface SimulatorStart {
  /** The instance's settings from syncline.config.json (e.g. the shop domain the simulated shop answers for). */
  settings: Readonly<Record<string, unknown>>;
  /** Faults the simulated vendor injects into its answers (fault tests and the soak). */
  faults?: SimulatorFaults | undefined;
  /** Customers in the simulated vendor's sample data, when it has any; the simulator's own default otherwise. */
  sampleCustomers?: number | undefined;
  /**
   * Where the vendor's callbacks for this instance go once the local server listens (`<url>/webhooks/<tenant>/<instance>`),
   * when the instance has `webhooks: true`; undefined otherwise. A vendor whose callbacks are set up in its dashboard
   * rather than through an API (Copernica) posts there; the others learn their URL from `syncline connect`.
   */
  webhookUrl?: (() => string | undefined) | undefined;
}

export interface StartedSimulator<Handle> {
  /** Settings merged over the instance's (at least `apiBaseUrl`, the simulator's address). */
  settings: Record<string, unknown>;
  /** The instance's secrets while the simulator runs (each run should get its own webhook secret). */
  secrets: Record<string, unknown>;
  /** The running simulator, for tests and demos that look into it. */
  handle: Handle;
  stop(): Promise<void>;
}

export interface SimulatorDefinition<Handle = unknown> {
  /** The connector it stands in for. */
  connector: string;
  start(options: SimulatorStart): Promise<StartedSimulator<Handle>>;
  /**
   * Settings that follow from the instance's webhook URL (Square's `notificationUrl`, the URL it signs), which the
   * local stack knows only once its server listens: it then fills them into the instance's settings, before any
   * delivery or poll, unless the config sets them itself. For instances with `webhooks: true`.
   */
  webhookSettings?(webhookUrl: string): Record<string, unknown>;
}

export function defineSimulator<Handle>(definition: SimulatorDefinition<Handle>): SimulatorDefinition<Handle> {
  return Object.freeze(definition);
}
