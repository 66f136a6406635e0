// Entry of the worker threads (piscina loads plain JavaScript): registers tsx's loader for this thread, namespaced so
// it neither clashes with a loader the process already runs under (`npm start` is tsx) nor is missing when it runs
// none (vitest's test processes transform only their own imports), then loads the TypeScript tasks.
import { register } from 'tsx/esm/api';

const tsx = register({ namespace: 'gridpatrol-worker' });
const tasks = await tsx.import('./worker-tasks.ts', import.meta.url);

export default tasks.runTask;
