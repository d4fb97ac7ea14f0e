import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ApiToken } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { ConfirmDialog } from '../ui/confirm.tsx';
import { CopyField } from '../ui/copy-field.tsx';
import { Button, Field, FormError, Notice } from '../ui/form.tsx';
import { EmptyState, LoadError, Loading, PageHeader } from '../ui/page.tsx';
import { DataTable, type Column } from '../ui/table.tsx';

/** API tokens: create (shown once, with a copy button), list, revoke with confirmation. */
export function TokensPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const errorText = useErrorText();
  const locale = currentLocale();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: async () => (await api.get<{ tokens: ApiToken[] }>('/api/tokens')).tokens });
  const [name, setName] = useState('');
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (tokenName: string) => api.post<{ id: string; name?: string; token: string }>('/api/tokens', { name: tokenName }),
    onSuccess: () => {
      setNotice(null);
      setName('');
      void client.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => api.delete(`/api/tokens/${encodeURIComponent(token.id)}`),
    onSuccess: (_res, token) => {
      setRevoking(null);
      setNotice(t('tokens.revoked', { name: token.name }));
      void client.invalidateQueries({ queryKey: ['tokens'] });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };
  const columns: Column<ApiToken>[] = [
    { key: 'name', header: t('tokens.name'), value: (r) => r.name },
    { key: 'createdAt', header: t('tokens.createdAt'), value: (r) => r.createdAt, render: (r) => formatDateTime(r.createdAt, locale), width: '14rem' },
    { key: 'lastUsedAt', header: t('tokens.lastUsed'), value: (r) => r.lastUsedAt, render: (r) => formatDateTime(r.lastUsedAt, locale), width: '14rem' },
    {
      key: 'actions',
      header: '',
      value: () => '',
      sortable: false,
      align: 'right',
      width: '7rem',
      render: (r) => (
        <Button kind="danger" className="btn-small" type="button" onClick={() => setRevoking(r)}>
          {t('tokens.revoke')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('tokens.title')}>{t('tokens.intro')}</PageHeader>
      <form onSubmit={submit} className="form form-inline" data-testid="token-form">
        <Field label={t('tokens.name')} hint={t('tokens.nameHint')} name="tokenName" required autoFocus autoComplete="off" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        <Button kind="primary" type="submit" busy={create.isPending}>
          {create.isPending ? t('tokens.creating') : t('tokens.create')}
        </Button>
      </form>
      <FormError message={create.error ? errorText(create.error) : null} />
      {create.data && (
        <section className="token-once" aria-live="polite" data-testid="new-token">
          <h2>{t('tokens.createdTitle', { name: create.data.name ?? create.variables })}</h2>
          <p className="warning-text">⚠ {t('tokens.shownOnce')}</p>
          <CopyField value={create.data.token} label={t('tokens.createdTitle', { name: create.data.name ?? create.variables })} copyLabel={t('tokens.copy')} copiedLabel={t('tokens.copied')} failedText={t('tokens.copyFailed')} />
          {/* reset() also drops the token from the mutation cache: it is shown once. */}
          <Button type="button" onClick={() => create.reset()}>
            {t('common.close')}
          </Button>
        </section>
      )}
      <Notice message={notice} />
      {tokens.isPending ? (
        <Loading />
      ) : tokens.isError ? (
        <LoadError error={tokens.error} retry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <EmptyState title={t('tokens.empty')} />
      ) : (
        <DataTable rows={tokens.data} columns={columns} rowKey={(r) => r.id} empty={t('tokens.empty')} initialSort={{ key: 'createdAt', dir: 'desc' }} caption={t('tokens.title')} testId="tokens-table" />
      )}
      <ConfirmDialog
        open={revoking !== null}
        message={t('tokens.confirmRevoke', { name: revoking?.name ?? '' })}
        error={revoke.error}
        confirmLabel={t('tokens.revoke')}
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onCancel={() => (setRevoking(null), revoke.reset())}
      />
    </>
  );
}
