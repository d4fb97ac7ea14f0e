import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { api, type Me } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { applyLocale, currentLocale } from '../i18n.ts';
import { useMe, useSetMe, useSetupNeeded } from '../session.ts';
import { Button, Field, FormError } from '../ui/form.tsx';
import { Loading } from '../ui/page.tsx';
import { AuthFrame } from './auth-frame.tsx';

/** First run: no user exists; the setup token from the server log creates the seller and its owner. */
export function SetupPage() {
  const { t } = useTranslation();
  const me = useMe();
  const setup = useSetupNeeded();
  const client = useQueryClient();
  const setMe = useSetMe();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const [form, setForm] = useState({ setupToken: '', sellerName: '', name: '', email: '', password: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (me.data) return <Navigate to="/" replace />;
  if (setup.isPending) return <Loading />;
  if (setup.data && !setup.data.needed) return <Navigate to="/sign-in" replace />;

  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [key]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ user: Me }>('/api/setup', {
        setupToken: form.setupToken.trim(),
        sellerName: form.sellerName.trim(),
        name: form.name.trim(),
        email: form.email.trim(),
        password: form.password,
        locale: currentLocale(),
      });
      applyLocale(res.user.locale);
      client.setQueryData(['setup'], { needed: false });
      setMe(res.user);
      void navigate('/', { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={t('setup.title')} intro={t('setup.intro')}>
      <form onSubmit={submit} className="form" data-testid="setup-form">
        <FormError message={error} />
        <Field label={t('setup.setupToken')} hint={t('setup.setupTokenHint')} name="setupToken" required autoFocus autoComplete="off" spellCheck={false} value={form.setupToken} onChange={set('setupToken')} />
        <Field label={t('setup.sellerName')} hint={t('setup.sellerNameHint')} name="sellerName" required autoComplete="organization" value={form.sellerName} onChange={set('sellerName')} />
        <Field label={t('setup.name')} name="name" required autoComplete="name" value={form.name} onChange={set('name')} />
        <Field label={t('setup.email')} name="email" type="email" required autoComplete="username" value={form.email} onChange={set('email')} />
        <Field label={t('setup.password')} hint={t('setup.passwordHint')} name="password" type="password" required autoComplete="new-password" value={form.password} onChange={set('password')} />
        <Button kind="primary" type="submit" busy={busy}>
          {busy ? t('setup.submitting') : t('setup.submit')}
        </Button>
      </form>
    </AuthFrame>
  );
}
