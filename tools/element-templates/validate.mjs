// Validates element templates with the validator Camunda's Modeler uses (its JSON schema, the
// element-template and configuration-template rules). usage: node validate.mjs FILE...
// Exits 1 and prints each error (its JSON path and message) when one is invalid.
import { readFileSync } from 'node:fs';
import { validateZeebe as validate } from '@bpmn-io/element-templates-validator';

let failed = false;
for (const file of process.argv.slice(2)) {
  const { valid, errors } = validate(readFileSync(file, 'utf8'));
  if (valid) {
    console.log(`valid: ${file}`);
    continue;
  }
  failed = true;
  for (const error of errors) {
    console.error(`${file}: ${error.dataPath || '/'}: ${error.message} ${JSON.stringify(error.params ?? {})}`);
  }
}
process.exit(failed ? 1 : 0);
