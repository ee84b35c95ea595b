// A pipeline module that throws while loading: the CLI must say so before anything runs.
throw new Error('cannot reach the config service');
