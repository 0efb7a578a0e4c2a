import { useState } from 'react';
import type { AlertDto } from '../../../../src/contracts/instruments.contract.js';
import { apiPost } from '../../api/client.js';
import { ErrorBanner } from '../../components/field.js';

/** One open safety alert, with the acknowledgement form for clinicians. */
export function AlertCard({
  alert,
  canAcknowledge,
  onDone,
  showPatient = false,
}: {
  alert: AlertDto;
  canAcknowledge: boolean;
  onDone: () => void;
  showPatient?: boolean;
}) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const acknowledge = async () => {
    setError(null);
    try {
      await apiPost(`/alerts/${alert.id}/acknowledge`, { note });
      onDone();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <div className="alert-card" role="alert" data-testid="si-alert">
      <strong>Suicidal ideation</strong>
      {showPatient && alert.patient && (
        <a href={`/patients/${alert.patientId}?tab=measurements`}>
          {' '}
          {alert.patient.familyName}, {alert.patient.givenName} ({alert.patient.mrn})
        </a>
      )}
      <p>
        {alert.detail.rule}: answered {alert.detail.value} on{' '}
        {alert.raisedAt.replace('T', ' ').slice(0, 16)} UTC. It stays until a clinician acknowledges
        it.
      </p>
      <ErrorBanner error={error} />
      {canAcknowledge ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void acknowledge();
          }}
        >
          <div className="field grow">
            <label htmlFor={`ack-${alert.id}`}>What was done</label>
            <input
              id={`ack-${alert.id}`}
              required
              minLength={3}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              data-testid="ack-note"
            />
          </div>
          <button type="submit" className="primary" data-testid="ack-submit">
            Acknowledge
          </button>
        </form>
      ) : (
        <p className="muted">A clinician must acknowledge this alert.</p>
      )}
    </div>
  );
}
