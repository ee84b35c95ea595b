import type { CliCommandModule } from '@mlp/cli';

/** The monitor commands of `mlp`: `monitor drift --reference REF --current CUR`. */
export const monitorCommands: CliCommandModule = {
  name: 'monitor',
  register(program) {
    program.command('monitor').description('data drift between a reference and a current window');
  },
};
