import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { Button, Field, SelectField } from '../ui/form.tsx';
import { carrierCodeById } from '../../../src/marketplaces/elevenst/codes.ts';
import { TestResult } from './test-result.tsx';
import { switches, switchLabel, trackingPushAtValues, type Connection, type ConnectionOptions, type ConnectionTest, type MallId, type TrackingPushAt } from './types.ts';

type Carrier = keyof typeof carrierCodeById;
/** Qxpress first: it is the guide's default. */
const carriers = (Object.keys(carrierCodeById) as Carrier[]).sort((a, b) => (a === 'qxpress' ? -1 : b === 'qxpress' ? 1 : 0));

/** Form values as typed (numbers stay text until saved, so a half-typed number is not lost). */
interface Values {
  name: string;
  shopId: string;
  apiKey: string;
  baseUrl: string;
  enabled: boolean;
  switches: Record<(typeof switches)[number], boolean>;
  importIntervalMinutes: string;
  firstImportLookbackDays: string;
  defaultCarrier: string;
  trackingPushAt: TrackingPushAt;
  safetyStock: string;
}

function initialValues(connection: Connection | null, options: ConnectionOptions): Values {
  return {
    name: connection?.name ?? '',
    shopId: connection?.shopId ?? '',
    apiKey: '',
    baseUrl: connection?.baseUrl ?? '',
    enabled: connection?.enabled ?? true,
    switches: { autoImport: options.autoImport, autoConfirm: options.autoConfirm, autoFulfillment: options.autoFulfillment, autoStockSync: options.autoStockSync },
    importIntervalMinutes: String(options.importIntervalMinutes),
    firstImportLookbackDays: String(options.firstImportLookbackDays),
    defaultCarrier: options.defaultCarrier,
    trackingPushAt: options.trackingPushAt,
    safetyStock: String(options.safetyStock),
  };
}

/** `VALIDATION_FAILED` names the fields as `shopId: …; options.safetyStock: …`: the fields to mark. */
function invalidFields(err: unknown): string[] {
  if (!isApiError(err, 'VALIDATION_FAILED')) return [];
  return err.message.split('; ').map((part) => part.split(':')[0]!.trim().replace(/^body\.?/, ''));
}


/**
 * The guide's "Shopping mall integration registration" form, for a new connection and for editing one
 * (then an empty API key keeps the current key). [Connection test] works before and after saving.
 */
