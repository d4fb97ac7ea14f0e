import { useRef, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, type Me } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { applyLocale } from '../i18n.ts';
import { useMe, useSetMe } from '../session.ts';
import { Button, Field, FormError, Notice } from '../ui/form.tsx';
import { AuthFrame } from './auth-frame.tsx';

export function SignInPage() {
  const { t } = useTranslation();
  const me = useMe();
  const setMe = useSetMe();
  const navigate = useNavigate();
  const location = useLocation();
  const errorText = useErrorText();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const state = location.state as { from?: string; signedOut?: boolean; expired?: boolean } | null;

  if (me.data) return <Navigate to={state?.from ?? '/'} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ user: Me }>('/api/session', { email: email.trim(), password });
      applyLocale(res.user.locale);
      setMe(res.user);
      void navigate(state?.from ?? '/', { replace: true });
    } catch (err) {
      // INVALID_CREDENTIALS and TOO_MANY_ATTEMPTS have their own messages in the catalogs' errors.
      setError(errorText(err));
      setPassword('');
      setTimeout(() => passwordRef.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={t('signIn.title')} intro={t('signIn.intro')}>
      {state?.signedOut && !error && <Notice message={t('signIn.signedOut')} kind="info" />}
      {state?.expired && !error && <Notice message={t('errors.sessionExpired')} kind="warn" />}
      <form onSubmit={submit} className="form" noValidate={false} data-testid="sign-in-form">
        <FormError message={error} />
        <Field label={t('signIn.email')} name="email" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field ref={passwordRef} label={t('signIn.password')} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <Button kind="primary" type="submit" busy={busy}>
          {busy ? t('signIn.submitting') : t('signIn.submit')}
        </Button>
      </form>
    </AuthFrame>
  );
}
