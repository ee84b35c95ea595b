// The `mlp` command modules of @mlp/deploy (`mlp serve`, `mlp deploy ...`): each module re-exported here.
export { deployCommands } from './deploy-commands.js';
export { predictionLogCommands } from './predictions-command.js';
export { serveCommands } from './serve-command.js';
