// Seeded vendor misbehaviour for the simulated vendors: some requests answered 429 (with Retry-After), some 500,
// some never answered (the client's timeout fires), some carried out with their answer lost. Counted, so a test can
// show the faults really happened.
import type { SimulatorFaults } from '../../connectors/sdk/simulator-kit.js';
import { seededRandom } from '../../connectors/sdk/seeded-random.js';

export interface VendorFaultOptions {
  seed: number;
  rateLimitRate?: number;
  failRate?: number;
  timeoutRate?: number;
  /** Requests carried out whose answer never arrives (default 0.03). */
  lostReplyRate?: number;
}

type VendorFault = 'rate-limit' | 'fail' | 'timeout' | 'lost-reply';

export interface VendorFaultPlan {
  /** Pass as the simulator's `faults`. */
  faults: SimulatorFaults;
  counts(): { rateLimited: number; failed: number; timedOut: number; repliesLost: number };
}

export function vendorFaultPlan(options: VendorFaultOptions): VendorFaultPlan {
  const random = seededRandom(options.seed);
  const counts = { rateLimited: 0, failed: 0, timedOut: 0, repliesLost: 0 };
  const rateLimit = options.rateLimitRate ?? 0.1;
  const fail = options.failRate ?? 0.1;
  const timeout = options.timeoutRate ?? 0.05;
  const lostReply = options.lostReplyRate ?? 0.03;
  // Each kind once at the start, so that even a short run meets all of them; then by chance.
  const opening: VendorFault[] = ['rate-limit', 'fail', 'timeout', 'lost-reply'];
  const draw = (): VendorFault | undefined => {
    const roll = random.next();
    if (roll < rateLimit) return 'rate-limit';
    if (roll < rateLimit + fail) return 'fail';
    if (roll < rateLimit + fail + timeout) return 'timeout';
    if (roll < rateLimit + fail + timeout + lostReply) return 'lost-reply';
    return undefined;
  };
  return {
    faults: {
      plan: () => {
        const fault = opening.shift() ?? draw();
        if (fault === 'rate-limit') counts.rateLimited++;
        if (fault === 'fail') counts.failed++;
        if (fault === 'timeout') counts.timedOut++;
        if (fault === 'lost-reply') counts.repliesLost++;
        return fault;
      },
    },
    counts: () => ({ ...counts }),
  };
}
