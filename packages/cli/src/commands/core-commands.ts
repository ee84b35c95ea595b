import type { CliCommandModule } from '../command-module.js';
import { registerDoctorCommand } from './doctor.js';
import { registerInitCommand } from './init.js';

/** The core's commands, `init` and `doctor`, registered like any package's. */
export const coreCommands: CliCommandModule = {
  name: 'core',
  register(program, context) {
    registerInitCommand(program, context);
    registerDoctorCommand(program, context);
  },
};
