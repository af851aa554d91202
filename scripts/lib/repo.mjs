// Where the repository is, for every test, benchmark and script: the one definition of the root.
import { fileURLToPath } from 'node:url'

/** The repository's root directory, with a trailing separator removed. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '')

/** True when the module at `moduleUrl` is the script Node was started with (`node scripts/x.mjs`). */
export const isMain = (moduleUrl) => process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1]
