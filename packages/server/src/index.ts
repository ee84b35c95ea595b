export { mlflowErrorTable } from '@mlp/core/http';
export { type ServerCommandsContext, serverCommands } from './cli/server-commands.js';
export { parseTokenFile, readTokenFile } from './cli/token-file.js';
export {
  createServer,
  type ListenOptions,
  type MlpServer,
  type ServerOptions,
  type ServerToken,
  serverOptionsSchema,
  serverTokenSchema,
} from './create-server.js';
