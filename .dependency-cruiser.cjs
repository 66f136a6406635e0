/**
 * Layer rules (issue #14). `npm run depcheck` runs them in CI.
 *   engines   pure TypeScript: nothing from db, api, services, jobs or import
 *   api       routes call services; repos and SQL stay behind them (a type-only `Db` import is allowed)
 *   web/src   takes nothing from the server but the contract (web/test starts the real server, so it is exempt)
 *   anywhere  no import cycles
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'engines-are-pure',
      comment: 'server/src/engines is pure: no db, api, services, jobs or import.',
      severity: 'error',
      from: { path: '^server/src/engines/' },
      to: { path: '^server/src/(db|api|services|jobs|import)/' },
    },
    {
      name: 'api-no-repos',
      comment: 'Routes go through a service: no repo imports in server/src/api.',
      severity: 'error',
      from: { path: '^server/src/api/' },
      to: { path: '^server/src/db/repos/' },
    },
    {
      name: 'api-no-db-values',
      comment: 'server/src/api may name the Db handle it passes to services (type-only), nothing else from db.',
      severity: 'error',
      from: { path: '^server/src/api/' },
      to: { path: '^server/src/db/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-only-contract',
      comment: 'The web app may import only server/src/contract from the server.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^server/', pathNot: '^server/src/contract/' },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycles.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
