// A process running `mlp data ingest …` through the real CLI with only this package's commands, so a
// test can kill it mid-ingestion without depending on which other @mlp packages are installed.
//   node --conditions=@mlp/source --import tsx ingest-cli-process.ts <workspace> <source> <to>
import { runCli } from '@mlp/cli';
import { dataCommands } from '../../cli/data-commands.js';

const [dir, source, to] = process.argv.slice(2);
if (!dir || !source || !to) {
  console.error('usage: ingest-cli-process.ts <workspace> <source> <to>');
  process.exit(2);
}
process.exitCode = await runCli(['-C', dir, 'data', 'ingest', source, '--to', to], { modules: [dataCommands] });
