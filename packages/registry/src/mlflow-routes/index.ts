export { registryArtifactPath } from '../content/version-blobs.js';
export { modelVersionJson, registeredModelJson } from './mlflow-json.js';
export { createRegistryRoutes } from './registry-routes.js';
