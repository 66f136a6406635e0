import { ApiError, signIn } from '../api/client.js';
import { setLocale, t } from '../i18n/index.js';
import { h } from './dom.js';

/** The sign-in page: shown instead of the map while there is no session; a successful sign-in reloads the app. */
export function renderSignIn(root: HTMLElement): void {
  const username = h('input', {
    name: 'username',
    autocomplete: 'username',
    required: '',
    'data-testid': 'signin-user',
  }) as HTMLInputElement;
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: '',
    'data-testid': 'signin-password',
  }) as HTMLInputElement;
  const message = h('p', { class: 'error', 'data-testid': 'signin-error', role: 'alert' });
  const submit = h(
    'button',
    { type: 'submit', 'data-testid': 'signin-submit' },
    t('signin.submit'),
  ) as HTMLButtonElement;
  const lang = h('button', { type: 'button', class: 'lang' }, t('lang.switch'));
  lang.onclick = async () => {
    await setLocale(document.documentElement.lang === 'en' ? 'zh-CN' : 'en');
    renderSignIn(root);
  };
  const form = h(
    'form',
    { class: 'signin', 'data-testid': 'signin' },
    h('header', {}, h('h1', {}, t('app.title')), lang),
    h('p', { class: 'muted' }, t('signin.hint')),
    h('label', {}, t('signin.username'), username),
    h('label', {}, t('signin.password'), password),
    submit,
    message,
  ) as HTMLFormElement;
  form.onsubmit = async (e) => {
    e.preventDefault();
    submit.disabled = true;
    message.textContent = '';
    try {
      await signIn(username.value.trim(), password.value);
      location.reload();
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      message.textContent =
        status === 401
          ? t('signin.wrong')
          : status === 423
            ? t('signin.locked')
            : status === 429
              ? t('signin.too_many')
              : String(err);
      submit.disabled = false;
      password.value = '';
      password.focus();
    }
  };
  root.replaceChildren(form);
  username.focus();
}
