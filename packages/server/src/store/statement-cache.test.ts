import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.js';

describe('withStatementCache', () => {
  it('prepares each SQL text once and keeps answering correctly', () => {
    const sqlite = new SQLite(':memory:');
    let prepared = 0;
    const original = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((sql: string) => {
      prepared += 1;
      return original(sql);
    }) as typeof sqlite.prepare;
    const db = withStatementCache(sqlite);
    db.prepare('create table t (n integer)').run([]);
    for (let n = 0; n < 5; n++) db.prepare('insert into t (n) values (?)').run([n]);
    expect(db.prepare('select sum(n) as total from t').all([])).toEqual([{ total: 10 }]);
    expect(prepared).toBe(3);
  });

  it('evicts the least recently used statement beyond its capacity', () => {
    const db = withStatementCache(new SQLite(':memory:'), 2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a);
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
  });
});
