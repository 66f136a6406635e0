/**
 * `npm run user -- add <username> <role> [--station ID]` or `npm run user -- password <username>` or `npm run user -- list`:
 * user accounts in the configured database (DATABASE_URL, or the embedded one). The password is read from
 * GRIDPATROL_PASSWORD or, when that is unset, from the first line of standard input — never from the command line,
 * where it would land in the shell history.
 */
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../server/src/auth/policy.js';
import { loadConfig } from '../server/src/config.js';
import { openDb } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { listUsers } from '../server/src/db/repos/users.repo.js';
import { changeUser, createUser } from '../server/src/services/auth.service.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { station: { type: 'string' } } });
const [command, username, role] = positionals;

async function readPassword(): Promise<string> {
  if (process.env.GRIDPATROL_PASSWORD) return process.env.GRIDPATROL_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new Error('no password on standard input');
}

const config = loadConfig();
if (!config.DATABASE_URL) await mkdir(config.GRIDPATROL_DATA_DIR, { recursive: true });
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.GRIDPATROL_DATA_DIR });
try {
  await migrate(db);
  if (command === 'list') {
    for (const u of await listUsers(db))
      console.log(
        `${String(u.id).padStart(4)}  ${u.username.padEnd(20)} ${u.role.padEnd(12)} ${u.stationId ?? ''}${u.disabled ? ' (disabled)' : ''}`,
      );
  } else if (command === 'add' && username && ROLES.includes(role as Role)) {
    const u = await createUser(db, 'cli', {
      username,
      role: role as Role,
      password: await readPassword(),
      stationId: values.station ? Number(values.station) : null,
    });
    console.log(`user ${u.username} (${u.role}) created, id ${u.id}`);
  } else if (command === 'password' && username) {
    const u = (await listUsers(db)).find((x) => x.username === username);
    if (!u) throw new Error(`no user ${username}`);
    await changeUser(db, 'cli', u.id, { password: await readPassword() });
    console.log(`password of ${username} changed; their sessions are signed out`);
  } else {
    console.error(
      `usage: npm run user -- add <username> <${ROLES.join('|')}> [--station ID] | password <username> | list`,
    );
    process.exitCode = 2;
  }
} finally {
  await db.close();
}
