import { parseInteger, settingReader, type FlagSpecs } from '../shared/args.js'
import { runCli } from '../shared/cli.js'
import { createChartServer, defaultMaxInputElements } from './server.js'

const chartFlags = {
  'max-elements': {
    type: 'string',
    description: `largest input (array items + object members) per call (default ${defaultMaxInputElements})`,
    env: 'AGENTA_CHART_MAX_ELEMENTS'
  }
} satisfies FlagSpecs

await runCli({
  name: 'agenta-chart',
  entry: 'mcp/chart/main.ts',
  defaultPort: 3101,
  flags: chartFlags,
  createFactory(flags, env) {
    const read = settingReader(chartFlags, flags, env)
    const maxInputElements = parseInteger(read('max-elements'), '--max-elements / AGENTA_CHART_MAX_ELEMENTS', 1)
    return () => createChartServer({ maxInputElements })
  }
})
