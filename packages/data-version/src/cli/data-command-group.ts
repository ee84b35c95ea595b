import type { CliCommandModule } from '@mlp/cli';

/** The `mlp data` command group the data-version modules add their subcommands to. */
export type DataCommandGroup = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;
