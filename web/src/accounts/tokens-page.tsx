import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ApiToken } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { ConfirmDialog } from '../ui/confirm.tsx';
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
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const tokenRef = useRef<HTMLInputElement>(null);

  const create = useMutation({
    mutationFn: (tokenName: string) => api.post<{ id: string; name?: string; token: string }>('/api/tokens', { name: tokenName }),
    onSuccess: (res, tokenName) => {
      setCreated({ name: res.name ?? tokenName, token: res.token });
      setCopied(null);
      setNotice(null);
      setName('');
      void client.invalidateQueries({ queryKey: ['tokens'] });
      setTimeout(() => tokenRef.current?.select(), 0);
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
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('yes');
    } catch {
      tokenRef.current?.select();
      setCopied('failed');
    }
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
      {created && (
        <section className="token-once" aria-live="polite" data-testid="new-token">
          <h2>{t('tokens.createdTitle', { name: created.name })}</h2>
          <p className="warning-text">⚠ {t('tokens.shownOnce')}</p>
          <div className="token-row">
            <input ref={tokenRef} className="token-value" readOnly value={created.token} aria-label={t('tokens.createdTitle', { name: created.name })} onFocus={(e) => e.target.select()} />
            <Button type="button" kind="primary" onClick={() => void copy()}>
              {copied === 'yes' ? t('tokens.copied') : t('tokens.copy')}
            </Button>
            <Button type="button" onClick={() => setCreated(null)}>
              {t('common.close')}
            </Button>
          </div>
          {copied === 'failed' && <p className="field-error">{t('tokens.copyFailed')}</p>}
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
        message={
          <>
            {t('tokens.confirmRevoke', { name: revoking?.name ?? '' })}
            {revoke.error && <span className="field-error block">{errorText(revoke.error)}</span>}
          </>
        }
        confirmLabel={t('tokens.revoke')}
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onCancel={() => (setRevoking(null), revoke.reset())}
      />
    </>
  );
}
