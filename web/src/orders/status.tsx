import { useTranslation } from 'react-i18next';
import type { OrderLine } from './types.ts';
import { mallStatusCodes } from './types.ts';

const hubBadge: Record<string, string> = { new: 'badge-new', confirmed: 'badge-on', cancel_requested: 'badge-fail', cancelled: 'badge-off' };

/** The hub status of a line; a pending cancel request is red so it is never shipped by mistake. */
export function HubStatusBadge({ status }: { status: string }) {
  const { t, i18n } = useTranslation();
  const key = `orders.status.${status}`;
  return (
    <span className={`badge ${hubBadge[status] ?? 'badge-off'}`} data-status={status}>
      {status === 'cancel_requested' && '⚠ '}
      {i18n.exists(key) ? t(key as 'orders.status.new') : status}
    </span>
  );
}

/** The mall's status in the glossary's words with 11st's code: 결제완료 (202). */
export function useMallStatusText(): (mallStatus: string, code?: string | null) => string {
  const { t, i18n } = useTranslation();
  return (mallStatus, code) => {
    const key = `orders.mallStatus.${mallStatus}`;
    const name = i18n.exists(key) ? t(key as 'orders.mallStatus.paid') : mallStatus;
    // The known code for a known status: a line cancelled through the hub keeps the code it was read with.
    const c = mallStatusCodes[mallStatus] ?? code;
    return c ? `${name} (${c})` : name;
  };
}

/** Hub status, mall status and what needs attention (confirmation error), stacked in one cell. */
export function LineStatusCell({ line }: { line: OrderLine }) {
  const { t } = useTranslation();
  const mallText = useMallStatusText();
  return (
    <span className="cell-stack">
      <HubStatusBadge status={line.status} />
      <span className="muted small">{mallText(line.mallStatus, line.mallStatusCode)}</span>
      {line.confirmError && (
        <span className="field-error small" title={line.confirmError.message ?? undefined} data-testid="confirm-error">
          ✕ {t('orders.confirmResult.failed')} {line.confirmError.code}
        </span>
      )}
    </span>
  );
}