export function ConnectionForm(props: { mall: MallId; connection: Connection | null; options: ConnectionOptions; onSaved: (c: Connection, created: boolean) => void; onClose: () => void; intro?: ReactNode }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const errorText = useErrorText();
  const locale = currentLocale();
  const editing = props.connection;
  const [v, setV] = useState<Values>(() => initialValues(props.connection, props.options));
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setV((old) => ({ ...old, [key]: value }));
  const mallName = t(`connections.malls.${props.mall}`);

  const body = () => ({
    name: v.name.trim() || `${mallName} ${v.shopId.trim()}`,
    shopId: v.shopId.trim(),
    baseUrl: v.baseUrl.trim() || null,
    enabled: v.enabled,
    options: {
      ...v.switches,
      importIntervalMinutes: Number(v.importIntervalMinutes),
      firstImportLookbackDays: Number(v.firstImportLookbackDays),
      defaultCarrier: v.defaultCarrier,
      trackingPushAt: v.trackingPushAt,
      safetyStock: Number(v.safetyStock),
    },
  });

  const save = useMutation({
    mutationFn: async (): Promise<{ connection: Connection; created: boolean }> => {
      if (!editing) return { connection: await api.post<Connection>('/api/connections', { mall: props.mall, apiKey: v.apiKey.trim(), ...body() }), created: true };
      const id = encodeURIComponent(editing.id);
      let connection = await api.patch<Connection>(`/api/connections/${id}`, body());
      if (v.apiKey.trim()) connection = await api.put<Connection>(`/api/connections/${id}/api-key`, { apiKey: v.apiKey.trim() });
      return { connection, created: false };
    },
    onSuccess: ({ connection, created }) => {
      void client.invalidateQueries({ queryKey: ['connections'] });
      props.onSaved(connection, created);
    },
  });

  // Typed credentials (new, or a replacement key) are tested as typed; otherwise the saved connection.
  const testsSaved = editing !== null && !v.apiKey.trim();
  const runTest = useMutation({
    mutationFn: () =>
      testsSaved
        ? api.post<ConnectionTest>(`/api/connections/${encodeURIComponent(editing.id)}/test`)
        : api.post<ConnectionTest>('/api/connections/test', { mall: props.mall, shopId: v.shopId.trim(), apiKey: v.apiKey.trim(), baseUrl: v.baseUrl.trim() || null }),
    onMutate: () => setTest(null),
    onSuccess: (result) => {
      setTest(result);
      if (testsSaved) void client.invalidateQueries({ queryKey: ['connections'] });
    },
  });
  const canTest = testsSaved || (v.shopId.trim() !== '' && v.apiKey.trim() !== '');

  const failed = save.error ?? runTest.error;
  const bad = new Set(invalidFields(failed));
  const fieldLabel: Record<string, string> = {
    name: t('connections.name'),
    shopId: t('terms.shopId'),
    apiKey: t('terms.apiKey'),
    baseUrl: t('connections.baseUrl'),
    'options.importIntervalMinutes': t('connections.importInterval'),
    'options.firstImportLookbackDays': t('connections.lookback'),
    'options.defaultCarrier': t('connections.defaultCarrier'),
    'options.trackingPushAt': t('connections.trackingPushAt'),
    'options.safetyStock': t('connections.safetyStock'),
  };
  const errorMessage = !failed
    ? null
    : isApiError(failed, 'VALIDATION_FAILED')
      ? t('errors.validationFailed', { fields: [...bad].map((f) => fieldLabel[f] ?? f).join(', ') })
      : errorText(failed);
  const invalid = (field: string) => (bad.has(field) ? true : undefined);
  // Settings folded away still open when one of them is what the hub refused.
  const settingsInvalid = [...bad].some((f) => f.startsWith('options.'));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    runTest.reset();
    save.mutate();
  };

  return (
    <form onSubmit={submit} className="form panel connection-form" data-testid="connection-form" aria-labelledby="connection-form-title" onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
      <h2 id="connection-form-title">{editing ? t('connections.editTitle', { name: editing.name }) : t('connections.formTitle')}</h2>
      {props.intro}
      <div role="alert" aria-live="assertive">
        {errorMessage && (
          <div className="alert alert-error" data-testid="form-error">
            <div>
              {errorMessage}
              {isApiError(failed, 'VALIDATION_FAILED') && <small className="error-detail">{failed.message}</small>}
            </div>
          </div>
        )}
      </div>

      <div className="form-grid">
        <div className="field">
          <span className="field-label">{t('connections.mall')}</span>
          <span className="field-static" data-testid="form-mall">
            {mallName}
          </span>
        </div>
        <Field
          label={t('terms.shopId')}
          hint={t('connections.shopIdHint')}
          name="shopId"
          required
          autoFocus={!editing}
          autoComplete="off"
          spellCheck={false}
          maxLength={100}
          value={v.shopId}
          aria-invalid={invalid('shopId')}
          onChange={(e) => set('shopId', e.target.value)}
        />
        <Field
          label={t('terms.apiKey')}
          hint={editing ? t('connections.apiKeyKeep', { masked: editing.apiKeyMasked, at: formatDateTime(editing.apiKeyChangedAt, locale) }) : t('connections.apiKeyHint')}
          name="apiKey"
          type="password"
          required={!editing}
          autoComplete="new-password"
          spellCheck={false}
          maxLength={200}
          placeholder={editing ? t('connections.apiKeyKeepPlaceholder') : undefined}
          value={v.apiKey}
          aria-invalid={invalid('apiKey')}
          onChange={(e) => set('apiKey', e.target.value)}
        />
        <Field
          label={t('connections.name')}
          hint={t('connections.nameHint')}
          name="name"
          autoComplete="off"
          maxLength={100}
          placeholder={v.shopId.trim() ? `${mallName} ${v.shopId.trim()}` : undefined}
          value={v.name}
          aria-invalid={invalid('name')}
          onChange={(e) => set('name', e.target.value)}
        />
      </div>

      <fieldset className="options">
        <legend>{t('connections.optionsTitle')}</legend>
        {switches.map((s) => (
          <label key={s} className="option">
            <input type="checkbox" name={s} checked={v.switches[s]} onChange={(e) => set('switches', { ...v.switches, [s]: e.target.checked })} />
            <span className="option-text">
              <span className="option-name">{t(switchLabel[s])}</span>
              <span className="option-help">{t(`connections.optionHelp.${s}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="option option-enabled">
        <input type="checkbox" name="enabled" checked={v.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        <span className="option-text">
          <span className="option-name">{t('connections.enabledLabel')}</span>
          <span className="option-help">{t('connections.enabledHelp')}</span>
        </span>
      </label>

      <details className="fold" open={settingsInvalid || undefined} data-testid="additional-settings">
        <summary>{t('terms.additionalSettings')}</summary>
        <div className="form-grid fold-body">
          <Field
            label={t('connections.importInterval')}
            hint={t('connections.importIntervalHint')}
            name="importIntervalMinutes"
            type="number"
            inputMode="numeric"
            min={1}
            max={1440}
            step={1}
            required
            value={v.importIntervalMinutes}
            aria-invalid={invalid('options.importIntervalMinutes')}
            onChange={(e) => set('importIntervalMinutes', e.target.value)}
          />
          <Field
            label={t('connections.lookback')}
            hint={t('connections.lookbackHint')}
            name="firstImportLookbackDays"
            type="number"
            inputMode="numeric"
            min={1}
            max={30}
            step={1}
            required
            value={v.firstImportLookbackDays}
            aria-invalid={invalid('options.firstImportLookbackDays')}
            onChange={(e) => set('firstImportLookbackDays', e.target.value)}
          />
          <SelectField label={t('connections.defaultCarrier')} hint={t('connections.defaultCarrierHint')} name="defaultCarrier" value={v.defaultCarrier} onChange={(e) => set('defaultCarrier', e.target.value)}>
            {!carriers.some((c) => carrierCodeById[c] === v.defaultCarrier) && <option value={v.defaultCarrier}>{v.defaultCarrier}</option>}
            {carriers.map((c) => (
              <option key={c} value={carrierCodeById[c]}>
                {t(`connections.carriers.${c}`)} ({carrierCodeById[c]})
              </option>
            ))}
          </SelectField>
          <SelectField label={t('connections.trackingPushAt')} hint={t('connections.trackingPushAtHint')} name="trackingPushAt" value={v.trackingPushAt} onChange={(e) => set('trackingPushAt', e.target.value as TrackingPushAt)}>
            {trackingPushAtValues.map((w) => (
              <option key={w} value={w}>
                {t(`connections.trackingPushAtValues.${w}`)}
              </option>
            ))}
          </SelectField>
          <Field
            label={t('connections.safetyStock')}
            hint={t('connections.safetyStockHint')}
            name="safetyStock"
            type="number"
            inputMode="numeric"
            min={0}
            max={1_000_000}
            step={1}
            required
            value={v.safetyStock}
            aria-invalid={invalid('options.safetyStock')}
            onChange={(e) => set('safetyStock', e.target.value)}
          />
        </div>
      </details>

      <details className="fold" open={bad.has('baseUrl') || (editing?.baseUrl ? true : undefined)} data-testid="advanced-settings">
        <summary>{t('connections.advanced')}</summary>
        <div className="form-grid fold-body">
          <Field
            label={t('connections.baseUrl')}
            hint={t('connections.baseUrlHint')}
            name="baseUrl"
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://api.11st.co.kr"
            value={v.baseUrl}
            aria-invalid={invalid('baseUrl')}
            onChange={(e) => set('baseUrl', e.target.value)}
          />
        </div>
      </details>

      <div className="form-actions">
        <Button kind="primary" type="submit" busy={save.isPending}>
          {save.isPending ? t('connections.saving') : editing ? t('connections.save') : t('connections.register')}
        </Button>
        <Button type="button" busy={runTest.isPending} disabled={!canTest} onClick={() => (save.reset(), runTest.mutate())} data-testid="connection-test">
          {runTest.isPending ? t('connections.testing') : t('terms.connectionTest')}
        </Button>
        <Button type="button" onClick={props.onClose}>
          {t('common.close')}
        </Button>
        <span className="hint form-actions-hint">{canTest ? t(testsSaved ? 'connections.testSaved' : 'connections.testBeforeSave') : t('connections.testNeedsKey')}</span>
      </div>
      <div aria-live="polite">{test && <TestResult test={test} />}</div>
    </form>
  );
}
