import { IdParam } from '../../contracts/common.contract.js';
import {
  ArchiveBody,
  ConsentBody,
  ConsentDto,
  ConsentList,
  CreatePatientBody,
  DiagnosisBody,
  DiagnosisDto,
  DiagnosisList,
  DiagnosisStatusBody,
  MeasurementBody,
  MeasurementDto,
  MeasurementList,
  PatientDto,
  PatientList,
  PatientListQuery,
  SubIdParams,
  UpdatePatientBody,
  WithdrawConsentBody,
} from '../../contracts/patients.contract.js';
import {
  archivePatient,
  createPatient,
  getPatient,
  listPatients,
  restorePatient,
  updatePatient,
} from '../../services/patients/manage-patients.js';
import {
  addConsent,
  addDiagnosis,
  addMeasurement,
  listConsents,
  listDiagnoses,
  listMeasurements,
  setDiagnosisStatus,
  withdrawConsent,
} from '../../services/patients/patient-records.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

const read = { access: { permission: 'patients.read' as const } };
const write = { access: { permission: 'patients.write' as const } };
const archive = { access: { permission: 'patients.archive' as const } };
const tags = ['patients'];

export const patientRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/patients',
    {
      config: read,
      schema: {
        tags,
        summary: 'List and search patients',
        querystring: PatientListQuery,
        response: { 200: PatientList },
      },
    },
    async (request) => listPatients(deps, requestContext(request), request.query),
  );
  app.post(
    '/patients',
    {
      config: write,
      schema: {
        tags,
        summary: 'Register a patient',
        body: CreatePatientBody,
        response: { 201: PatientDto },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createPatient(deps, requestContext(request), request.body)),
  );
  app.get(
    '/patients/:id',
    {
      config: read,
      schema: { tags, summary: 'One patient', params: IdParam, response: { 200: PatientDto } },
    },
    async (request) => getPatient(deps, requestContext(request), request.params.id),
  );
  app.patch(
    '/patients/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Edit demographics (send the version you read)',
        params: IdParam,
        body: UpdatePatientBody,
        response: { 200: PatientDto },
      },
    },
    async (request) =>
      updatePatient(deps, requestContext(request), request.params.id, request.body),
  );
  app.post(
    '/patients/:id/archive',
    {
      config: archive,
      schema: {
        tags,
        summary: 'Archive (never deletes clinical data)',
        params: IdParam,
        body: ArchiveBody,
        response: { 200: PatientDto },
      },
    },
    async (request) =>
      archivePatient(deps, requestContext(request), request.params.id, request.body.reason),
  );
  app.post(
    '/patients/:id/restore',
    {
      config: archive,
      schema: {
        tags,
        summary: 'Bring an archived patient back',
        params: IdParam,
        response: { 200: PatientDto },
      },
    },
    async (request) => restorePatient(deps, requestContext(request), request.params.id),
  );

  app.get(
    '/patients/:id/measurements',
    {
      config: read,
      schema: {
        tags,
        summary: 'Weight and height history',
        params: IdParam,
        response: { 200: MeasurementList },
      },
    },
    async (request) => ({
      measurements: await listMeasurements(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/measurements',
    {
      config: write,
      schema: {
        tags,
        summary: 'Record weight and/or height',
        params: IdParam,
        body: MeasurementBody,
        response: { 201: MeasurementDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await addMeasurement(deps, requestContext(request), request.params.id, request.body)),
  );

  app.get(
    '/patients/:id/diagnoses',
    {
      config: read,
      schema: { tags, summary: 'Diagnoses', params: IdParam, response: { 200: DiagnosisList } },
    },
    async (request) => ({
      diagnoses: await listDiagnoses(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/diagnoses',
    {
      config: write,
      schema: {
        tags,
        summary: 'Add a diagnosis',
        params: IdParam,
        body: DiagnosisBody,
        response: { 201: DiagnosisDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await addDiagnosis(deps, requestContext(request), request.params.id, request.body)),
  );
  app.patch(
    '/patients/:id/diagnoses/:itemId',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a diagnosis status',
        params: SubIdParams,
        body: DiagnosisStatusBody,
        response: { 200: DiagnosisDto },
      },
    },
    async (request) =>
      setDiagnosisStatus(
        deps,
        requestContext(request),
        request.params.id,
        request.params.itemId,
        request.body,
      ),
  );

  app.get(
    '/patients/:id/consents',
    {
      config: read,
      schema: { tags, summary: 'Consent records', params: IdParam, response: { 200: ConsentList } },
    },
    async (request) => ({
      consents: await listConsents(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/consents',
    {
      config: write,
      schema: {
        tags,
        summary: 'Record a signed consent',
        params: IdParam,
        body: ConsentBody,
        response: { 201: ConsentDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await addConsent(deps, requestContext(request), request.params.id, request.body)),
  );
  app.post(
    '/patients/:id/consents/:itemId/withdraw',
    {
      config: write,
      schema: {
        tags,
        summary: 'Record that consent was withdrawn',
        params: SubIdParams,
        body: WithdrawConsentBody,
        response: { 200: ConsentDto },
      },
    },
    async (request) =>
      withdrawConsent(
        deps,
        requestContext(request),
        request.params.id,
        request.params.itemId,
        request.body.withdrawnOn,
      ),
  );
};
