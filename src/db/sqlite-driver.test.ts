import { describe, expect, it } from 'vitest';
import { openSqlite, SQLITE_DRIVER, sqliteDriverFor } from './sqlite-driver.js';

describe('sqliteDriverFor', () => {
  it('keeps better-sqlite3 12 below Node 22 and takes 13 from Node 22 on', () => {
    expect(sqliteDriverFor('20.19.0')).toBe('better-sqlite3');
    expect(sqliteDriverFor('21.7.3')).toBe('better-sqlite3');
    expect(sqliteDriverFor('22.12.0')).toBe('better-sqlite3-13');
    expect(sqliteDriverFor('24.21.0')).toBe('better-sqlite3-13');
    expect(sqliteDriverFor('26.0.0')).toBe('better-sqlite3-13');
  });

  it('refuses a version it cannot read', () => {
    expect(() => sqliteDriverFor('v24')).toThrow(/unreadable/);
  });

  it('opens a working connection with the driver chosen for this runtime', () => {
    expect(SQLITE_DRIVER).toBe(sqliteDriverFor(process.versions.node));
    const db = openSqlite(':memory:');
    try {
      db.exec('create table t (n integer)');
      const insert = db.prepare('insert into t (n) values (?)');
      for (const n of [1, 2, 3]) insert.run(n);
      expect(db.prepare('select sum(n) as total from t').get()).toEqual({ total: 6 });
    } finally {
      db.close();
    }
  });
});
