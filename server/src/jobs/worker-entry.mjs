// Entry of the worker threads (piscina loads plain JavaScript): registers tsx's loader for this thread, namespaced so
// it neither clashes with a loader the process already runs under (`npm start` is tsx) nor is missing when it runs
// none (vitest's test processes transform only their own imports), then loads the TypeScript tasks.
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

// Analyses yield the CPU to the HTTP and database threads: on a 2-core machine with both pool threads busy the HTTP
// thread otherwise waits its turn with them, and a health probe or a tile waits a scheduler slice or more. On Linux
// setpriority(PRIO_PROCESS, 0) applies to the calling thread only (what piscina's `niceIncrement` does through the
// optional native @napi-rs/nice); elsewhere it would lower the whole process, so it is Linux only.
// GRIDPATROL_WORKER_NICE (0–19, default 10) sets it; 0 leaves the threads as they are.
const nice = Number(process.env.GRIDPATROL_WORKER_NICE ?? 10);
if (process.platform === 'linux' && Number.isInteger(nice) && nice > 0 && nice <= 19) setPriority(0, nice);

const tsx = register({ namespace: 'gridpatrol-worker' });
const tasks = await tsx.import('./worker-tasks.ts', import.meta.url);

export default tasks.runTask;
