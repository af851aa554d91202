// What a bundler gets in place of session-seal. The package's "exports" send webpack (its "webpack" condition)
// and the server code Turbopack and webpack bundle for React Server Components and proxy.ts ("module" within
// "react-server") here; Node.js sets neither, so an app that lists session-seal in serverExternalPackages, and
// any plain require or import, loads the real package. The native addon cannot be bundled: instead of the
// bundler's own error about a .node file, the build stops on this one, which names the fix.
'use strict'

const { refuseEdgeRuntime, bundledError } = require('./load-error.js')

function refuse() {
  refuseEdgeRuntime()
  throw bundledError()
}

// Assigned from a call, so that bundlers take the exports as dynamic and leave the error to this module.
module.exports = refuse()
