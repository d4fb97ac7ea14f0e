import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSelect } from '../ui/language-select.tsx';

/** The centred card of the pages shown before anyone is signed in (sign-in, first-run setup). */
export function AuthFrame({ title, intro, children }: { title: string; intro: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="auth-page">
      <div className="auth-top">
        <span className="brand">{t('app.name')}</span>
        <span className="auth-tagline">{t('app.tagline')}</span>
        <span className="topbar-spacer" />
        <LanguageSelect />
      </div>
      <main className="auth-card">
        <h1>{title}</h1>
        <p className="page-intro">{intro}</p>
        {children}
      </main>
    </div>
  );
}
