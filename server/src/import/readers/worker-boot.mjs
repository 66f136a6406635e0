// Worker entry: the server runs TypeScript through tsx, whose loader a worker thread does not inherit.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
