import { useNavigate } from 'react-router-dom';
import type { PatientDto } from '../../../../src/contracts/patients.contract.js';
import { apiPost } from '../../api/client.js';
import { emptyPatient, PatientForm, toBody } from './patient-form.js';

export function PatientCreatePage() {
  const navigate = useNavigate();
  return (
    <main id="main" className="page">
      <h1>New patient</h1>
      <PatientForm
        initial={emptyPatient}
        withBody
        submitLabel="Create patient"
        onCancel={() => void navigate('/patients')}
        onSubmit={async (values) => {
          const created = await apiPost<PatientDto>('/patients', toBody(values, true));
          void navigate(`/patients/${created.id}`);
        }}
      />
    </main>
  );
}
