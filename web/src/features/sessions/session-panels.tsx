import { useState } from 'react';
import {
  ADVERSE_EVENT_TYPES,
  type SessionDto,
} from '../../../../src/contracts/sessions.contract.js';
import { WEIGHT_BASES } from '../../../../src/domain/dosing/weight-basis.js';
import { BPRS_POSITIVE_ITEMS } from '../../../../src/domain/scales/bprs.js';
import { RED_FLAG_SYMPTOMS } from '../../../../src/domain/sessions/alert-rules.js';
import { SelectField } from '../../components/field.js';

type Send = (path: string, body: unknown) => Promise<boolean>;

/** Dose controls: the protocol dose for anyone; another mg/kg (escalation) and weight basis for clinicians. */
export function DosePanel({
  s,
  canEscalate,
  send,
}: {
  s: SessionDto;
  canEscalate: boolean;
  send: Send;
}) {
  const [concentration, setConcentration] = useState('1');
  const [mgPerKg, setMgPerKg] = useState(String(s.protocol.mgPerKg ?? ''));
  const [basis, setBasis] = useState('actual');
  const [eskMg, setEskMg] = useState(String(s.protocol.fixedDoseMg ?? 56));
  const [lot, setLot] = useState('');
  if (!['scheduled', 'checked-in', 'cleared'].includes(s.state)) return null;
  if (s.protocol.drug === 'esketamine') {
    return (
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send('/dose', {
            version: s.version,
            esketamineDoseMg: Number(eskMg),
            ...(lot ? { lotNumber: lot } : {}),
          });
        }}
      >
        <SelectField
          label="Dose"
          value={eskMg}
          onChange={(e) => setEskMg(e.target.value)}
          options={[
            { value: '56', label: '56 mg (2 devices)' },
            { value: '84', label: '84 mg (3 devices)' },
          ]}
        />
        <label className="field">
          Lot number
          <input value={lot} onChange={(e) => setLot(e.target.value)} />
        </label>
        <button type="submit" data-testid="dose-set">
          Set dose
        </button>
      </form>
    );
  }
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void send('/dose', {
          version: s.version,
          concentrationMgPerMl: Number(concentration),
          ...(canEscalate ? { mgPerKg: Number(mgPerKg), basis } : {}),
        });
      }}
    >
      <label className="field">
        Concentration (mg/mL)
        <input
          inputMode="decimal"
          value={concentration}
          onChange={(e) => setConcentration(e.target.value)}
          data-testid="dose-concentration"
        />
      </label>
      {canEscalate && (
        <>
          <label className="field">
            mg/kg
            {s.protocol.escalationStepsMgPerKg.length > 0 && (
              <small>steps {s.protocol.escalationStepsMgPerKg.join(' → ')}</small>
            )}
            <input
              inputMode="decimal"
              value={mgPerKg}
              onChange={(e) => setMgPerKg(e.target.value)}
              data-testid="dose-mgkg"
            />
          </label>
          <SelectField
            label="Weight basis"
            value={basis}
            onChange={(e) => setBasis(e.target.value)}
            options={WEIGHT_BASES.map((b) => ({ value: b, label: b }))}
          />
        </>
      )}
      <button type="submit" data-testid="dose-set">
        {canEscalate ? 'Calculate dose' : 'Calculate protocol dose'}
      </button>
    </form>
  );
}

