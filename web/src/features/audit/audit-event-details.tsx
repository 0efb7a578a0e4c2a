import type { AuditEventDto } from '../../../../src/contracts/audit.contract.js';
import type { JsonValue } from '../../../../src/contracts/json.contract.js';
import { humanizeCode } from '../../../../src/domain/audit/audit-labels.js';
import { isRole, ROLE_LABELS } from '../../../../src/domain/auth/permissions.js';

/** Stored ids the reader knows by a name: sites by their name, accounts by their email. */
export type KnownNames = ReadonlyMap<string, string>;

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?Z$/;

/** One shown line of an event's details: where it sits, in words, and its value. */
interface DetailLine {
  label: string;
  value: string;
}

/** A value in words: ids by the name the reader knows, times as UTC, roles by their label. */
function shown(v: JsonValue, names: KnownNames): string {
  if (v === null) return 'none';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') {
    if (v === '') return '(empty)';
    const time = ISO_TIME.exec(v);
    if (time) return `${time[1]} ${time[2]} UTC`;
    if (isRole(v)) return ROLE_LABELS[v];
    return names.get(v) ?? v;
  }
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'))
    return v.map((x) => shown(x, names)).join(', ') || 'none';
  return JSON.stringify(v);
}

/** Where a value sits, in words: "after.siteIds" reads "After: sites" once ids are names. */
function where(path: string[]): string {
  return humanizeCode(
    path.map((p) => p.replace(/Ids?$/, (m) => (m === 'Ids' ? 's' : ''))).join('.'),
  );
}

/** Details as lines: nested fields become "After: display name"; whole values are never cut. */
export function detailLines(
  details: JsonValue,
  names: KnownNames = new Map(),
  path: string[] = [],
): DetailLine[] {
  const isObject = typeof details === 'object' && details !== null && !Array.isArray(details);
  if (!isObject) {
    if (path.length === 0 && details === null) return [];
    return [{ label: path.length ? where(path) : 'Recorded', value: shown(details, names) }];
  }
  return Object.entries(details).flatMap(([key, value]) =>
    detailLines(value, names, [...path, key]),
  );
}

/** The whole of one event, as far as the reader may see it. */
export function AuditEventDetails({
  event,
  id,
  names,
}: {
  event: AuditEventDto;
  id: string;
  names: KnownNames;
}) {
  const lines = detailLines(event.details, names);
  return (
    <div id={id} className="stack" data-testid="audit-details">
      <dl className="audit-details">
        <dt>When (UTC)</dt>
        <dd>{event.at.replace('T', ' ').replace('Z', '')}</dd>
        <dt>From</dt>
        <dd>{event.ip ?? 'not recorded'}</dd>
        {lines.map((line, i) => (
          <div key={i}>
            <dt>{line.label}</dt>
            <dd className="pre">{line.value}</dd>
          </div>
        ))}
      </dl>
      {lines.length === 0 && !event.hidden && <p className="muted">No further details.</p>}
      {event.hidden && (
        <p className="muted" data-testid="audit-hidden">
          Details {event.hidden}.
        </p>
      )}
    </div>
  );
}
