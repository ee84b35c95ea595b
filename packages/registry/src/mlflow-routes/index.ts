export { registryArtifactPath } from '../content/version-blobs.js';
export { modelVersionJson, registeredModelJson } from './mlflow-json.js';
export { createRegistryRoutes, type RegistryRequest, type RegistryRoute } from './registry-routes.js';
