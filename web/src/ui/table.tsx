import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface Column<T> {
  key: string;
  header: string;
  /** What the column sorts and filters by. */
  value: (row: T) => string | number | null | undefined;
  /** How a cell looks; defaults to the value. */
  render?: (row: T) => ReactNode;
  align?: 'left' | 'right' | 'center';
  sortable?: boolean;
  width?: string;
}

type Sort = { key: string; dir: 'asc' | 'desc' };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a == null || a === '') return b == null || b === '' ? 0 : 1; // blanks last
  if (b == null || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * A dense table with sortable headers (click or Enter/Space on the header button) and, when
 * `filter` is given, a text filter over every column. Says so when nothing is there.
 */
export function DataTable<T>(props: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty: ReactNode;
  initialSort?: Sort;
  filter?: string;
  caption?: string;
  testId?: string;
  className?: string;
}) {
  const { t } = useTranslation();
  const [sort, setSort] = useState<Sort | undefined>(props.initialSort);
  const needle = (props.filter ?? '').trim().toLowerCase();

  const rows = useMemo(() => {
    let out = props.rows;
    if (needle) out = out.filter((row) => props.columns.some((c) => String(c.value(row) ?? '').toLowerCase().includes(needle)));
    if (sort) {
      const col = props.columns.find((c) => c.key === sort.key);
      if (col) {
        const sign = sort.dir === 'asc' ? 1 : -1;
        out = [...out].sort((a, b) => sign * compare(col.value(a), col.value(b)));
      }
    }
    return out;
  }, [props.rows, props.columns, needle, sort]);

  const toggle = (key: string) => setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));

  return (
    <div className="table-wrap">
      <table className={`data-table${props.className ? ` ${props.className}` : ''}`} data-testid={props.testId}>
        {props.caption && <caption className="visually-hidden">{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c) => {
              const active = sort?.key === c.key;
              const ariaSort = active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : c.sortable === false ? undefined : 'none';
              return (
                <th key={c.key} scope="col" aria-sort={ariaSort} style={{ width: c.width, textAlign: c.align }}>
                  {c.sortable === false ? (
                    c.header
                  ) : (
                    <button type="button" className="sort-button" onClick={() => toggle(c.key)} title={active ? t(sort.dir === 'asc' ? 'common.sortAscending' : 'common.sortDescending') : undefined}>
                      {c.header}
                      <span className="sort-mark" aria-hidden="true">
                        {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length} className="empty-cell">
                {props.empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={props.rowKey(row)}>
                {props.columns.map((c) => (
                  <td key={c.key} style={{ textAlign: c.align }}>
                    {c.render ? c.render(row) : (c.value(row) ?? '—')}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
      {needle && props.rows.length > 0 && <p className="table-count">{t('common.rowsShown', { shown: rows.length, total: props.rows.length })}</p>}
    </div>
  );
}

/** The filter box that goes above a DataTable. */
export function TableFilter({ value, onChange, label }: { value: string; onChange: (v: string) => void; label?: string }) {
  const { t } = useTranslation();
  return (
    <label className="table-filter">
      <span>{label ?? t('common.filter')}</span>
      <input type="search" value={value} placeholder={t('common.filterPlaceholder')} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
