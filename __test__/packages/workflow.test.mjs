// The release workflow cannot run here (it needs GitHub's macOS, Windows and arm64 runners); what can be
// checked here is that it is a valid workflow: actionlint (expressions, job graph, action inputs, runner
// labels) and, through it, shellcheck on every `run:` script.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@jest/globals'
import { ensureApt, ensurePythonTools } from '../../scripts/lib/tools.mjs'
import { sh } from '../../scripts/lib/packages.mjs'
import { repoRoot as root } from '../../scripts/lib/repo.mjs'

test('.github/workflows/*.yml lint clean with actionlint and shellcheck', () => {
  const { actionlint } = ensurePythonTools()
  ensureApt(['shellcheck'])
  const workflows = readdirSync(join(root, '.github', 'workflows')).filter((name) => /\.ya?ml$/.test(name))
  expect(workflows).toContain('release.yml')
  const result = sh(actionlint, ['-shellcheck', 'shellcheck', ...workflows.map((name) => join('.github', 'workflows', name))], {
    cwd: root,
  })
  expect(result.stdout + result.stderr).toBe('')
  expect(result.status).toBe(0)
}, 10 * 60_000)
