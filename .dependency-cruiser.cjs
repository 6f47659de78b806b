// Layering rules of ptelab (docs/design.md "Pipeline"), checked in `npm test` (test/layering.test.ts).
// Data flows one way:
//   text → frontend → setup → ir → backend (sc, …) → verdict (data) → report (formatting) → cli
// Each rule names a stage and what it must not import; everything not forbidden is allowed.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only imports included.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'frontend-imports-only-frontend',
      severity: 'error',
      comment: 'frontend/ (scanner, parser, AST, diagnostics) is the first stage: it imports nothing else of ours.',
      from: { path: '^src/frontend/' },
      to: { path: '^src/', pathNot: '^src/frontend/' },
    },
    {
      name: 'explore-imports-only-explore',
      severity: 'error',
      comment: 'explore/ is a generic state-space search over a TransitionSystem: no other stage.',
      from: { path: '^src/explore/' },
      to: { path: '^src/', pathNot: '^src/explore/' },
    },
    {
      name: 'arch-imports-only-arch',
      severity: 'error',
      comment: 'arch/ holds descriptor bits and ArchOps: plain data and arithmetic, no other stage.',
      from: { path: '^src/arch/' },
      to: { path: '^src/', pathNot: '^src/arch/' },
    },
    {
      name: 'cat-imports-only-cat',
      severity: 'error',
      comment: 'cat/ (the cat-language interpreter, relation algebra, .def tables) is a self-contained library: no other stage.',
      from: { path: '^src/cat/' },
      to: { path: '^src/', pathNot: '^src/cat/' },
    },
    {
      name: 'setup-reads-only-the-frontend',
      severity: 'error',
      comment: 'setup/ works out config, layout, bindings from the parsed test (and the architecture encodings).',
      from: { path: '^src/setup/' },
      to: { path: '^src/', pathNot: '^src/(setup|frontend|arch)/' },
    },
    {
      name: 'ir-is-self-contained',
      severity: 'error',
      comment: 'ir/ lowers the AST: it knows no machine, backend or setup object, only signatures passed in.',
      from: { path: '^src/ir/' },
      to: { path: '^src/', pathNot: '^src/(ir|frontend)/' },
    },
    {
      name: 'models-reads-only-the-frontend',
      severity: 'error',
      from: { path: '^src/models/' },
      to: { path: '^src/', pathNot: '^src/(models|frontend)/' },
    },
    {
      name: 'machine-below-backends',
      severity: 'error',
      comment: 'machine/ (components: kernel state, MMU, TLBs) and checks/ never import a backend, the verdict, the report, the runner or the CLI.',
      from: { path: '^src/(machine|checks)/' },
      to: { path: '^src/(sc|backend|verdict|report|matrix|cli)/|^src/(runner|compile)\\.ts$' },
    },
    {
      name: 'backend-seam-is-types',
      severity: 'error',
      comment: 'backend/ is the seam (Outcome, Backend): it names only upstream types.',
      from: { path: '^src/backend/' },
      to: { path: '^src/', pathNot: '^src/(backend|ir|setup|explore|models|frontend)/' },
    },
    {
      name: 'backends-below-verdict',
      severity: 'error',
      comment: 'A backend (sc/) returns an Outcome; it never computes verdicts or formats reports.',
      from: { path: '^src/sc/' },
      to: { path: '^src/(verdict|report|matrix|cli)/|^src/runner\\.ts$' },
    },
    {
      name: 'verdict-is-data',
      severity: 'error',
      comment: 'verdict/ computes herd verdicts and matrix cells from Outcomes: no engine, machine, report or CLI.',
      from: { path: '^src/verdict/' },
      to: { path: '^src/(sc|machine|checks|explore|report|matrix|cli)/|^src/(runner|compile)\\.ts$' },
    },
    {
      name: 'report-only-formats',
      severity: 'error',
      comment: 'report/ formats verdict data: never the runner, a backend, the machine or the search.',
      from: { path: '^src/report/' },
      to: { path: '^src/(sc|machine|checks|explore|arch|matrix|cli)/|^src/(runner|compile)\\.ts$' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
