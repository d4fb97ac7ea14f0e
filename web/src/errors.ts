import { useTranslation } from 'react-i18next';
import { isApiError } from './api.ts';

/** `EMAIL_TAKEN` → `errors.emailTaken`: the catalog key the hub names for an error code. */
const keyOf = (code: string) => `errors.${code.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())}`;

/**
 * Turns any error into a sentence that says what to do, in the console's language when the
 * catalogs know the error code; otherwise the hub's own message (English, but specific).
 */
export function useErrorText(): (err: unknown) => string {
  const { t, i18n } = useTranslation();
  return (err) => {
    if (isApiError(err)) {
      if (err.status === 0) return t('errors.network');
      if (err.status >= 500) return t('errors.server');
      const key = keyOf(err.code);
      if (err.code !== 'NOT_FOUND' && err.code !== 'VALIDATION_FAILED' && i18n.exists(key)) return t(key as 'errors.server');
      return err.message;
    }
    return err instanceof Error ? err.message : String(err);
  };
}
