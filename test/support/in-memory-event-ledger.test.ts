import { describe } from 'vitest';
import { eventLedgerContract } from './event-ledger-contract.js';
import { InMemoryEventLedger } from './in-memory-event-ledger.js';

describe('the in-memory event ledger', () => {
  eventLedgerContract(() => new InMemoryEventLedger());
});
