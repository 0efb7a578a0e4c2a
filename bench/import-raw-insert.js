// The reference for bench/import.ts: what a bare script takes to put the same table
// into the same tables. Plain JavaScript (no loader), one process: read the CSV,
// give every subject and score a UUIDv7, insert with prepared statements in one
// transaction, same pragmas as ketatrack (WAL, synchronous=FULL, foreign keys).
//
//   node bench/import-raw-insert.js <migrated sqlite file> <table.csv>
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';

const [file, table] = process.argv.slice(2);
const handle = new BetterSqlite3(file);
handle.pragma('journal_mode = WAL');
handle.pragma('synchronous = FULL');
handle.pragma('foreign_keys = ON');
const now = new Date().toISOString();
const batchId = uuidv7();
const lines = readFileSync(table, 'utf8').split('\n');
const subject = handle.prepare(
  `insert into study_subjects (id, study, external_id, patient_id, attributes, created_at, batch_id)
   values (?, 'bench-import', ?, null, '{}', ?, ?)`,
);
const score = handle.prepare(
  `insert into imported_scores (id, subject_id, instrument, total, administered_at, time_point,
     day, arm, occasion, batch_id, source_row) values (?, ?, 'madrs', ?, null, ?, null, null, ?, ?, ?)`,
);
let rows = 0;
handle.transaction(() => {
  handle
    .prepare(
      `insert into studies (name, baseline_time_point, created_by, created_at) values ('bench-import', 'b0', null, ?)`,
    )
    .run(now);
  handle
    .prepare(
      `insert into import_batches (id, study, file_name, file_sha256, mapping, rows_read, summary,
         imported_by, imported_at, state) values (?, 'bench-import', 'trial.csv', '', '{}', 0, '{}', null, ?, 'committed')`,
    )
    .run(batchId, now);
  const subjects = new Map();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const [external, visit, madrs] = line.split(',');
    let id = subjects.get(external);
    if (!id) {
      id = uuidv7();
      subjects.set(external, id);
      subject.run(id, external, now, batchId);
    }
    score.run(uuidv7(), id, Number(madrs), visit, `${visit}||`, batchId, i + 1);
    rows += 1;
  }
})();
handle.close();
process.stdout.write(`${rows}\n`);
