import { createUserAccount, listUsers, updateUserAccount, ApiError, type UserAccount } from '../api/client.js';
import { t } from '../i18n/index.js';
import type { AppState } from '../state/app-state.js';
import { h, section } from './dom.js';

const view: { users?: UserAccount[]; message: string; error: boolean } = { message: '', error: false };

async function act(rerender: () => void, work: () => Promise<string>): Promise<void> {
  try {
    view.message = await work();
    view.error = false;
    view.users = await listUsers();
  } catch (e) {
    view.message = e instanceof ApiError ? e.message : String(e);
    view.error = true;
  }
  rerender();
}

/** 用户管理 (admins only): the accounts, a new account, disable/enable, a new password. */
export function usersSection(state: AppState, rerender: () => void): HTMLElement | undefined {
  if (state.user.role !== 'admin') return undefined;
  if (!view.users)
    void listUsers()
      .then((u) => {
        view.users = u;
        rerender();
      })
      .catch(() => undefined);
  const table = h(
    'table',
    { class: 'compact', 'data-testid': 'users' },
    h('tr', {}, ...['username', 'role', 'station', 'state', ''].map((k) => h('th', {}, k ? t(`users.col.${k}`) : ''))),
  );
  for (const u of view.users ?? []) {
    const toggle = h(
      'button',
      { 'data-testid': `user-toggle-${u.username}` },
      u.disabled ? t('users.enable') : t('users.disable'),
    ) as HTMLButtonElement;
    toggle.disabled = u.id === state.user.id;
    toggle.onclick = () =>
      void act(rerender, async () => {
        await updateUserAccount(u.id, { disabled: !u.disabled });
        return t('users.saved', { name: u.username });
      });
    const reset = h('button', {}, t('users.reset'));
    reset.onclick = () => {
      const password = prompt(t('users.new_password', { name: u.username }));
      if (password)
        void act(rerender, async () => {
          await updateUserAccount(u.id, { password });
          return t('users.saved', { name: u.username });
        });
    };
    table.append(
      h(
        'tr',
        { 'data-user': u.username },
        h('td', {}, u.username),
        h('td', {}, t(`role.${u.role}`)),
        h('td', {}, u.stationId ? String(u.stationId) : '—'),
        h('td', {}, u.disabled ? t('users.disabled') : t('users.active')),
        h('td', {}, toggle, reset),
      ),
    );
  }
  const name = h('input', {
    placeholder: t('users.col.username'),
    'data-testid': 'new-user-name',
    autocomplete: 'off',
  }) as HTMLInputElement;
  const role = h('select', { 'data-testid': 'new-user-role' }) as HTMLSelectElement;
  for (const r of ['planner', 'grid_office', 'leader', 'admin'] as const)
    role.append(h('option', { value: r }, t(`role.${r}`)));
  const station = h('input', {
    type: 'number',
    min: '1',
    placeholder: t('users.col.station'),
    'data-testid': 'new-user-station',
  }) as HTMLInputElement;
  const password = h('input', {
    type: 'password',
    placeholder: t('users.password'),
    'data-testid': 'new-user-password',
    autocomplete: 'new-password',
  }) as HTMLInputElement;
  const add = h('button', { 'data-testid': 'new-user-add' }, t('users.add'));
  add.onclick = () =>
    void act(rerender, async () => {
      const u = await createUserAccount({
        username: name.value.trim(),
        role: role.value as UserAccount['role'],
        password: password.value,
        ...(station.value ? { stationId: Number(station.value) } : {}),
      });
      return t('users.created', { name: u.username });
    });
  const rows: HTMLElement[] = [
    table,
    h('h4', {}, t('users.add')),
    h('div', { class: 'stack' }, name, role, station, password, add),
  ];
  if (view.message)
    rows.push(h('p', { class: view.error ? 'error' : 'muted', 'data-testid': 'users-status' }, view.message));
  return section('users', t('users.title'), state.openSections, ...rows);
}
