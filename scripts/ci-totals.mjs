// CI's last line: every Jest run's results added up as `N passed, M failed, K skipped`. A skipped test proved
// nothing in this run, so a skip is allowed only when .ci/allowed-skips names it with its reason; any other
// skip fails CI, and so does a results file that is missing (that Jest run never finished).
//
//   node scripts/ci-totals.mjs target/jest-results.json target/jest-wasm.json …
import fs from 'node:fs'
import path from 'node:path'
import { isMain, repoRoot } from './lib/repo.mjs'

export const ALLOWLIST = path.join(repoRoot, '.ci', 'allowed-skips')

/** How a skipped test is named, in the allowlist and in CI's complaints: `file › full test name`. */
export const skipKey = (file, fullName) => `${path.relative(repoRoot, file).split(path.sep).join('/')} › ${fullName}`

/** The allowlist's entries: one `file › full test name` a line; blank lines and `#` comments are ignored. */
export function parseAllowlist(text) {
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  )
}

/**
 * Adds up Jest's JSON results (`null` for a run whose file is missing). Every test that neither passed nor
 * failed (skipped, todo) counts as skipped; those the allowlist does not name are `problems`, as is each
 * missing run.
 */
export function totals(runs, allowed) {
  let passed = 0
  let failed = 0
  let skipped = 0
  const problems = []
  for (const { file, results } of runs) {
    if (results === null) {
      problems.push(`${file} is missing: that Jest run did not finish`)
      failed += 1
      continue
    }
    passed += results.numPassedTests
    failed += results.numFailedTests + results.numRuntimeErrorTestSuites
    skipped += results.numPendingTests + results.numTodoTests
    for (const suite of results.testResults) {
      for (const test of suite.assertionResults) {
        if (test.status === 'passed' || test.status === 'failed') continue
        const key = skipKey(suite.name, test.fullName)
        if (!allowed.has(key)) problems.push(`${file}: ${test.status} and not on .ci/allowed-skips: ${key}`)
      }
    }
  }
  return { passed, failed, skipped, problems, line: `${passed} passed, ${failed} failed, ${skipped} skipped` }
}

if (isMain(import.meta.url)) {
  const allowed = parseAllowlist(fs.readFileSync(ALLOWLIST, 'utf8'))
  const runs = process.argv.slice(2).map((file) => ({
    file,
    results: fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null,
  }))
  const result = totals(runs, allowed)
  for (const problem of result.problems) console.error(`ci: ${problem}`)
  console.log(result.line)
  process.exit(result.failed > 0 || result.problems.length > 0 ? 1 : 0)
}
