import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Me } from '../api.ts';
import { applyLocale, currentLocale, locales, type Locale } from '../i18n.ts';
import { catalogs } from '../../../src/platform/i18n/index.ts';
import { useSetMe } from '../session.ts';

/**
 * 日本語 / 한국어 / English. Switches at once; when someone is signed in the choice is saved to
 * their profile (PATCH /api/me) so it follows them to the next sign-in.
 */
export function LanguageSelect({ me }: { me?: Me | null }) {
  const { t } = useTranslation();
  const setMe = useSetMe();
  const id = useId();
  const change = async (locale: Locale) => {
    applyLocale(locale);
    if (!me) return;
    setMe({ ...me, locale });
    try {
      setMe(await api.patch<Me>('/api/me', { locale }));
    } catch {
      // shown in this language for now; the profile keeps the old one until the next change
    }
  };
  return (
    <span className="language-select">
      <label htmlFor={id} className="visually-hidden">
        {t('language.label')}
      </label>
      <select id={id} data-testid="language-select" value={currentLocale()} onChange={(e) => void change(e.target.value as Locale)}>
        {locales.map((l) => (
          <option key={l} value={l} lang={l}>
            {catalogs[l].language.name}
          </option>
        ))}
      </select>
    </span>
  );
}
