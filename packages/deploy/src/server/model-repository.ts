import { MlpError } from '@mlp/core';
import { type ModelSource, modelNameOf, parseModelSource } from './model-source.js';
import { type ModelServingOptions, type ModelState, ServedModel, type ServedModelContext } from './served-model.js';

/** One line of the repository index (OIP's repository extension). */
export interface RepositoryEntry {
  name: string;
  version: string;
  state: ModelState;
  reason: string;
}

/** The models of one server by name: added at start, loaded and unloaded over the repository API. */
export class ModelRepository {
  private readonly models = new Map<string, ServedModel>();

  constructor(private readonly context: ServedModelContext) {}

  /** Adds a model and loads it; a failed load leaves it UNAVAILABLE (the server stays up). */
  async add(source: ModelSource, options: ModelServingOptions): Promise<ServedModel> {
    const spec = parseModelSource(source);
    const name = await modelNameOf(spec);
    if (this.models.has(name))
      throw new MlpError('ALREADY_EXISTS', `Two models are named '${name}': name one of them with NAME=SOURCE (or name in its options).`);
    const model = new ServedModel({ ...spec, name }, options, this.context);
    this.models.set(name, model);
    await model.load();
    return model;
  }

  /** The model named `name` (404 when there is none), at `version` when given. */
  get(name: string, version?: string): ServedModel {
    const model = this.models.get(name);
    if (!model) throw new MlpError('NOT_FOUND', `No model named '${name}' on this server; GET /v2/repository/index lists them.`);
    if (version !== undefined && version !== model.version)
      throw new MlpError('NOT_FOUND', `Model '${name}' has no version '${version}' here; it serves version '${model.version}'.`);
    return model;
  }

  /** The model of `name` if there is one, without throwing (metrics labels). */
  find(name: string): ServedModel | undefined {
    return this.models.get(name);
  }

  list(): ServedModel[] {
    return [...this.models.values()];
  }

  index(): RepositoryEntry[] {
    return this.list().map((model) => ({ name: model.name, version: model.version, state: model.state, reason: model.reason ?? '' }));
  }

  /** Whether every model not deliberately unloaded is ready. */
  allReady(): boolean {
    return this.list().every((model) => model.state === 'READY' || model.reason === 'unloaded');
  }

  async close(): Promise<void> {
    await Promise.all(this.list().map((model) => model.unload('server stopped')));
  }
}
