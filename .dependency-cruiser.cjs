/** Layering rules: the domain stays pure; use cases talk to ports, not to infrastructure. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain imports no framework, ORM, SDK or other layer',
      from: { path: '^src/domain' },
      to: {
        pathNot: ['^src/domain', '^node_modules/(luxon|opencc-js|pinyin-pro|validator|@node-rs/jieba)'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'usecases-use-ports',
      severity: 'error',
      comment: 'use cases depend on the domain and ports only',
      from: { path: '^src/usecases' },
      to: { path: ['^src/(channels|publishers|db|http|jobs)', '^node_modules/(koa|@koa|typeorm|pg|better-sqlite3|@larksuiteoapi)'] },
    },
    {
      name: 'channels-do-not-know-drafts',
      severity: 'error',
      from: { path: '^src/channels' },
      to: { path: '^src/(usecases|publishers|db)' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
