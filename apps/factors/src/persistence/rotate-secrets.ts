import type { EnvelopeCipher } from '@portcullis/crypto';
import type { DataSource } from 'typeorm';
import { destinationAad, secretAad } from './sql-factors-unit-of-work';

const COLUMNS = [
  { column: 'secret', aad: secretAad },
  { column: 'destination', aad: destinationAad },
] as const;

/**
 * Re-wraps every sealed secret that is not under the newest key (`main.ts rotate-keys`). Batches
 * commit one at a time, so the command can be stopped and run again; rows are locked while
 * rewritten so a concurrent reader always sees one consistent pair of key id and ciphertext.
 */
export async function rotateFactorSecrets(
  dataSource: DataSource,
  cipher: EnvelopeCipher,
  activeKeyId: string,
  batchSize = 500,
): Promise<number> {
  let rotated = 0;
  for (const { column, aad } of COLUMNS) {
    for (;;) {
      const done = await dataSource.transaction(async (m) => {
        const rows: { id: string; key_id: string; sealed: string }[] = await m.query(
          `SELECT id, ${column}_key_id AS key_id, ${column}_sealed AS sealed FROM factors
           WHERE ${column}_key_id IS NOT NULL AND ${column}_key_id <> $1
           ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [activeKeyId, batchSize],
        );
        for (const row of rows) {
          const next = cipher.rotate({ keyId: row.key_id, value: row.sealed }, aad(row.id));
          await m.query(`UPDATE factors SET ${column}_key_id = $2, ${column}_sealed = $3 WHERE id = $1`, [
            row.id,
            next.keyId,
            next.value,
          ]);
        }
        return rows.length;
      });
      rotated += done;
      if (done < batchSize) break;
    }
  }
  return rotated;
}
