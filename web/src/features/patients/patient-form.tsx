import { useState, type FormEvent } from 'react';
import type { PatientDto } from '../../../../src/contracts/patients.contract.js';
import type { SiteList } from '../../../../src/contracts/sites.contract.js';
import { PATIENT_LIMITS, SEXES } from '../../../../src/domain/patients/patient-rules.js';
import { ApiError, apiGet } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';

export interface PatientFormValues {
  mrn: string;
  familyName: string;
  givenName: string;
  dateOfBirth: string;
  sex: string;
  phone: string;
  email: string;
  notes: string;
  weightKg: string;
  heightCm: string;
  /** Home site; '' for none chosen. */
  siteId: string;
}

export const emptyPatient: PatientFormValues = {
  mrn: '',
  familyName: '',
  givenName: '',
  dateOfBirth: '',
  sex: 'unknown',
  phone: '',
  email: '',
  notes: '',
  weightKg: '',
  heightCm: '',
  siteId: '',
};

export function valuesFrom(p: PatientDto): PatientFormValues {
  return {
    ...emptyPatient,
    mrn: p.mrn,
    familyName: p.familyName,
    givenName: p.givenName,
    dateOfBirth: p.dateOfBirth,
    sex: p.sex,
    phone: p.phone ?? '',
    email: p.email ?? '',
    notes: p.notes ?? '',
    siteId: p.site?.id ?? '',
  };
}

/** Shared by create and edit; on create it also takes the first weight and height. */
export function PatientForm({
  initial,
  withBody,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: PatientFormValues;
  withBody: boolean;
  submitLabel: string;
  onSubmit: (values: PatientFormValues) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(initial);
  const sites = useResource(() => apiGet<SiteList>('/sites'), []);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof PatientFormValues) => (e: { target: { value: string } }) =>
    setValues({ ...values, [k]: e.target.value });
  const today = new Date().toISOString().slice(0, 10);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await onSubmit(values);
    } catch (err) {
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors());
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form-grid" onSubmit={submit} noValidate>
      <ErrorBanner error={error} />
      <Field
        label="Family name"
        required
        value={values.familyName}
        onChange={set('familyName')}
        error={fieldErrors.familyName}
        data-testid="patient-family-name"
      />
      <Field
        label="Given name(s)"
        required
        value={values.givenName}
        onChange={set('givenName')}
        error={fieldErrors.givenName}
        data-testid="patient-given-name"
      />
      <Field
        label="MRN"
        required
        value={values.mrn}
        onChange={set('mrn')}
        error={fieldErrors.mrn}
        hint="Medical record number"
        data-testid="patient-mrn"
      />
      <Field
        label="Date of birth"
        type="date"
        required
        max={today}
        value={values.dateOfBirth}
        onChange={set('dateOfBirth')}
        error={fieldErrors.dateOfBirth}
        data-testid="patient-dob"
      />
      <SelectField
        label="Sex"
        value={values.sex}
        onChange={set('sex')}
        error={fieldErrors.sex}
        options={SEXES.map((s) => ({ value: s, label: s }))}
        data-testid="patient-sex"
      />
      {sites.data && sites.data.sites.length > 0 && (
        <SelectField
          label="Home site"
          value={
            // A user of one site registers there; the form shows it chosen.
            values.siteId === '' && sites.data.limited && sites.data.sites.length === 1
              ? (sites.data.sites[0]?.id ?? '')
              : values.siteId
          }
          onChange={set('siteId')}
          error={fieldErrors.siteId}
          options={[
            ...(sites.data.limited && values.siteId !== '' && sites.data.sites.length > 0
              ? []
              : [{ value: '', label: sites.data.limited ? 'Choose a site' : 'Not recorded' }]),
            ...sites.data.sites.map((x) => ({ value: x.id, label: x.name })),
          ]}
          data-testid="patient-site-select"
        />
      )}
      <Field
        label="Phone"
        type="tel"
        value={values.phone}
        onChange={set('phone')}
        error={fieldErrors.phone}
      />
      <Field
        label="Email"
        type="email"
        value={values.email}
        onChange={set('email')}
        error={fieldErrors.email}
      />
      {withBody && (
        <>
          <Field
            label="Weight (kg)"
            type="number"
            inputMode="decimal"
            step="0.1"
            min={PATIENT_LIMITS.weightKg.min}
            max={PATIENT_LIMITS.weightKg.max}
            value={values.weightKg}
            onChange={set('weightKg')}
            error={fieldErrors.weightKg}
            data-testid="patient-weight"
          />
          <Field
            label="Height (cm)"
            type="number"
            inputMode="decimal"
            step="0.1"
            min={PATIENT_LIMITS.heightCm.min}
            max={PATIENT_LIMITS.heightCm.max}
            value={values.heightCm}
            onChange={set('heightCm')}
            error={fieldErrors.heightCm}
          />
        </>
      )}
      <div className="field span-2">
        <label htmlFor="patient-notes">Notes</label>
        <textarea id="patient-notes" rows={3} value={values.notes} onChange={set('notes')} />
      </div>
      <div className="actions span-2">
        <button type="submit" className="primary" disabled={busy} data-testid="patient-save">
          {busy ? 'Saving…' : submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Form strings to the API body: blanks are left out, numbers are numbers. */
export function toBody(v: PatientFormValues, withBody: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    mrn: v.mrn,
    familyName: v.familyName,
    givenName: v.givenName,
    dateOfBirth: v.dateOfBirth,
    sex: v.sex,
    phone: v.phone || null,
    email: v.email || null,
    notes: v.notes || null,
  };
  // None chosen: the server records the user's only site, or none for an unrestricted user.
  if (v.siteId !== '') body.siteId = v.siteId;
  if (withBody && v.weightKg !== '') body.weightKg = Number(v.weightKg);
  if (withBody && v.heightCm !== '') body.heightCm = Number(v.heightCm);
  return body;
}
