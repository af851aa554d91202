// The package suites (`npm run test:packages`): they install tarballs and run other Node builds, so they
// are a Jest run of their own, after `npm test`; .ci/run adds their results to the total.
export default {
  rootDir: '../..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__test__/packages/**/*.test.mjs'],
  transform: {},
  reporters: ['default', '<rootDir>/__test__/helpers/open-handles-reporter.cjs'],
  // The tools the scripts install (.tools/: a registry, SDK releases) hold package.json files of their own.
  modulePathIgnorePatterns: ['<rootDir>/examples/', '<rootDir>/.tools/'],
}
