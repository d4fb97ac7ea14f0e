import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Me } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { applyLocale, locales, type Locale } from '../i18n.ts';
import { useMe, useSetMe } from '../session.ts';
import { catalogs } from '../../../src/platform/i18n/index.ts';
import { Button, Field, FormError, Notice, SelectField } from '../ui/form.tsx';
import { Loading, PageHeader } from '../ui/page.tsx';

function ProfileForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const setMe = useSetMe();
  const errorText = useErrorText();
  const [name, setName] = useState(me.name);
  const [locale, setLocale] = useState<Locale>(me.locale);
  const save = useMutation({
    mutationFn: () => api.patch<Me>('/api/me', { name: name.trim(), locale }),
    onSuccess: (updated) => {
      setMe(updated);
      applyLocale(locale);
    },
  });
  return (
    <form
      className="form panel"
      data-testid="profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h2>{t('account.profile')}</h2>
      <FormError message={save.error ? errorText(save.error) : null} />
      {save.isSuccess && <Notice message={t('common.saved')} />}
      <dl className="facts">
        <dt>{t('account.email')}</dt>
        <dd>{me.email}</dd>
        <dt>{t('account.role')}</dt>
        <dd>{t(`roles.${me.role}`)}</dd>
        {me.seller && (
          <>
            <dt>{t('account.seller')}</dt>
            <dd>{me.seller.name}</dd>
          </>
        )}
      </dl>
      <Field label={t('account.name')} name="name" required autoFocus autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
      <SelectField label={t('account.language')} hint={t('account.languageHint')} name="locale" value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {locales.map((l) => (
          <option key={l} value={l} lang={l}>
            {catalogs[l].language.name}
          </option>
        ))}
      </SelectField>
      <div className="form-actions">
        <Button kind="primary" type="submit" busy={save.isPending}>
          {t('common.save')}
        </Button>
      </div>
    </form>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', confirm: '' });
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => api.post('/api/me/password', { currentPassword: form.currentPassword, newPassword: form.newPassword }),
    onSuccess: () => setForm({ currentPassword: '', newPassword: '', confirm: '' }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const differ = form.newPassword !== form.confirm;
    setMismatch(differ);
    if (!differ) change.mutate();
  };
  return (
    <form className="form panel" onSubmit={submit} data-testid="password-form">
      <h2>{t('account.passwordTitle')}</h2>
      <FormError message={mismatch ? t('account.mismatch') : change.error ? errorText(change.error) : null} />
      {change.isSuccess && <Notice message={t('account.passwordChanged')} />}
      <Field label={t('account.currentPassword')} name="currentPassword" type="password" required autoComplete="current-password" value={form.currentPassword} onChange={(e) => setForm({ ...form, currentPassword: e.target.value })} />
      <Field label={t('account.newPassword')} hint={t('account.newPasswordHint')} name="newPassword" type="password" required autoComplete="new-password" value={form.newPassword} onChange={(e) => setForm({ ...form, newPassword: e.target.value })} />
      <Field label={t('account.confirmPassword')} name="confirmPassword" type="password" required autoComplete="new-password" value={form.confirm} onChange={(e) => setForm({ ...form, confirm: e.target.value })} />
      <div className="form-actions">
        <Button kind="primary" type="submit" busy={change.isPending}>
          {t('account.changePassword')}
        </Button>
      </div>
    </form>
  );
}

/** My account: name and language (remembered for the next sign-in), change password. */
export function AccountPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  if (!me) return <Loading />;
  return (
    <>
      <PageHeader title={t('account.title')} />
      <div className="two-columns">
        <ProfileForm key={`${me.id}:${me.locale}`} me={me} />
        <PasswordForm />
      </div>
    </>
  );
}
