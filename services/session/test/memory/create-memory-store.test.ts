import { createMemoryStore } from '../../src/memory/create-memory-store.ts';
import { sessionStoreContract } from '../store/session-store-contract.ts';

sessionStoreContract('memory', async (clock) => createMemoryStore({ now: clock.now }));
