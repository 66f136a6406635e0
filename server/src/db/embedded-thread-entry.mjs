// Entry of the embedded database's thread (a Worker loads plain JavaScript): registers tsx's loader for this thread,
// namespaced as the pool's worker-entry.mjs does, then runs the TypeScript thread.
import { register } from 'tsx/esm/api';

const tsx = register({ namespace: 'gridpatrol-db-thread' });
await tsx.import('./embedded-thread.ts', import.meta.url);
