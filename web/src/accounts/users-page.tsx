import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Role, type User } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { useMe } from '../session.ts';
import { ConfirmDialog } from '../ui/confirm.tsx';
import { Button, Field, FormError, Notice, SelectField } from '../ui/form.tsx';
import { LoadError, Loading, PageHeader } from '../ui/page.tsx';
import { DataTable, TableFilter, type Column } from '../ui/table.tsx';
import { useUsers } from './queries.ts';

const roles: Role[] = ['owner', 'admin', 'operator', 'warehouse'];
const sellerRoles: Role[] = ['owner', 'admin', 'operator'];
/** Roles this actor may give: an admin cannot make or unmake owners; warehouse staff stay warehouse staff. */
const assignable = (actor: Role | undefined, current: Role | null): Role[] =>
  current === 'warehouse' ? ['warehouse'] : (current ? sellerRoles : roles).filter((r) => actor === 'owner' || (actor === 'admin' && r !== 'owner'));

function AddUserForm({ actor, onDone, onCancel }: { actor: Role | undefined; onDone: (name: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [form, setForm] = useState({ name: '', email: '', role: 'operator' as Role, password: '' });
  const add = useMutation({
    mutationFn: () => api.post<{ user: User }>('/api/users', { ...form, name: form.name.trim(), email: form.email.trim() }),
    onSuccess: () => onDone(form.name.trim()),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} className="form panel" data-testid="add-user-form" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <h2>{t('users.addTitle')}</h2>
      <FormError message={add.error ? errorText(add.error) : null} />
      <div className="form-grid">
        <Field label={t('users.name')} name="name" required autoFocus autoComplete="off" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <Field label={t('users.email')} name="email" type="email" required autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <SelectField label={t('users.role')} name="role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
          {assignable(actor, null).map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </SelectField>
        <Field label={t('users.password')} hint={t('users.passwordHint')} name="password" type="password" required autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
      </div>
      <div className="form-actions">
        <Button kind="primary" type="submit" busy={add.isPending}>
          {t('users.add')}
        </Button>
        <Button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}

/** Users of this seller: dense table with sorting and a filter; add, change role, disable. */
export function UsersPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const errorText = useErrorText();
  const me = useMe().data;
  const locale = currentLocale();
  const users = useUsers();
  const [filter, setFilter] = useState('');
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [disabling, setDisabling] = useState<User | null>(null);

  const update = useMutation({
    mutationFn: ({ user, change }: { user: User; change: { role?: Role; disabled?: boolean } }) => api.patch<{ user: User }>(`/api/users/${encodeURIComponent(user.id)}`, change),
    onSuccess: () => {
      setDisabling(null);
      setNotice(t('common.saved'));
      void client.invalidateQueries({ queryKey: ['users'] });
    },
  });

  const columns: Column<User>[] = [
    { key: 'name', header: t('users.name'), value: (u) => u.name, render: (u) => (u.id === me?.id ? `${u.name} ${t('users.you')}` : u.name) },
    { key: 'email', header: t('users.email'), value: (u) => u.email },
    {
      key: 'role',
      header: t('users.role'),
      value: (u) => t(`roles.${u.role}`),
      width: '11rem',
      render: (u) =>
        u.id === me?.id || u.role === 'warehouse' || (me?.role !== 'owner' && u.role === 'owner') ? (
          t(`roles.${u.role}`)
        ) : (
          <select className="cell-select" aria-label={t('users.changeRole', { name: u.name })} value={u.role} disabled={update.isPending} onChange={(e) => update.mutate({ user: u, change: { role: e.target.value as Role } })}>
            {assignable(me?.role, u.role).map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        ),
    },
    {
      key: 'status',
      header: t('users.status'),
      value: (u) => (u.disabled ? t('users.disabled') : t('users.active')),
      width: '7rem',
      render: (u) => <span className={`badge ${u.disabled ? 'badge-off' : 'badge-on'}`}>{u.disabled ? t('users.disabled') : t('users.active')}</span>,
    },
    { key: 'createdAt', header: t('users.createdAt'), value: (u) => u.createdAt, render: (u) => formatDateTime(u.createdAt, locale), width: '12rem' },
    {
      key: 'actions',
      header: t('users.actions'),
      value: () => '',
      sortable: false,
      align: 'right',
      width: '8rem',
      render: (u) =>
        u.id === me?.id ? null : u.disabled ? (
          <Button className="btn-small" type="button" onClick={() => update.mutate({ user: u, change: { disabled: false } })}>
            {t('users.enable')}
          </Button>
        ) : (
          <Button className="btn-small" kind="danger" type="button" onClick={() => setDisabling(u)}>
            {t('users.disable')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('users.title')}
        actions={
          !adding && (
            <Button kind="primary" type="button" onClick={() => (setAdding(true), setNotice(null))}>
              + {t('users.add')}
            </Button>
          )
        }
      />
      {adding && (
        <AddUserForm
          actor={me?.role}
          onCancel={() => setAdding(false)}
          onDone={(name) => {
            setAdding(false);
            setNotice(t('users.added', { name }));
            void client.invalidateQueries({ queryKey: ['users'] });
          }}
        />
      )}
      <Notice message={notice} />
      <FormError message={update.error && !disabling ? errorText(update.error) : null} />
      <div className="toolbar">
        <TableFilter value={filter} onChange={setFilter} />
      </div>
      {users.isPending ? (
        <Loading />
      ) : users.isError ? (
        <LoadError error={users.error} retry={() => void users.refetch()} />
      ) : (
        <DataTable rows={users.data} columns={columns} rowKey={(u) => u.id} filter={filter} empty={t('users.empty')} initialSort={{ key: 'name', dir: 'asc' }} caption={t('users.title')} testId="users-table" />
      )}
      <ConfirmDialog
        open={disabling !== null}
        message={t('users.confirmDisable', { name: disabling?.name ?? '' })}
        error={update.error}
        confirmLabel={t('users.disable')}
        busy={update.isPending}
        onConfirm={() => disabling && update.mutate({ user: disabling, change: { disabled: true } })}
        onCancel={() => (setDisabling(null), update.reset())}
      />
    </>
  );
}
