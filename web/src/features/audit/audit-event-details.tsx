import type { AuditEventDto } from '../../../../src/contracts/audit.contract.js';
import type { JsonValue } from '../../../../src/contracts/json.contract.js';
import { humanizeCode } from '../../../../src/domain/audit/audit-labels.js';

/** One shown line of an event's details: where it sits, in words, and its value. */
interface DetailLine {
  label: string;
  value: string;
}

const shown = (v: JsonValue): string => {
  if (v === null) return 'none';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v === '' ? '(empty)' : v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'))
    return v.map(shown).join(', ') || 'none';
  return JSON.stringify(v);
};

/** Details as lines: nested fields become "After: display name"; whole values are never cut. */
export function detailLines(details: JsonValue, path: string[] = []): DetailLine[] {
  const isObject = typeof details === 'object' && details !== null && !Array.isArray(details);
  if (!isObject) {
    if (path.length === 0 && details === null) return [];
    return [
      { label: path.length ? humanizeCode(path.join('.')) : 'Recorded', value: shown(details) },
    ];
  }
  return Object.entries(details).flatMap(([key, value]) => detailLines(value, [...path, key]));
}

/** The whole of one event, as far as the reader may see it. */
export function AuditEventDetails({ event, id }: { event: AuditEventDto; id: string }) {
  const lines = detailLines(event.details);
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
