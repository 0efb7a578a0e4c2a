import { useState } from 'react';
import type { ImportSummaryDto } from '../../../../src/contracts/imports.contract.js';
import { apiUpload } from '../../api/client.js';
import { useAction } from '../../api/use-action.js';
import { ErrorBanner, SelectField } from '../../components/field.js';

interface Upload {
  fileName: string;
  file: File;
}

/** The file's own extension decides CSV or TSV on the server; the media type only labels the body. */
const mediaType = (fileName: string) =>
  /\.(tsv|tab|txt)$/i.test(fileName) ? 'text/tab-separated-values' : 'text/csv';

const sizeText = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Upload a CSV/TSV of total scores with its mapping, preview what it would create, then import. */
export function ImportPage() {
  const [file, setFile] = useState<Upload | null>(null);
  const [mappingText, setMappingText] = useState('');
  const [onConflict, setOnConflict] = useState<'error' | 'update'>('error');
  const [preview, setPreview] = useState<ImportSummaryDto | null>(null);
  const [done, setDone] = useState<ImportSummaryDto | null>(null);
  const action = useAction();
  const [mappingError, setMappingError] = useState<string | null>(null);

  const send = (dryRun: boolean) => {
    setMappingError(null);
    let mapping: unknown;
    try {
      mapping = JSON.parse(mappingText);
    } catch (e) {
      setMappingError(
        `The mapping is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      );
      return Promise.resolve(undefined);
    }
    if (!file) return Promise.resolve(undefined);
    // The table travels as the request body (streamed by the browser and the server);
    // the mapping and options in the query string.
    const query = new URLSearchParams({
      fileName: file.fileName,
      mapping: JSON.stringify(mapping),
      dryRun: String(dryRun),
      onConflict,
    });
    return action.run(() =>
      apiUpload<ImportSummaryDto>(
        `/imports/table?${query.toString()}`,
        file.file,
        mediaType(file.fileName),
      ),
    );
  };
  const reset = () => {
    setPreview(null);
    setDone(null);
  };
  const mappingProblems = Object.entries(action.fieldErrors).filter(([k]) =>
    k.startsWith('mapping'),
  );

  return (
    <main id="main" className="page stack">
      <h1>Import total scores</h1>
      <p className="muted">
        For legacy or trial data that has only totals. Imported scores are marked as imported and
        never rescored; a file is imported whole or not at all, and importing it again changes
        nothing. The mapping is described in docs/import-mapping.md.
      </p>
      <section className="card stack">
        <div className="field">
          <label htmlFor="import-file">Table (.csv or .tsv, header in row 1)</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
            data-testid="import-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              reset();
              if (!f) return setFile(null);
              setFile({ fileName: f.name, file: f });
            }}
          />
          {file && (
            <small>
              {file.fileName}: {sizeText(file.file.size)}
            </small>
          )}
        </div>
        <div className={`field${mappingError || mappingProblems.length > 0 ? ' has-error' : ''}`}>
          <label htmlFor="import-mapping">Mapping (JSON)</label>
          <textarea
            id="import-mapping"
            rows={12}
            spellCheck={false}
            data-testid="import-mapping"
            value={mappingText}
            onChange={(e) => {
              setMappingText(e.target.value);
              reset();
            }}
            placeholder='{"study": "…", "subject": {"column": "…"}, "timePoint": {…}, "scores": [{"column": "…", "instrument": "madrs"}]}'
          />
          <label htmlFor="import-mapping-file" className="muted">
            or load a mapping file:{' '}
            <input
              id="import-mapping-file"
              type="file"
              accept=".json,application/json"
              onChange={(e) => {
                const f = e.target.files?.[0];
                reset();
                if (f) void f.text().then(setMappingText);
              }}
            />
          </label>
          {mappingError && <small className="error-text">{mappingError}</small>}
          {mappingProblems.map(([k, m]) => (
            <small key={k} className="error-text">
              {k}: {m}
            </small>
          ))}
        </div>
        <SelectField
          label="A total already imported for the same occasion differs"
          value={onConflict}
          onChange={(e) => {
            setOnConflict(e.target.value === 'update' ? 'update' : 'error');
            reset();
          }}
          options={[
            { value: 'error', label: 'refuse the file (default)' },
            { value: 'update', label: 'correct the stored total (audited)' },
          ]}
        />
        <div className="actions">
          <button
            type="button"
            data-testid="import-preview"
            disabled={!file || mappingText.trim() === '' || action.busy}
            onClick={() =>
              void send(true).then((r) => {
                if (r) setPreview(r);
              })
            }
          >
            Preview
          </button>
          <button
            type="button"
            className="primary"
            data-testid="import-commit"
            disabled={!preview?.valid || action.busy || done !== null}
            onClick={() =>
              void send(false).then((r) => {
                if (r) setDone(r);
              })
            }
          >
            Import
            {preview?.valid ? ` ${preview.scores.created + preview.scores.updated} scores` : ''}
          </button>
        </div>
        <ErrorBanner error={mappingProblems.length > 0 ? null : action.error} />
      </section>
      {done && (
        <div role="status" className="banner banner-ok" data-testid="import-done">
          Imported into study {done.study}: {done.scores.created} scores created,{' '}
          {done.scores.updated} corrected, {done.scores.unchanged} already there;{' '}
          {done.subjects.created} new subjects.
        </div>
      )}
      {preview && <PreviewCard summary={preview} />}
    </main>
  );
}

function PreviewCard({ summary: s }: { summary: ImportSummaryDto }) {
  return (
    <section className="card stack" data-testid="import-summary">
      <h2>{s.valid ? 'Preview: ready to import' : 'Preview: problems to fix first'}</h2>
      <p>
        Study <strong>{s.study}</strong>, {s.rowsRead} rows read: would create{' '}
        <strong data-testid="import-would-create">{s.scores.created}</strong> scores and{' '}
        {s.subjects.created} subjects; {s.scores.unchanged} scores already imported;{' '}
        {s.scores.updated} would be corrected; {s.missingCells} empty score cells skipped.
      </p>
      {s.problems.length > 0 && (
        <table className="table compact" data-testid="import-problems">
          <caption>
            {s.problemCount} problem{s.problemCount === 1 ? '' : 's'}
            {s.problemCount > s.problems.length ? ` (first ${s.problems.length} shown)` : ''};
            nothing will be imported until all are fixed.
          </caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Column</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {s.problems.map((p, i) => (
              <tr key={i}>
                <td>{p.row}</td>
                <td>{p.column ?? '—'}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.preview.length > 0 && (
        <table className="table compact" data-testid="import-preview-rows">
          <caption>First {s.preview.length} scores as they will be stored</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Subject</th>
              <th scope="col">Instrument</th>
              <th scope="col">Total</th>
              <th scope="col">Date</th>
              <th scope="col">Time point</th>
              <th scope="col">Arm</th>
            </tr>
          </thead>
          <tbody>
            {s.preview.map((p) => (
              <tr key={`${p.row}/${p.column}`}>
                <td>{p.row}</td>
                <td>{p.subject}</td>
                <td>{p.instrument}</td>
                <td>{p.total}</td>
                <td>{p.administeredAt ?? '—'}</td>
                <td>{p.timePoint ?? '—'}</td>
                <td>{p.arm ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
