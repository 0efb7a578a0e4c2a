import { useMemo, useState } from 'react';
import type { InstrumentDto } from '../../../../src/contracts/instruments.contract.js';
import type { InstrumentId } from '../../../../src/domain/scales/instrument.js';
import { scoreInstrument } from '../../../../src/domain/scales/score-instrument.js';
import type { Settings } from '../../../../src/domain/settings/setting-definitions.js';
import { ApiError, apiPost } from '../../api/client.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';

/** Clinician entry of raw answers; the same domain scorer shows the total live, the server rescores on save. */
export function RecordAssessmentForm({
  patientId,
  instruments,
  settings,
  onSaved,
}: {
  patientId: string;
  instruments: readonly InstrumentDto[];
  settings: Settings;
  onSaved: () => void;
}) {
  const [instrumentId, setInstrumentId] = useState<InstrumentId>(instruments[0]?.id ?? 'qids-sr16');
  const [answers, setAnswers] = useState<Record<string, number | null>>({});
  const [educationYears, setEducationYears] = useState('');
  const [formVersion, setFormVersion] = useState('8.1');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  const instrument = instruments.find((i) => i.id === instrumentId);
  const options = useMemo(
    () =>
      instrument?.options.includes('educationYears')
        ? {
            educationYears: educationYears === '' ? undefined : Number(educationYears),
            formVersion,
          }
        : {},
    [instrument, educationYears, formVersion],
  );
  const live = useMemo(
    () => scoreInstrument(instrumentId, answers, options, settings),
    [instrumentId, answers, options, settings],
  );
  if (!instrument) return null;

  const save = async () => {
    setError(null);
    setFieldErrors({});
    try {
      await apiPost(`/patients/${patientId}/assessments`, {
        instrument: instrumentId,
        answers,
        options,
      });
      setAnswers({});
      onSaved();
    } catch (e) {
      if (e instanceof ApiError) setFieldErrors(e.fieldErrors());
      setError(e as Error);
    }
  };

  return (
    <section className="card" aria-labelledby="record-title">
      <h2 id="record-title">Record a rating</h2>
      <SelectField
        label="Instrument"
        value={instrumentId}
        onChange={(e) => {
          setInstrumentId(e.target.value as InstrumentId);
          setAnswers({});
        }}
        options={instruments.map((i) => ({ value: i.id, label: i.title }))}
        data-testid="record-instrument"
      />
      <p className="muted small">{instrument.licence}</p>
      <div className="item-grid">
        {instrument.items.map((item) => (
          <div
            className={`field${fieldErrors[`answers.${item.id}`] ? ' has-error' : ''}`}
            key={item.id}
          >
            <label htmlFor={`item-${item.id}`}>
              {item.id}. {item.label}
            </label>
            <select
              id={`item-${item.id}`}
              value={answers[item.id] ?? ''}
              onChange={(e) =>
                setAnswers({
                  ...answers,
                  [item.id]: e.target.value === '' ? null : Number(e.target.value),
                })
              }
            >
              <option value="">—</option>
              {item.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
            {fieldErrors[`answers.${item.id}`] && (
              <small className="error-text">{fieldErrors[`answers.${item.id}`]}</small>
            )}
          </div>
        ))}
      </div>
      {instrument.options.includes('educationYears') && (
        <div className="inline-form">
          <Field
            label="Years of formal education"
            type="number"
            min={0}
            max={30}
            value={educationYears}
            onChange={(e) => setEducationYears(e.target.value)}
            error={fieldErrors['options.educationYears']}
          />
          <SelectField
            label="Form version"
            value={formVersion}
            onChange={(e) => setFormVersion(e.target.value)}
            options={['8.1', '8.2', '8.3'].map((v) => ({ value: v, label: v }))}
          />
        </div>
      )}
      <p aria-live="polite" className="live-score" data-testid="live-score">
        {live.ok
          ? `Total ${live.result.total ?? '—'}${live.result.severity ? ` · ${live.result.severity}` : ''}${live.result.riskLevel ? ` · risk ${live.result.riskLevel}` : ''}${live.result.flags.length ? ' · suicidal-ideation flag' : ''}`
          : `Not scorable yet: ${live.errors.length} item(s) need attention`}
      </p>
      <ErrorBanner error={error} />
      <button
        type="button"
        className="primary"
        onClick={() => void save()}
        data-testid="record-save"
      >
        Save rating
      </button>
    </section>
  );
}
