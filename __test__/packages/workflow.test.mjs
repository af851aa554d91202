// The release workflow cannot run here (it needs GitHub's macOS, Windows and arm64 runners); what can be
// checked here is that it is a valid workflow and a hardened one: actionlint (expressions, job graph, action
// inputs, runner labels, and shellcheck on every `run:` script), zizmor (GitHub Actions security: template
// injection, credentials left in the checkout, cache poisoning, excessive permissions), and the rules below
// that neither enforces by default. Its publish steps run for real against a local registry in
// publish.test.mjs.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { ensureApt, ensurePythonTools } from '../../scripts/lib/tools.mjs'
import { sh } from '../../scripts/lib/packages.mjs'
import { repoRoot as root } from '../../scripts/lib/repo.mjs'
import { readWorkflow } from './registry.mjs'

const LINT_TIMEOUT = 10 * 60_000
const workflows = readdirSync(join(root, '.github', 'workflows'))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => join('.github', 'workflows', name))

test('.github/workflows/*.yml lint clean with actionlint and shellcheck', () => {
  const { actionlint } = ensurePythonTools()
  ensureApt(['shellcheck'])
  expect(workflows).toContain(join('.github', 'workflows', 'release.yml'))
  const result = sh(actionlint, ['-shellcheck', 'shellcheck', ...workflows], { cwd: root })
  expect(result.stdout + result.stderr).toBe('')
  expect(result.status).toBe(0)
}, LINT_TIMEOUT)

test('.github/workflows/*.yml have no zizmor finding (offline audits, no suppression)', () => {
  const { zizmor } = ensurePythonTools()
  const result = sh(zizmor, ['--offline', '--no-progress', '--color', 'never', '--format', 'json', ...workflows], { cwd: root })
  expect({ status: result.status, findings: JSON.parse(result.stdout) }).toStrictEqual({ status: 0, findings: [] })
  for (const file of workflows) expect(readFileSync(join(root, file), 'utf8')).not.toMatch(/zizmor:\s*ignore/)
}, LINT_TIMEOUT)

describe('release.yml', () => {
  const workflow = readWorkflow()
  const jobs = Object.entries(workflow.jobs)
  const steps = jobs.flatMap(([job, { steps: list }]) => list.map((step) => ({ job, ...step })))

  test('every action is pinned by a full commit SHA, with the tag it was in a comment', () => {
    const text = readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8')
    const uses = steps.filter((step) => step.uses).map((step) => step.uses)
    expect(uses.length).toBeGreaterThan(5)
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)
    for (const line of text.split('\n').filter((l) => /^\s*- uses:/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
  })

  test('no checkout keeps its credentials; no step restores a cache', () => {
    for (const step of steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) expect(step.with?.['persist-credentials']).toBe(false)
    expect(steps.filter((s) => s.uses?.startsWith('actions/cache'))).toStrictEqual([])
    for (const step of steps.filter((s) => s.uses?.startsWith('actions/setup-node@'))) expect(step.with?.['package-manager-cache']).toBe(false)
  })

  test('publish: trusted publishing from the protected environment, no token, no lifecycle scripts', () => {
    const publish = workflow.jobs.publish
    expect(publish.if).toBe("startsWith(github.ref, 'refs/tags/v')")
    expect(publish.environment).toBe('npm')
    expect(publish.permissions).toStrictEqual({ contents: 'read', 'id-token': 'write' })
    const text = JSON.stringify(publish)
    expect(text).not.toMatch(/secrets\.|NODE_AUTH_TOKEN|NPM_TOKEN|_authToken/)
    const installs = publish.steps.filter((step) => /\bnpm (ci|install)\b/.test(step.run ?? ''))
    expect(installs.length).toBeGreaterThan(0)
    for (const step of installs) expect(step.run).toContain('--ignore-scripts')
    // Only the workflow's top-level read permission elsewhere: no other job can write or mint tokens.
    expect(workflow.permissions).toStrictEqual({ contents: 'read' })
    for (const [name, job] of jobs) if (name !== 'publish') expect({ name, permissions: job.permissions }).toStrictEqual({ name, permissions: undefined })
  })

  test('the Rust toolchain is the one rust-toolchain.toml pins', () => {
    expect(readFileSync(join(root, 'rust-toolchain.toml'), 'utf8')).toMatch(/^channel = "\d+\.\d+\.\d+"$/m)
    const rustup = steps.filter((step) => /rustup/.test(step.run ?? ''))
    expect(rustup.length).toBeGreaterThan(0)
    for (const step of rustup) expect(step.run).not.toMatch(/rustup toolchain install \S|stable|nightly/)
  })
})
