import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { catalogs, locales, type Locale } from '../../src/platform/i18n/index.ts';

export { locales, type Locale };

const STORAGE_KEY = 'smartship.locale';

const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (locales as readonly string[]).includes(v);

/** Before anyone signs in: the last language chosen on this browser, else the browser's own preference. */
export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // storage blocked: fall through to the browser's languages
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

export function applyLocale(locale: Locale): void {
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not remembered on this browser; the user's profile still remembers it
  }
  if (i18next.language !== locale) void i18next.changeLanguage(locale);
}

export function currentLocale(): Locale {
  return isLocale(i18next.language) ? i18next.language : 'en';
}

const first = initialLocale();
document.documentElement.lang = first;

void i18next.use(initReactI18next).init({
  resources: Object.fromEntries(locales.map((l) => [l, { translation: catalogs[l] }])),
  lng: first,
  fallbackLng: 'en',
  supportedLngs: [...locales],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

