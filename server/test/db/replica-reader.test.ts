import { describe, expect, it } from 'vitest';
import type { Queryable, ReplicaLog } from '../../src/db/client.js';
import { isConnectionError, replicaReader } from '../../src/db/replica-reader.js';

/** A server stand-in that answers its own name, or fails with the error it is told to. */
function fakeServer(name: string) {
  const s = {
    fail: undefined as Error | undefined,
    calls: 0,
    q: {
      async query<Row>(): Promise<Row[]> {
        s.calls++;
        if (s.fail) throw s.fail;
        return [{ server: name } as Row];
      },
      async exec() {
        s.calls++;
      },
    } satisfies Queryable,
  };
  return s;
}

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('replicaReader', () => {
  function setup() {
    const primary = fakeServer('primary');
    const r1 = fakeServer('r1');
    const r2 = fakeServer('r2');
    const logged: { level: string; msg: string; replica: unknown }[] = [];
    const log: ReplicaLog = {
      warn: (f, msg) => logged.push({ level: 'warn', msg, replica: f.replica }),
      info: (f, msg) => logged.push({ level: 'info', msg, replica: f.replica }),
    };
    let t = 1_000;
    const { reader, together } = replicaReader(
      primary.q,
      [
        { name: 'r1', q: r1.q },
        { name: 'r2', q: r2.q },
      ],
      { log, retryMs: 30_000, now: () => t },
    );
    const who = async () => (await reader.query<{ server: string }>('SELECT 1'))[0]?.server;
    return { primary, r1, r2, logged, reader, together, who, step: (ms: number) => (t += ms) };
  }

  it('round-robins over the replicas and sends exec to the primary', async () => {
    const { primary, reader, who } = setup();
    expect([await who(), await who(), await who(), await who()]).toEqual(['r1', 'r2', 'r1', 'r2']);
    await reader.exec('CREATE TABLE x (y int)');
    expect(primary.calls).toBe(1);
  });

  it('leaves a replica out for retryMs after a connection error, warns once, and says when it is back', async () => {
    const { r1, logged, who, step } = setup();
    r1.fail = coded('connect ECONNREFUSED 127.0.0.1:5433', 'ECONNREFUSED');
    expect(await who()).toBe('primary');
    expect([await who(), await who()]).toEqual(['r2', 'r2']);
    expect(r1.calls).toBe(1);
    step(30_000);
    // Still down when tried again: read from the primary, no second warning for the same outage.
    expect(await who()).toBe('primary');
    expect(r1.calls).toBe(2);
    expect(logged.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', msg: 'read replica unreachable: reading from the primary', replica: 'r1' },
    ]);
    r1.fail = undefined;
    step(30_000);
    expect([await who(), await who()]).toEqual(['r2', 'r1']);
    expect(logged.at(-1)).toEqual({ level: 'info', msg: 'read replica is answering again', replica: 'r1' });
  });

  it('reads from the primary when every replica is down', async () => {
    const { r1, r2, who } = setup();
    r1.fail = coded('terminating connection due to administrator command', '57P01');
    r2.fail = new Error('Connection terminated unexpectedly');
    expect([await who(), await who(), await who()]).toEqual(['primary', 'primary', 'primary']);
    expect(r1.calls + r2.calls).toBe(2);
  });

  it('lets a SQL error fail as itself and answers a recovery conflict from the primary without marking down', async () => {
    const { r1, logged, reader, who } = setup();
    r1.fail = coded('relation "nope" does not exist', '42P01');
    await expect(reader.query('SELECT * FROM nope')).rejects.toThrow('relation "nope" does not exist');
    r1.fail = coded('canceling statement due to conflict with recovery', '40001');
    expect(await who()).toBe('r2');
    expect(await who()).toBe('primary');
    r1.fail = undefined;
    expect(await who()).toBe('r2');
    expect(await who()).toBe('r1');
    expect(logged).toEqual([]);
  });

  it('keeps the reads of one together() on one server, and moves them to the primary when it fails', async () => {
    const { r1, together, who } = setup();
    const three = () => together(async () => [await who(), await who(), await who()]);
    expect(await three()).toEqual(['r1', 'r1', 'r1']);
    expect(await three()).toEqual(['r2', 'r2', 'r2']);
    // Two at once each keep their own server.
    expect(await Promise.all([three(), three()])).toEqual([
      ['r1', 'r1', 'r1'],
      ['r2', 'r2', 'r2'],
    ]);
    expect(await who()).toBe('r1');
    // Reads started at once inside one together() (hot spots' counts and study area) share its server too.
    expect(await together(() => Promise.all([who(), who(), who()]))).toEqual(['r2', 'r2', 'r2']);
    expect(await who()).toBe('r1');
    r1.fail = coded('canceling statement due to conflict with recovery', '40001');
    expect(await together(async () => [await who(), await who()])).toEqual(['r2', 'r2']);
    // r1 loses a read to replay; the rest of that together() goes to the primary even once r1 would answer again.
    const afterConflict = await together(async () => {
      const first = await who();
      r1.fail = undefined;
      return [first, await who()];
    });
    expect(afterConflict).toEqual(['primary', 'primary']);
  });

  it('tells connection errors from statement errors', () => {
    expect(isConnectionError(coded('x', '08006'))).toBe(true);
    expect(isConnectionError(coded('the database system is starting up', '57P03'))).toBe(true);
    expect(isConnectionError(coded('syntax error', '42601'))).toBe(false);
    expect(isConnectionError(coded('read-only transaction', '25006'))).toBe(false);
    expect(isConnectionError('ECONNREFUSED')).toBe(false);
  });
});
