// The shape of one benchmark run: what run.ts measures, report.ts renders and check.ts compares.
import type { ASSUMPTIONS, costPerMillionEvents, PRICES, sweepCostPerMillionEvents } from './cost.js';
import type { HotSpot } from './cpu-profile.js';
import type { EmulatorResults } from './emulators.js';
import type { FootprintResult } from './footprint.js';
import type { Machine } from './machine.js';
import type { PersonalizeLatency } from './personalize.js';
import type { HistoryResult, ThroughputResult } from './merge-memory.js';

export interface BenchResults {
  machine: Machine;
  settings: Record<string, unknown>;
  /** JSON round trips per CPU-second: the yardstick that turns rates into machine-independent ratios. */
  calibrationOpsPerCpuSecond: number;
  memory?: ThroughputResult[];
  history?: HistoryResult;
  hotSpots?: { selfTop: HotSpot[]; totalTop: HotSpot[] };
  emulators?: EmulatorResults;
  footprint?: FootprintResult;
  /** GET /personalize latency on the local stack (bench/personalize.ts). */
  personalize?: PersonalizeLatency[];
  /** Modelled from the end-to-end run with sessions together (emulators.endToEnd). */
  cost?: ReturnType<typeof costPerMillionEvents> & { prices: typeof PRICES; assumptions: typeof ASSUMPTIONS };
  /** The campaign sweep's later work for the end-to-end runs' profiles (emulators.sweep.due), per event. */
  sweepCost?: ReturnType<typeof sweepCostPerMillionEvents>;
  /** The same model on the interleaved run (emulators.endToEndInterleaved): the worst case. */
  costInterleaved?: ReturnType<typeof costPerMillionEvents> & { prices: typeof PRICES; assumptions: typeof ASSUMPTIONS };
  /** syncline.js size and the collect path's cost (bench/collect.ts). */
  collect?: import('./collect.js').CollectBench;
  /** Machine-independent figures that bench:check compares with bench/baseline.json. */
  ratios: Record<string, number>;
  targets: { name: string; target: string; goal?: string; measured: string; met: boolean }[];
}
