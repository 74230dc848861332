// Writes docs/events: one CloudEvents JSON Schema per event type of EVENT_CATALOGUE and a README
// (`npm run events:schemas`). The contracts unit tests fail when the committed files differ.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderEventSchemaDocs } from '../../libs/contracts/src/event-schemas';

const dir = resolve(__dirname, '../../docs/events');
const files = renderEventSchemaDocs();
mkdirSync(dir, { recursive: true });
// Schemas of event types that no longer exist go.
for (const stale of readdirSync(dir).filter((file) => file.endsWith('.json') && !(file in files))) {
  rmSync(join(dir, stale));
}
for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
process.stdout.write(`events: ${Object.keys(files).length} files written to docs/events\n`);
