// Which build the suite runs against: the native addon by default, the WASM one under `npm run test:wasm`
// (SESSION_SEAL_EXPECT_BINDING=wasm32-wasi). Without this check a WASM run that quietly fell back to the
// native addon would look green.
import { createRequire } from 'node:module';
import { expect, test } from '@jest/globals';

const require = createRequire(import.meta.url);

test('the suite runs against the build it was asked to test', () => {
  const addon = require('../index.js');
  expect(addon.__napiBindingTarget).toBe(process.env.SESSION_SEAL_EXPECT_BINDING ?? 'native');
});
