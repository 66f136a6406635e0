import i18next from 'i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

export type Locale = 'zh-CN' | 'en';

/** zh-CN first (the users' language), English second; the choice is kept in localStorage and in `?lang=`. */
export async function initI18n(): Promise<typeof i18next> {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  const saved = fromUrl ?? localStorage.getItem('gridpatrol.lang');
  await i18next.init({
    lng: saved === 'en' ? 'en' : 'zh-CN',
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false },
    returnObjects: true,
  });
  document.documentElement.lang = i18next.language;
  return i18next;
}

export async function setLocale(locale: Locale): Promise<void> {
  localStorage.setItem('gridpatrol.lang', locale);
  await i18next.changeLanguage(locale);
  document.documentElement.lang = locale;
}

export const t = (key: string, opts?: Record<string, unknown>): string => i18next.t(key, opts) as string;
export const tList = (key: string): string[] => i18next.t(key, { returnObjects: true }) as unknown as string[];
