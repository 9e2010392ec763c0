import { flagOrEnv, parseInteger } from '../shared/args.js'
import { runCli } from '../shared/cli.js'
import { createChartServer, defaultMaxInputElements } from './server.js'

await runCli({
  name: 'agenta-chart',
  entry: 'mcp/chart/main.ts',
  defaultPort: 3101,
  flags: {
    'max-elements': {
      type: 'string',
      description: `largest input (array items + object members) per call (default ${defaultMaxInputElements})`,
      env: 'AGENTA_CHART_MAX_ELEMENTS'
    }
  },
  createFactory(flags, env) {
    const text = flagOrEnv(flags['max-elements'], env, 'AGENTA_CHART_MAX_ELEMENTS')
    const maxInputElements = parseInteger(text, '--max-elements / AGENTA_CHART_MAX_ELEMENTS', 1)
    return () => createChartServer({ maxInputElements })
  }
})