/** BPRS-positive (items 4, 11, 12, 15; the rest not rated) and CADSS (23 items) during the session. */
export function RatingsPanel({ send }: { send: Send }) {
  const [bprs, setBprs] = useState<Record<string, string>>({});
  const [cadss, setCadss] = useState<string[]>(Array.from({ length: 23 }, () => '0'));
  const labels: Record<string, string> = {
    '4': 'Conceptual disorganisation',
    '11': 'Suspiciousness',
    '12': 'Hallucinatory behaviour',
    '15': 'Unusual thought content',
  };
  return (
    <>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const answers: Record<string, number> = {};
          for (let i = 1; i <= 18; i++) answers[String(i)] = 0;
          for (const i of BPRS_POSITIVE_ITEMS) answers[i] = Number(bprs[i] ?? 1);
          void send('/ratings', { instrument: 'bprs', answers });
        }}
      >
        {BPRS_POSITIVE_ITEMS.map((i) => (
          <SelectField
            key={i}
            label={labels[i] ?? i}
            value={bprs[i] ?? '1'}
            onChange={(e) => setBprs({ ...bprs, [i]: e.target.value })}
            options={[1, 2, 3, 4, 5, 6, 7].map((v) => ({ value: String(v), label: String(v) }))}
          />
        ))}
        <button type="submit">Record BPRS+</button>
      </form>
      <details>
        <summary>CADSS (23 items, 0–4)</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void send('/ratings', {
              instrument: 'cadss',
              answers: Object.fromEntries(cadss.map((v, i) => [String(i + 1), Number(v)])),
            });
          }}
        >
          <div className="cadss-grid">
            {cadss.map((v, i) => (
              <label key={i}>
                {i + 1}
                <select
                  value={v}
                  onChange={(e) => setCadss(cadss.map((x, j) => (j === i ? e.target.value : x)))}
                >
                  {[0, 1, 2, 3, 4].map((n) => (
                    <option key={n}>{n}</option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <button type="submit">Record CADSS</button>
        </form>
      </details>
    </>
  );
}

export function AdverseEventPanel({ s, send }: { s: SessionDto; send: Send }) {
  const [ae, setAe] = useState({
    type: 'nausea-vomiting',
    severity: 'mild',
    actionTaken: 'observed',
    outcome: 'resolving',
    notes: '',
  });
  return (
    <>
      <div className="actions" role="group" aria-label="Red-flag symptoms">
        {RED_FLAG_SYMPTOMS.map((sym) => (
          <button
            key={sym}
            type="button"
            className="danger"
            onClick={() => void send('/symptoms', { symptom: sym })}
          >
            {sym.replace(/-/g, ' ')}
          </button>
        ))}
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send('/adverse-events', { ...ae, notes: ae.notes || undefined });
        }}
      >
        <SelectField
          label="Adverse event"
          value={ae.type}
          onChange={(e) => setAe({ ...ae, type: e.target.value })}
          options={ADVERSE_EVENT_TYPES.map((t) => ({ value: t, label: t.replace(/-/g, ' ') }))}
        />
        <SelectField
          label="Severity"
          value={ae.severity}
          onChange={(e) => setAe({ ...ae, severity: e.target.value })}
          options={['mild', 'moderate', 'severe', 'life-threatening'].map((v) => ({
            value: v,
            label: v,
          }))}
        />
        <SelectField
          label="Action"
          value={ae.actionTaken}
          onChange={(e) => setAe({ ...ae, actionTaken: e.target.value })}
          options={[
            'none',
            'observed',
            'infusion-slowed',
            'infusion-paused',
            'infusion-stopped',
            'medication-given',
            'emergency-transfer',
          ].map((v) => ({ value: v, label: v.replace(/-/g, ' ') }))}
        />
        <SelectField
          label="Outcome"
          value={ae.outcome}
          onChange={(e) => setAe({ ...ae, outcome: e.target.value })}
          options={['resolved', 'resolving', 'ongoing', 'transferred'].map((v) => ({
            value: v,
            label: v,
          }))}
        />
        <button type="submit">Record</button>
      </form>
      {s.adverseEvents.length > 0 && (
        <ul>
          {s.adverseEvents.map((a) => (
            <li key={a.id}>
              {a.onsetAt.slice(11, 16)} {a.type.replace(/-/g, ' ')} ({a.severity}) ·{' '}
              {a.actionTaken.replace(/-/g, ' ')} · {a.outcome}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
